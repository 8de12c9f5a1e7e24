// The whole-ledger check behind `sparecycles ledger verify`: every entry's hash, link and (for
// entries from before schema 5) signature; every signed tree head's signature; each head
// consistent with the one before it (RFC 9162 consistency proofs over the stored tree); each
// head's root equal to the root recomputed from the entries; every stored leaf equal to its
// entry; and every entry covered by a signed head (or signed itself). Stops at the first problem
// and names the entry or head.
//
// Pure over two ports, so a SQLite file and a PostgreSQL database are checked alike.
import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, verifyChain, type LedgerEntry } from './ledger.js';
import {
  consistencySpans,
  Frontier,
  nodesFor,
  proofHashes,
  verifyConsistency,
  type Hash,
  type NodeRef,
} from './merkle.js';
import { entryLeafHash, treeHeadProblem, type TreeHead } from './tree-head.js';

/** A signed head as stored, with its row number (heads are numbered from 1 in commit order). */
export interface StoredHead extends TreeHead {
  seq: number;
}

export interface TreeSource {
  /** Every head in commit order. */
  heads(): Promise<StoredHead[]>;
  /** Stored node hashes by "level:idx" for the refs asked (missing ones absent). */
  nodes(refs: readonly NodeRef[]): Promise<Map<string, Hash>>;
}

export type AuditProblem = { entry: number; reason: string } | { head: number; size: number; reason: string };

export type AuditOutcome =
  | { ok: true; count: number; head: string; heads: number; treeHead: TreeHead | undefined }
  | { ok: false; count: number; first: AuditProblem };

const headName = (h: StoredHead) => ({ head: h.seq, size: h.size });

/** The heads' own checks: signatures, order, forks and consistency proofs. */
async function auditHeads(heads: StoredHead[], key: KeyObject, tree: TreeSource): Promise<AuditProblem | undefined> {
  let before: StoredHead | undefined;
  const seen = new Map<number, StoredHead>();
  for (const head of heads) {
    const bad = treeHeadProblem(head, key);
    if (bad) return { ...headName(head), reason: bad };
    const same = seen.get(head.size);
    if (same && same.rootHash !== head.rootHash)
      return { ...headName(head), reason: `forked: head ${same.seq} has the same size with another root` };
    seen.set(head.size, head);
    if (before) {
      if (head.size < before.size)
        return { ...headName(head), reason: `size ${head.size} is smaller than head ${before.seq}'s ${before.size}` };
      if (before.size > 0 && head.size > before.size) {
        const spans = consistencySpans(before.size, head.size);
        const nodes = await tree.nodes(nodesFor(spans));
        let proof: Hash[];
        try {
          proof = proofHashes(spans, (ref) => nodes.get(`${ref.level}:${ref.idx}`));
        } catch (err) {
          return {
            ...headName(head),
            reason: `no consistency proof from head ${before.seq}: ${(err as Error).message}`,
          };
        }
        const from = Buffer.from(before.rootHash, 'hex');
        const to = Buffer.from(head.rootHash, 'hex');
        if (!verifyConsistency(before.size, head.size, from, to, proof))
          return { ...headName(head), reason: `not consistent with head ${before.seq} (the consistency proof fails)` };
      }
    }
    before = head;
  }
  return undefined;
}

/**
 * Checks `pages` (entries in seq order) against the key and, when the store has a tree
 * (`tree`; absent for a ledger from before schema 5), its heads. `onProgress` gets the count.
 */
export async function auditLedger(
  pages: AsyncIterable<LedgerEntry[]>,
  key: KeyObject,
  tree: TreeSource | undefined,
  onProgress: (count: number, pageLength: number) => void = () => undefined,
): Promise<AuditOutcome> {
  const heads = tree ? await tree.heads() : [];
  const headProblem = tree ? await auditHeads(heads, key, tree) : undefined;
  if (headProblem) return { ok: false, count: 0, first: headProblem };
  const bySize = new Map<number, StoredHead>();
  for (const h of heads) if (!bySize.has(h.size)) bySize.set(h.size, h);
  const covered = heads.length > 0 ? heads[heads.length - 1]!.size : 0;
  const frontier = Frontier.empty();
  let count = 0;
  let chainHead = GENESIS_HASH;
  let lastSeq: number | undefined;
  for await (const entries of pages) {
    const first = entries[0]!;
    if (lastSeq !== undefined && first.seq !== lastSeq + 1)
      return { ok: false, count, first: { entry: first.seq, reason: `seq ${first.seq} follows ${lastSeq}` } };
    const chain = verifyChain(entries, key, chainHead);
    const good = chain.ok ? entries : entries.slice(0, chain.count);
    const leaves = tree ? await tree.nodes(good.map((e) => ({ level: 0, idx: e.seq - 1 }))) : new Map<string, Hash>();
    for (const entry of good) {
      if (entry.signature === '' && !tree)
        return {
          ok: false,
          count,
          first: {
            entry: entry.seq,
            reason: 'unsigned (schema 5) and this source gives no tree heads; check with --data-dir or --database-url',
          },
        };
      if (entry.signature === '' && entry.seq > covered)
        return { ok: false, count, first: { entry: entry.seq, reason: 'covered by no signed tree head' } };
      const leaf = entryLeafHash(entry);
      if (tree) {
        const stored = leaves.get(`0:${entry.seq - 1}`);
        if (entry.seq <= covered && !stored?.equals(leaf))
          return {
            ok: false,
            count,
            first: { entry: entry.seq, reason: 'its leaf in the Merkle tree does not match it' },
          };
      }
      frontier.push(leaf);
      count++;
      const head = bySize.get(frontier.size);
      if (head && !frontier.root().equals(Buffer.from(head.rootHash, 'hex')))
        return {
          ok: false,
          count,
          first: { ...headName(head), reason: `root does not match entries 1 to ${head.size}` },
        };
    }
    if (!chain.ok) return { ok: false, count, first: { entry: chain.first.seq, reason: chain.first.reason } };
    chainHead = chain.head;
    lastSeq = entries[entries.length - 1]!.seq;
    onProgress(count, entries.length);
  }
  if (covered > count) {
    const head = heads[heads.length - 1]!;
    return {
      ok: false,
      count,
      first: {
        entry: count + 1,
        reason: `missing: the ledger ends at entry ${count} but head ${head.seq} covers ${covered}`,
      },
    };
  }
  return { ok: true, count, head: chainHead, heads: heads.length, treeHead: heads[heads.length - 1] };
}
