// RuntimeStore in memory, for runtime tests that need no disk.
import type { Lease } from '../../src/protocol/api.js';
import type { Credentials, OutboxEntry, RuntimeStore } from '../../src/runtime/ports.js';

export class MemoryStore implements RuntimeStore {
  readonly extractableKeys = false;
  credentials: Credentials | undefined;
  readonly units = new Map<string, Lease>();
  readonly outbox = new Map<string, OutboxEntry>();
  readonly kernels = new Map<string, Uint8Array>();
  readonly checkpoints = new Map<string, Uint8Array>();
  /** Every checkpoint write, in order (tests check how often the runtime writes). */
  readonly checkpointWrites: { lease: string; state: Uint8Array; at: number }[] = [];
  running: readonly string[] = [];

  async getCredentials() {
    return this.credentials;
  }
  async putCredentials(credentials: Credentials) {
    this.credentials = credentials;
  }
  async listUnits() {
    return [...this.units.values()].filter((unit) => !this.outbox.has(unit.lease));
  }
  async putUnits(leases: Lease[]) {
    for (const lease of leases) this.units.set(lease.lease, lease);
  }
  async finishUnits(entries: OutboxEntry[]) {
    for (const entry of entries) this.outbox.set(entry.lease, entry);
  }
  async dropUnit(lease: string) {
    this.units.delete(lease);
    this.checkpoints.delete(lease);
  }
  async listOutbox() {
    return [...this.outbox.values()];
  }
  async removeFromOutbox(leases: string[]) {
    for (const lease of leases) {
      this.outbox.delete(lease);
      this.units.delete(lease);
      this.checkpoints.delete(lease);
    }
  }
  async getKernel(hash: string) {
    return this.kernels.get(hash);
  }
  async putKernel(hash: string, bytes: Uint8Array) {
    this.kernels.set(hash, bytes);
  }
  async putCheckpoint(lease: string, state: Uint8Array) {
    this.checkpointWrites.push({ lease, state, at: Date.now() });
    this.checkpoints.set(lease, state);
  }
  async getCheckpoint(lease: string) {
    return this.checkpoints.get(lease);
  }
  async listCheckpoints() {
    return [...this.checkpoints.keys()];
  }
  async dropCheckpoint(lease: string) {
    this.checkpoints.delete(lease);
  }
  setRunning(leases: readonly string[]) {
    this.running = leases;
  }
}
