// Honest simulated volunteers spread over several server processes while some of those processes
// are SIGKILLed: a request that finds no server (killed, restarting) goes to the next one in the
// volunteer's round robin, a 5xx is retried, and results are resent until acknowledged (now and
// then also after an acknowledgement, as a client that lost the response would). The crowd keeps
// what every volunteer was told (leases handed out, acknowledged results, which process answered
// when) so the test can hold the store to it afterwards.
import type { Lease, SubmitAck } from '../../../src/protocol/api.js';
import { SpreadVolunteer, type SentResult } from '../../helpers/spread-volunteer.js';
import type { Acked } from '../chaos/swarm.js';
import { between, sleep } from '../chaos/timing.js';

export interface CrowdOptions {
  leaseMax: number;
  /** Simulated compute time per lease batch. */
  computeMs: [number, number];
  /** Share of acknowledged submissions sent again. */
  replayShare: number;
}

/** One answer from one process, for "the others carry on" and "the restarted one serves". */
export interface Answer {
  at: number;
  server: number;
  kind: 'lease' | 'results';
}

const RETRY_MS: [number, number] = [20, 80];

export class Crowd {
  /** What went wrong (anything here fails the test). */
  readonly problems: string[] = [];
  readonly serverErrors: string[] = [];
  readonly acked = new Map<string, Acked>();
  /** Lease id → the volunteer it was handed to. */
  readonly leasedTo = new Map<string, string>();
  readonly answers: Answer[] = [];
  readonly stats = {
    leased: 0,
    submissions: 0,
    resends: 0,
    replays: 0,
    unanswered: 0,
    accepted: 0,
    duplicate: 0,
    late: 0,
  };
  private finishing = false;
  private halted = false;

  constructor(
    private readonly servers: readonly string[],
    private readonly options: CrowdOptions,
  ) {}

  /** Lets every volunteer finish the submission it is on, then stop. */
  finish(): void {
    this.finishing = true;
  }

  /** Stops every volunteer at once. */
  halt(): void {
    this.finishing = true;
    this.halted = true;
  }

  /** Answers from `server` (or from every other server, with `others`) in [from, to). */
  answered(server: number, from: number, to = Infinity, others = false): number {
    return this.answers.filter((a) => (others ? a.server !== server : a.server === server) && a.at >= from && a.at < to)
      .length;
  }

  /** No server answered (connection refused or reset: a killed process) or a 5xx: retry elsewhere. */
  private retryable(err: unknown, what: string): boolean {
    const message = err instanceof Error ? err.message : String(err);
    const status = /^\w+ \S+: (\d{3}) /.exec(message)?.[1];
    if (status === undefined) return true;
    if (Number(status) >= 500) {
      this.serverErrors.push(`${what}: ${message.slice(0, 300)}`);
      return true;
    }
    this.problems.push(`${what}: ${message.slice(0, 300)}`);
    return false;
  }

  /** Runs one honest volunteer until finish() or halt(), or a non-retryable error. */
  async volunteer(): Promise<void> {
    const volunteer = new SpreadVolunteer(this.servers);
    for (;;) {
      if (this.halted) return;
      try {
        await volunteer.register();
        break;
      } catch (err) {
        if (!this.retryable(err, 'POST /volunteers')) return;
        await sleep(between(RETRY_MS));
      }
    }
    const units = new Set<string>();
    while (!this.finishing) {
      let leases: Lease[];
      try {
        const answer = await volunteer.lease(this.options.leaseMax);
        leases = answer.body;
        this.answers.push({ at: Date.now(), server: answer.server, kind: 'lease' });
      } catch (err) {
        if (!this.retryable(err, 'POST /lease')) return;
        await sleep(between(RETRY_MS));
        continue;
      }
      if (leases.length === 0) {
        await sleep(between([100, 300]));
        continue;
      }
      for (const lease of leases) this.handedOut(volunteer.id, lease, units);
      await sleep(between(this.options.computeMs));
      // Honest: the echo kernel's output is its input.
      const results = leases.map((l) => ({ lease: l.lease, output: l.input }));
      if (!(await this.submit(volunteer, results, false))) return;
      if (Math.random() < this.options.replayShare && !(await this.submit(volunteer, results, true))) return;
    }
  }

  private handedOut(volunteer: string, lease: Lease, units: Set<string>): void {
    this.stats.leased++;
    const before = this.leasedTo.get(lease.lease);
    if (before !== undefined) this.problems.push(`lease ${lease.lease} handed to ${before} and then to ${volunteer}`);
    this.leasedTo.set(lease.lease, volunteer);
    if (units.has(lease.unit)) this.problems.push(`unit ${lease.unit} leased to volunteer ${volunteer} twice`);
    units.add(lease.unit);
  }

  /** Sends results until acknowledged; false on a non-retryable error. */
  private async submit(volunteer: SpreadVolunteer, results: SentResult[], replay: boolean): Promise<boolean> {
    const { stats, problems } = this;
    for (let attempt = 0; !this.halted; attempt++) {
      if (attempt > 0) stats.resends++;
      if (replay) stats.replays++;
      stats.submissions++;
      let acks: SubmitAck[];
      try {
        const answer = await volunteer.submit(results);
        acks = answer.body;
        this.answers.push({ at: Date.now(), server: answer.server, kind: 'results' });
      } catch (err) {
        if (!this.retryable(err, 'POST /results')) return false;
        await sleep(between(RETRY_MS));
        continue;
      }
      const sent = new Map(results.map((r) => [r.lease, Buffer.from(r.output, 'base64')]));
      for (const ack of acks) {
        if (ack.outcome === 'rejected') {
          problems.push(`lease ${ack.lease} rejected: ${ack.code} ${ack.message}`);
          continue;
        }
        stats[ack.outcome]++;
        if (!replay && attempt > 0 && ack.outcome === 'duplicate') stats.unanswered++;
        if (replay && ack.outcome !== 'duplicate')
          problems.push(`lease ${ack.lease}: an acknowledged result sent again came back ${ack.outcome}`);
        const output = sent.get(ack.lease);
        if (!output) {
          problems.push(`an ack for lease ${ack.lease}, which was not sent`);
          continue;
        }
        const before = this.acked.get(ack.lease);
        if (before && before.volunteer !== volunteer.id) problems.push(`lease ${ack.lease} acked to two volunteers`);
        if (!before || before.outcome === 'duplicate')
          this.acked.set(ack.lease, { volunteer: volunteer.id, outcome: ack.outcome, output });
      }
      if (acks.length !== results.length) problems.push(`${results.length} results sent, ${acks.length} acks`);
      return true;
    }
    return true;
  }
}
