// The ensemble chart's own members beside the validated ones (ensemble-data.ts ownLines): waiting
// ones apart, confirmed ones only until the public outputs hold them, no member twice, and
// members of another shape (another ensemble's step or length) left out.
import { describe, expect, it } from 'vitest';
import { ownLines, type OwnMember } from '../../src/app/science/ensemble-data.js';

const member = (n: number, extra: Partial<OwnMember> = {}) => ({
  member: n,
  every: 10,
  dtMicro: 10_000,
  distance: [1e-6, 1e-3, n],
  ...extra,
});
const own = (n: number, status: OwnMember['status'], extra: Partial<OwnMember> = {}): OwnMember => ({
  ...member(n, extra),
  status,
});

describe('own ensemble lines', () => {
  it('draws waiting members apart and confirmed ones only while the public outputs lack them', () => {
    const lines = ownLines([member(1), member(2)], [own(2, 'confirmed'), own(3, 'confirmed'), own(4, 'waiting')])!;
    expect(lines.waiting).toEqual([[1e-6, 1e-3, 4]]);
    expect(lines.confirmed).toEqual([[1e-6, 1e-3, 3]]);
    expect(lines.days).toEqual([0, 0.5, 1]);
  });

  it('never draws a waiting member the public outputs already hold as validated', () => {
    const lines = ownLines([member(5)], [own(5, 'waiting')])!;
    expect(lines.waiting).toEqual([]);
    expect(lines.confirmed).toEqual([]);
  });

  it('takes its days from the own members before anything is validated', () => {
    const lines = ownLines([], [own(7, 'waiting', { every: 20 })])!;
    expect(lines.days).toEqual([0, 1, 2]);
    expect(lines.waiting).toHaveLength(1);
    expect(ownLines([], [])).toBeNull();
  });

  it('leaves out own members of another shape than the validated ones', () => {
    const lines = ownLines(
      [member(1)],
      [own(2, 'waiting', { every: 20 }), own(3, 'waiting', { distance: [1] }), own(4, 'waiting', { dtMicro: 5 })],
    )!;
    expect(lines.waiting).toEqual([]);
  });
});
