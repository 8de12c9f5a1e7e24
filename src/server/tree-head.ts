// Signed tree heads: since schema 5 the server signs, once per transaction that appends to the
// credit ledger, the size and Merkle root (RFC 9162, see merkle.ts) of the whole ledger, rather
// than each entry. Leaf i of the tree is entry seq i+1, and its leaf data is the entry's 32 hash
// bytes (which already cover its fields and its link to the entry before).
//
//   head signature = Ed25519 over the UTF-8 bytes of
//                    JSON.stringify(["sc-tree-head-v1", size, rootHash, at])
//   rootHash = lowercase hex; size and at (ms since the epoch) safe integers; signature base64.
import { sign, verify, type KeyObject } from 'node:crypto';
import { publicKeyObject, type LedgerEntry, type ServerKey } from './ledger.js';
import { leafHash, type Hash } from './merkle.js';

export interface TreeHead {
  size: number;
  rootHash: string;
  at: number;
  signature: string;
}

const HEAD_TAG = 'sc-tree-head-v1';

export const treeHeadMessage = (size: number, rootHash: string, at: number) =>
  Buffer.from(JSON.stringify([HEAD_TAG, size, rootHash, at]), 'utf8');

export const entryLeafHash = (entry: Pick<LedgerEntry, 'hash'>): Hash => leafHash(Buffer.from(entry.hash, 'hex'));

export function signTreeHead(size: number, root: Hash, at: number, key: ServerKey): TreeHead {
  const rootHash = root.toString('hex');
  return {
    size,
    rootHash,
    at,
    signature: sign(null, treeHeadMessage(size, rootHash, at), key.privateKey).toString('base64'),
  };
}

/** Why `head` is not a well-formed head signed by `publicKey`, or undefined when it is. */
export function treeHeadProblem(head: TreeHead, publicKey: string | KeyObject): string | undefined {
  if (!Number.isSafeInteger(head.size) || head.size < 0) return 'size is not a non-negative integer';
  if (typeof head.rootHash !== 'string' || !/^[0-9a-f]{64}$/.test(head.rootHash))
    return 'rootHash is not 64 hex digits';
  if (!Number.isSafeInteger(head.at)) return 'at is not an integer';
  if (typeof head.signature !== 'string') return 'signature invalid';
  const signature = Buffer.from(head.signature, 'base64');
  if (signature.length !== 64 || signature.toString('base64') !== head.signature) return 'signature invalid';
  const ok = verify(null, treeHeadMessage(head.size, head.rootHash, head.at), publicKeyObject(publicKey), signature);
  return ok ? undefined : 'signature invalid';
}
