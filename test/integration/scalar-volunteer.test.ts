// A volunteer whose engine cannot run SIMD runs a kernel's sc.fallback build, and still agrees
// with one that runs the SIMD build: two headless Node volunteers, one told to run the scalar
// builds (`volunteer --scalar-kernels`, as an engine without SIMD would), validate alignment
// units against each other at quorum 2, every unit with one replica of each. A kernel whose two
// builds differ on purpose shows that each volunteer really ran the build it was meant to.
// Uses the compiled runtime (dist/node), like the browser tests: `npm run build` first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignmentReferenceBytes } from '../../src/kernels/alignment/reference.js';
import type { BatchStatus, PublishRequest } from '../../src/protocol/api.js';
import { FALLBACK_SECTION } from '../../src/protocol/kernel-fallback.js';
import { createPublisherToken } from '../../src/server/auth.js';
import { alignmentInputs } from '../../src/server/demo-science.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { startNodeVolunteer, waitUntil } from '../browser/page-fixture.js';
import { withCustomSection } from '../helpers/custom-section.js';

let server: RunningServer;
let token: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sc-scalar-volunteer-'));
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    demo: false,
    publicDir: resolve('dist/public'),
    logger: false,
  });
  token = await createPublisherToken(server.store, Date.now());
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function api<T>(method: string, path: string, body?: unknown, type = 'application/json'): Promise<T> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
    body:
      body === undefined
        ? undefined
        : body instanceof Uint8Array
          ? (body as Uint8Array<ArrayBuffer>)
          : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function publish(name: string, kernel: Uint8Array, batch: Omit<PublishRequest, 'kernel'>) {
  const { id } = await api<{ id: string }>('POST', '/projects', { name });
  const { hash } = await api<{ hash: string }>('POST', '/kernels', kernel, 'application/wasm');
  const { batch: batchId } = await api<{ batch: string }>('POST', `/projects/${id}/batches`, {
    kernel: hash,
    ...batch,
  });
  return { project: id, batch: batchId };
}

async function results(batch: string): Promise<{ index: number; output: unknown }[]> {
  const response = await fetch(`${server.url}/api/v1/batches/${batch}/results`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.text())
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { index: number; output: unknown });
}

describe('a volunteer on the scalar fallback', () => {
  it('really runs the fallback build: a kernel whose fallback fails fails only there', async () => {
    const echo = new Uint8Array(readFileSync('dist/test-kernels/echo.wasm'));
    const status = new Uint8Array(readFileSync('dist/test-kernels/status.wasm'));
    const { project, batch } = await publish('two builds', withCustomSection(echo, FALLBACK_SECTION, status), {
      inputs: [{ n: 1 }],
      quorum: 1,
      maxResults: 1,
      replication: 'full',
    });
    const scalar = await startNodeVolunteer(server.url, [project], { scalarKernels: true });
    try {
      await waitUntil('the unit is given up', async () => (await api<BatchStatus>('GET', `/batches/${batch}`)).done);
    } finally {
      await scalar.stop();
    }
    const state = await api<BatchStatus>('GET', `/batches/${batch}`);
    expect(state.counts.error).toBe(1);
    expect(state.errors[0]?.reason).toMatch(/\b1 kernel errors/);

    // The same kernel on a volunteer that runs the SIMD (here: main) build echoes its input.
    const again = await api<{ batch: string }>('POST', `/projects/${project}/batches`, {
      kernel: (
        await api<{ hash: string }>(
          'POST',
          '/kernels',
          withCustomSection(echo, FALLBACK_SECTION, status),
          'application/wasm',
        )
      ).hash,
      inputs: [{ n: 2 }],
      quorum: 1,
      maxResults: 1,
      replication: 'full',
    });
    const main = await startNodeVolunteer(server.url, [project]);
    try {
      await waitUntil(
        'the unit is validated',
        async () => (await api<BatchStatus>('GET', `/batches/${again.batch}`)).done,
      );
    } finally {
      await main.stop();
    }
    expect(await results(again.batch)).toEqual([expect.objectContaining({ index: 0, output: { n: 2 } })]);
  });

  it('agrees byte for byte with a SIMD volunteer on alignment units', async () => {
    const inputs = alignmentInputs().slice(0, 6);
    const { project, batch } = await publish('alignment', new Uint8Array(readFileSync('dist/kernels/alignment.wasm')), {
      inputs,
      quorum: 2,
      replication: 'full',
    });
    const simd = await startNodeVolunteer(server.url, [project]);
    const scalar = await startNodeVolunteer(server.url, [project], { scalarKernels: true });
    try {
      await waitUntil(
        'every unit is validated',
        async () => (await api<BatchStatus>('GET', `/batches/${batch}`)).done,
        60_000,
      );
    } finally {
      await Promise.all([simd.stop(), scalar.stop()]);
    }
    const state = await api<BatchStatus>('GET', `/batches/${batch}`);
    expect(state.counts.done).toBe(inputs.length);
    expect(state.counts.error).toBe(0);
    for (const { index, output } of await results(batch)) {
      const expected = JSON.parse(
        new TextDecoder().decode(alignmentReferenceBytes(JSON.stringify(inputs[index]))),
      ) as unknown;
      expect(output).toEqual(expected);
    }
  });
});
