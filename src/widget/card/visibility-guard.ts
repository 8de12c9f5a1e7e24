// Guards the card's Start against clickjacking. The host page could lay something over the card
// that lets clicks through, fade it out, or slide it under the pointer just before a click, and
// so take a "yes" the visitor never saw themselves give. Intersection Observer v2 reports whether
// an element is truly visible (not covered, not faded, not transformed). A click counts only on a
// button that is visible now; once it has been seen on screen yet hidden, it must then have been
// visible for a moment. Scrolled out of view is not hidden: scrolling to the card and clicking at
// once is what visitors (and tests) do. Where the browser has no v2 (Firefox, Safari today)
// nothing can be told, and clicks count.

/** How long the button must have been visible after it was seen covered, faded or transformed. */
export const VISIBLE_FOR_MS = 500;
/** The browser's least delay between two visibility reports. */
const REPORT_DELAY_MS = 100;
/** How long a click waits for the first report before it is refused. */
const FIRST_REPORT_TIMEOUT_MS = 1000;

interface Seen {
  visible: boolean;
  /** When `visible` last changed (the report's own time). */
  since: number;
  /** Once reported on screen yet not visible: covered, faded or transformed. */
  hidden: boolean;
}

export class VisibilityGuard {
  private observer: IntersectionObserver | undefined;
  private seen: Seen | undefined;
  private firstReport: (() => void) | undefined;

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
      for (const entry of entries) this.report(entry as IntersectionObserverEntry & { isVisible: boolean });
    }, options);
    this.observer.observe(element);
  };

  /** Whether a click now is one the visitor could see: waits for the first report if none came yet. */
  async allows(): Promise<boolean> {
    if (!VisibilityGuard.supported()) return true;
    if (!this.observer) return false;
    if (!this.seen) await this.nextReport();
    const seen = this.seen;
    if (!seen?.visible) return false;
    return !seen.hidden || this.now() - seen.since >= VISIBLE_FOR_MS;
  }

  private report(entry: IntersectionObserverEntry & { isVisible: boolean }): void {
    const before = this.seen;
    const visible = entry.isVisible;
    this.seen = {
      visible,
      since: before && before.visible === visible ? before.since : entry.time,
      hidden: (before?.hidden ?? false) || (entry.isIntersecting && !visible),
    };
    this.firstReport?.();
  }

  private nextReport(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.firstReport = undefined;
        resolve();
      };
      const timer = setTimeout(done, FIRST_REPORT_TIMEOUT_MS);
      this.firstReport = done;
    });
  }
}
