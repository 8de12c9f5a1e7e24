// Shared by the browser benches: publishing through the HTTP API, and a volunteer page with
// fake sensors (battery charging, CPU pressure 'nominal') and preset preferences.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import type { BatchStatus, PublishResponse } from '../../../src/protocol/api.js';
import type { Stack } from '../../browser/page-fixture.js';

export async function api<T>(
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

export async function createProject(stack: Stack, name: string): Promise<string> {
  return (await api<{ id: string }>(stack, 'POST', '/projects', { name })).id;
}

export async function uploadKernel(stack: Stack, file: string): Promise<string> {
  const wasm = new Uint8Array(readFileSync(file));
  return (await api<{ hash: string }>(stack, 'POST', '/kernels', wasm, 'application/wasm')).hash;
}

export async function publishBatch(stack: Stack, project: string, kernel: string, inputs: unknown[]): Promise<string> {
  const body = { kernel, inputs, quorum: 1, replication: 'full' };
  return (await api<PublishResponse>(stack, 'POST', `/projects/${project}/batches`, body)).batch;
}

export function batchStatus(stack: Stack, batch: string): Promise<BatchStatus> {
  return api<BatchStatus>(stack, 'GET', `/batches/${batch}`);
}

/** Stand-ins for navigator.getBattery() (charging) and PressureObserver (steered via window.__pressure). */
function fakeSensors() {
  const battery = Object.assign(new EventTarget(), {
    charging: true,
    level: 1,
    chargingTime: 0,
    dischargingTime: Infinity,
  });
  const observers: ((records: { source: string; state: string; time: number }[]) => void)[] = [];
  Object.defineProperty(Navigator.prototype, 'getBattery', { value: () => Promise.resolve(battery) });
  Object.defineProperty(window, 'PressureObserver', {
    value: class {
      constructor(callback: (records: { source: string; state: string; time: number }[]) => void) {
        observers.push(callback);
      }
      observe() {
        setTimeout(() => callback([{ source: 'cpu', state: 'nominal', time: performance.now() }]), 0);
        return Promise.resolve();
      }
      disconnect() {}
    },
  });
  function callback(records: { source: string; state: string; time: number }[]) {
    for (const observer of observers) observer(records);
  }
  Object.assign(window, {
    __pressure: (state: string) => callback([{ source: 'cpu', state, time: performance.now() }]),
  });
}

export interface PagePrefs {
  threads: number;
  cpuPercent: number;
  projects?: string[];
}

/** A fresh context on the volunteer page with the preferences preset in localStorage. */
export async function openVolunteerPage(
  stack: Stack,
  prefs: PagePrefs,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(fakeSensors);
  await context.addInitScript((p: PagePrefs) => {
    localStorage.setItem('sparecycles.threads', String(p.threads));
    localStorage.setItem('sparecycles.cpuPercent', String(p.cpuPercent));
    if (p.projects) localStorage.setItem('sparecycles.projects', JSON.stringify(p.projects));
  }, prefs);
  const page = await context.newPage();
  await page.goto(stack.url);
  return { context, page };
}

export async function setPressure(page: Page, state: string): Promise<void> {
  await page.evaluate((s) => (window as unknown as { __pressure(s: string): void }).__pressure(s), state);
}

export const startButton = (page: Page) => page.getByRole('button', { name: /^(Start|Resume)$/ });
export const pauseButton = (page: Page) => page.getByRole('button', { name: 'Pause', exact: true });

export const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
