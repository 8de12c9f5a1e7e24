// Server-sent events and the dashboard when a client's requests land on different processes: a
// lead watches the event stream of one server process while the project, the batch and the
// volunteers' work all go through another process on the same PostgreSQL. The stream must show
// what the other process wrote, because no process keeps state of its own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../helpers/backends.js';
import { assertBuilt, cliJson } from '../helpers/cli.js';
import { honest, SimVolunteer } from '../helpers/sim-volunteer.js';
import { ServerProcess } from './chaos/server-process.js';

const skip = postgresMissing();
const dirs: string[] = [];
const servers: ServerProcess[] = [];
let database: TestDatabase | undefined;

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await database?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Frame {
  projects: { name: string; batches: { batch: string; counts: { done: number; unsent: number } }[] }[];
}

/** Reads `event: dashboard` frames from an SSE stream until one satisfies `wanted`. */
async function waitForFrame(
  url: string,
  wanted: (frame: Frame) => boolean,
  timeoutMs = 20_000,
): Promise<{ frame: Frame; frames: number }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let last: Frame | undefined;
  let frames = 0;
  try {
    const response = await fetch(url, { signal: abort.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^event: dashboard\ndata: (.*)$/s.exec(event);
        if (!data) continue;
        last = JSON.parse(data[1]!) as Frame;
        frames++;
        if (wanted(last)) return { frame: last, frames };
      }
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  throw new Error(`no wanted frame in ${timeoutMs} ms; the last was ${JSON.stringify(last)}`);
}

describe.skipIf(skip !== undefined)(`events across server processes${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it("shows on one process's event stream what went through another", async () => {
    assertBuilt();
    database = await createTestDatabase('events');
    const flags = ['--database-url', database.url];
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'sc-events-'));
      dirs.push(dir);
      servers.push(new ServerProcess(dir, flags));
    }
    await Promise.all(servers.map((s) => s.start()));
    const [watched, written] = servers.map((s) => s.url) as [string, string];
    const { token } = await cliJson<{ token: string }>(['token', 'create', ...flags]);
    const stream = `${watched}/api/v1/events?token=${token}`;

    const call = async <T>(method: string, path: string, body: unknown, type = 'application/json') => {
      const response = await fetch(`${written}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBeLessThan(300);
      return (await response.json()) as T;
    };
    const project = await call<{ id: string }>('POST', '/projects', { name: 'Watched elsewhere' });
    const kernel = await call<{ hash: string }>(
      'POST',
      '/kernels',
      new Uint8Array(readFileSync('dist/test-kernels/echo.wasm')),
      'application/wasm',
    );
    const { batch } = await call<{ batch: string }>('POST', `/projects/${project.id}/batches`, {
      kernel: kernel.hash,
      inputs: Array.from({ length: 20 }, (_, i) => ({ i })),
      quorum: 2,
      replication: 'full',
    });
    const batchOf = (frame: Frame) =>
      frame.projects.find((p) => p.name === 'Watched elsewhere')?.batches.find((b) => b.batch === batch);

    const published = await waitForFrame(stream, (frame) => batchOf(frame)?.counts.unsent === 20);
    expect(published.frames).toBeGreaterThan(0);

    // Two volunteers validate every unit through the other process.
    const volunteers = [new SimVolunteer(written, honest), new SimVolunteer(written, honest)];
    for (const volunteer of volunteers) await volunteer.register();
    await Promise.all(volunteers.map((v) => v.runUntilIdle()));
    const validated = await waitForFrame(stream, (frame) => batchOf(frame)?.counts.done === 20);
    expect(batchOf(validated.frame)!.counts).toMatchObject({ done: 20, unsent: 0 });
    for (const server of servers) expect(server.unexpectedExits).toEqual([]);
  }, 60_000);
});
