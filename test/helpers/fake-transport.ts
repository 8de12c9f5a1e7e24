// A Transport backed by a real store-less scheduler stand-in: it hands out prepared leases and
// records submissions, and can be told to fail like a flaky network.
import {
  MAX_LEASE_UNITS,
  MAX_RESULTS_BODY_BYTES,
  type Lease,
  type RegisterVolunteerResponse,
  type SubmitAck,
  type VolunteerInfo,
} from '../../src/protocol/api.js';
import { base64Length } from '../../src/protocol/encoding.js';
import { ServerError } from '../../src/runtime/errors.js';
import type { Credentials, OutboxEntry, Transport } from '../../src/runtime/ports.js';

export class FakeTransport implements Transport {
  readonly submitted: OutboxEntry[] = [];
  failSubmits = 0;
  submitCalls = 0;
  /** Lease requests to fail as a flaky network would, before answering again. */
  failLeases = 0;
  /** The `max` of every lease request. */
  readonly leaseAsks: number[] = [];

  constructor(
    private readonly pending: Lease[],
    private readonly kernels: Map<string, Uint8Array>,
  ) {}

  async register(): Promise<RegisterVolunteerResponse> {
    return { volunteer: 'v_test', secret: 'scv_test', name: 'test' };
  }
  async lease(_credentials: Credentials, max: number): Promise<Lease[]> {
    this.leaseAsks.push(max);
    // As the real server's schema does.
    if (max > MAX_LEASE_UNITS) throw new ServerError(400, 'SC_BAD_REQUEST', `body/max must be <= ${MAX_LEASE_UNITS}`);
    if (this.failLeases > 0) {
      this.failLeases--;
      throw new ServerError(503, 'SC_HTTP_503', 'service unavailable');
    }
    return this.pending.splice(0, max);
  }
  async submit(_credentials: Credentials, results: OutboxEntry[]): Promise<SubmitAck[]> {
    this.submitCalls++;
    // As the real server's body limit does (outputs travel as base64).
    const bytes = results.reduce((sum, r) => sum + base64Length(r.output?.length ?? 0) + 100, 0);
    if (bytes > MAX_RESULTS_BODY_BYTES) throw new ServerError(413, 'SC_BODY_TOO_LARGE', `${bytes} bytes`);
    if (this.failSubmits > 0) {
      this.failSubmits--;
      throw new ServerError(503, 'SC_HTTP_503', 'service unavailable');
    }
    this.submitted.push(...results);
    return results.map((r) => ({ lease: r.lease, outcome: 'accepted' as const }));
  }
  async kernel(hash: string): Promise<Uint8Array> {
    const bytes = this.kernels.get(hash);
    if (!bytes) throw new ServerError(404, 'SC_KERNEL_UNKNOWN', 'no such kernel');
    return bytes;
  }
  async me(credentials: Credentials): Promise<VolunteerInfo> {
    return {
      volunteer: credentials.volunteer,
      name: credentials.name,
      credit: 0,
      validated: 0,
      invalid: 0,
      pending: 0,
    };
  }
}
