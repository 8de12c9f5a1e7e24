// Valid publisher traffic: create projects, upload kernels, publish batches with every option.
import { tinyKernel } from '../../helpers/tiny-kernel.js';
import { kernels, ownedProjects, publishers, type Publisher } from './model.js';
import { chance, int, pick, weighted } from './prng.js';
import { jsonHeaders, type Req } from './requests.js';
import { API } from './routes.js';
import { asciiText, b64, randomJson, randomText, serialize, WEIRD } from './values.js';

function projectName(): string {
  return weighted<() => string>([
    [4, () => `${pick(['Prime', 'Mandel', 'Fold', 'Climate', 'Ünïcødé', '项目', 'Δelta'])} ${int(1, 999)}`],
    [1, () => 'x'.repeat(100)],
    [1, () => '😀'.repeat(int(1, 100))],
    [1, () => ` ${asciiText(int(1, 30))}x `],
    [1, () => '\u200b'],
    [1, () => '---'],
    [1, () => `${pick(WEIRD.filter((w) => w.trim() !== '' && w.length < 20))}${int(0, 9)}`],
  ])();
}

export function validCreateProject(publisher = pick(publishers)): Req {
  const body: Record<string, unknown> = { name: projectName() };
  if (chance(0.5)) body.description = chance(0.1) ? 'd'.repeat(4000) : randomText(60);
  return createProject(publisher, body, 'valid: create project');
}

/** A POST /projects of `body` by `publisher`. */
export function createProject(publisher: Publisher, body: object, kind: string): Req {
  return {
    route: 'POST /projects',
    kind,
    method: 'POST',
    url: `${API}/projects`,
    headers: jsonHeaders(publisher.token),
    payload: serialize(body),
    expect: 'ok',
  };
}

export function validUploadKernel(): Req {
  return {
    route: 'POST /kernels',
    kind: 'valid: upload kernel',
    method: 'POST',
    url: `${API}/kernels`,
    headers: {
      authorization: `Bearer ${pick(publishers).token}`,
      'content-type': pick(['application/wasm', 'application/octet-stream']),
    },
    payload: tinyKernel(int(0, 127)),
    expect: 'ok',
  };
}

export interface PublishOptions {
  inputs?: unknown[];
  quorum?: number;
  validator?: 'exact' | 'json-tolerance';
  replication?: 'full';
  quiz?: boolean;
}

export function publishBody(options: PublishOptions = {}): Record<string, unknown> {
  const base64 = options.inputs === undefined && chance(0.2);
  const n = int(1, 6);
  const values = Array.from({ length: n }, () => randomJson(2));
  const body: Record<string, unknown> = {
    kernel: pick(kernels),
    inputs: options.inputs ?? (base64 ? values.map((v) => b64(serialize(v))) : values),
  };
  if (base64) body.encoding = 'base64';
  else if (chance(0.2)) body.encoding = 'json';
  let quorum = options.quorum ?? pick([1, 1, 2, 2, 2, 3]);
  if (options.quorum !== undefined || chance(0.8)) body.quorum = quorum;
  else quorum = 2; // the server's default
  if (chance(0.5)) body.maxResults = int(Math.max(quorum, 1), Math.min(quorum + 3, 64));
  if (chance(0.6)) {
    const deadline = pick([1, 2, 5, 30, 600, 2592000]);
    body.deadlineSeconds = deadline;
    if (chance(0.5)) body.maxRunSeconds = int(1, Math.min(deadline, 86400));
  }
  if (chance(0.6)) body.credit = pick([1, 0.5, 2.5, 0.001, 7, 1e-9, 1e6]);
  const validator = options.validator ?? (chance(0.5) ? pick(['exact', 'json-tolerance'] as const) : undefined);
  if (validator) body.validator = validator;
  if (validator === 'json-tolerance' && chance(0.7)) body.tolerance = pick([0, 1e-9, 0.01, 1]);
  if (options.replication || chance(0.3)) body.replication = options.replication ?? pick(['adaptive', 'full']);
  if (options.quiz ?? chance(0.15)) {
    body.quiz = Array.from({ length: int(1, 2) }, () => {
      const v = randomJson(2);
      // the echo behaviour of honest volunteers passes a quiz whose answer is its input
      return { input: base64 ? b64(serialize(v)) : v, output: v };
    });
  }
  return body;
}

export function validPublish(
  options: PublishOptions = {},
  project?: { id: string; owner: Publisher },
): Req | undefined {
  const owned = ownedProjects();
  const target = project ?? (owned.length ? pick(owned) : undefined);
  if (!target || kernels.length === 0) return undefined;
  return {
    route: 'POST /projects/:p/batches',
    kind: 'valid: publish',
    method: 'POST',
    url: `${API}/projects/${encodeURIComponent(target.id)}/batches`,
    headers: jsonHeaders(target.owner.token),
    payload: serialize(publishBody(options)),
    expect: 'ok',
  };
}
