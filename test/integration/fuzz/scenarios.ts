// Multi-step scenarios of valid requests that push deeply nested JSON through the whole pipeline:
// as a volunteer's output (validated exactly or with json-tolerance, then read back by the
// publisher) and as a published input.
import { publishers, volunteerById, type HeldLease, type Publisher, type Volunteer } from './model.js';
import { int, pick } from './prng.js';
import type { Req } from './requests.js';
import { createProject, validPublish } from './valid-publisher.js';
import { get } from './valid-traffic.js';
import { DEEP_OUTPUT, validLease, validRegister, validSubmit } from './valid-volunteer.js';
import { deepText, rawJson } from './values.js';

/** Multi-step scenarios whose steps run in order, each built when its turn comes. */
const script: (() => Req | undefined)[] = [];

function scenarioProject(owner: Publisher, state: { project?: string }): Req {
  return {
    ...createProject(owner, { name: `scenario ${int(0, 1e9)}` }, 'scenario: project'),
    after: (reply) => {
      state.project = reply.json?.id;
    },
  };
}

/**
 * Two volunteers return the same deeply nested JSON output for one unit of a json-tolerance batch
 * (valid requests: an output is any base64 bytes), then the lead reads the results.
 */
function scheduleDeepOutputScenario(validator: 'exact' | 'json-tolerance', depth: number): void {
  const owner = pick(publishers);
  const state: { project?: string; batch?: string; vols: Volunteer[]; leases: (HeldLease | undefined)[] } = {
    vols: [],
    leases: [],
  };
  const quorum = validator === 'exact' ? 1 : 2;
  script.push(() => scenarioProject(owner, state));
  script.push(() => {
    if (!state.project) return undefined;
    const req = validPublish(
      { inputs: [0], quorum, validator, replication: 'full', quiz: false },
      { id: state.project, owner },
    );
    if (!req) return undefined;
    return {
      ...req,
      kind: `scenario: publish (${validator}, quorum ${quorum})`,
      after: (reply) => {
        state.batch = reply.json?.batch;
      },
    };
  });
  for (let i = 0; i < quorum; i++) {
    script.push(() => ({
      ...validRegister('honest'),
      kind: 'scenario: register',
      after: (reply) => {
        const v = volunteerById(reply.json?.volunteer);
        if (v) {
          v.behaviour = 'honest';
          state.vols.push(v);
        }
      },
    }));
  }
  for (let i = 0; i < quorum; i++) {
    script.push(() => {
      const v = state.vols[i];
      if (!v || !state.project) return undefined;
      return {
        ...validLease(v, [state.project]),
        kind: 'scenario: lease',
        after: () => {
          state.leases[i] = v.held.find((h) => h.batch === state.batch);
        },
      };
    });
  }
  for (let i = 0; i < quorum; i++) {
    script.push(() => {
      const v = state.vols[i];
      const lease = state.leases[i];
      if (!v || !lease) return undefined;
      return {
        ...validSubmit(v, [lease], () => ({ output: DEEP_OUTPUT(depth) })),
        kind: `scenario: ${depth}-deep output`,
      };
    });
  }
  script.push(() =>
    state.batch
      ? {
          ...get('GET /batches/:b/results', `/batches/${state.batch}/results`, owner.token),
          kind: 'scenario: read results',
        }
      : undefined,
  );
  script.push(() =>
    state.project
      ? {
          ...get('GET /projects/:p/outputs', `/projects/${encodeURIComponent(state.project)}/outputs`, owner.token),
          kind: 'scenario: read outputs',
          expect: 'any',
        }
      : undefined,
  );
}

/** A publish whose one input nests deeper than JSON.stringify can go (the schema allows any JSON). */
function scheduleDeepInputScenario(depth: number): void {
  script.push(() => {
    const req = validPublish({ inputs: [rawJson(deepText(depth, 'array'))], quiz: false });
    return req && { ...req, kind: `scenario: publish a ${depth}-deep input`, expect: 'any' };
  });
}

/** Queues the scenarios; their steps then come before any other valid request. */
export function scheduleDeepScenarios(): void {
  scheduleDeepOutputScenario('json-tolerance', pick([12_000, 50_000]));
  scheduleDeepOutputScenario('exact', pick([5000, 8000]));
  scheduleDeepInputScenario(pick([5000, 20_000]));
}

export const hasScriptedSteps = () => script.length > 0;

/** The next scenario step that can be built now (a step whose earlier steps failed is skipped). */
export function nextScriptedStep(): Req | undefined {
  while (script.length) {
    const step = script.shift()!();
    if (step) return step;
  }
  return undefined;
}
