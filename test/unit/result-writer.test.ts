// Results are stored while the next unit runs; those that finish during a write go together
// in the next one, and a failed write says so without losing the units.
import { describe, expect, it, vi } from 'vitest';
import type { OutboxEntry } from '../../src/runtime/ports.js';
import { GROUP_MS, ResultWriter } from '../../src/runtime/result-writer.js';
import { MemoryStore } from '../helpers/memory-store.js';

const entry = (i: number): OutboxEntry => ({
  lease: `l${i}`,
  unit: String(i),
  project: 'p',
  output: new Uint8Array([i]),
  elapsedMs: 1,
  finishedAt: i,
});

describe('ResultWriter', () => {
  it('groups the results that finish during a write into the next write', async () => {
    const store = new MemoryStore();
    const writes: number[] = [];
    const finishUnits = store.finishUnits.bind(store);
    store.finishUnits = async (entries) => {
      writes.push(entries.length);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return finishUnits(entries);
    };
    const stored: string[] = [];
    // A clock that stands still: every write after the first is within GROUP_MS of the last.
    const writer = new ResultWriter(
      store,
      { stored: (entries) => stored.push(...entries.map((e) => e.lease)), failed: () => expect.unreachable() },
      () => 0,
    );
    // The first result is written at once; the five that finish meanwhile share the next write.
    writer.write(entry(0));
    for (let i = 1; i < 6; i++) writer.write(entry(i));
    expect(writer.pending).toBeGreaterThan(0);
    await writer.settle();
    expect(writes).toEqual([1, 5]);
    writer.write(entry(6));
    await Promise.resolve();
    writer.write(entry(7));
    writer.write(entry(8));
    await writer.settle();
    // Within GROUP_MS of the last write, 6 waits for the window, and 7 and 8 join it.
    expect(writes).toEqual([1, 5, 3]);
    expect(stored).toEqual(['l0', 'l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8']);
    expect([...store.outbox.keys()]).toEqual(stored);
    expect(writer.pending).toBe(0);
  });

  it('holds a result for the group window, unless someone settles', async () => {
    vi.useFakeTimers();
    try {
      const store = new MemoryStore();
      let clock = 0;
      const writer = new ResultWriter(store, { stored: () => {}, failed: () => expect.unreachable() }, () => clock);
      writer.write(entry(0));
      await Promise.resolve();
      expect(store.outbox.has('l0')).toBe(true);
      clock = GROUP_MS / 2;
      writer.write(entry(1));
      await vi.advanceTimersByTimeAsync(GROUP_MS / 4);
      expect(store.outbox.has('l1')).toBe(false);
      await writer.settle();
      expect(store.outbox.has('l1')).toBe(true);
      // Left alone, it is written when the window is over.
      clock = GROUP_MS * 2;
      writer.write(entry(2));
      writer.write(entry(3));
      await vi.advanceTimersByTimeAsync(GROUP_MS);
      expect(store.outbox.has('l3')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports a failed write and keeps writing later results', async () => {
    const store = new MemoryStore();
    let fail = true;
    const finishUnits = store.finishUnits.bind(store);
    store.finishUnits = async (entries) => {
      if (fail) {
        fail = false;
        throw new Error('QuotaExceededError');
      }
      return finishUnits(entries);
    };
    const failed: string[] = [];
    const writer = new ResultWriter(store, {
      stored: () => {},
      failed: (error, entries) => failed.push(`${error.message}: ${entries.map((e) => e.lease).join()}`),
    });
    writer.write(entry(0));
    await writer.settle();
    writer.write(entry(1));
    await writer.settle();
    expect(failed).toEqual(['QuotaExceededError: l0']);
    expect([...store.outbox.keys()]).toEqual(['l1']);
  });
});
