// A simulated volunteer whose requests are spread over several server processes on one store,
// as a load balancer without stickiness would spread them: each request goes to the next server
// in the volunteer's own round robin (from a random start), so its lease and the result for it
// usually land on different processes. Same wire behaviour as SimVolunteer (registered key,
// batched leases, one signed batch of results per request); it also says which server answered.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Lease, SubmitAck } from '../../src/protocol/api.js';

export interface Answered<T> {
  body: T;
  /** Index in the server list of the process that answered. */
  server: number;
}

/** A result as the volunteer sends it: output bytes, base64. */
export interface SentResult {
  lease: string;
  output: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

export class SpreadVolunteer {
  id = '';
  private secret = '';
  private readonly key: KeyObject;
  private readonly publicKey: string;
  private turn: number;

  constructor(private readonly servers: readonly string[]) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.key = privateKey;
    this.publicKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    this.turn = Math.floor(Math.random() * servers.length);
  }

  async register(): Promise<number> {
    const { body, server } = await this.call<{ volunteer: string; secret: string }>('POST', '/volunteers', {
      publicKey: this.publicKey,
    });
    this.id = body.volunteer;
    this.secret = body.secret;
    return server;
  }

  async lease(max: number, projects?: string[]): Promise<Answered<Lease[]>> {
    const { body, server } = await this.call<{ leases: Lease[] }>(
      'POST',
      '/lease',
      projects ? { max, projects } : { max },
    );
    return { body: body.leases, server };
  }

  async submit(results: SentResult[]): Promise<Answered<SubmitAck[]>> {
    const { body, server } = await this.call<{ acks: SubmitAck[] }>('POST', '/results', { results }, true);
    return { body: body.acks, server };
  }

  /** Throws `METHOD /path: status text` on an HTTP error, or fetch's own error when no server answered. */
  private async call<T>(method: string, path: string, body: unknown, signed = false): Promise<Answered<T>> {
    const server = this.turn;
    this.turn = (this.turn + 1) % this.servers.length;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.secret) headers.authorization = `Bearer ${this.secret}`;
    const text = JSON.stringify(body);
    if (signed) {
      headers['x-sc-signature'] = sign('sha256', Buffer.from(text), {
        key: this.key,
        dsaEncoding: 'ieee-p1363',
      }).toString('base64');
    }
    const response = await fetch(`${this.servers[server]}/api/v1${path}`, {
      method,
      headers,
      body: text,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return { body: (await response.json()) as T, server };
  }
}
