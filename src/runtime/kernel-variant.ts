// Picks which build of a kernel this engine runs: the kernel itself when it validates here, its
// `sc.fallback` build (protocol/kernel-fallback.ts) when it does not, e.g. a SIMD kernel in an
// engine without 128-bit SIMD. Both builds give the same output, so the choice never changes a
// result, only its speed.
import { kernelFallback } from '../protocol/kernel-fallback.js';

/** The smallest module that uses a SIMD instruction: (func (result v128) v128.const 0). */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 11,
]);

let simd: boolean | undefined;

/** Whether this engine has WebAssembly 128-bit SIMD (checked once). */
export function engineHasSimd(): boolean {
  simd ??= WebAssembly.validate(SIMD_PROBE);
  return simd;
}

export interface KernelVariant {
  bytes: Uint8Array;
  variant: 'main' | 'fallback';
}

/**
 * The bytes to compile. `preferFallback` (a volunteer setting or a test) takes the fallback
 * whenever there is one; otherwise the fallback is used only when the kernel is a SIMD kernel
 * in an engine without SIMD, or does not validate here for another reason.
 */
export function chooseKernelVariant(bytes: Uint8Array, preferFallback = false): KernelVariant {
  const fallback = kernelFallback(bytes);
  if (!fallback) return { bytes, variant: 'main' };
  if (preferFallback || !engineHasSimd() || !WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
    return { bytes: fallback, variant: 'fallback' };
  }
  return { bytes, variant: 'main' };
}
