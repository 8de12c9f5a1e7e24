// The ledger's Merkle tree against RFC 9162 §2.1: the published RFC 6962 reference roots, and
// every inclusion and consistency proof of many tree shapes checked by the RFC's verifiers.
import { describe, expect, it } from 'vitest';
import {
  consistencySpans,
  Frontier,
  inclusionSpans,
  leafHash,
  nodesFor,
  proofHashes,
  rangePieces,
  referenceRoot,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type NodeRef,
} from '../../src/server/merkle.js';

const hex = (b: Buffer) => b.toString('hex');
// The inputs and roots of the RFC 6962 reference tests (certificate-transparency merkle_tree_test).
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_LEAVES = CT_INPUTS.map((h) => leafHash(Buffer.from(h, 'hex')));

/** Every perfect aligned node of a tree, as the store keeps them, built by the frontier. */
function storedNodes(leaves: readonly Hash[]): Map<string, Hash> {
  const nodes = new Map<string, Hash>();
  const frontier = Frontier.empty();
  for (const leaf of leaves) for (const n of frontier.push(leaf)) nodes.set(`${n.level}:${n.idx}`, n.hash);
  return nodes;
}
const lookupIn = (nodes: Map<string, Hash>) => (ref: NodeRef) => nodes.get(`${ref.level}:${ref.idx}`);

describe('the ledger Merkle tree (RFC 9162 §2.1)', () => {
  it('matches the RFC 6962 reference roots for sizes 0 to 8, built all at once or a leaf at a time', () => {
    const frontier = Frontier.empty();
    expect(hex(frontier.root())).toBe(CT_ROOTS[0]);
    for (let n = 1; n <= 8; n++) {
      expect(hex(referenceRoot(CT_LEAVES.slice(0, n)))).toBe(CT_ROOTS[n]);
      frontier.push(CT_LEAVES[n - 1]!);
      expect(hex(frontier.root())).toBe(CT_ROOTS[n]);
    }
  });

  it('gives the reference inclusion proof of leaf 0 in the tree of 8', () => {
    const nodes = storedNodes(CT_LEAVES);
    const path = proofHashes(inclusionSpans(0, 8), lookupIn(nodes)).map(hex);
    expect(path).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
  });

  const many = Array.from({ length: 41 }, (_, i) => leafHash(Buffer.from([i, (i * 7) & 255])));
  const nodes = storedNodes(many);
  const lookup = lookupIn(nodes);
  const roots = Array.from({ length: many.length + 1 }, (_, n) => referenceRoot(many.slice(0, n)));

  it('proves every leaf of every tree size from stored nodes, and refuses a wrong leaf, index or root', () => {
    for (let n = 1; n <= many.length; n++) {
      for (let m = 0; m < n; m++) {
        const path = proofHashes(inclusionSpans(m, n), lookup);
        expect(verifyInclusion(m, n, many[m]!, path, roots[n]!), `leaf ${m} of ${n}`).toBe(true);
        expect(verifyInclusion(m, n, many[(m + 1) % n]!, path, roots[n]!)).toBe(n === 1);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, many[m]!, path, roots[n]!)).toBe(false);
        expect(verifyInclusion(m, n, many[m]!, path, roots[n - 1]!)).toBe(false);
      }
    }
  });

  it('proves every pair of sizes consistent, and refuses a proof against a forked root', () => {
    for (let n = 2; n <= many.length; n++) {
      for (let m = 1; m < n; m++) {
        const proof = proofHashes(consistencySpans(m, n), lookup);
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof), `${m} -> ${n}`).toBe(true);
        const forked = leafHash(Buffer.from('fork'));
        expect(verifyConsistency(m, n, forked, roots[n]!, proof)).toBe(false);
        expect(verifyConsistency(m, n, roots[m]!, forked, proof)).toBe(false);
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof.slice(1))).toBe(false);
      }
    }
    expect(verifyConsistency(5, 5, roots[5]!, roots[5]!, [])).toBe(true);
    expect(verifyConsistency(5, 5, roots[5]!, roots[6]!, [])).toBe(false);
  });

  it('keeps O(log n) frontier pieces and about two stored nodes per leaf', () => {
    expect(rangePieces(0, 41).map((p) => p.level)).toEqual([5, 3, 0]);
    expect(nodes.size).toBe(41 + 20 + 10 + 5 + 2 + 1);
    expect(nodesFor(inclusionSpans(40, 41)).length).toBeLessThanOrEqual(6);
    const resumed = Frontier.of(
      41,
      rangePieces(0, 41).map((p) => lookup(p)!),
    );
    expect(resumed.root().equals(roots[41]!)).toBe(true);
  });

  it('refuses a leaf outside the tree', () => {
    expect(() => inclusionSpans(3, 3)).toThrow(/leaf 3 is not in a tree of 3/);
    expect(() => consistencySpans(0, 3)).toThrow(/no consistency proof/);
    expect(verifyInclusion(3, 3, many[0]!, [], roots[3]!)).toBe(false);
  });
});
