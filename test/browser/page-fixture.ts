// What the browser tests share: a real server on a random port serving the built page
// (`npm test` runs `npm run build` first, which makes dist/public, dist/kernels and dist/node),
// a publisher talking plain HTTP, a headless Node volunteer, and headless Chromium.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { BatchStatus, PublishRequest, PublishResponse } from '../../src/protocol/api.js';
import { createPublisherToken } from '../../src/server/auth.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

export const SCREENSHOTS = resolve('test-results');

export interface Stack {
  server: RunningServer;
  url: string;
  token: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  for (const built of [
    'dist/public/index.html',
    'dist/kernels/primes.wasm',
    'dist/node/runtime/volunteer-runtime.js',
  ]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` before the browser tests`);
  }
  const executablePath = chromiumPath();
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-browser-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    demo: false,
    publicDir: resolve('dist/public'),
    logger: false,
  });
  const token = await createPublisherToken(server.store, Date.now());
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  return {
    server,
    url: server.url,
    token,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function api<T>(
  stack: Stack,
  method: string,
  path: string,
  body?: unknown,
  type = 'application/json',
): Promise<T> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${stack.token}` } };
  if (body !== undefined) {
    init.headers = { ...init.headers, 'content-type': type };
    init.body = body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body);
  }
  const response = await fetch(`${stack.url}/api/v1${path}`, init);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Creates a project, uploads a built kernel and publishes one batch; returns their ids. */
export async function publish(
  stack: Stack,
  project: { name: string; description?: string },
  kernelFile: string,
  batch: Omit<PublishRequest, 'kernel'>,
): Promise<{ project: string; batch: string; units: number }> {
  const { id } = await api<{ id: string }>(stack, 'POST', '/projects', project);
  const wasm = new Uint8Array(readFileSync(kernelFile));
  const { hash } = await api<{ hash: string }>(stack, 'POST', '/kernels', wasm, 'application/wasm');
  const published = await api<PublishResponse>(stack, 'POST', `/projects/${id}/batches`, { kernel: hash, ...batch });
  return { project: id, batch: published.batch, units: published.units };
}

export function batchStatus(stack: Stack, batch: string): Promise<BatchStatus> {
  return api<BatchStatus>(stack, 'GET', `/batches/${batch}`);
}

export async function batchResults(stack: Stack, batch: string): Promise<{ index: number; output: unknown }[]> {
  const response = await fetch(`${stack.url}/api/v1/batches/${batch}/results`, {
    headers: { authorization: `Bearer ${stack.token}` },
  });
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { index: number; output: unknown });
}

type RuntimeModule = typeof import('../../src/runtime/volunteer-runtime.js');
type TransportModule = typeof import('../../src/runtime/http-transport.js');
type FileStoreModule = typeof import('../../src/runtime/node/file-store.js');
type ThreadFactoryModule = typeof import('../../src/runtime/node/thread-factory.js');

/** A headless volunteer on Node. It comes from dist/node because its thread factory starts
 * `kernel-worker.js` next to itself, which only the compiled output has. */
export async function startNodeVolunteer(
  url: string,
  projects?: string[],
  options: { scalarKernels?: boolean } = {},
): Promise<{ stop(): Promise<void> }> {
  const load = (file: string) => import(pathToFileURL(resolve('dist/node/runtime', file)).href);
  const { VolunteerRuntime } = (await load('volunteer-runtime.js')) as RuntimeModule;
  const { HttpTransport } = (await load('http-transport.js')) as TransportModule;
  const { FileStore } = (await load('node/file-store.js')) as FileStoreModule;
  const { ThreadFactory } = (await load('node/thread-factory.js')) as ThreadFactoryModule;
  const dir = mkdtempSync(join(tmpdir(), 'sc-node-volunteer-'));
  const runtime = new VolunteerRuntime({
    transport: new HttpTransport(url),
    store: new FileStore(dir),
    workers: new ThreadFactory({ preferFallback: options.scalarKernels === true }),
    threads: 1,
    ...(projects ? { projects } : {}),
    exitWhenIdle: false,
    idlePollMs: { min: 200, max: 1000 },
  });
  await runtime.start();
  return {
    stop: async () => {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Paths of every request the page makes, in order. */
export function recordRequests(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', (request) => paths.push(new URL(request.url()).pathname));
  return paths;
}

/** Polls until `check` returns true; fails with `what` and the last value seen. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The number a stat element shows (0 when it shows nothing yet). */
export async function statValue(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  return Number(text.replace(/[^\d.]/g, '')) || 0;
}

/**
 * Records of one object store of the page's database: all of them, or the one under `key`.
 * Never creates the database: opening a name that does not exist yet would make an empty
 * version 1, which the page would then open without its stores. Until the page has made it,
 * this reads nothing. Every failure rejects, so a caller's wait names what went wrong.
 */
export function readStore(page: Page, store: string, key?: string): Promise<unknown[]> {
  return page.evaluate(
    ([name, key]) =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('sparecycles');
        open.onupgradeneeded = () => open.transaction?.abort();
        open.onerror = (event) => {
          event.preventDefault();
          if (open.error?.name === 'AbortError') resolve([]);
          else reject(new Error(`opening the page's database failed: ${open.error?.message}`));
        };
        open.onsuccess = () => {
          const db = open.result;
          try {
            const records = db.transaction(name).objectStore(name);
            const get = key === undefined ? records.getAll() : records.get(key);
            get.onsuccess = () =>
              resolve(key === undefined ? (get.result as unknown[]) : get.result === undefined ? [] : [get.result]);
            get.onerror = () => reject(new Error(`reading ${name} failed: ${get.error?.message}`));
          } catch (error) {
            reject(new Error(`reading ${name} failed: ${(error as Error).message}`));
          } finally {
            db.close();
          }
        };
      }),
    [store, key] as const,
  );
}
