// The leased-unit buffer: taking a unit reads no storage, leasing happens ahead in the
// background, one request at a time, sized to the volunteer's unit times, and never for more
// than the buffer needs.
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../src/protocol/api.js';
import { base64Length } from '../../src/protocol/encoding.js';
import {
  MAX_PREFETCH_PER_THREAD,
  PREFETCH_BYTES,
  PREFETCH_SECONDS,
  UnitBuffer,
} from '../../src/runtime/unit-buffer.js';
import { MemoryStore } from '../helpers/memory-store.js';

const lease = (i: number, deadline = Date.now() + 600_000, input = ''): Lease => ({
  lease: `l${i}`,
  unit: String(i),
  project: 'p',
  batch: 'b',
  kernel: 'k',
  abi: 'sc1',
  input,
  deadline,
  maxRunSeconds: 30,
});

/** A server with `count` units, answering lease requests when the test lets it. */
function fixture(count: number, threads = 1, prefetch?: number, maxPrefetch?: number, inputBytes = 0) {
  const store = new MemoryStore();
  // One string for every lease: as base64, `inputBytes` of input.
  const input = 'A'.repeat(base64Length(inputBytes));
  let next = 0;
  const requests: number[] = [];
  const held: (() => void)[] = [];
  let hold = false;
  const reads = { list: 0 };
  const listUnits = store.listUnits.bind(store);
  store.listUnits = () => {
    reads.list++;
    return listUnits();
  };
  const buffer = new UnitBuffer(store, {
    threads,
    ...(prefetch !== undefined ? { prefetch } : {}),
    ...(maxPrefetch !== undefined ? { maxPrefetch } : {}),
    now: Date.now,
    lease: async (want) => {
      requests.push(want);
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      const leases = Array.from({ length: Math.min(want, count - next) }, () => lease(next++, undefined, input));
      await store.putUnits(leases);
      return leases;
    },
  });
  return {
    store,
    buffer,
    requests,
    reads,
    hold: (on: boolean) => (hold = on),
    release: () => held.splice(0).forEach((resolve) => resolve()),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('UnitBuffer', () => {
  it('leases one unit per thread plus the prefetch while unit times are unknown', async () => {
    const { buffer, requests } = fixture(100, 2);
    const first = await buffer.take();
    expect(first?.lease).toBe('l0');
    expect(requests).toEqual([4]);
  });

  it('takes buffered units without reading storage, and leases ahead before the buffer is empty', async () => {
    const { buffer, requests, reads } = fixture(1000, 1);
    await buffer.load();
    const readsAfterLoad = reads.list;
    buffer.recordRun(100);
    // ~2 s of 100 ms units per thread.
    expect(buffer.prefetch()).toBe((PREFETCH_SECONDS * 1000) / 100);
    const taken: string[] = [];
    for (let i = 0; i < 60; i++) {
      const unit = await buffer.take();
      taken.push(unit!.lease);
      buffer.release(unit!);
      await tick();
    }
    expect(new Set(taken).size).toBe(60);
    expect(reads.list).toBe(readsAfterLoad);
    // One request per half a prefetch, not one per unit.
    expect(requests.length).toBeLessThanOrEqual(8);
    expect(Math.max(...requests)).toBeLessThanOrEqual(1 + buffer.prefetch());
  });

  it('caps the prefetch for very short units', () => {
    const { buffer } = fixture(0, 3);
    buffer.recordRun(0.2);
    expect(buffer.prefetch()).toBe(3 * MAX_PREFETCH_PER_THREAD);
    const fixed = fixture(0, 3, 1).buffer;
    fixed.recordRun(0.2);
    expect(fixed.prefetch()).toBe(1);
  });

  it('holds at most PREFETCH_BYTES of inputs, however short the units, and always one per thread', async () => {
    const { buffer } = fixture(300, 2, undefined, undefined, 1024 * 1024);
    await buffer.take();
    buffer.recordRun(1);
    const mib = base64Length(1024 * 1024); // one input as base64
    expect(buffer.prefetch()).toBe(Math.floor(PREFETCH_BYTES / mib));
    const huge = fixture(300, 2, undefined, undefined, 10 * 1024 * 1024).buffer;
    await huge.take();
    huge.recordRun(1);
    expect(huge.prefetch()).toBe(2);
  });

  it('keeps the adaptive prefetch within maxPrefetch (the widget holds few units)', () => {
    const capped = fixture(0, 1, undefined, 4).buffer;
    expect(capped.prefetch()).toBe(1);
    capped.recordRun(100);
    expect(capped.prefetch()).toBe(4);
    capped.recordRun(60_000);
    for (let i = 0; i < 50; i++) capped.recordRun(60_000);
    expect(capped.prefetch()).toBe(1);
  });

  it('sends one lease request at a time however many threads are hungry', async () => {
    const f = fixture(10, 4);
    f.hold(true);
    const takes = [f.buffer.take(), f.buffer.take(), f.buffer.take(), f.buffer.take()];
    await tick();
    expect(f.requests).toHaveLength(1);
    f.hold(false);
    f.release();
    const leases = await Promise.all(takes);
    expect(new Set(leases.map((l) => l?.lease)).size).toBe(4);
  });

  it('answers undefined when the server has nothing, and then does not lease in the background', async () => {
    const { buffer, requests } = fixture(0, 1);
    expect(await buffer.take()).toBeUndefined();
    await tick();
    expect(requests).toHaveLength(1);
  });

  it('reloads units a pause gave back, but never one a thread still runs', async () => {
    const { buffer, store } = fixture(2, 1);
    const running = await buffer.take();
    await buffer.settle();
    expect([...store.units.keys()]).toEqual(['l0', 'l1']);
    await buffer.load();
    expect((await buffer.take())?.lease).toBe('l1');
    expect(await buffer.take()).toBeUndefined();
    buffer.release(running!, true);
    expect((await buffer.take())?.lease).toBe(running?.lease);
  });

  it('drops units whose deadline is too close instead of running them', async () => {
    const store = new MemoryStore();
    await store.putUnits([lease(0, Date.now() + 500), lease(1)]);
    const buffer = new UnitBuffer(store, { threads: 1, now: Date.now, lease: async () => [] });
    await buffer.load();
    expect((await buffer.take())?.lease).toBe('l1');
    await tick();
    expect(store.units.has('l0')).toBe(false);
  });
});
