// The volunteer's signed credit receipts: fetched from the server in pages, checked here with
// WebCrypto before they are shown or exported, and summed into a credit history.
//
// Each receipt is one ledger entry. Its hash covers its fields in the canonical form the server
// documents (src/server/ledger.ts), and its signature is Ed25519 over the 32 hash bytes, so the
// exported file proves the credit to anyone holding the server's public key. A volunteer's own
// entries are not a contiguous chain (other volunteers' entries sit between them), so each one
// is checked on its own; `sparecycles ledger verify` checks the whole chain.
//
// Since schema 5 the server signs tree heads instead of entries: a receipt then carries an
// RFC 9162 inclusion proof (leaf SHA-256(0x00 || entry hash bytes), nodes SHA-256(0x01 || l || r))
// to a signed head (Ed25519 over JSON.stringify(["sc-tree-head-v1", size, rootHash, at])), and is
// checked by walking the proof here. Receipts signed one by one (before the upgrade) still are.
import { API_PREFIX } from '../protocol/api.js';
import { base64ToBytes } from '../protocol/encoding.js';

export interface Receipt {
  seq: number;
  kind: 'grant' | 'revoke';
  volunteer: string;
  unit: string;
  lease: string;
  amount: number;
  at: number;
  prevHash: string;
  hash: string;
  /** base64 Ed25519 over the hash bytes; "" for entries covered by a signed tree head instead. */
  signature: string;
  /** The inclusion proof to the head of size treeSize in the set's treeHeads; null if none yet. */
  proof?: InclusionProof | null;
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  /** Audit path, leaf first, lowercase hex. */
  path: string[];
}

export interface TreeHead {
  size: number;
  rootHash: string;
  at: number;
  signature: string;
}

export interface ReceiptSet {
  volunteer: string;
  /** The server's Ed25519 public key, raw 32 bytes in base64. */
  publicKey: string;
  entries: Receipt[];
  /** The signed heads the entries' proofs lead to (one per page fetched, duplicates dropped). */
  treeHeads: TreeHead[];
}

/** Two sets' heads, each once. */
export function mergeHeads(a: readonly TreeHead[], b: readonly TreeHead[]): TreeHead[] {
  const seen = new Set(a.map((h) => `${h.size}:${h.rootHash}:${h.at}`));
  return [...a, ...b.filter((h) => !seen.has(`${h.size}:${h.rootHash}:${h.at}`))];
}

export type Verification =
  | { status: 'verified'; count: number }
  | { status: 'failed'; count: number; bad: number[] }
  /** This browser's WebCrypto has no Ed25519 (the file can still be checked elsewhere). */
  | { status: 'unsupported' };

const PAGE = 1000;
const FORMAT_TAG = 'sc-ledger-v1';
const HEAD_TAG = 'sc-tree-head-v1';

/** Every receipt after `after` (all of them by default), following the server's pages. */
export async function fetchReceipts(origin: string, secret: string, after = 0): Promise<ReceiptSet> {
  const entries: Receipt[] = [];
  let treeHeads: TreeHead[] = [];
  let cursor: number | null = after;
  let head: { volunteer: string; publicKey: string } | undefined;
  while (cursor !== null) {
    const response = await fetch(`${origin}${API_PREFIX}/volunteers/me/receipts?after=${cursor}&limit=${PAGE}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const page = (await response.json()) as Omit<ReceiptSet, 'treeHeads'> & {
      treeHead?: TreeHead | null;
      next: number | null;
    };
    head ??= { volunteer: page.volunteer, publicKey: page.publicKey };
    entries.push(...page.entries);
    if (page.treeHead) treeHeads = mergeHeads(treeHeads, [page.treeHead]);
    cursor = page.next;
  }
  return { ...head!, entries, treeHeads };
}

/** Checks every receipt's hash and signature against the server key, and that it is ours. */
export async function verifyReceipts(set: ReceiptSet): Promise<Verification> {
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('raw', bytes(base64ToBytes(set.publicKey)), { name: 'Ed25519' }, false, [
      'verify',
    ]);
  } catch {
    return { status: 'unsupported' };
  }
  const bad: number[] = [];
  const heads = new Map<number, Promise<boolean>>();
  const headVerified = (head: TreeHead) => {
    // Each head's signature is checked once, however many receipts lead to it.
    const id = set.treeHeads.indexOf(head);
    if (!heads.has(id)) heads.set(id, verifyHead(head, key));
    return heads.get(id)!;
  };
  for (const entry of set.entries) {
    if (!(await verifyOne(entry, key, set.volunteer, set.treeHeads ?? [], headVerified))) bad.push(entry.seq);
  }
  return bad.length === 0
    ? { status: 'verified', count: set.entries.length }
    : { status: 'failed', count: set.entries.length, bad };
}

async function verifyOne(
  entry: Receipt,
  key: CryptoKey,
  volunteer: string,
  treeHeads: readonly TreeHead[],
  headVerified: (head: TreeHead) => Promise<boolean>,
): Promise<boolean> {
  if (entry.volunteer !== volunteer) return false;
  const { seq, kind, unit, lease, amount, at, prevHash } = entry;
  const text = JSON.stringify([FORMAT_TAG, seq, kind, entry.volunteer, unit, lease, amount, at, prevHash]);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  if (toHex(digest) !== entry.hash) return false;
  const proof = entry.proof;
  // Whatever is present must hold, and at least one of a signature or a proof must be present.
  if (!entry.signature && !proof) return false;
  if (entry.signature) {
    try {
      if (!(await crypto.subtle.verify({ name: 'Ed25519' }, key, bytes(base64ToBytes(entry.signature)), digest)))
        return false;
    } catch {
      return false;
    }
  }
  if (!proof) return true;
  const head = treeHeads.find((h) => h.size === proof.treeSize);
  if (!head || proof.leafIndex !== seq - 1 || !(await headVerified(head))) return false;
  try {
    return await verifyInclusion(proof, digest, fromHex(head.rootHash));
  } catch {
    return false;
  }
}

async function verifyHead(head: TreeHead, key: CryptoKey): Promise<boolean> {
  const message = new TextEncoder().encode(JSON.stringify([HEAD_TAG, head.size, head.rootHash, head.at]));
  try {
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, bytes(base64ToBytes(head.signature)), message);
  } catch {
    return false;
  }
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

/** RFC 9162 §2.1.3.2, with the entry's hash bytes as the leaf data. */
async function verifyInclusion(proof: InclusionProof, entryHash: Uint8Array, root: Uint8Array): Promise<boolean> {
  const { leafIndex, treeSize, path } = proof;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize)
    return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = await sha256(Uint8Array.of(0), entryHash);
  for (const hex of path) {
    const p = fromHex(hex);
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && toHex(r) === toHex(root);
}

/** The export: everything needed to check the receipts later, without this page. */
export function receiptsFile(set: ReceiptSet, verification: Verification, server: string, now: number) {
  return {
    format: 'sparecycles-receipts-v1',
    server,
    exportedAt: new Date(now).toISOString(),
    volunteer: set.volunteer,
    algorithm: 'Ed25519',
    publicKey: set.publicKey,
    hashInput: `JSON.stringify(["${FORMAT_TAG}", seq, kind, volunteer, unit, lease, amount, at, prevHash]), UTF-8, SHA-256; signature over the 32 hash bytes`,
    proofs: `RFC 9162 inclusion proof of leaf SHA-256(0x00 || hash bytes) to a tree head; head signature over JSON.stringify(["${HEAD_TAG}", size, rootHash, at]), UTF-8`,
    verifiedInBrowser: verification.status,
    treeHeads: set.treeHeads,
    entries: set.entries,
  };
}

/** Saves `value` as a JSON file through the browser's download. */
export function downloadJson(fileName: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference by now; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface CreditDay {
  day: string;
  units: number;
  credit: number;
}

/** Credit per local day (newest first) and the running total after each receipt (oldest first). */
export function creditHistory(entries: Receipt[], dayOf: (at: number) => string) {
  const days = new Map<string, CreditDay>();
  const points: { at: number; total: number }[] = [];
  let total = 0;
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const signed = entry.kind === 'revoke' ? -entry.amount : entry.amount;
    total += signed;
    points.push({ at: entry.at, total });
    const key = dayOf(entry.at);
    const day = days.get(key) ?? { day: key, units: 0, credit: 0 };
    day.units += entry.kind === 'grant' ? 1 : -1;
    day.credit += signed;
    days.set(key, day);
  }
  return { total, points, days: [...days.values()].sort((a, b) => b.day.localeCompare(a.day)) };
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new Error('not lowercase hex');
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function toHex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** WebCrypto wants ArrayBuffer-backed views; decoded base64 may be typed more loosely. */
function bytes(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}
