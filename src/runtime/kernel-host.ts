// Runs one sc1 kernel on one input. Environment-free: used inside browser Web Workers and Node
// worker_threads alike (never on a page's main thread).
import { checkKernelAbi } from '../protocol/abi.js';
import {
  DEFAULT_MAX_MEMORY_BYTES,
  type KernelCallbacks,
  type KernelFailure,
  type KernelOutcome,
} from '../protocol/worker.js';

interface Sc1Exports {
  memory: WebAssembly.Memory;
  alloc(len: number): number;
  run(ptr: number, len: number): number;
  output_ptr(): number;
  output_len(): number;
  resume?(ptr: number, len: number): void;
}

class KernelFault extends Error {
  constructor(readonly failure: KernelFailure) {
    super(failure.message);
  }
}

/** Reads an AssemblyScript string (UTF-16, byte length stored just before it). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr < 4 || ptr > memory.buffer.byteLength) return '';
  const byteLength = new Uint32Array(memory.buffer, ptr - 4, 1)[0] ?? 0;
  const length = Math.min(byteLength, memory.buffer.byteLength - ptr, 8192) >>> 1;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, length));
}

export interface RunOptions {
  maxOutputBytes: number;
  resumeState?: Uint8Array | undefined;
  /** Linear-memory ceiling, checked at every progress report and checkpoint and after the run. */
  maxMemoryBytes?: number | undefined;
}

const MiB = 1024 * 1024;

/** A module's ABI never changes: checked once per compiled module, not once per unit. */
const abiChecks = new WeakMap<WebAssembly.Module, ReturnType<typeof checkKernelAbi>>();

/** Instantiates the module, feeds it the input and returns its output bytes (copied). */
export async function runKernel(
  module: WebAssembly.Module,
  input: Uint8Array,
  options: RunOptions,
  callbacks: Partial<KernelCallbacks> = {},
): Promise<KernelOutcome> {
  let abi = abiChecks.get(module);
  if (!abi) abiChecks.set(module, (abi = checkKernelAbi(module)));
  if (!abi.ok) return { ok: false, error: { kind: 'abi', message: `kernel ${abi.reason}` } };
  if (abi.abi !== 'sc1')
    return { ok: false, error: { kind: 'abi', message: `kernel follows the ${abi.abi} ABI, not sc1` } };

  let memory: WebAssembly.Memory | undefined;
  const maxMemory = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  /** The watchdog's memory check: unwinds the kernel (as abort does) once it holds too much. */
  const checkMemory = () => {
    const size = memory?.buffer.byteLength ?? 0;
    if (size <= maxMemory) return;
    throw new KernelFault({
      kind: 'memory',
      message: `kernel memory grew to ${Math.ceil(size / MiB)} MiB, over the limit of ${Math.floor(maxMemory / MiB)} MiB`,
    });
  };
  const imports = {
    sc: {
      progress: (fraction: number) => {
        checkMemory();
        callbacks.progress?.(Math.min(1, Math.max(0, +fraction || 0)));
      },
      checkpoint: (ptr: number, len: number) => {
        if (!memory) return;
        checkMemory();
        callbacks.checkpoint?.(new Uint8Array(memory.buffer, ptr >>> 0, len >>> 0).slice());
      },
    },
    env: {
      abort: (msg: number, file: number, line: number, column: number) => {
        const text = memory ? readAsString(memory, msg) : '';
        const where = memory ? readAsString(memory, file) : '';
        throw new KernelFault({
          kind: 'abort',
          message: `kernel aborted: ${text || 'no message'} (${where}:${line}:${column})`,
        });
      },
    },
  };

  try {
    const instance = await WebAssembly.instantiate(module, imports);
    const exports = instance.exports as unknown as Sc1Exports;
    memory = exports.memory;
    const write = (bytes: Uint8Array): number => {
      const ptr = exports.alloc(bytes.length) >>> 0;
      new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
      return ptr;
    };
    if (options.resumeState && exports.resume) {
      exports.resume(write(options.resumeState), options.resumeState.length);
    }
    const status = exports.run(write(input), input.length);
    checkMemory();
    if (status !== 0) return { ok: false, error: { kind: 'status', message: `kernel returned status ${status}` } };
    const len = exports.output_len() >>> 0;
    if (len > options.maxOutputBytes) {
      return {
        ok: false,
        error: {
          kind: 'output-too-large',
          message: `kernel output of ${len} bytes exceeds the limit of ${options.maxOutputBytes}`,
        },
      };
    }
    const ptr = exports.output_ptr() >>> 0;
    if (ptr + len > exports.memory.buffer.byteLength) {
      return { ok: false, error: { kind: 'trap', message: 'kernel output lies outside its memory' } };
    }
    return { ok: true, output: new Uint8Array(exports.memory.buffer, ptr, len).slice() };
  } catch (err) {
    if (err instanceof KernelFault) return { ok: false, error: err.failure };
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: { kind: 'trap', message: `kernel trapped: ${message}` } };
  }
}
