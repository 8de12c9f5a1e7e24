// What the visitor chose in the card, remembered in localStorage. The browser partitions a
// framed page's storage by the site that embeds it, so the choice is per host site for free.
export type WidgetChoice = 'running' | 'paused' | 'declined';

const CHOICE_KEY = 'sparecycles.widget.choice';

export function readChoice(): WidgetChoice | undefined {
  try {
    const value = localStorage.getItem(CHOICE_KEY);
    return value === 'running' || value === 'paused' || value === 'declined' ? value : undefined;
  } catch {
    // storage blocked (some private modes): ask again, never assume consent
    return undefined;
  }
}

export function writeChoice(choice: WidgetChoice): void {
  try {
    localStorage.setItem(CHOICE_KEY, choice);
  } catch {
    // not remembered; the visitor is simply asked again next time
  }
}

/** False where the browser gives framed pages no storage (third-party storage blocked): the
 * runtime needs IndexedDB to keep units and results safe, so the card cannot run there. */
export function storageAvailable(): boolean {
  try {
    localStorage.getItem(CHOICE_KEY); // throws where storage is blocked
    return typeof indexedDB !== 'undefined';
  } catch {
    return false;
  }
}
