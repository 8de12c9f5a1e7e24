// Validation is a plug-in of two pure parts: `compare(a, b)` says whether two outputs agree,
// and `decideUnit` turns a unit's returned results into a decision the store applies.
import type { ValidatorKind } from '../protocol/api.js';

export type Compare = (a: Uint8Array, b: Uint8Array) => boolean;

export function exactCompare(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function parseJson(bytes: Uint8Array): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(decoder.decode(bytes)) };
  } catch {
    return undefined;
  }
}

/** Numbers agree within a relative tolerance; everything else must be equal. */
export function jsonEqualWithin(a: unknown, b: unknown, tolerance: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqualWithin(item, b[i], tolerance));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keysA = Object.keys(a);
    if (keysA.length !== Object.keys(b).length) return false;
    return keysA.every(
      (key) =>
        Object.hasOwn(b, key) &&
        jsonEqualWithin((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], tolerance),
    );
  }
  return a === b;
}

export function compareFor(kind: ValidatorKind, tolerance: number): Compare {
  if (kind === 'exact') return exactCompare;
  return (a, b) => {
    const left = parseJson(a);
    const right = parseJson(b);
    if (!left || !right) return exactCompare(a, b);
    try {
      return jsonEqualWithin(left.value, right.value, tolerance);
    } catch (err) {
      // Outputs nested deeper than the stack allows: compare them as bytes.
      if (err instanceof RangeError) return exactCompare(a, b);
      throw err;
    }
  };
}

export interface QuorumPolicy {
  quorum: number;
  maxResults: number;
  validator: ValidatorKind;
  tolerance: number;
}

/** A returned replica: its output, or null when the kernel failed on the volunteer. */
export interface ReturnedResult {
  lease: string;
  output: Uint8Array | null;
}

export type UnitDecision =
  | { kind: 'done'; canonical: string; valid: string[]; invalid: string[] }
  | { kind: 'error'; reason: string; invalid: string[] }
  /** Still open: `want` replicas should be in flight at once. */
  | { kind: 'open'; want: number };

export type QuorumDecider = (policy: QuorumPolicy, results: ReturnedResult[]) => UnitDecision;

/** Groups agreeing outputs; a group of `quorum` wins, its earliest member is canonical. */
export const decideUnit: QuorumDecider = (policy, results) => {
  const compare = compareFor(policy.validator, policy.tolerance);
  const groups: ReturnedResult[][] = [];
  for (const result of results) {
    if (result.output === null) continue;
    const group = groups.find((g) => compare(g[0]!.output!, result.output!));
    if (group) group.push(result);
    else groups.push([result]);
  }
  const largest = groups.reduce<ReturnedResult[]>((best, g) => (g.length > best.length ? g : best), []);
  const successful = results.filter((r) => r.output !== null);
  if (largest.length >= policy.quorum) {
    const valid = largest.map((r) => r.lease);
    return {
      kind: 'done',
      canonical: largest[0]!.lease,
      valid,
      invalid: successful.filter((r) => !valid.includes(r.lease)).map((r) => r.lease),
    };
  }
  if (results.length >= policy.maxResults) {
    const errors = results.length - successful.length;
    return {
      kind: 'error',
      reason:
        `no ${policy.quorum} agreeing results after ${results.length} ` +
        `(${groups.length} distinct outputs, ${errors} kernel errors)`,
      invalid: successful.map((r) => r.lease),
    };
  }
  return { kind: 'open', want: Math.min(policy.quorum - largest.length, policy.maxResults - results.length) };
};
