// The credit ledger's Merkle tree, exactly as Certificate Transparency builds one (RFC 9162
// §2.1, the same tree as RFC 6962): leaf hash SHA-256(0x00 || leaf), interior node hash
// SHA-256(0x01 || left || right), a tree of n leaves split at the largest power of two below n.
// Inclusion and consistency proofs are generated and verified with the RFC's algorithms.
//
// Pure: no database. A proof is built from perfect, aligned subtrees only (a node at `level`
// covering leaves [idx·2^level, (idx+1)·2^level)), which is what the store keeps, so a proof
// costs O(log n) node reads and no recomputation.
import { hash } from 'node:crypto';

export type Hash = Buffer;

/** A perfect subtree of 2^level leaves starting at leaf idx·2^level. */
export interface NodeRef {
  level: number;
  idx: number;
}

export const EMPTY_ROOT: Hash = hash('sha256', Buffer.alloc(0), 'buffer');

// One-shot hashing (crypto.hash, Node 20.12 and later) over one buffer: the ledger hashes two or
// three times per entry, and a Hash object per call cost more than the hashing.
export function leafHash(leaf: Uint8Array): Hash {
  const data = Buffer.allocUnsafe(1 + leaf.length);
  data[0] = 0;
  data.set(leaf, 1);
  return hash('sha256', data, 'buffer');
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  const data = Buffer.allocUnsafe(1 + left.length + right.length);
  data[0] = 1;
  data.set(left, 1);
  data.set(right, 1 + left.length);
  return hash('sha256', data, 'buffer');
}

/** The largest power of two strictly below n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number) => n > 0 && Number.isInteger(Math.log2(n));

/** The perfect aligned subtrees whose hashes, folded right to left, give MTH(D[start:end]). */
export function rangePieces(start: number, end: number): NodeRef[] {
  const pieces: NodeRef[] = [];
  while (end - start > 0) {
    const size = end - start;
    if (isPowerOfTwo(size) && start % size === 0) {
      pieces.push({ level: Math.log2(size), idx: start / size });
      break;
    }
    const k = splitPoint(size);
    pieces.push({ level: Math.log2(k), idx: start / k });
    start += k;
  }
  return pieces;
}

/** MTH of a range from its pieces' hashes (in rangePieces order). */
export function foldPieces(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let root = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i]!, root);
  return root;
}

/** A range [start, end) of leaves whose MTH is one element of a proof. */
export type Span = [start: number, end: number];

/** RFC 9162 §2.1.3.1 PATH(m, D[0:n]): the spans whose hashes make leaf m's inclusion proof. */
export function inclusionSpans(m: number, n: number): Span[] {
  if (!(m >= 0 && m < n)) throw new RangeError(`leaf ${m} is not in a tree of ${n}`);
  const spans: Span[] = [];
  // Iterative PATH: descend from [0, n), remembering the sibling at each split; the RFC lists
  // them leaf-first, so the list is reversed at the end.
  let start = 0;
  let end = n;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m - start < k) {
      spans.push([start + k, end]);
      end = start + k;
    } else {
      spans.push([start, start + k]);
      start += k;
    }
  }
  return spans.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[0:n]): the spans of the consistency proof from size m to n. */
export function consistencySpans(m: number, n: number): Span[] {
  if (!(m > 0 && m < n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  const spans: Span[] = [];
  const subproof = (m: number, start: number, end: number, b: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!b) spans.push([start, end]);
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, b);
      spans.push([start + k, end]);
    } else {
      subproof(m - k, start + k, end, false);
      spans.push([start, start + k]);
    }
  };
  subproof(m, 0, n, true);
  return spans;
}

/** Every node a list of spans needs, deduplicated, for one batched read. */
export function nodesFor(spans: readonly Span[]): NodeRef[] {
  const seen = new Map<string, NodeRef>();
  for (const [start, end] of spans) for (const ref of rangePieces(start, end)) seen.set(`${ref.level}:${ref.idx}`, ref);
  return [...seen.values()];
}

/** The proof's hashes, given the node hashes `lookup` returns (it must know every node nodesFor named). */
export function proofHashes(spans: readonly Span[], lookup: (ref: NodeRef) => Hash | undefined): Hash[] {
  return spans.map(([start, end]) =>
    foldPieces(
      rangePieces(start, end).map((ref) => {
        const hash = lookup(ref);
        if (!hash) throw new Error(`the ledger tree has no node at level ${ref.level}, index ${ref.idx}`);
        return hash;
      }),
    ),
  );
}

const lsb = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** RFC 9162 §2.1.3.2: does `path` prove `leaf` (a leaf hash) is leaf `index` of the tree with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Hash, path: readonly Hash[], root: Hash): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: is the tree (second, secondRoot) an append-only extension of (first, firstRoot)? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (!(first > 0 && first < second) || proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

/** The reference MTH of RFC 9162 §2.1.1 over leaf hashes, recursive; for tests and small trees. */
export function referenceRoot(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/**
 * The right edge of a growing tree: the roots of its perfect subtrees, largest first (one per
 * set bit of the size). Appending a leaf merges equal-sized subtrees, so each append costs
 * O(log n) hashes amortised O(1), and reports the nodes it completed for the store to keep.
 */
export class Frontier {
  private constructor(
    private size_: number,
    private readonly stack: { level: number; hash: Hash }[],
  ) {}

  static empty(): Frontier {
    return new Frontier(0, []);
  }

  /** The frontier of a tree of `size` leaves from its pieces' hashes (rangePieces(0, size) order). */
  static of(size: number, hashes: readonly Hash[]): Frontier {
    const pieces = rangePieces(0, size);
    if (pieces.length !== hashes.length) throw new Error(`a tree of ${size} needs ${pieces.length} frontier hashes`);
    return new Frontier(
      size,
      pieces.map((p, i) => ({ level: p.level, hash: hashes[i]! })),
    );
  }

  get size(): number {
    return this.size_;
  }

  /** Adds a leaf hash; returns every node it completed (the leaf first), to be stored. */
  push(leaf: Hash): (NodeRef & { hash: Hash })[] {
    const made: (NodeRef & { hash: Hash })[] = [{ level: 0, idx: this.size_, hash: leaf }];
    this.stack.push({ level: 0, hash: leaf });
    this.size_++;
    for (;;) {
      const right = this.stack[this.stack.length - 1]!;
      const left = this.stack[this.stack.length - 2];
      if (!left || left.level !== right.level) break;
      this.stack.length -= 2;
      const level = right.level + 1;
      const node = { level, hash: nodeHash(left.hash, right.hash) };
      this.stack.push(node);
      made.push({ level, idx: this.size_ / 2 ** level - 1, hash: node.hash });
    }
    return made;
  }

  root(): Hash {
    return foldPieces(this.stack.map((s) => s.hash));
  }
}
