// The demo's work generator against a real server process (`serve --demo`): two volunteers
// complete the first frame of the zoom and the next frames' units appear without a restart;
// a kill -9 between frames, and another in the middle of a frame, neither skip nor repeat a
// frame: the project's batches are g_mandelbrot_0, 1, 2, … in order, each exactly the tiles of
// its frame of the zoom, and every validated tile is the right picture.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchStatus } from '../../src/protocol/api.js';
import { mandelbrotReference, type MandelbrotInput } from '../../src/kernels/mandelbrot/reference.js';
import { ZOOM_FRAME, zoomFrame } from '../../src/server/generators/mandelbrot-zoom.js';
import { startServerProcess } from '../helpers/server-process.js';
import { SimVolunteer, type Behaviour } from '../helpers/sim-volunteer.js';

const FRAME_TILES = Math.ceil(ZOOM_FRAME.width / ZOOM_FRAME.tile) * Math.ceil(ZOOM_FRAME.height / ZOOM_FRAME.tile);

const mandelbrot: Behaviour = (input) =>
  Buffer.from(JSON.stringify(mandelbrotReference(JSON.parse(input.toString()) as MandelbrotInput)));

describe('the Mandelbrot zoom generator', () => {
  let dataDir: string;
  let server: { child: ChildProcess; url: string } | undefined;
  let token = '';

  /** Starts the server; a restart takes the same port, so the volunteers carry on unchanged. */
  const start = async (port?: string) => {
    server = await startServerProcess(dataDir, [], ['--demo', ...(port ? ['--port', port] : [])]);
    token = readFileSync(join(dataDir, 'demo-token.txt'), 'utf8').trim();
  };
  const kill9 = async () => {
    const child = server!.child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const port = new URL(server!.url).port;
    server = undefined;
    return port;
  };
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${server!.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const batchList = async (): Promise<BatchStatus[]> => {
    const { batches } = await get<{ batches: BatchStatus[] }>('/projects/mandelbrot/batches');
    return [...batches].sort((a, b) => Number(a.batch.split('_').at(-1)) - Number(b.batch.split('_').at(-1)));
  };
  const results = async (batch: string) => {
    const response = await fetch(`${server!.url}/api/v1/batches/${batch}/results`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await response.text())
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { index: number; input: MandelbrotInput; output: unknown });
  };
  /** Two volunteers each lease and compute `units` tiles: the tiles both computed are validated. */
  const work = async (volunteers: SimVolunteer[], units: number) => {
    for (const volunteer of volunteers) await volunteer.work(await volunteer.lease(units, ['mandelbrot']));
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sc-zoom-'));
    await start();
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes a frame, starts the next without a restart, and survives kill -9 without skipping or repeating a frame', async () => {
    // Seeded: the first frame, whole and unsent.
    expect((await batchList()).map((b) => [b.batch, b.total, b.counts.unsent])).toEqual([
      ['g_mandelbrot_0', FRAME_TILES, FRAME_TILES],
    ]);
    const pair = [new SimVolunteer(server!.url, mandelbrot), new SimVolunteer(server!.url, mandelbrot)];
    await Promise.all(pair.map((v) => v.register()));
    await work(pair, FRAME_TILES);
    let list = await batchList();
    expect(list[0]).toMatchObject({ batch: 'g_mandelbrot_0', done: true });
    // The next frame came while the first was being leased: a whole frame unsent, no restart.
    expect(list[1]).toMatchObject({ batch: 'g_mandelbrot_1', total: FRAME_TILES });
    expect(list[1]!.counts.unsent).toBe(FRAME_TILES);

    // Between frames: kill -9 and start again on the same data dir.
    await start(await kill9());
    await work(pair, FRAME_TILES);
    // In the middle of a frame: half of frame 2 leased, then kill -9.
    await work(pair, FRAME_TILES / 5);
    await start(await kill9());
    await work(pair, FRAME_TILES);

    list = await batchList();
    expect(list.map((b) => b.batch)).toEqual(list.map((_, i) => `g_mandelbrot_${i}`));
    expect(list.length).toBeGreaterThanOrEqual(4);
    expect(list.slice(0, 2).every((b) => b.done)).toBe(true);
    for (const [step, batch] of list.entries()) {
      expect(batch.total).toBe(FRAME_TILES);
      const validated = await results(batch.batch);
      const frame = zoomFrame(0, step);
      for (const result of validated) {
        // Each batch holds its own frame's tiles, in order, and each is the right picture.
        expect(result.input).toEqual(frame[result.index]);
        expect(result.output).toEqual(mandelbrotReference(frame[result.index]!));
      }
      if (batch.done) expect(validated).toHaveLength(FRAME_TILES);
    }
    // No two batches are the same frame.
    const firstTiles = await Promise.all(
      list.filter((b) => b.done).map(async (b) => JSON.stringify((await results(b.batch))[0]!.input)),
    );
    expect(new Set(firstTiles).size).toBe(firstTiles.length);
  }, 120_000);
});
