// What goes when storage is full: caches first, never what a running unit needs, and the outbox
// is never even a candidate (IdbStore does not offer it).
import { describe, expect, it } from 'vitest';
import { isQuotaError, planEviction, type StoredItem } from '../../src/runtime/quota-policy.js';

const items: StoredItem[] = [
  { store: 'kernels', key: 'k-unused', bytes: 100 },
  { store: 'kernels', key: 'k-unused-big', bytes: 500 },
  { store: 'kernels', key: 'k-running', bytes: 1000 },
  { store: 'kernels', key: 'k-buffered', bytes: 300 },
  { store: 'units', key: 'l-running', bytes: 50, kernel: 'k-running' },
  { store: 'units', key: 'l-waiting', bytes: 80, kernel: 'k-buffered' },
  { store: 'checkpoints', key: 'l-running', bytes: 40 },
  { store: 'checkpoints', key: 'l-waiting', bytes: 60 },
];
const running = new Set(['l-running']);
const keys = (plan: StoredItem[]) => plan.map((item) => `${item.store}:${item.key}`);

describe('planEviction', () => {
  it('orders by tier: unused kernels, idle checkpoints, kernels of waiting units, waiting units', () => {
    expect(keys(planEviction(items, { running, needBytes: 0 }))).toEqual([
      'kernels:k-unused-big',
      'kernels:k-unused',
      'checkpoints:l-waiting',
      'kernels:k-buffered',
      'units:l-waiting',
    ]);
  });

  it('never plans to delete a running unit, its checkpoint or its kernel', () => {
    const plan = keys(planEviction(items, { running, needBytes: 0 }));
    expect(plan).not.toContain('units:l-running');
    expect(plan).not.toContain('checkpoints:l-running');
    expect(plan).not.toContain('kernels:k-running');
  });

  it('stops as soon as enough is freed', () => {
    expect(keys(planEviction(items, { running, needBytes: 450 }))).toEqual(['kernels:k-unused-big']);
    expect(keys(planEviction(items, { running, needBytes: 620 }))).toEqual([
      'kernels:k-unused-big',
      'kernels:k-unused',
      'checkpoints:l-waiting',
    ]);
  });

  it('evicts checkpoints of every unit once nothing runs', () => {
    const plan = keys(planEviction(items, { running: new Set(), needBytes: 0 }));
    expect(plan).toContain('checkpoints:l-running');
    expect(plan).toContain('units:l-running');
  });

  it('plans nothing when nothing may go', () => {
    const onlyRunning = items.filter((item) => item.key.endsWith('running'));
    expect(planEviction(onlyRunning, { running, needBytes: 10 })).toEqual([]);
  });
});

describe('isQuotaError', () => {
  it('recognises QuotaExceededError, directly or as the cause of an abort', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError', cause: { name: 'QuotaExceededError' } });
    expect(isQuotaError(abort)).toBe(true);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });
});
