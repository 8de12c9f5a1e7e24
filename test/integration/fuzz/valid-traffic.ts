// The valid traffic interleaved with garbage and mutations, so that they hit real projects,
// batches and leases: a weighted mix of publisher, volunteer and read requests.
import { kernels, live, ownedBatches, someVolunteer } from './model.js';
import { chance, int, pick, weighted } from './prng.js';
import type { Req } from './requests.js';
import { API } from './routes.js';
import { validCreateProject, validPublish, validUploadKernel } from './valid-publisher.js';
import { validLease, validRegister, validResend, validSubmit } from './valid-volunteer.js';

/** A valid request, or 'tick': let time pass so that leases expire. */
export function validRequest(): Req | 'tick' | undefined {
  const withHeld = live().filter((v) => v.held.length > 0);
  const withReturned = live().filter((v) => v.returned.length > 0);
  const action = weighted<() => Req | 'tick' | undefined>([
    [2, () => validCreateProject()],
    [1, validUploadKernel],
    [5, () => validPublish()],
    [live().length < 60 ? 3 : 0.2, () => validRegister()],
    [8, () => (live().length ? validLease(pick(live())) : validRegister())],
    [withHeld.length ? 10 : 0, () => validSubmit(pick(withHeld))],
    [withReturned.length ? 2 : 0, () => validResend(pick(withReturned))],
    [4, validRead],
    [1, () => 'tick'],
  ]);
  return action();
}

function validRead(): Req | undefined {
  const v = someVolunteer();
  const owned = ownedBatches();
  const batch = owned.length ? pick(owned) : undefined;
  const options: [number, () => Req | undefined][] = [
    [1, () => get('GET /projects', '/projects')],
    [1, () => get('GET /leaderboard', '/leaderboard')],
    [1, () => get('GET /ledger/key', '/ledger/key')],
    [1, () => get('GET /health', '/health')],
    [2, () => get('GET /ledger', `/ledger?after=${int(0, 500)}&limit=${chance(0.1) ? 10000 : int(1, 100)}`)],
    [1, () => (kernels.length ? get('GET /kernels/:hash', `/kernels/${pick(kernels)}`) : undefined)],
    [2, () => (batch ? get('GET /batches/:b', `/batches/${batch.batch}`, batch.owner.token) : undefined)],
    [
      2,
      () => (batch ? get('GET /batches/:b/results', `/batches/${batch.batch}/results`, batch.owner.token) : undefined),
    ],
    [2, () => (v ? get('GET /volunteers/me', '/volunteers/me', v.secret) : undefined)],
    [
      2,
      () =>
        v
          ? get(
              'GET /volunteers/me/receipts',
              `/volunteers/me/receipts${chance(0.5) ? `?after=${int(0, 20)}&limit=${int(1, 100)}` : ''}`,
              v.secret,
            )
          : undefined,
    ],
  ];
  return weighted(options)();
}

export function get(route: string, path: string, auth?: string): Req {
  return {
    route,
    kind: 'valid: read',
    method: 'GET',
    url: `${API}${path}`,
    headers: auth === undefined ? {} : { authorization: `Bearer ${auth}` },
    expect: 'ok',
  };
}
