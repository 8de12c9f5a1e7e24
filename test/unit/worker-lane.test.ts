// A lane keeps one thread fed: jobs queued behind the running one start when it ends, the time
// budget runs only for the job at the head, and a thread that fails (timeout, crash, memory) is
// replaced with the queued jobs sent again, bytes included. Driven by fake threads.
import { describe, expect, it, vi } from 'vitest';
import type { KernelCallbacks, KernelJob, KernelOutcome } from '../../src/protocol/worker.js';
import type { KernelWorker } from '../../src/runtime/ports.js';
import { WorkerPool } from '../../src/runtime/worker-pool.js';

/** A thread that answers only when the test says so, and records what it was sent. */
class FakeThread implements KernelWorker {
  readonly sent: KernelJob[] = [];
  readonly answers: ((outcome: KernelOutcome) => void)[] = [];
  readonly callbacks: KernelCallbacks[] = [];
  terminated = false;
  crash: ((reason: string) => void) | undefined;
  run(job: KernelJob, callbacks: KernelCallbacks): Promise<KernelOutcome> {
    this.sent.push(job);
    this.callbacks.push(callbacks);
    return new Promise((resolve) => this.answers.push(resolve));
  }
  terminate(): void {
    this.terminated = true;
  }
  onCrash(listener: (reason: string) => void): void {
    this.crash = listener;
  }
}

function fixture() {
  const threads: FakeThread[] = [];
  const pool = new WorkerPool({
    create: () => {
      const thread = new FakeThread();
      threads.push(thread);
      return thread;
    },
  });
  return { pool, threads, lane: pool.lane() };
}

const job = (name: string): KernelJob => ({
  kernelHash: 'k',
  kernel: new Uint8Array([1, 2, 3]),
  input: new TextEncoder().encode(name),
  maxOutputBytes: 1024,
});
const ok = (text: string): KernelOutcome => ({ ok: true, output: new TextEncoder().encode(text) });
const noop: KernelCallbacks = { progress() {}, checkpoint() {} };
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Lane', () => {
  it('sends a queued job to the same thread at once, the module bytes only the first time', async () => {
    const { lane, threads } = fixture();
    const first = lane.run(job('a'), { timeoutMs: 10_000 }, noop);
    const second = lane.run(job('b'), { timeoutMs: 10_000 }, noop);
    expect(threads).toHaveLength(1);
    expect(threads[0]!.sent.map((j) => j.kernel !== undefined)).toEqual([true, false]);
    expect(lane.depth).toBe(2);
    threads[0]!.answers[0]!(ok('A'));
    threads[0]!.answers[1]!(ok('B'));
    expect(await first).toEqual(ok('A'));
    expect(await second).toEqual(ok('B'));
    expect(lane.depth).toBe(0);
  });

  it('starts the time budget of a queued job only when it reaches the head', async () => {
    vi.useFakeTimers();
    try {
      const { lane, threads } = fixture();
      const first = lane.run(job('a'), { timeoutMs: 60 }, noop);
      const second = lane.run(job('b'), { timeoutMs: 60 }, noop);
      vi.advanceTimersByTime(40);
      threads[0]!.answers[0]!(ok('A'));
      await first;
      // 40 ms queued + 40 ms at the head: within its own 60 ms budget.
      vi.advanceTimersByTime(40);
      threads[0]!.answers[1]!(ok('B'));
      expect(await second).toEqual(ok('B'));
      // The next one, left at the head past its budget, is stopped.
      const third = lane.run(job('c'), { timeoutMs: 60 }, noop);
      vi.advanceTimersByTime(61);
      expect(await third).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    } finally {
      vi.useRealTimers();
    }
  });

  it('replaces a thread that ran past its budget and sends the queued job again, bytes included', async () => {
    const { lane, threads } = fixture();
    const stuck = lane.run(job('loop'), { timeoutMs: 30 }, noop);
    const next = lane.run(job('b'), { timeoutMs: 10_000 }, noop);
    expect(await stuck).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(threads[0]!.terminated).toBe(true);
    expect(threads).toHaveLength(2);
    expect(threads[1]!.sent.map((j) => new TextDecoder().decode(j.input))).toEqual(['b']);
    expect(threads[1]!.sent[0]!.kernel).toBeDefined();
    // The old thread answering late changes nothing.
    threads[0]!.answers[1]!(ok('stale'));
    threads[1]!.answers[0]!(ok('B'));
    expect(await next).toEqual(ok('B'));
  });

  it('reports a crash as the running job’s error and carries on with the queued one', async () => {
    const { lane, threads } = fixture();
    const crashed = lane.run(job('a'), { timeoutMs: 10_000 }, noop);
    const next = lane.run(job('b'), { timeoutMs: 10_000 }, noop);
    threads[0]!.crash!('out of memory');
    expect(await crashed).toMatchObject({ ok: false, error: { kind: 'crash', message: /out of memory/ } });
    threads[1]!.answers[0]!(ok('B'));
    expect(await next).toEqual(ok('B'));
  });

  it('rejects every job with AbortError when the pool stops', async () => {
    const { pool, lane } = fixture();
    const results = [lane.run(job('a'), { timeoutMs: 10_000 }, noop), lane.run(job('b'), { timeoutMs: 10_000 }, noop)];
    pool.stop();
    for (const result of results) await expect(result).rejects.toThrow(/stopped/);
  });

  it('keeps each job’s progress with that job', async () => {
    const { lane, threads } = fixture();
    const seen: string[] = [];
    void lane.run(job('a'), { timeoutMs: 10_000 }, { progress: (f) => seen.push(`a ${f}`), checkpoint() {} });
    void lane.run(job('b'), { timeoutMs: 10_000 }, { progress: (f) => seen.push(`b ${f}`), checkpoint() {} });
    threads[0]!.callbacks[0]!.progress(0.5);
    threads[0]!.callbacks[1]!.progress(0.25);
    await tick();
    expect(seen).toEqual(['a 0.5', 'b 0.25']);
  });
});
