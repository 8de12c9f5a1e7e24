// Asks the browser, once, to keep this origin's storage (units, outbox, identity) under storage
// pressure instead of evicting it. Only after the volunteer clicked Start, and quietly: the
// answer is remembered and nothing is shown either way (Chromium decides without a prompt).
import { KEY_PREFIX, readJson, write } from './preferences.js';

export const PERSIST_KEY = `${KEY_PREFIX}persisted`;

let asking: Promise<void> | undefined;

export function requestPersistentStorage(): Promise<void> {
  asking ??= ask();
  return asking;
}

async function ask(): Promise<void> {
  const storage = globalThis.navigator?.storage;
  // Asked on an earlier visit (the answer rarely changes, and asking again could prompt again).
  if (readJson(PERSIST_KEY) !== null || typeof storage?.persist !== 'function') return;
  try {
    const granted = (await storage.persisted()) || (await storage.persist());
    write(PERSIST_KEY, JSON.stringify({ granted, at: Date.now() }));
  } catch {
    // Not available here (some private modes): units still live in IndexedDB, just evictable.
  }
}
