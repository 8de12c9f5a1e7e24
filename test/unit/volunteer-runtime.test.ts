import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_LEASE_UNITS, type Lease } from '../../src/protocol/api.js';
import { bytesToBase64 } from '../../src/protocol/encoding.js';
import { sha256Hex } from '../../src/runtime/kernel-cache.js';
import { VolunteerRuntime } from '../../src/runtime/volunteer-runtime.js';
import { FakeTransport } from '../helpers/fake-transport.js';
import { InlineWorkers } from '../helpers/inline-workers.js';
import { MemoryStore } from '../helpers/memory-store.js';

// Built by `npm run build` (npm test runs it first).
const echo = new Uint8Array(readFileSync('dist/test-kernels/echo.wasm'));

async function setup(
  count: number,
  deadline = Date.now() + 600_000,
  input = (i: number) => new TextEncoder().encode(`unit ${i}`),
) {
  const hash = await sha256Hex(echo);
  const leases: Lease[] = Array.from({ length: count }, (_, i) => ({
    lease: `l${i}`,
    unit: String(i),
    project: 'p',
    batch: 'b',
    kernel: hash,
    abi: 'sc1',
    input: bytesToBase64(input(i)),
    deadline,
    maxRunSeconds: 30,
  }));
  const transport = new FakeTransport(leases, new Map([[hash, echo]]));
  const store = new MemoryStore();
  return { transport, store, hash };
}

describe('VolunteerRuntime', () => {
  it('runs every leased unit and uploads each result once', async () => {
    const { transport, store } = await setup(9);
    const runtime = new VolunteerRuntime({
      transport,
      store,
      workers: new InlineWorkers(),
      threads: 3,
      exitWhenIdle: true,
    });
    await runtime.start();
    await runtime.done;
    expect(transport.submitted.map((r) => new TextDecoder().decode(r.output)).sort()).toEqual(
      Array.from({ length: 9 }, (_, i) => `unit ${i}`).sort(),
    );
    expect(store.outbox.size).toBe(0);
    expect(store.units.size).toBe(0);
    expect(runtime.stats).toMatchObject({ completed: 9, failed: 0, uploaded: 9 });
  });

  it('asks for at most the server’s limit per lease request, however large the prefetch', async () => {
    // Three threads of tiny units: the prefetch grows to hundreds of units, filled over requests.
    const { transport, store } = await setup(900);
    const runtime = new VolunteerRuntime({
      transport,
      store,
      workers: new InlineWorkers(),
      threads: 3,
      exitWhenIdle: true,
    });
    await runtime.start();
    await runtime.done;
    expect(Math.max(...transport.leaseAsks)).toBeLessThanOrEqual(MAX_LEASE_UNITS);
    expect(transport.leaseAsks.length).toBeGreaterThan(2);
    expect(runtime.stats).toMatchObject({ completed: 900, failed: 0, uploaded: 900 });
  });

  it('does not take a failed lease request for "no work left" when exiting once idle', async () => {
    const { transport, store } = await setup(5);
    transport.failLeases = 2;
    const runtime = new VolunteerRuntime({
      transport,
      store,
      workers: new InlineWorkers(),
      threads: 2,
      exitWhenIdle: true,
      idlePollMs: { min: 10, max: 20 },
    });
    await runtime.start();
    await runtime.done;
    expect(runtime.stats).toMatchObject({ completed: 5, uploaded: 5 });
  });

  it('splits the upload of large results so each request stays within the server’s body limit', async () => {
    // 40 results of 1 MiB (echo returns its input): about 53 MiB as base64, the server takes 32.
    const { transport, store } = await setup(40, undefined, (i) => new Uint8Array(1024 * 1024).fill(i));
    const runtime = new VolunteerRuntime({
      transport,
      store,
      workers: new InlineWorkers(),
      threads: 2,
      exitWhenIdle: true,
    });
    // A refused upload stops the runtime with an error instead of finishing: fail at once then.
    const refused = new Promise<string>((resolve) =>
      runtime.on((event) => event.type === 'error' && resolve(event.message)),
    );
    await runtime.start();
    await expect(Promise.race([runtime.done.then(() => 'finished'), refused])).resolves.toBe('finished');
    expect(runtime.stats).toMatchObject({ completed: 40, uploaded: 40 });
    expect(transport.submitCalls).toBeGreaterThan(2);
  });

  it('has every result in the outbox before it is sent', async () => {
    const { transport, store } = await setup(4);
    const seenInOutbox: boolean[] = [];
    const submit = transport.submit.bind(transport);
    transport.submit = async (credentials, results) => {
      for (const r of results) seenInOutbox.push(store.outbox.has(r.lease));
      return submit(credentials, results);
    };
    const runtime = new VolunteerRuntime({
      transport,
      store,
      workers: new InlineWorkers(),
      threads: 2,
      exitWhenIdle: true,
    });
    await runtime.start();
    await runtime.done;
    expect(seenInOutbox.length).toBeGreaterThanOrEqual(4);
    expect(seenInOutbox.every(Boolean)).toBe(true);
  });

  it('keeps results through failed uploads and sends them when the server answers again', async () => {
    const { transport, store } = await setup(3);
    transport.failSubmits = 2;
    const offline: string[] = [];
    const runtime = new VolunteerRuntime({
      transport,
      store,
      workers: new InlineWorkers(),
      threads: 1,
      exitWhenIdle: true,
    });
    runtime.on((event) => event.type === 'offline' && offline.push(event.message));
    await runtime.start();
    await runtime.done;
    expect(offline.length).toBeGreaterThanOrEqual(2);
    expect(new Set(transport.submitted.map((r) => r.lease))).toEqual(new Set(['l0', 'l1', 'l2']));
    expect(store.outbox.size).toBe(0);
  }, 30_000);

  it('stops leasing at maxUnits', async () => {
    const { transport, store } = await setup(10);
    const runtime = new VolunteerRuntime({ transport, store, workers: new InlineWorkers(), threads: 2, maxUnits: 3 });
    await runtime.start();
    await runtime.done;
    expect(transport.submitted).toHaveLength(3);
  });

  it('does not start units whose lease has expired', async () => {
    const { transport, store } = await setup(2, Date.now() - 1);
    const runtime = new VolunteerRuntime({
      transport,
      store,
      workers: new InlineWorkers(),
      threads: 1,
      exitWhenIdle: true,
    });
    await runtime.start();
    await runtime.done;
    expect(transport.submitted).toHaveLength(0);
    expect(store.units.size).toBe(0);
  });

  it('rejects bad options up front, naming them', () => {
    const base = {
      transport: new FakeTransport([], new Map()),
      store: new MemoryStore(),
      workers: new InlineWorkers(),
    };
    expect(() => new VolunteerRuntime({ ...base, threads: 0 })).toThrow(/threads/);
    expect(() => new VolunteerRuntime({ ...base, threads: 1, maxUnits: 1.5 })).toThrow(/maxUnits/);
  });
});
