// Admission of an uploaded kernel: size, WebAssembly validity, and its ABI (sc1 or wasi, told
// from the module's imports and exports), each rejected with the reason a project lead can act on.
import { createHash } from 'node:crypto';
import { MAX_KERNEL_BYTES, checkKernelAbi } from '../protocol/abi.js';
import { FALLBACK_SECTION, kernelFallback } from '../protocol/kernel-fallback.js';
import { ApiError } from './api-error.js';
import type { KernelRow } from './store/store.js';

export function admitKernel(bytes: Uint8Array): KernelRow {
  if (bytes.length === 0) throw new ApiError('SC_KERNEL_INVALID', 'the upload is empty');
  if (bytes.length > MAX_KERNEL_BYTES) {
    throw new ApiError('SC_KERNEL_INVALID', `it is ${bytes.length} bytes; the limit is ${MAX_KERNEL_BYTES}`);
  }
  const buffer = bytes as Uint8Array<ArrayBuffer>;
  if (!WebAssembly.validate(buffer)) {
    const magic = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
    throw new ApiError(
      'SC_KERNEL_INVALID',
      magic ? 'the module fails WebAssembly validation' : 'not a WebAssembly module (it does not start with \\0asm)',
    );
  }
  // The ABI is stored with the kernel and travels in every lease, so volunteers pick the right host.
  const abi = checkKernelAbi(new WebAssembly.Module(buffer));
  if (!abi.ok) throw new ApiError('SC_KERNEL_INVALID', `the module ${abi.reason}`);
  // A volunteer whose engine cannot run the module runs its fallback: it must be just as sound.
  const fallback = kernelFallback(bytes);
  if (fallback) {
    const section = `its ${FALLBACK_SECTION} section`;
    if (!WebAssembly.validate(fallback as Uint8Array<ArrayBuffer>)) {
      throw new ApiError('SC_KERNEL_INVALID', `${section} is not a valid WebAssembly module`);
    }
    const fallbackAbi = checkKernelAbi(new WebAssembly.Module(fallback as Uint8Array<ArrayBuffer>));
    if (!fallbackAbi.ok) throw new ApiError('SC_KERNEL_INVALID', `${section}'s module ${fallbackAbi.reason}`);
    if (fallbackAbi.abi !== abi.abi) {
      throw new ApiError('SC_KERNEL_INVALID', `${section} follows the ${fallbackAbi.abi} ABI, not ${abi.abi}`);
    }
  }
  return { hash: createHash('sha256').update(bytes).digest('hex'), abi: abi.abi, bytes };
}
