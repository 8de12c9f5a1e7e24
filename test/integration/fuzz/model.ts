// The fuzzer's model of the server's state (publishers, projects, batches, kernels, volunteers and
// their leases), learned from the server's answers (see learn.ts), so that valid and mutated
// requests can hit real ids.
import { keyPair, type KeyPair } from '../../helpers/volunteer-keys.js';
import { pick } from './prng.js';

export type Behaviour = 'honest' | 'liar' | 'erring' | 'adversary';
/** A unit's result as a volunteer returns it. */
export type Result = { output: string } | { error: string };
export interface HeldLease {
  lease: string;
  batch: string;
  input: string;
}
export interface Volunteer {
  id: string;
  secret: string;
  key: KeyPair['key'];
  behaviour: Behaviour;
  held: HeldLease[];
  returned: { lease: string; result: Result }[];
  /** Set once DELETE /volunteers/me succeeded: its secret no longer works. */
  gone?: boolean;
}
export interface Publisher {
  token: string;
  projects: string[];
  batches: string[];
}

export const publishers: Publisher[] = [];
export const volunteers: Volunteer[] = [];
export const kernels: string[] = [];
/** A key no volunteer registered. */
export const stranger = keyPair();

// Registrations use keys from a pool, so that learn() can pair a new volunteer with its private key.
const keyPool: KeyPair[] = [];
const keyByPublic = new Map<string, KeyPair>();
let nextPoolIndex = 0;

export function fillKeyPool(size: number): void {
  for (let i = 0; i < size; i++) {
    const pair = keyPair();
    keyPool.push(pair);
    keyByPublic.set(pair.publicKey, pair);
  }
}
/** The pool's keys in turn. */
export const nextPoolKey = () => keyPool[nextPoolIndex++ % keyPool.length]!;
export const poolKey = (publicKey: string) => keyByPublic.get(publicKey);

export const live = () => volunteers.filter((v) => !v.gone);
export function someVolunteer(): Volunteer | undefined {
  const l = live();
  return l.length ? pick(l) : undefined;
}
export const volunteerById = (id: unknown) => volunteers.find((v) => v.id === id);

/** The credential in an Authorization value, read the way src/server/auth.ts reads it. */
const bearer = (header: string | undefined) =>
  header === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(header)?.[1];
export const volunteerBySecret = (header: string | undefined) => {
  const secret = bearer(header);
  return secret === undefined ? undefined : volunteers.find((v) => !v.gone && v.secret === secret);
};
export const publisherByToken = (header: string | undefined) => {
  const token = bearer(header);
  return token === undefined ? undefined : publishers.find((p) => p.token === token);
};

export const allProjects = () => publishers.flatMap((p) => p.projects);
export const allBatches = () => publishers.flatMap((p) => p.batches);
export const allLeases = () =>
  volunteers.flatMap((v) => [...v.held.map((h) => h.lease), ...v.returned.map((r) => r.lease)]);
export const ownedProjects = () => publishers.flatMap((owner) => owner.projects.map((id) => ({ id, owner })));
export const ownedBatches = () => publishers.flatMap((owner) => owner.batches.map((batch) => ({ batch, owner })));

export type IdKind = 'project' | 'batch' | 'kernel' | 'lease' | 'site';
export function realIds(kind: IdKind): string[] {
  switch (kind) {
    case 'project':
      return allProjects();
    case 'batch':
      return allBatches();
    case 'kernel':
      return kernels;
    case 'lease':
      return allLeases();
    default:
      return ['site-x', 'demo'];
  }
}
