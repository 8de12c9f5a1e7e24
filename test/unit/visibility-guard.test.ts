// The widget's clickjacking guard, with the browser's Intersection Observer v2 played by a fake
// whose reports the test sends: which clicks count after which reports. (The real observer, a
// real decoy and a faded frame are in test/browser/widget.test.ts.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VISIBLE_FOR_MS, VisibilityGuard } from '../../src/widget/card/visibility-guard.js';

type Report = { isIntersecting: boolean; isVisible: boolean; time: number };
let send: ((reports: Report[]) => void) | undefined;
let clock = 0;

class FakeObserver {
  constructor(callback: (entries: Report[]) => void) {
    send = callback;
  }
  observe() {}
  disconnect() {
    send = undefined;
  }
}

function guard(): VisibilityGuard {
  const guard = new VisibilityGuard(() => clock);
  guard.observe({} as Element);
  return guard;
}

const at = (time: number, isIntersecting: boolean, isVisible: boolean) => {
  clock = time;
  send!([{ time, isIntersecting, isVisible }]);
};

describe('VisibilityGuard', () => {
  beforeEach(() => {
    clock = 0;
    send = undefined;
    vi.stubGlobal('IntersectionObserver', FakeObserver);
    vi.stubGlobal('IntersectionObserverEntry', class {});
    Object.defineProperty(globalThis.IntersectionObserverEntry.prototype, 'isVisible', { value: false });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('counts a click on a card visible ever since it appeared, at once', async () => {
    const g = guard();
    at(10, true, true);
    clock = 20;
    await expect(g.allows()).resolves.toBe(true);
  });

  it('counts a click at once after the card was scrolled into view', async () => {
    const g = guard();
    at(10, false, false);
    at(2000, true, true);
    await expect(g.allows()).resolves.toBe(true);
  });

  it('refuses while covered, and after a cover until the card has shown for a moment', async () => {
    const g = guard();
    at(10, true, true);
    at(100, true, false);
    await expect(g.allows()).resolves.toBe(false);
    at(1000, true, true);
    clock = 1000 + VISIBLE_FOR_MS - 1;
    await expect(g.allows()).resolves.toBe(false);
    clock = 1000 + VISIBLE_FOR_MS;
    await expect(g.allows()).resolves.toBe(true);
  });

  it('waits for the first report when a click comes before it, and follows it', async () => {
    const g = guard();
    const visible = g.allows();
    at(50, true, true);
    await expect(visible).resolves.toBe(true);

    const h = guard();
    const covered = h.allows();
    at(50, true, false);
    await expect(covered).resolves.toBe(false);
  });

  it('waits briefly for the report of a card just scrolled to, and every click gets it', async () => {
    const g = guard();
    at(10, false, false);
    clock = 3000;
    const first = g.allows();
    const second = g.allows();
    at(3020, true, true);
    await expect(first).resolves.toBe(true);
    await expect(second).resolves.toBe(true);
  });

  it('refuses a card still off screen once the short wait is over', async () => {
    vi.useFakeTimers();
    const g = guard();
    at(10, false, false);
    const answer = g.allows();
    await vi.advanceTimersByTimeAsync(250);
    await expect(answer).resolves.toBe(false);
  });

  it('refuses when no report comes within a second', async () => {
    vi.useFakeTimers();
    const g = guard();
    const answer = g.allows();
    await vi.advanceTimersByTimeAsync(1000);
    await expect(answer).resolves.toBe(false);
  });

  it('counts every click where the browser has no Intersection Observer v2', async () => {
    vi.stubGlobal('IntersectionObserverEntry', class {});
    const g = guard();
    expect(send).toBeUndefined();
    await expect(g.allows()).resolves.toBe(true);
  });
});
