// Fetches kernels once: memory, then the durable store, then the server; a module from the
// server is checked against its content address before it is kept or run.
import type { RuntimeStore, Transport } from './ports.js';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class KernelCache {
  private readonly memory = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly store: RuntimeStore,
    private readonly transport: Transport,
  ) {}

  get(hash: string): Promise<Uint8Array> {
    let pending = this.memory.get(hash);
    if (!pending) {
      pending = this.load(hash);
      this.memory.set(hash, pending);
      pending.catch(() => this.memory.delete(hash));
    }
    return pending;
  }

  private async load(hash: string): Promise<Uint8Array> {
    const stored = await this.store.getKernel(hash);
    if (stored) return stored;
    const bytes = await this.transport.kernel(hash);
    const actual = await sha256Hex(bytes);
    if (actual !== hash) throw new Error(`kernel ${hash} arrived corrupted (its SHA-256 is ${actual})`);
    await this.store.putKernel(hash, bytes);
    return bytes;
  }
}
