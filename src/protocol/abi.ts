// Kernel ABIs, see docs/KERNELS.md.
//
// `sc1`: a kernel exports `memory`, `alloc(len) -> ptr` and `run(inPtr, inLen) -> status`; after
// status 0 it exposes its output through `output_ptr()` and `output_len()`. Imports may only come
// from module `sc` (and AssemblyScript's `env.abort`).
//
// `wasi`: an unmodified wasm32-wasi program (a "command": exports `_start` and `memory`, imports
// only from `wasi_snapshot_preview1`). stdin is the input, stdout the output, exit code 0 success.

export const ABI_SC1 = 'sc1';
export const ABI_WASI = 'wasi';
export type KernelAbi = typeof ABI_SC1 | typeof ABI_WASI;

export const SC1_REQUIRED_EXPORTS = {
  memory: 'memory',
  alloc: 'function',
  run: 'function',
  output_ptr: 'function',
  output_len: 'function',
} as const;

/** Imports a kernel may declare, by module then name. */
export const SC1_ALLOWED_IMPORTS: Record<string, Record<string, 'function'>> = {
  sc: { progress: 'function', checkpoint: 'function' },
  env: { abort: 'function' },
};

export const SC1_OPTIONAL_EXPORTS = { resume: 'function' } as const;

/** The only module a `wasi` kernel may import from (any of its functions). */
export const WASI_IMPORT_MODULE = 'wasi_snapshot_preview1';

export const WASI_REQUIRED_EXPORTS = { _start: 'function', memory: 'memory' } as const;

/** Largest kernel module the server accepts. */
export const MAX_KERNEL_BYTES = 8 * 1024 * 1024;
/** Largest output a kernel may return before it is stopped as an error. */
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Largest single unit input. */
export const MAX_INPUT_BYTES = 1024 * 1024;

export type AbiCheck = { ok: true; abi: KernelAbi } | { ok: false; reason: string };

/** Exports only sc1 kernels have (`alloc` and `memory` are too common to tell anything). */
const SC1_MARK_EXPORTS = ['run', 'output_ptr', 'output_len', 'resume'];

/**
 * Tells which ABI a compiled module follows, or the first reason it follows neither. A module
 * that imports from `wasi_snapshot_preview1` or exports `_start` is judged as a wasi program,
 * anything else as an sc1 kernel; one that shows marks of both is refused.
 * Pure: it reads the module's import and export lists only.
 */
export function checkKernelAbi(module: WebAssembly.Module): AbiCheck {
  const imports = WebAssembly.Module.imports(module);
  const exports = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const wasiMarks = [
    ...(imports.some((i) => i.module === WASI_IMPORT_MODULE) ? [`imports from ${WASI_IMPORT_MODULE}`] : []),
    ...(exports.has('_start') ? ['exports "_start"'] : []),
  ];
  if (wasiMarks.length === 0) return checkSc1(imports, exports);
  const sc1Marks = [
    ...(imports.some((i) => i.module === 'sc') ? ['imports from sc'] : []),
    ...SC1_MARK_EXPORTS.filter((name) => exports.has(name)).map((name) => `exports "${name}"`),
  ];
  if (sc1Marks.length > 0) {
    return {
      ok: false,
      reason: `mixes the wasi ABI (${wasiMarks.join(', ')}) with the sc1 ABI (${sc1Marks.join(', ')}); a kernel follows one`,
    };
  }
  return checkWasi(imports, exports);
}

function checkSc1(imports: WebAssembly.ModuleImportDescriptor[], exports: Map<string, string>): AbiCheck {
  for (const imp of imports) {
    const allowed = SC1_ALLOWED_IMPORTS[imp.module]?.[imp.name];
    if (allowed !== imp.kind) {
      return {
        ok: false,
        reason: `imports ${imp.kind} "${imp.module}.${imp.name}", but kernels may only import sc.progress, sc.checkpoint and env.abort`,
      };
    }
  }
  for (const [name, kind] of Object.entries(SC1_REQUIRED_EXPORTS)) {
    const found = exports.get(name);
    if (found === undefined)
      return { ok: false, reason: `does not export "${name}" (${kind}) required by the sc1 ABI` };
    if (found !== kind) return { ok: false, reason: `exports "${name}" as a ${found}, but sc1 needs a ${kind}` };
  }
  const resume = exports.get('resume');
  if (resume !== undefined && resume !== 'function')
    return { ok: false, reason: 'exports "resume" but not as a function' };
  return { ok: true, abi: ABI_SC1 };
}

function checkWasi(imports: WebAssembly.ModuleImportDescriptor[], exports: Map<string, string>): AbiCheck {
  for (const imp of imports) {
    if (imp.module !== WASI_IMPORT_MODULE || imp.kind !== 'function') {
      return {
        ok: false,
        reason: `imports ${imp.kind} "${imp.module}.${imp.name}", but a wasi kernel may only import functions from ${WASI_IMPORT_MODULE}`,
      };
    }
  }
  for (const [name, kind] of Object.entries(WASI_REQUIRED_EXPORTS)) {
    const found = exports.get(name);
    if (found === undefined) {
      const hint = name === '_start' ? ' (build a program with a main, not a reactor or library)' : '';
      return { ok: false, reason: `does not export "${name}" (${kind}) required by the wasi ABI${hint}` };
    }
    if (found !== kind) return { ok: false, reason: `exports "${name}" as a ${found}, but wasi needs a ${kind}` };
  }
  return { ok: true, abi: ABI_WASI };
}
