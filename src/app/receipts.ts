// The volunteer's signed credit receipts: fetched from the server in pages, checked here with
// WebCrypto before they are shown or exported, and summed into a credit history.
//
// Each receipt is one ledger entry. Its hash covers its fields in the canonical form the server
// documents (src/server/ledger.ts), and its signature is Ed25519 over the 32 hash bytes, so the
// exported file proves the credit to anyone holding the server's public key. A volunteer's own
// entries are not a contiguous chain (other volunteers' entries sit between them), so each one
// is checked on its own; `sparecycles ledger verify` checks the whole chain.
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
  signature: string;
}

export interface ReceiptSet {
  volunteer: string;
  /** The server's Ed25519 public key, raw 32 bytes in base64. */
  publicKey: string;
  entries: Receipt[];
}

export type Verification =
  | { status: 'verified'; count: number }
  | { status: 'failed'; count: number; bad: number[] }
  /** This browser's WebCrypto has no Ed25519 (the file can still be checked elsewhere). */
  | { status: 'unsupported' };

const PAGE = 1000;
const FORMAT_TAG = 'sc-ledger-v1';

/** Every receipt after `after` (all of them by default), following the server's pages. */
export async function fetchReceipts(origin: string, secret: string, after = 0): Promise<ReceiptSet> {
  const entries: Receipt[] = [];
  let cursor: number | null = after;
  let head: { volunteer: string; publicKey: string } | undefined;
  while (cursor !== null) {
    const response = await fetch(`${origin}${API_PREFIX}/volunteers/me/receipts?after=${cursor}&limit=${PAGE}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const page = (await response.json()) as ReceiptSet & { next: number | null };
    head ??= { volunteer: page.volunteer, publicKey: page.publicKey };
    entries.push(...page.entries);
    cursor = page.next;
  }
  return { ...head!, entries };
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
  for (const entry of set.entries) {
    if (!(await verifyOne(entry, key, set.volunteer))) bad.push(entry.seq);
  }
  return bad.length === 0
    ? { status: 'verified', count: set.entries.length }
    : { status: 'failed', count: set.entries.length, bad };
}

async function verifyOne(entry: Receipt, key: CryptoKey, volunteer: string): Promise<boolean> {
  if (entry.volunteer !== volunteer) return false;
  const { seq, kind, unit, lease, amount, at, prevHash } = entry;
  const text = JSON.stringify([FORMAT_TAG, seq, kind, entry.volunteer, unit, lease, amount, at, prevHash]);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  if (toHex(digest) !== entry.hash) return false;
  try {
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, bytes(base64ToBytes(entry.signature)), digest);
  } catch {
    return false;
  }
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
    verifiedInBrowser: verification.status,
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

function toHex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** WebCrypto wants ArrayBuffer-backed views; decoded base64 may be typed more loosely. */
function bytes(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}
