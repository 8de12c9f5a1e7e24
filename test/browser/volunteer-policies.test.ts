// The run policies and CPU controls in real Chromium: a fake battery that goes flat pauses the
// page (which says why) and charging resumes it; CPU pressure slows it; the CPU share spaces
// units out; the thread count sets how many workers run. Battery and pressure are faked with an
// init script, so the test does not depend on the machine it runs on.
// Needs `npm run build` first (npm test runs it): the server serves dist/public.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, publish, startStack, statValue, waitUntil, type Stack } from './page-fixture.js';

/** Stand-ins for navigator.getBattery() and PressureObserver, steered through window.__sensors. */
function fakeSensors() {
  const battery = Object.assign(new EventTarget(), {
    charging: true,
    level: 0.8,
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
        return Promise.resolve();
      }
      disconnect() {}
    },
  });
  Object.assign(window, {
    __sensors: {
      battery(charging: boolean, level: number) {
        Object.assign(battery, { charging, level });
        battery.dispatchEvent(new Event('chargingchange'));
        battery.dispatchEvent(new Event('levelchange'));
      },
      pressure(state: string) {
        for (const callback of observers) callback([{ source: 'cpu', state, time: performance.now() }]);
      },
    },
  });
}

interface SensorControls {
  battery(charging: boolean, level: number): void;
  pressure(state: string): void;
}

function sensors(page: Page) {
  const controls = () => (window as unknown as { __sensors: SensorControls }).__sensors;
  return {
    battery: (charging: boolean, level: number) =>
      page.evaluate(`(${controls})().battery(${charging}, ${level})`) as Promise<void>,
    pressure: (state: string) => page.evaluate(`(${controls})().pressure(${JSON.stringify(state)})`) as Promise<void>,
  };
}

/** The share of 60 samples, 100 ms apart, that saw a unit in flight. */
async function sampleBusy(page: Page): Promise<number> {
  let busy = 0;
  const samples = 60;
  for (let i = 0; i < samples; i++) {
    if ((await statValue(page, 'units-in-flight')) > 0) busy++;
    await page.waitForTimeout(100);
  }
  return busy / samples;
}

const stateText = async (page: Page) => (await page.getByTestId('state').textContent()) ?? '';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await stack?.close();
});

describe('run policies', () => {
  it('pauses on a low battery and says why, resumes on charging, and slows under CPU pressure', async () => {
    await publish(stack, { name: 'Battery test primes' }, 'dist/kernels/primes.wasm', {
      inputs: Array.from({ length: 40 }, (_, i) => ({ from: i * 2 ** 26, to: (i + 1) * 2 ** 26 + 2 ** 30 })),
    });
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(fakeSensors);
    const page = await context.newPage();
    const fake = sensors(page);
    await page.goto(stack.url);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitUntil('a worker runs', () => page.workers().length >= 1, 15_000);

    // Unplugged but well charged: the default policy keeps going.
    await fake.battery(false, 0.6);
    await waitUntil('the page computes units', async () => (await statValue(page, 'units-done')) >= 1, 20_000);
    expect(page.workers().length).toBeGreaterThanOrEqual(1);

    await fake.battery(false, 0.12);
    await waitUntil('the workers stop', () => page.workers().length === 0, 2000);
    expect(await stateText(page)).toContain('Paused: on battery at 12%, below 20%');
    // The volunteer did not pause: the control still offers Pause, and the choice stays "running".
    await expect(page.getByRole('button', { name: 'Pause' }).isVisible()).resolves.toBe(true);
    expect(await page.evaluate(() => localStorage.getItem('sparecycles.consent'))).toBe('running');
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-policy-battery.png') });

    await fake.battery(true, 0.13);
    await waitUntil('a worker runs again', () => page.workers().length >= 1, 10_000);
    await waitUntil('the state line no longer says paused', async () => !(await stateText(page)).includes('Paused'));

    await fake.pressure('critical');
    await waitUntil('the page says it slowed down', async () => (await stateText(page)).includes('Slowed to 25%'));
    await expect(page.locator('.cpu-controls .hint').textContent()).resolves.toContain('25% right now');
    await context.close();
  }, 90_000);

  it('remembers the CPU share and threads, spaces units out at a low share, and runs one worker per thread', async () => {
    // About a third of a second of one core per unit, once the kernel is warm.
    await publish(stack, { name: 'Share test primes' }, 'dist/kernels/primes.wasm', {
      inputs: Array.from({ length: 60 }, (_, i) => ({ from: i * 6e7, to: i * 6e7 + 6e8 })),
    });
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(fakeSensors);
    const page = await context.newPage();
    await page.goto(stack.url);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);

    await page.getByLabel('Threads').selectOption('1');
    await page.getByLabel('CPU share').fill('20');
    await expect(page.getByTestId('cpu-percent').textContent()).resolves.toBe('20%');
    await page.reload();
    await expect(page.getByLabel('CPU share').inputValue()).resolves.toBe('20');
    await expect(page.getByLabel('Threads').inputValue()).resolves.toBe('1');

    // Warm up at full speed: a worker's first unit runs before the engine has optimised the
    // kernel and takes many times longer, which at 20% would mean a long first rest.
    await page.getByLabel('CPU share').fill('100');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitUntil('two units finish', async () => (await statValue(page, 'units-done')) >= 2, 30_000);
    expect(await sampleBusy(page)).toBeGreaterThan(0.6);

    // The new share applies while running. At 20% a thread rests four times as long as it
    // computed, so most samples see no unit running.
    await page.getByLabel('CPU share').fill('20');
    await page.waitForTimeout(1000);
    expect(await sampleBusy(page)).toBeLessThan(0.5);
    expect(page.workers().length).toBeLessThanOrEqual(1);

    // Back to full speed, and a second thread when the machine has one: a second worker appears.
    await page.getByLabel('CPU share').fill('100');
    if (cores >= 2) {
      await page.getByLabel('Threads').selectOption('2');
      await waitUntil('two workers run', () => page.workers().length === 2, 15_000);
      expect(await page.evaluate(() => localStorage.getItem('sparecycles.threads'))).toBe('2');
    }
    await page.getByRole('button', { name: 'Pause' }).click();
    await context.close();
  }, 90_000);
});
