// Valid requests to mutate: one per route, with real ids, a working credential, a valid body
// (JSON or kernel bytes) and, for result submissions, the volunteer who signs it.
import { tinyKernel } from '../../helpers/tiny-kernel.js';
import {
  allLeases,
  allProjects,
  kernels,
  nextPoolKey,
  ownedBatches,
  publishers,
  someVolunteer,
  type Volunteer,
} from './model.js';
import { chance, int, pick, randomBytes, weighted } from './prng.js';
import { ROUTES, type RouteSpec } from './routes.js';
import { validCreateProject, publishBody } from './valid-publisher.js';
import { outputFor } from './valid-volunteer.js';
import { b64 } from './values.js';

export interface Template {
  spec: RouteSpec;
  path: string;
  query: string;
  auth?: string;
  body?: unknown;
  binary?: Buffer;
  signer?: Volunteer;
}

/** A valid request to a route picked at random (bodies weigh more), or undefined if none can be built yet. */
export function template(): Template | undefined {
  const spec = weighted(ROUTES.map((r) => [r.extra ? 0.3 : r.body ? 4 : 1, r] as const));
  const route = (path: string, rest: Partial<Template> = {}): Template => ({ spec, path, query: '', ...rest });
  const v = someVolunteer();
  const publisher = pick(publishers);
  const owned = ownedBatches();
  switch (spec.label) {
    case 'POST /projects':
      return route('/projects', { auth: publisher.token, body: JSON.parse(validCreateProject().payload as string) });
    case 'POST /kernels':
      return route('/kernels', { auth: publisher.token, binary: tinyKernel(int(0, 127)) });
    case 'POST /projects/:p/batches': {
      const mine = publisher.projects.length ? publisher : publishers.find((p) => p.projects.length);
      if (!mine || !kernels.length) return undefined;
      return route(`/projects/${encodeURIComponent(pick(mine.projects))}/batches`, {
        auth: mine.token,
        body: publishBody(),
      });
    }
    case 'POST /volunteers': {
      const body: Record<string, unknown> = { publicKey: nextPoolKey().publicKey };
      if (chance(0.3)) body.name = 'fuzz';
      return route('/volunteers', { body });
    }
    case 'POST /lease':
      return (
        v &&
        route('/lease', {
          auth: v.secret,
          body: { max: int(1, 8), ...(chance(0.3) ? { projects: allProjects().slice(0, 3) } : {}) },
        })
      );
    case 'POST /results': {
      if (!v) return undefined;
      const own = [
        ...v.held.map((h) => ({ lease: h.lease, ...outputFor(v, h) })),
        ...v.returned.map((r) => ({ lease: r.lease, ...r.result })),
      ];
      const others = allLeases();
      const items = Array.from({ length: int(1, 3) }, () =>
        own.length && chance(0.7)
          ? pick(own)
          : {
              lease: others.length && chance(0.7) ? pick(others) : randomBytes(12).toString('base64url'),
              output: b64('1'),
            },
      );
      return route('/results', { auth: v.secret, body: { results: items }, signer: v });
    }
    case 'PUT /leases/:l/result': {
      if (!v) return undefined;
      const held = v.held.length && chance(0.6) ? pick(v.held) : undefined;
      const lease = held?.lease ?? (allLeases().length ? pick(allLeases()) : 'no-such-lease');
      const body = held ? outputFor(v, held) : chance(0.5) ? { output: b64('1') } : { error: 'boom' };
      return route(`/leases/${encodeURIComponent(lease)}/result`, { auth: v.secret, body, signer: v });
    }
    case 'GET /batches/:b':
    case 'GET /batches/:b/results':
    case 'GET /batches/:b/stats': {
      const batch = owned.length ? pick(owned) : undefined;
      return batch && route(spec.label.slice(4).replace(':b', batch.batch), { auth: batch.owner.token });
    }
    case 'GET /projects/:p/batches':
    case 'GET /projects/:p/outputs': {
      const mine = publishers.find((p) => p.projects.length);
      return (
        mine && route(spec.label.slice(4).replace(':p', encodeURIComponent(pick(mine.projects))), { auth: mine.token })
      );
    }
    case 'GET /kernels/:hash':
      return route(`/kernels/${pick(kernels)}`);
    case 'GET /sites/:key':
      return route('/sites/demo');
    case 'GET /ledger':
      return route('/ledger', { query: `?after=${int(0, 9)}&limit=${int(1, 50)}` });
    case 'GET /volunteers/me/receipts':
      return (
        v && route('/volunteers/me/receipts', { auth: v.secret, query: chance(0.5) ? `?limit=${int(1, 50)}` : '' })
      );
    case 'GET /volunteers/me':
    case 'DELETE /volunteers/me':
      return v && route('/volunteers/me', { auth: v.secret });
    case 'GET /me/projects':
      return route('/me/projects', { auth: publisher.token });
    case 'POST /volunteers/me/results': {
      const mine = v ? [...v.held.map((h) => h.lease), ...v.returned.map((r) => r.lease)] : [];
      const leases = Array.from({ length: int(1, 4) }, () =>
        mine.length && chance(0.6) ? pick(mine) : allLeases().length ? pick(allLeases()) : 'no-such-lease',
      );
      return v && route('/volunteers/me/results', { auth: v.secret, body: { leases } });
    }
    default:
      return route(spec.label.slice(spec.label.indexOf(' ') + 1));
  }
}
