import { describe, expect, it } from 'vitest';
import {
  compareFor,
  decideUnit,
  exactCompare,
  jsonEqualWithin,
  type QuorumPolicy,
} from '../../src/server/validator.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const exact: QuorumPolicy = { quorum: 2, maxResults: 5, validator: 'exact', tolerance: 0 };

describe('compare', () => {
  it('exact compares bytes', () => {
    expect(exactCompare(bytes('{"a":1}'), bytes('{"a":1}'))).toBe(true);
    expect(exactCompare(bytes('{"a":1}'), bytes('{"a": 1}'))).toBe(false);
    expect(exactCompare(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('json-tolerance accepts numbers within the relative tolerance only', () => {
    const compare = compareFor('json-tolerance', 1e-6);
    expect(compare(bytes('{"x":1.0000001,"y":[2,3]}'), bytes('{"y":[2,3],"x":1}'))).toBe(true);
    expect(compare(bytes('{"x":1.01}'), bytes('{"x":1}'))).toBe(false);
    expect(compare(bytes('{"x":1,"z":0}'), bytes('{"x":1}'))).toBe(false);
    expect(compare(bytes('[1,2]'), bytes('[1,2,3]'))).toBe(false);
    expect(compare(bytes('"a"'), bytes('"b"'))).toBe(false);
  });

  it('json-tolerance falls back to bytes for non-JSON outputs', () => {
    const compare = compareFor('json-tolerance', 0.5);
    expect(compare(new Uint8Array([0xff, 1]), new Uint8Array([0xff, 1]))).toBe(true);
    expect(compare(new Uint8Array([0xff, 1]), new Uint8Array([0xff, 2]))).toBe(false);
  });

  it('treats zero, negative and equal values sensibly', () => {
    expect(jsonEqualWithin(0, 0, 0)).toBe(true);
    expect(jsonEqualWithin(-1, 1, 0.5)).toBe(false);
    expect(jsonEqualWithin(null, null, 0)).toBe(true);
    expect(jsonEqualWithin({ a: null }, { a: 0 }, 1)).toBe(false);
  });
});

describe('decideUnit', () => {
  const ok = (lease: string, text: string) => ({ lease, output: bytes(text) });
  const failed = (lease: string) => ({ lease, output: null });

  it('waits for the quorum while one result is in', () => {
    expect(decideUnit(exact, [ok('a', '1')])).toEqual({ kind: 'open', want: 1 });
  });

  it('validates two agreeing results and makes the earliest canonical', () => {
    expect(decideUnit(exact, [ok('a', '1'), ok('b', '1')])).toEqual({
      kind: 'done',
      canonical: 'a',
      valid: ['a', 'b'],
      invalid: [],
    });
  });

  it('asks for one more replica on disagreement, then marks the odd one invalid', () => {
    expect(decideUnit(exact, [ok('a', '1'), ok('b', '2')])).toEqual({ kind: 'open', want: 1 });
    expect(decideUnit(exact, [ok('a', '1'), ok('b', '2'), ok('c', '2')])).toEqual({
      kind: 'done',
      canonical: 'b',
      valid: ['b', 'c'],
      invalid: ['a'],
    });
  });

  it('counts kernel errors towards maxResults and gives up with a reason', () => {
    const decision = decideUnit(exact, [ok('a', '1'), failed('b'), ok('c', '2'), failed('d'), ok('e', '3')]);
    expect(decision.kind).toBe('error');
    if (decision.kind === 'error') {
      expect(decision.reason).toMatch(/no 2 agreeing results after 5 \(3 distinct outputs, 2 kernel errors\)/);
      expect(decision.invalid).toEqual(['a', 'c', 'e']);
    }
  });

  it('never wants more replicas than maxResults allows', () => {
    const policy = { ...exact, quorum: 3, maxResults: 4 };
    expect(decideUnit(policy, [ok('a', '1'), ok('b', '2'), ok('c', '3')])).toEqual({ kind: 'open', want: 1 });
  });

  it('accepts a single result at quorum 1', () => {
    expect(decideUnit({ ...exact, quorum: 1 }, [ok('a', 'x')])).toMatchObject({ kind: 'done', canonical: 'a' });
  });
});
