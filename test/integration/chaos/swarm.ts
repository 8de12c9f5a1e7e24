// Simulated volunteers that treat the server like a real client would while it is killed again and
// again: on a network error or a 5xx they wait and resend the same results; now and then they send
// acknowledged results again, as a client that lost the response would. The swarm keeps every
// acknowledged result, to check afterwards that none was lost.
import type { Lease, SubmitAck } from '../../../src/protocol/api.js';
import { SimVolunteer, type Behaviour } from '../../helpers/sim-volunteer.js';
import { between, sleep } from './timing.js';

export interface SwarmOptions {
  leaseMax: number;
  /** Simulated compute time per unit. */
  computeMs: [number, number];
  /** Share of acknowledged submissions sent again, as a client that lost the response would. */
  replayShare: number;
  replayAfterMs: [number, number];
}

/** An acknowledged result as the volunteer sent it. */
export interface Acked {
  volunteer: string;
  outcome: SubmitAck['outcome'];
  output: Buffer;
}

const pause = () => sleep(between([100, 300]));

/** A behaviour that decides each lease once, so a resend carries exactly the same result. */
function remembering(inner: Behaviour): { behaviour: Behaviour; sent: Map<string, Buffer | null> } {
  const sent = new Map<string, Buffer | null>();
  const behaviour: Behaviour = (input, lease) => {
    if (!sent.has(lease.lease)) sent.set(lease.lease, inner(input, lease));
    return sent.get(lease.lease)!;
  };
  return { behaviour, sent };
}

export class Swarm {
  /** What went wrong while the swarm ran (anything here fails the test). */
  readonly problems: string[] = [];
  readonly serverErrors: string[] = [];
  readonly acked = new Map<string, Acked>();
  readonly stats = {
    leased: 0,
    submissions: 0,
    resends: 0,
    replays: 0,
    /** Results whose first send was committed but never answered (a kill in between). */
    committedUnanswered: 0,
    accepted: 0,
    duplicate: 0,
    late: 0,
    rejected: 0,
  };
  /** Set by the chaos monkey to hear when a volunteer sends results. */
  submissionStarted: (() => void) | undefined;
  /** A moving average of how long a successful submission takes, in ms. */
  submitMs = 10;
  private finishing = false;
  private halted = false;

  constructor(
    private readonly server: { readonly url: string },
    private readonly options: SwarmOptions,
  ) {}

  /** Lets every volunteer finish the submission it is on, then stop. */
  finish(): void {
    this.finishing = true;
  }

  /** Stops every volunteer at once: the test is over. */
  halt(): void {
    this.finishing = true;
    this.halted = true;
  }

  /** Network error (server down) or 5xx: retry. Anything else is a bug in the server or the test. */
  retryable(err: unknown, what: string): boolean {
    const message = err instanceof Error ? err.message : String(err);
    const status = /^\w+ \S+: (\d{3}) /.exec(message)?.[1];
    if (status === undefined) return true; // fetch failed: connection refused or reset
    if (Number(status) >= 500) {
      this.serverErrors.push(`${what}: ${message.slice(0, 300)}`);
      return true;
    }
    this.problems.push(`${what}: ${message.slice(0, 300)}`);
    return false;
  }

  /** Runs one volunteer until finish() or halt(), or a non-retryable error. */
  async volunteer(inner: Behaviour): Promise<void> {
    const { behaviour, sent } = remembering(inner);
    const volunteer = new SimVolunteer(this.server.url, behaviour);
    for (;;) {
      if (this.halted) return;
      try {
        await volunteer.register();
        break;
      } catch (err) {
        if (!this.retryable(err, 'POST /volunteers')) return;
        await pause();
      }
    }
    while (!this.finishing) {
      let leases: Lease[];
      try {
        leases = await volunteer.lease(this.options.leaseMax);
      } catch (err) {
        if (!this.retryable(err, 'POST /lease')) return;
        await pause();
        continue;
      }
      if (leases.length === 0) {
        await pause();
        continue;
      }
      this.stats.leased += leases.length;
      await sleep(leases.length * between(this.options.computeMs));
      if (!(await this.submit(volunteer, leases, sent, false))) return;
      // Now and then act as if the response had been lost: send the same results again, maybe
      // across a kill. The server must answer `duplicate` for every one.
      if (Math.random() < this.options.replayShare) {
        await sleep(between(this.options.replayAfterMs));
        if (!(await this.submit(volunteer, leases, sent, true))) return;
      }
    }
  }

  /** Sends the results for `leases` until the server acknowledges them; false on a non-retryable error. */
  private async submit(
    volunteer: SimVolunteer,
    leases: Lease[],
    sent: Map<string, Buffer | null>,
    replay: boolean,
  ): Promise<boolean> {
    const { stats, problems } = this;
    for (let attempt = 0; !this.halted; attempt++) {
      if (attempt > 0) stats.resends++;
      if (replay) stats.replays++;
      stats.submissions++;
      let acks: SubmitAck[];
      this.submissionStarted?.();
      const sentAt = performance.now();
      try {
        acks = await volunteer.work(leases);
        this.submitMs = 0.8 * this.submitMs + 0.2 * (performance.now() - sentAt);
      } catch (err) {
        if (!this.retryable(err, 'POST /results')) return false;
        await pause();
        continue;
      }
      for (const ack of acks) {
        stats[ack.outcome]++;
        if (ack.outcome === 'rejected') {
          problems.push(`lease ${ack.lease} rejected on attempt ${attempt + 1}: ${ack.code} ${ack.message}`);
          continue;
        }
        if (!replay && attempt > 0 && ack.outcome === 'duplicate') stats.committedUnanswered++;
        if (replay && ack.outcome !== 'duplicate')
          problems.push(`lease ${ack.lease}: an acknowledged result sent again came back ${ack.outcome}`);
        const output = sent.get(ack.lease);
        if (!output) {
          problems.push(`an ack for lease ${ack.lease}, which was not sent`);
          continue;
        }
        const before = this.acked.get(ack.lease);
        if (before && !before.output.equals(output)) problems.push(`lease ${ack.lease} acked with two outputs`);
        if (!before || before.outcome === 'duplicate')
          this.acked.set(ack.lease, { volunteer: volunteer.id, outcome: ack.outcome, output });
      }
      return true;
    }
    return true;
  }
}
