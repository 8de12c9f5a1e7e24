// The kernel ABI (`sc1`), see docs/KERNELS.md. A kernel exports `memory`, `alloc(len) -> ptr`
// and `run(inPtr, inLen) -> status`; after status 0 it exposes its output through
// `output_ptr()` and `output_len()`. Imports may only come from module `sc` (and AssemblyScript's
// `env.abort`).

export const ABI_SC1 = 'sc1';
export type KernelAbi = typeof ABI_SC1;

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

/** Largest kernel module the server accepts. */
export const MAX_KERNEL_BYTES = 8 * 1024 * 1024;
/** Largest output a kernel may return before it is stopped as an error. */
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Largest single unit input. */
export const MAX_INPUT_BYTES = 1024 * 1024;

export type AbiCheck = { ok: true; abi: KernelAbi } | { ok: false; reason: string };

/**
 * Tells whether a compiled module follows the sc1 ABI, and if not, the first reason why.
 * Pure: it reads the module's import and export lists only.
 */
export function checkKernelAbi(module: WebAssembly.Module): AbiCheck {
  for (const imp of WebAssembly.Module.imports(module)) {
    const allowed = SC1_ALLOWED_IMPORTS[imp.module]?.[imp.name];
    if (allowed !== imp.kind) {
      return {
        ok: false,
        reason: `imports ${imp.kind} "${imp.module}.${imp.name}", but kernels may only import sc.progress, sc.checkpoint and env.abort`,
      };
    }
  }
  const exports = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
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
