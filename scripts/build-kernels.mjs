// Compiles the AssemblyScript kernels: src/kernels/<name>/kernel.ts -> <outDir>/kernels/<name>.wasm
// and test/fixtures/kernels/<name>.ts -> <outDir>/test-kernels/<name>.wasm. A kernel in
// SIMD_KERNELS is built twice: <name>-scalar.wasm without SIMD, and <name>.wasm with SIMD that
// carries the scalar build in its `sc.fallback` custom section (see src/protocol/kernel-fallback.ts).
// Usable as a module (buildKernels) and as a CLI (`node scripts/build-kernels.mjs [outDir]`).
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import asc from 'assemblyscript/asc';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED_IMPORTS = new Set(['sc.progress', 'sc.checkpoint', 'env.abort']);
const REQUIRED_EXPORTS = ['memory', 'alloc', 'run', 'output_ptr', 'output_len'];
// Stub runtime: one run per instance, so a bump allocator without GC is all a kernel needs,
// and it keeps the module free of imports beyond env.abort.
const ASC_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert'];
/** Kernels with a 128-bit SIMD inner loop (ASC_FEATURE_SIMD) and a scalar fallback build. */
const SIMD_KERNELS = new Set(['alignment', 'lorenz96']);
const FALLBACK_SECTION = 'sc.fallback';

async function listTs(dir) {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
  } catch {
    return [];
  }
}

async function mtime(file) {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/** Every kernel to build, with the sources whose change should trigger a rebuild. */
async function findTargets(outDir) {
  const kernelsDir = join(root, 'src/kernels');
  const fixturesDir = join(root, 'test/fixtures/kernels');
  const shared = await listTs(join(kernelsDir, 'shared'));
  const fixtureLib = await listTs(join(fixturesDir, 'lib'));
  const toolchain = [fileURLToPath(import.meta.url), join(root, 'node_modules/assemblyscript/package.json')];
  const targets = [];
  for (const entry of await readdir(kernelsDir, { withFileTypes: true })) {
    const source = join(kernelsDir, entry.name, 'kernel.ts');
    if (!entry.isDirectory() || (await mtime(source)) === -Infinity) continue;
    const out = join(outDir, 'kernels', `${entry.name}.wasm`);
    const own = await listTs(join(kernelsDir, entry.name));
    const deps = [...own, ...shared, ...toolchain];
    if (SIMD_KERNELS.has(entry.name)) {
      const scalar = join(outDir, 'kernels', `${entry.name}-scalar.wasm`);
      targets.push({ name: `${entry.name}-scalar`, source, out: scalar, deps, strict: true, flags: [] });
      targets.push({
        name: entry.name,
        source,
        out,
        deps: [...deps, scalar],
        strict: true,
        flags: ['--enable', 'simd'],
        fallback: scalar,
      });
      continue;
    }
    targets.push({ name: entry.name, source, out, deps, strict: true, flags: [] });
  }
  for (const source of await listTs(fixturesDir)) {
    const name = basename(source, '.ts');
    const out = join(outDir, 'test-kernels', `${name}.wasm`);
    // Fixtures may break the ABI on purpose (bad-import), so their imports are not checked.
    targets.push({
      name,
      source,
      out,
      deps: [source, ...shared, ...fixtureLib, ...toolchain],
      strict: false,
      flags: [],
    });
  }
  return targets;
}

/** Throws unless the module imports only what sc1 allows and exports what it requires. */
function checkSc1(name, bytes) {
  const module = new WebAssembly.Module(bytes);
  for (const imp of WebAssembly.Module.imports(module)) {
    if (!ALLOWED_IMPORTS.has(`${imp.module}.${imp.name}`)) {
      throw new Error(`kernel ${name} imports ${imp.module}.${imp.name}; only sc.*, env.abort are allowed`);
    }
  }
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = REQUIRED_EXPORTS.filter((e) => !exported.has(e));
  if (missing.length) throw new Error(`kernel ${name} does not export ${missing.join(', ')}`);
}

async function compile(target) {
  let wasm = null;
  const { error, stderr } = await asc.main(
    [relative(root, target.source), '--baseDir', root, '--outFile', 'out.wasm', ...ASC_FLAGS, ...target.flags],
    {
      readFile: (file, baseDir) => readFile(resolve(baseDir, file), 'utf8').catch(() => null),
      // Keep the binary in memory so it can be checked and then written atomically.
      writeFile: (file, contents) => {
        if (file.endsWith('.wasm')) wasm = contents;
      },
      listFiles: async (dir, baseDir) => {
        try {
          return (await readdir(resolve(baseDir, dir))).filter((f) => f.endsWith('.ts'));
        } catch {
          return null;
        }
      },
    },
  );
  if (error || !wasm) {
    const detail = stderr.toString().trim();
    throw new Error(`cannot compile ${relative(root, target.source)}: ${error?.message ?? 'no output'}\n${detail}`);
  }
  return wasm;
}

function leb128(n) {
  const bytes = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    bytes.push(b);
  } while (n !== 0);
  return bytes;
}

/** Appends a custom section `name` holding `payload` (wasm allows custom sections anywhere). */
function withCustomSection(wasm, name, payload) {
  const nameBytes = new TextEncoder().encode(name);
  const body = [...leb128(nameBytes.length), ...nameBytes];
  const size = body.length + payload.length;
  return Buffer.concat([Buffer.from(wasm), Buffer.from([0, ...leb128(size), ...body]), Buffer.from(payload)]);
}

/**
 * Builds every kernel whose output is missing or older than one of its sources.
 * Returns one entry per kernel, with `built` false when it was up to date.
 */
export async function buildKernels({ outDir = join(root, 'dist'), log = console.log } = {}) {
  const results = [];
  for (const target of await findTargets(resolve(outDir))) {
    const outTime = await mtime(target.out);
    const newest = Math.max(...(await Promise.all(target.deps.map(mtime))));
    if (outTime > newest) {
      results.push({ name: target.name, path: target.out, built: false });
      continue;
    }
    const started = performance.now();
    let wasm = await compile(target);
    if (target.strict) checkSc1(target.name, wasm);
    if (target.fallback) wasm = withCustomSection(wasm, FALLBACK_SECTION, await readFile(target.fallback));
    await mkdir(dirname(target.out), { recursive: true });
    // Write then rename, so concurrent builds and readers never see half a module.
    const tmp = `${target.out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, wasm);
    await rename(tmp, target.out);
    const ms = Math.round(performance.now() - started);
    log(`kernel ${relative(root, target.out)}: ${wasm.length} bytes in ${ms} ms`);
    results.push({ name: target.name, path: target.out, built: true });
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  buildKernels(outDir ? { outDir } : {}).catch((err) => {
    console.error(`build-kernels: ${err.message}`);
    process.exit(1);
  });
}
