// Guards the card's Start against clickjacking. The host page could lay something over the card
// that lets clicks through, fade it out, filter or transform it, and so take a "yes" the visitor
// never saw themselves give. Intersection Observer v2 reports whether an element is truly
// visible (on screen, not covered, not faded, not transformed). A click counts only on a button
// that is visible now; once it has been seen on screen yet hidden, it must then stay visible for
// a moment first, so uncovering or fading it in just before a click does not work either.
//
// Not caught: a card brought in from off screen (scrolled, or moved by layout) and clicked at
// once. Scrolling to the card and clicking is what visitors (and tests) do, and telling the two
// apart would refuse them. Where the browser has no v2 (Firefox, Safari today) nothing can be
// told, and clicks count.

/** How long the button must have been visible after it was seen covered, faded or transformed. */
export const VISIBLE_FOR_MS = 500;
/** The browser's least delay between two visibility reports. */
const REPORT_DELAY_MS = 100;
/** How long a click waits for the first report before it is refused. */
const FIRST_REPORT_TIMEOUT_MS = 1000;
/** How long a click on a card last seen off screen waits for the report of it scrolling in. */
const SCROLLED_IN_TIMEOUT_MS = 250;

type Entry = IntersectionObserverEntry & { isVisible: boolean };

interface Seen {
  visible: boolean;
  /** In the viewport, whether visible or not. */
  onScreen: boolean;
  /** When `visible` last changed (the report's own time). */
  since: number;
  /** Once reported on screen yet not visible: covered, faded or transformed. */
  hidden: boolean;
}

export class VisibilityGuard {
  private observer: IntersectionObserver | undefined;
  private seen: Seen | undefined;
  /** Resolves at the next report; shared by every click waiting for it. */
  private nextReport: { promise: Promise<void>; resolve(): void } | undefined;

  constructor(private readonly now = () => performance.now()) {}

  static supported(): boolean {
    return typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;
  }

  /** Watches this element (the Start button) in place of any before it; a Preact ref callback. */
  readonly observe = (element: Element | null): void => {
    this.observer?.disconnect();
    this.observer = undefined;
    this.seen = undefined;
    if (!element || !VisibilityGuard.supported()) return;
    // trackVisibility and delay are v2 options the DOM typings do not know yet.
    const options = { trackVisibility: true, delay: REPORT_DELAY_MS } as IntersectionObserverInit;
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) this.report(entry as Entry);
    }, options);
    this.observer.observe(element);
  };

  /** Whether a click now is one the visitor could see. Waits for the first report if none came
   * yet, and briefly for a newer one if the last saw the card off screen (it may just have
   * been scrolled to). */
  async allows(): Promise<boolean> {
    if (!VisibilityGuard.supported()) return true;
    if (!this.observer) return false;
    if (!this.seen) await this.reportWithin(FIRST_REPORT_TIMEOUT_MS);
    else if (!this.seen.onScreen) await this.reportWithin(SCROLLED_IN_TIMEOUT_MS);
    const seen = this.seen;
    if (!seen?.visible) return false;
    return !seen.hidden || this.now() - seen.since >= VISIBLE_FOR_MS;
  }

  private report(entry: Entry): void {
    const before = this.seen;
    const visible = entry.isVisible;
    this.seen = {
      visible,
      onScreen: entry.isIntersecting,
      since: before && before.visible === visible ? before.since : entry.time,
      hidden: (before?.hidden ?? false) || (entry.isIntersecting && !visible),
    };
    this.nextReport?.resolve();
    this.nextReport = undefined;
  }

  /** Resolves at the next report, or after `timeoutMs` without one. */
  private reportWithin(timeoutMs: number): Promise<void> {
    if (!this.nextReport) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.nextReport = { promise, resolve };
    }
    const { promise } = this.nextReport;
    return Promise.race([promise, new Promise<void>((done) => setTimeout(done, timeoutMs))]);
  }
}
