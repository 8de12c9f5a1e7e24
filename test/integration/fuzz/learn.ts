// Updates the fuzzer's model (model.ts) from what the server answered: new projects, kernels,
// batches and volunteers, leases taken and returned.
import { kernels, poolKey, publisherByToken, volunteerBySecret, volunteers, type Result } from './model.js';
import type { Reply, Req } from './requests.js';
import { API, routeFor } from './routes.js';

/** The acks of a POST /results (an array) or a PUT /leases/:l/result (a single ack). */
export function acksOf(reply: Reply): { lease: string; outcome: string }[] {
  const json = reply.json;
  if (Array.isArray(json?.acks)) return json.acks;
  if (json && typeof json.lease === 'string' && typeof json.outcome === 'string') return [json];
  return [];
}

/** The results a POST /results or PUT /leases/:l/result carried, by lease. */
function sentResults(req: Req): Map<string, Result> {
  const out = new Map<string, Result>();
  try {
    const body = JSON.parse(Buffer.from(req.payload ?? '').toString());
    const items =
      req.method === 'PUT' ? [{ ...body, lease: decodeURIComponent(req.url.split('/')[4] ?? '') }] : body.results;
    for (const item of items) {
      out.set(item.lease, item.output !== undefined ? { output: item.output } : { error: item.error });
    }
  } catch {
    // not our business: the server refused it too
  }
  return out;
}

/** Updates the model from what the server answered. */
export function learn(req: Req, reply: Reply): void {
  const ok = reply.status >= 200 && reply.status < 300;
  const path = req.url.slice(API.length).split('?')[0] ?? '';
  const route = routeFor(req.method, path)?.label;
  const publisher = publisherByToken(req.headers.authorization);
  const volunteer = volunteerBySecret(req.headers.authorization);
  if (ok) {
    switch (route) {
      case 'POST /projects':
        if (publisher && typeof reply.json?.id === 'string') publisher.projects.push(reply.json.id);
        break;
      case 'POST /kernels':
        if (typeof reply.json?.hash === 'string' && !kernels.includes(reply.json.hash)) kernels.push(reply.json.hash);
        break;
      case 'POST /projects/:p/batches':
        if (publisher && typeof reply.json?.batch === 'string') publisher.batches.push(reply.json.batch);
        break;
      case 'POST /volunteers': {
        let publicKey: string | undefined;
        try {
          publicKey = JSON.parse(Buffer.from(req.payload ?? '').toString()).publicKey;
        } catch {
          publicKey = undefined;
        }
        const pair = publicKey === undefined ? undefined : poolKey(publicKey);
        if (pair && typeof reply.json?.volunteer === 'string' && typeof reply.json?.secret === 'string') {
          volunteers.push({
            id: reply.json.volunteer,
            secret: reply.json.secret,
            key: pair.key,
            behaviour: 'honest',
            held: [],
            returned: [],
          });
        }
        break;
      }
      case 'POST /lease':
        if (volunteer && Array.isArray(reply.json?.leases)) {
          for (const l of reply.json.leases as { lease: string; batch: string; input: string }[]) {
            if (!volunteer.held.some((h) => h.lease === l.lease))
              volunteer.held.push({ lease: l.lease, batch: l.batch, input: l.input });
          }
        }
        break;
      case 'POST /results':
      case 'PUT /leases/:l/result':
        if (volunteer) {
          const results = sentResults(req);
          for (const ack of acksOf(reply)) {
            if (ack.outcome === 'rejected') continue;
            const result = results.get(ack.lease);
            volunteer.held = volunteer.held.filter((h) => h.lease !== ack.lease);
            if (result && !volunteer.returned.some((r) => r.lease === ack.lease))
              volunteer.returned.push({ lease: ack.lease, result });
          }
          if (volunteer.returned.length > 50) volunteer.returned.splice(0, volunteer.returned.length - 50);
        }
        break;
      case 'DELETE /volunteers/me':
        if (volunteer) volunteer.gone = true;
        break;
      default:
        break;
    }
  }
  // A refused submission leaves its leases with the volunteer, to be submitted again; after a 2xx
  // the server has decided every one of them (a rejected lease is not retried).
  const taken = req.taking;
  if (taken && !ok) {
    const back = taken.leases.filter((h) => !taken.volunteer.returned.some((r) => r.lease === h.lease));
    taken.volunteer.held.push(...back);
  }
}
