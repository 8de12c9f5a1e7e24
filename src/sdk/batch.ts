// A published batch: its status, a progress stream, its results (following new ones until the
// batch is done), and cancel.
import type { BatchStatus, ResultLine } from '../protocol/api.js';
import { base64ToBytes } from '../protocol/encoding.js';
import type { Http } from './http.js';
import type { BatchResult, CancelledStatus, ResultsOptions } from './types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function decode(line: ResultLine): BatchResult {
  return {
    index: line.index,
    ...(line.seq !== undefined ? { seq: line.seq } : {}),
    input: line.inputEncoding === 'base64' ? base64ToBytes(line.input as string) : line.input,
    output: line.outputEncoding === 'base64' ? base64ToBytes(line.output as string) : line.output,
  };
}

export class Batch {
  constructor(
    private readonly http: Http,
    readonly id: string,
    /** From `publish`: the units the batch held when it returned. */
    readonly units?: number,
  ) {}

  /** The batch's route under the API prefix. */
  get path(): string {
    return `/batches/${encodeURIComponent(this.id)}`;
  }

  status(): Promise<BatchStatus> {
    return this.http.json<BatchStatus>('GET', this.path);
  }

  /** Status snapshots every `pollMs` (default 1000) until the batch is done; the last one is done. */
  async *progress(options: { pollMs?: number } = {}): AsyncGenerator<BatchStatus> {
    for (;;) {
      const status = await this.status();
      yield status;
      if (status.done) return;
      await sleep(options.pollMs ?? 1000);
    }
  }

  /**
   * Validated results. In input order a result is given once every unit before it has
   * settled (validated, failed or cancelled); in validated order, as soon as it validates.
   * Following (the default), it waits for new results until the batch is done.
   */
  async *results(options: ResultsOptions = {}): AsyncGenerator<BatchResult> {
    const order = options.order ?? 'input';
    const follow = options.follow ?? true;
    let after = order === 'input' ? -1 : 0;
    for (;;) {
      // Read the status first: if it was done before the page was read, the page is the last.
      const done = follow ? (await this.status()).done : true;
      const query = new URLSearchParams({ order, after: String(after) });
      if (order === 'input' && follow) query.set('settled', 'true');
      let got = 0;
      for await (const line of this.http.lines<ResultLine>(`${this.path}/results?${query}`)) {
        yield decode(line);
        after = line.seq ?? line.index;
        got++;
      }
      if (done && got === 0) return;
      if (!follow) return;
      if (got === 0) await sleep(options.pollMs ?? 1000);
    }
  }

  /** Stops the batch: unsent units never go out, leases in flight are voided; results so far stay. */
  cancel(): Promise<CancelledStatus> {
    return this.http.json<CancelledStatus>('POST', `${this.path}/cancel`, {});
  }

  /** Marks an open batch complete: it takes no more units and is done once they all settle. */
  close(): Promise<BatchStatus> {
    return this.http.json<BatchStatus>('POST', `${this.path}/close`, {});
  }
}
