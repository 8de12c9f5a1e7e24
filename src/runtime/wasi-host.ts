// Runs one `wasi` kernel — an unmodified wasm32-wasi program — on one input, through
// @bjorn3/browser_wasi_shim. stdin is the input, stdout the output, a non-zero exit code an
// error. There is no file system (no preopened directory, so opening any path fails), no
// network and no environment; the argument list is just ["kernel"]. Clocks and randomness come
// from the shim: a kernel that reads them is not deterministic, which is its author's business.
// Environment-free like kernel-host.ts: used inside browser Web Workers and Node worker_threads.
import { Fd, WASI, WASIProcExit, File, OpenFile, wasi } from '@bjorn3/browser_wasi_shim';
import { ABI_WASI, WASI_IMPORT_MODULE, checkKernelAbi } from '../protocol/abi.js';
import {
  DEFAULT_MAX_MEMORY_BYTES,
  type KernelCallbacks,
  type KernelFailure,
  type KernelOutcome,
} from '../protocol/worker.js';

/** The program's argv. */
export const WASI_ARGS: readonly string[] = ['kernel'];
/** How much of the end of stderr is kept for the error message. */
export const STDERR_TAIL_BYTES = 2048;

export interface WasiRunOptions {
  maxOutputBytes: number;
  /** Linear-memory ceiling, checked at every system call and after the run. */
  maxMemoryBytes?: number | undefined;
  /** Ignored: wasi kernels have no checkpoints. Accepted so runKernel's options fit as they are. */
  resumeState?: Uint8Array | undefined;
}

const MiB = 1024 * 1024;

class KernelFault extends Error {
  constructor(readonly failure: KernelFailure) {
    super(failure.message);
  }
}

/**
 * A write-only stream (stdout, stderr) that hands every write to `sink`. It says it is neither a
 * terminal nor a file (filetype unknown, like a pipe), so programs do not switch to interactive
 * behaviour such as colours, and stdio buffers it fully.
 */
class CaptureFd extends Fd {
  private readonly sink: (chunk: Uint8Array) => void;

  constructor(sink: (chunk: Uint8Array) => void) {
    super();
    this.sink = sink;
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const fdstat = new wasi.Fdstat(wasi.FILETYPE_UNKNOWN, 0);
    fdstat.fs_rights_base = BigInt(wasi.RIGHTS_FD_WRITE);
    return { ret: wasi.ERRNO_SUCCESS, fdstat };
  }

  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat | null } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: new wasi.Filestat(0n, wasi.FILETYPE_UNKNOWN, 0n) };
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    this.sink(data); // the shim copied `data` out of the kernel's memory already
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength };
  }
}

/** Keeps the last `limit` bytes written. */
class Tail {
  private bytes = new Uint8Array(0);
  private cut = false;

  constructor(private readonly limit: number) {}

  push(chunk: Uint8Array): void {
    const total = this.bytes.length + chunk.length;
    if (total <= this.limit) {
      const next = new Uint8Array(total);
      next.set(this.bytes);
      next.set(chunk, this.bytes.length);
      this.bytes = next;
      return;
    }
    this.cut = true;
    const next = new Uint8Array(this.limit);
    const fromChunk = Math.min(chunk.length, this.limit);
    const fromOld = this.limit - fromChunk;
    next.set(this.bytes.subarray(this.bytes.length - fromOld));
    next.set(chunk.subarray(chunk.length - fromChunk), fromOld);
    this.bytes = next;
  }

  /** The tail as one line of text ('' if nothing was written). */
  text(): string {
    let text = new TextDecoder('utf-8', { fatal: false }).decode(this.bytes);
    if (this.cut) text = '…' + text.replace(/^\uFFFD+/, ''); // a character split by the cut
    return text.replace(/\s+/g, ' ').trim();
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Runs a wasm32-wasi program: the input on stdin, its stdout (copied) as the output. Has the
 * shape of runKernel so a worker can pick either by the job's ABI. `callbacks` are accepted for
 * that shape but never called: a wasi program reports no progress and writes no checkpoints.
 */
export async function runWasiKernel(
  module: WebAssembly.Module,
  input: Uint8Array,
  options: WasiRunOptions,
  _callbacks: Partial<KernelCallbacks> = {},
): Promise<KernelOutcome> {
  const abi = checkKernelAbi(module);
  if (!abi.ok) return { ok: false, error: { kind: 'abi', message: `kernel ${abi.reason}` } };
  if (abi.abi !== ABI_WASI) {
    return { ok: false, error: { kind: 'abi', message: `kernel follows the ${abi.abi} ABI, not wasi` } };
  }

  const maxOutput = options.maxOutputBytes;
  const stdout: Uint8Array[] = [];
  let stdoutBytes = 0;
  const stderr = new Tail(STDERR_TAIL_BYTES);
  const fds = [
    new OpenFile(new File(input, { readonly: true })), // stdin: the input, read-only
    new CaptureFd((chunk) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutput) {
        throw new KernelFault({
          kind: 'output-too-large',
          message: `kernel output exceeds the limit of ${maxOutput} bytes (stopped at ${stdoutBytes} bytes written to stdout)`,
        });
      }
      stdout.push(chunk);
    }),
    new CaptureFd((chunk) => stderr.push(chunk)),
  ];
  const shim = new WASI([...WASI_ARGS], [], fds);

  let memory: WebAssembly.Memory | undefined;
  const maxMemory = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  /** The watchdog's memory check, as in kernel-host: unwinds the program once it holds too much. */
  const checkMemory = () => {
    const size = memory?.buffer.byteLength ?? 0;
    if (size <= maxMemory) return;
    throw new KernelFault({
      kind: 'memory',
      message: `kernel memory grew to ${Math.ceil(size / MiB)} MiB, over the limit of ${Math.floor(maxMemory / MiB)} MiB`,
    });
  };
  // Every system call passes the memory check first; the shim does the rest.
  const imports: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [name, call] of Object.entries(shim.wasiImport)) {
    imports[name] = (...args: unknown[]) => {
      checkMemory();
      return call(...args);
    };
  }

  const withStderr = (message: string): string => {
    const tail = stderr.text();
    return tail ? `${message}: ${tail}` : message;
  };

  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, { [WASI_IMPORT_MODULE]: imports });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof WebAssembly.LinkError) {
      return { ok: false, error: { kind: 'abi', message: `kernel cannot be linked: ${message}` } };
    }
    return { ok: false, error: { kind: 'trap', message: `kernel trapped while starting: ${message}` } };
  }

  let code: number;
  try {
    const exports = instance.exports as unknown as { memory: WebAssembly.Memory; _start: () => unknown };
    memory = exports.memory;
    code = shim.start({ exports }); // returns the exit code; proc_exit arrives as WASIProcExit, caught there
    checkMemory();
  } catch (err) {
    if (err instanceof KernelFault) return { ok: false, error: err.failure };
    if (err instanceof WASIProcExit)
      code = err.code; // in case the shim lets one through
    else {
      // wasm traps are Errors; the shim throws bare strings for a few calls (sockets, proc_raise)
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, error: { kind: 'trap', message: withStderr(`kernel trapped: ${message}`) } };
    }
  }
  if (code !== 0) return { ok: false, error: { kind: 'status', message: withStderr(`exit code ${code}`) } };
  return { ok: true, output: concat(stdout, stdoutBytes) };
}
