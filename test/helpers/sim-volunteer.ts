// A simulated volunteer over real HTTP: it registers a key, leases in batches, "computes" a
// unit by a behaviour function instead of a kernel, and returns signed, batched results. Used
// by the swarm, collusion, chaos and fuzz tests and the server benchmark.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Lease, SubmitAck } from '../../src/protocol/api.js';

/** What a simulated volunteer returns for a unit's input: bytes, or null to vanish mid-unit. */
export type Behaviour = (input: Buffer, lease: Lease) => Buffer | null;

/** The right answer for units published with the echo kernel: the input itself. */
export const honest: Behaviour = (input) => input;
export const randomWrong: Behaviour = () => Buffer.from(`wrong ${Math.random()}`);
/** Colluders agree with each other: the same wrong answer for the same input. */
export const colluder: Behaviour = (input) => Buffer.concat([Buffer.from('evil:'), input]);
export const vanishing =
  (share: number, inner: Behaviour = honest): Behaviour =>
  (input, lease) =>
    Math.random() < share ? null : inner(input, lease);

export class SimVolunteer {
  id = '';
  private secret = '';
  private readonly key: KeyObject;
  private readonly publicKey: string;
  readonly acks: SubmitAck[] = [];
  submitted = 0;

  constructor(
    private readonly server: string,
    readonly behaviour: Behaviour,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.key = privateKey;
    this.publicKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  }

  async register(): Promise<void> {
    const body = await this.call<{ volunteer: string; secret: string }>('POST', '/volunteers', {
      publicKey: this.publicKey,
    });
    this.id = body.volunteer;
    this.secret = body.secret;
  }

  async lease(max: number, projects?: string[]): Promise<Lease[]> {
    return (await this.call<{ leases: Lease[] }>('POST', '/lease', projects ? { max, projects } : { max })).leases;
  }

  /** Computes and returns the leases it does not vanish on; returns the acks. */
  async work(leases: Lease[]): Promise<SubmitAck[]> {
    const results = [];
    for (const lease of leases) {
      const output = this.behaviour(Buffer.from(lease.input, 'base64'), lease);
      if (output) results.push({ lease: lease.lease, output: output.toString('base64') });
    }
    if (results.length === 0) return [];
    const acks = (await this.call<{ acks: SubmitAck[] }>('POST', '/results', { results }, true)).acks;
    this.submitted += results.length;
    this.acks.push(...acks);
    return acks;
  }

  /** Leases and works until the server has nothing left for this volunteer. Returns units worked. */
  async runUntilIdle(max = 32, idleRounds = 3, idleMs = 50): Promise<number> {
    let worked = 0;
    for (let idle = 0; idle < idleRounds;) {
      const leases = await this.lease(max);
      if (leases.length === 0) {
        idle++;
        await new Promise((r) => setTimeout(r, idleMs));
        continue;
      }
      idle = 0;
      worked += leases.length;
      await this.work(leases);
    }
    return worked;
  }

  private async call<T>(method: string, path: string, body?: unknown, signed = false): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.secret) headers.authorization = `Bearer ${this.secret}`;
    const text = JSON.stringify(body ?? {});
    if (signed) {
      headers['x-sc-signature'] = sign('sha256', Buffer.from(text), {
        key: this.key,
        dsaEncoding: 'ieee-p1363',
      }).toString('base64');
    }
    const response = await fetch(`${this.server}/api/v1${path}`, { method, headers, body: text });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}
