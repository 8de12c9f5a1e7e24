// Receipts that prove themselves: for a page of ledger entries, the newest signed tree head and
// each entry's RFC 9162 inclusion proof to it, built from the stored subtree nodes in one
// batched read (nodes never change once written, so no transaction is needed).
import type { LedgerEntry } from '../ledger.js';
import { inclusionSpans, nodesFor, proofHashes } from '../merkle.js';
import type { TreeHead } from '../tree-head.js';
import { latestHead, readNodes } from './ledger-log.js';
import type { SqlRunner } from './sql.js';

export interface InclusionProof {
  /** The entry's leaf: seq − 1. */
  leafIndex: number;
  treeSize: number;
  /** RFC 9162 §2.1.3.1 audit path, leaf first, lowercase hex. */
  path: string[];
}

export interface ReceiptProofs {
  /** The head every proof leads to; undefined while the ledger is empty. */
  head: TreeHead | undefined;
  /** By seq; an entry the head does not cover yet has none. */
  proofs: Map<number, InclusionProof>;
}

export async function ledgerProofs(db: SqlRunner, entries: readonly LedgerEntry[]): Promise<ReceiptProofs> {
  // Read after the entries: a head is committed with the entries it covers, so it covers these.
  const head = await latestHead(db);
  const proofs = new Map<number, InclusionProof>();
  if (!head) return { head, proofs };
  const covered = entries.filter((e) => e.seq <= head.size);
  const spans = new Map(covered.map((e) => [e.seq, inclusionSpans(e.seq - 1, head.size)]));
  const nodes = await readNodes(db, nodesFor([...spans.values()].flat()));
  for (const [seq, entrySpans] of spans) {
    const path = proofHashes(entrySpans, (ref) => nodes.get(`${ref.level}:${ref.idx}`));
    proofs.set(seq, { leafIndex: seq - 1, treeSize: head.size, path: path.map((h) => h.toString('hex')) });
  }
  return { head, proofs };
}
