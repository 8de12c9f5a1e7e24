// "Forget me": the server's pseudonymous record is made unusable first, then everything this
// origin kept in the browser is deleted: the IndexedDB database (identity, units, outbox,
// kernels), the preferences in localStorage, the service worker and its caches.
//
// The order matters: once the local credentials are gone nothing could ever delete the server
// record, so if the server cannot be reached nothing local is deleted either.
import { API_PREFIX } from '../protocol/api.js';
import { DB_NAME } from '../runtime/browser/idb-store.js';
import type { Credentials } from '../runtime/ports.js';
import { NoticeError } from './notice.js';
import { forgetPreferences } from './preferences.js';
import { unregisterServiceWorker } from './service-worker.js';

/** Asks the server to forget this volunteer. An unknown or already forgotten one (401) is fine. */
export async function forgetServerRecord(origin: string, credentials: Credentials): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${origin}${API_PREFIX}/volunteers/me`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${credentials.secret}` },
    });
  } catch {
    throw new NoticeError(
      { key: 'volunteer.forget.offline' },
      'The server cannot be reached, so nothing was deleted. Try again when you are online.',
    );
  }
  if (response.ok || response.status === 401) return;
  throw new NoticeError(
    { key: 'volunteer.forget.refused', params: { status: String(response.status) } },
    `The server answered ${response.status}, so nothing was deleted. Try again later.`,
  );
}

/** Deletes everything this origin stored in the browser. Connections must be closed first. */
export async function deleteLocalData(): Promise<void> {
  forgetPreferences();
  // The worker first: one still installing would otherwise fill its caches again afterwards.
  await unregisterServiceWorker();
  await Promise.all([deleteDatabase(DB_NAME), deleteCaches()]);
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(new Error(`could not delete the local database: ${request.error?.message}`));
    // Another tab still has it open; the deletion completes when that tab lets go (idb-store
    // closes on `versionchange`), so this only waits.
    request.onblocked = () => {};
  });
}

async function deleteCaches(): Promise<void> {
  if (typeof caches === 'undefined') return;
  await Promise.all((await caches.keys()).map((key) => caches.delete(key)));
}
