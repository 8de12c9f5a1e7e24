// Valid volunteer traffic: register (with a behaviour: honest, liar, erring or adversary), lease,
// return signed results as the behaviour says, and resend results already returned.
import { signBody } from '../../helpers/volunteer-keys.js';
import {
  allProjects,
  nextPoolKey,
  volunteerById,
  type Behaviour,
  type HeldLease,
  type Result,
  type Volunteer,
} from './model.js';
import { chance, int, pick, weighted } from './prng.js';
import { jsonHeaders, type Req } from './requests.js';
import { API } from './routes.js';
import { b64, deepText, randomText, serialize } from './values.js';

export function validRegister(behaviour?: Behaviour): Req {
  const pair = nextPoolKey();
  const body: Record<string, unknown> = { publicKey: pair.publicKey };
  if (chance(0.4)) body.name = pick(['Ada', 'Grace', 'Émile', '李', '😀'.repeat(40), 'n'.repeat(40), ' x ']);
  const chosen =
    behaviour ??
    weighted<Behaviour>([
      [12, 'honest'],
      [2, 'liar'],
      [2, 'erring'],
      [3, 'adversary'],
    ]);
  return {
    route: 'POST /volunteers',
    kind: `valid: register (${chosen})`,
    method: 'POST',
    url: `${API}/volunteers`,
    headers: jsonHeaders(),
    payload: serialize(body),
    expect: 'ok',
    after: (reply) => {
      const v = volunteerById(reply.json?.volunteer);
      if (v) v.behaviour = chosen;
    },
  };
}

export function validLease(v: Volunteer, projects?: string[]): Req {
  const body: Record<string, unknown> = { max: int(1, 8) };
  if (projects) body.projects = projects;
  else if (chance(0.2)) {
    const ids = allProjects();
    body.projects = Array.from({ length: int(1, 3) }, () =>
      ids.length && chance(0.8) ? pick(ids) : randomText(10) || 'p',
    );
  }
  return {
    route: 'POST /lease',
    kind: 'valid: lease',
    method: 'POST',
    url: `${API}/lease`,
    headers: jsonHeaders(v.secret),
    payload: serialize(body),
    expect: 'ok',
  };
}

/** An output of arrays nested `depth` deep: valid JSON that recursive code chokes on. */
export const DEEP_OUTPUT = (depth: number) => b64(deepText(depth, 'array'));

export function outputFor(v: Volunteer, lease: HeldLease): Result {
  switch (v.behaviour) {
    case 'honest':
      return { output: lease.input };
    case 'liar':
      return { output: b64(`"wrong-${int(0, 1)}"`) };
    case 'erring':
      return chance(0.5)
        ? { error: pick(['RuntimeError: unreachable', 'out of memory', 'timeout', '\u0000😀']) }
        : { output: lease.input };
    default:
      return weighted<() => Result>([
        [2, () => ({ output: lease.input })],
        [2, () => ({ output: DEEP_OUTPUT(pick([3000, 12_000, 50_000])) })],
        [1, () => ({ output: b64(Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28])) })],
        [1, () => ({ output: '' })],
        [1, () => ({ output: b64(JSON.stringify('a'.repeat(int(1000, 300_000)))) })],
        [1, () => ({ output: b64('[1e999, -0, 1E+2]') })],
        [1, () => ({ output: b64(`  ${Buffer.from(lease.input, 'base64').toString('latin1')}\n`) })],
        [1, () => ({ error: 'e'.repeat(4000) })],
      ])();
  }
}

function signedHeaders(v: Volunteer, payload: string): Record<string, string> {
  return { ...jsonHeaders(v.secret), 'x-sc-signature': signBody(v.key, payload) };
}

/** A signed PUT /leases/:l/result of one result. */
function putResult(v: Volunteer, lease: string, result: Result, kind: string): Req {
  const payload = serialize(result);
  return {
    route: 'PUT /leases/:l/result',
    kind,
    method: 'PUT',
    url: `${API}/leases/${encodeURIComponent(lease)}/result`,
    headers: signedHeaders(v, payload),
    payload,
    expect: 'ok',
  };
}

/** A signed POST /results of a batch of results. */
function postResults(v: Volunteer, results: unknown[], kind: string): Req {
  const payload = serialize({ results });
  return {
    route: 'POST /results',
    kind,
    method: 'POST',
    url: `${API}/results`,
    headers: signedHeaders(v, payload),
    payload,
    expect: 'ok',
  };
}

/** Returns some of the leases `v` holds (or `chosen`), with the results its behaviour (or `output`) gives. */
export function validSubmit(v: Volunteer, chosen?: HeldLease[], output?: (lease: HeldLease) => Result): Req {
  const leases = chosen ?? v.held.slice(0, int(1, Math.min(4, v.held.length)));
  v.held = v.held.filter((h) => !leases.includes(h));
  const result = (h: HeldLease) => (output ?? ((x: HeldLease) => outputFor(v, x)))(h);
  const taking = { volunteer: v, leases };
  if (leases.length === 1 && chance(0.3) && !chosen) {
    return { ...putResult(v, leases[0]!.lease, result(leases[0]!), 'valid: put result'), taking };
  }
  const results = leases.map((h) => ({
    lease: h.lease,
    ...result(h),
    ...(chance(0.3) ? { elapsedMs: int(0, 1e6) } : {}),
  }));
  return { ...postResults(v, results, 'valid: submit results'), taking };
}

/** Sends a result `v` has returned once again: the server must answer it is a duplicate. */
export function validResend(v: Volunteer): Req {
  const r = pick(v.returned);
  if (chance(0.5)) return putResult(v, r.lease, r.result, 'valid: resend (PUT)');
  return postResults(v, [{ lease: r.lease, ...r.result }], 'valid: resend');
}
