// The page's own results: recorded the moment a unit's result is stored, waiting until the
// server says otherwise, asked about only while some wait, and never called confirmed on the
// page's own say-so.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Lease, ResultStatusResponse } from '../../src/protocol/api.js';
import type { OwnResult } from '../../src/app/own-results-db.js';
import { OwnResults } from '../../src/app/own-results.js';
import type { Credentials } from '../../src/runtime/ports.js';

const credentials = { volunteer: 'v1', secret: 'scv_secret', name: 'n', publicKey: 'k' } as unknown as Credentials;

const lease = (id: string, project = 'mandelbrot'): Lease => ({
  lease: id,
  unit: `u${id}`,
  project,
  batch: 'b',
  kernel: 'k',
  abi: 'sc1',
  input: Buffer.from(`{"id":"${id}"}`).toString('base64'),
  deadline: 0,
  maxRunSeconds: 60,
});

class MemoryKeeper {
  rows = new Map<string, OwnResult>();
  async all() {
    return [...this.rows.values()];
  }
  async put(results: readonly OwnResult[]) {
    for (const r of results) this.rows.set(r.lease, r);
  }
  async remove(leases: readonly string[]) {
    for (const l of leases) this.rows.delete(l);
  }
  async destroy() {
    this.rows.clear();
  }
}

function finish(own: OwnResults, id: string, ok = true, project = 'mandelbrot') {
  own.note({ type: 'unit-start', lease: lease(id, project) });
  own.note({
    type: 'unit-done',
    lease: id,
    unit: `u${id}`,
    project,
    ok,
    elapsedMs: 5,
    finishedAt: 1000 + Number(id.replace(/\D/g, '') || 0),
    ...(ok ? { output: new TextEncoder().encode('{"r":1}') } : { error: 'trap' }),
  });
}

describe('own results', () => {
  let answers: ResultStatusResponse[];
  let asked: string[][];
  let keeper: MemoryKeeper;
  let confirmed: number;
  let signedIn: boolean;
  let own: OwnResults;

  beforeEach(() => {
    vi.useFakeTimers();
    answers = [];
    asked = [];
    confirmed = 0;
    signedIn = true;
    keeper = new MemoryKeeper();
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        expect(url).toBe('http://server/api/v1/volunteers/me/results');
        expect((init.headers as Record<string, string>).authorization).toBe('Bearer scv_secret');
        asked.push((JSON.parse(init.body as string) as { leases: string[] }).leases);
        return new Response(JSON.stringify(answers.shift() ?? { results: [] }), { status: 200 });
      }),
    );
    own = new OwnResults(
      'http://server',
      () => (signedIn ? credentials : undefined),
      () => confirmed++,
      keeper,
    );
  });
  afterEach(() => {
    own.stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('shows a result the moment it is stored, as waiting, with its input and output', async () => {
    const seen: (readonly OwnResult[])[] = [];
    own.subscribe('mandelbrot', (results) => seen.push(results));
    finish(own, 'l1');
    expect(seen.at(-1)).toEqual([
      expect.objectContaining({ lease: 'l1', status: 'waiting', input: lease('l1').input, finishedAt: 1001 }),
    ]);
    expect(new TextDecoder().decode(seen.at(-1)![0]!.output)).toBe('{"r":1}');
    expect(own.counts).toEqual({ waiting: 1, confirmed: 0, rejected: 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(keeper.rows.get('l1')?.status).toBe('waiting');
    // Failed units and other projects' results do not reach this project's picture.
    finish(own, 'l2', false);
    finish(own, 'l3', true, 'primes');
    expect(own.list('mandelbrot').map((r) => r.lease)).toEqual(['l1']);
  });

  it('turns confirmed or rejected only when the server says so, and tells the page to refresh credit', async () => {
    finish(own, 'l1');
    finish(own, 'l2');
    answers.push({ results: [{ lease: 'l1', unit: 'ul1', project: 'mandelbrot', status: 'waiting' }] });
    answers.push({
      results: [
        { lease: 'l1', unit: 'ul1', project: 'mandelbrot', status: 'confirmed' },
        { lease: 'l2', unit: 'ul2', project: 'mandelbrot', status: 'rejected' },
      ],
    });
    await vi.advanceTimersByTimeAsync(1500);
    expect(asked).toEqual([['l1', 'l2']]);
    expect(own.counts.confirmed).toBe(0);
    expect(confirmed).toBe(0);
    // An upload may bring the second opinion: the page asks at once.
    own.note({ type: 'uploaded', acks: [] });
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toHaveLength(2);
    expect(own.counts).toEqual({ waiting: 0, confirmed: 1, rejected: 1 });
    expect(confirmed).toBe(1);
    expect(keeper.rows.get('l1')?.status).toBe('confirmed');
    // Nothing waits any more: nothing more is asked.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked).toHaveLength(2);
  });

  it('waits for an identity before asking, and asks less often while nothing changes', async () => {
    signedIn = false;
    finish(own, 'l1');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(asked).toHaveLength(0);
    signedIn = true;
    await vi.advanceTimersByTimeAsync(30_000);
    const early = asked.length;
    expect(early).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(120_000);
    // Backed off to at most one question per 30 s.
    expect(asked.length - early).toBeLessThanOrEqual(5);
    expect(asked.length - early).toBeGreaterThan(0);
  });

  it('loads what earlier visits kept, and forgets everything when asked to', async () => {
    await keeper.put([
      {
        lease: 'old',
        unit: 'u0',
        project: 'mandelbrot',
        input: 'e30=',
        finishedAt: 5,
        status: 'confirmed',
      },
    ]);
    await own.load();
    expect(own.list().map((r) => [r.lease, r.status])).toEqual([['old', 'confirmed']]);
    await own.forget();
    expect(own.list()).toEqual([]);
    expect(keeper.rows.size).toBe(0);
  });
});
