// The credit ledger: every grant (or revoke) is an entry chained to the one before it by
// SHA-256 and signed with the server's Ed25519 key, so anyone holding the public key can check
// that no entry was altered, dropped, inserted or reordered after the server sealed it.
//
// Pure: no database, no HTTP. The store seals entries; `ledger verify` and volunteers check them.
import {
  hash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface LedgerFields {
  seq: number;
  kind: 'grant' | 'revoke';
  volunteer: string;
  unit: string;
  lease: string;
  amount: number;
  at: number;
}

/** `hash` is lowercase hex; `signature` is standard (padded) base64 of the 64-byte signature. */
export interface LedgerEntry extends LedgerFields {
  prevHash: string;
  hash: string;
  signature: string;
}

export const GENESIS_HASH = '0'.repeat(64);
export const SERVER_KEY_FILE = 'server-key.pem';

/*
 * Canonical serialization (version tag "sc-ledger-v1"), for anyone re-implementing the check:
 *
 *   hash = lowercase hex of SHA-256 over the UTF-8 bytes of
 *          JSON.stringify(["sc-ledger-v1", seq, kind, volunteer, unit, lease, amount, at, prevHash])
 *
 * i.e. a JSON array with no whitespace, strings escaped as ECMAScript JSON.stringify does and
 * numbers written as ECMAScript Number::toString (shortest round-trip form, `1` not `1.0`,
 * `1e+21`); this is exactly the RFC 8785 (JCS) form of the array. seq and at must be safe
 * integers, amount a finite number, kind "grant" or "revoke". A JSON array is unambiguous where
 * joining with a separator is not, and the tag keeps a future format from colliding with this one.
 *
 *   signature = Ed25519 over the 32 raw hash bytes (not the hex text), base64.
 */
const FORMAT_TAG = 'sc-ledger-v1';

/** Why `fields` cannot be hashed, or undefined when they can. */
function malformed(fields: LedgerFields): string | undefined {
  if (!Number.isSafeInteger(fields.seq) || fields.seq < 1) return 'seq is not a positive integer';
  if (fields.kind !== 'grant' && fields.kind !== 'revoke') return 'kind is not "grant" or "revoke"';
  if (typeof fields.volunteer !== 'string') return 'volunteer is not a string';
  if (typeof fields.unit !== 'string') return 'unit is not a string';
  if (typeof fields.lease !== 'string') return 'lease is not a string';
  // NaN and Infinity would both serialize as null and so hash alike.
  if (typeof fields.amount !== 'number' || !Number.isFinite(fields.amount)) return 'amount is not a finite number';
  if (!Number.isSafeInteger(fields.at)) return 'at is not an integer';
  return undefined;
}

function digest(fields: LedgerFields, prevHash: string): Buffer {
  const { seq, kind, volunteer, unit, lease, amount, at } = fields;
  const text = JSON.stringify([FORMAT_TAG, seq, kind, volunteer, unit, lease, amount, at, prevHash]);
  return hash('sha256', text, 'buffer');
}

export function entryHash(fields: LedgerFields, prevHash: string): string {
  const problem = malformed(fields);
  if (problem) throw new TypeError(`ledger entry ${fields.seq}: ${problem}`);
  return digest(fields, prevHash).toString('hex');
}

export interface ServerKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** base64 of the 32-byte raw Ed25519 public key */
  publicKeyRaw: string;
}

/** A fresh Ed25519 private key as PKCS#8 PEM. */
export const newServerKeyPem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The server key held in a PKCS#8 PEM (a file, or the database's settings). */
export function parseServerKey(pem: string | Buffer, where: string): ServerKey {
  try {
    return serverKey(createPrivateKey(pem));
  } catch (err) {
    throw new Error(`${where} is not a usable Ed25519 private key (${(err as Error).message})`);
  }
}

function serverKey(privateKey: KeyObject): ServerKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the server key is not an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const { x } = publicKey.export({ format: 'jwk' });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyRaw: Buffer.from(x ?? '', 'base64url').toString('base64'),
  };
}

/**
 * The key in `<dataDir>/server-key.pem`, made on first use. It is published through link()
 * rather than rename() so that two servers starting on the same fresh data dir cannot each
 * sign with a key the other then overwrites: the loser of the race reads the winner's key.
 */
export function loadOrCreateServerKey(dataDir: string | undefined): ServerKey {
  if (!dataDir || dataDir === ':memory:') return serverKey(generateKeyPairSync('ed25519').privateKey);
  const file = join(dataDir, SERVER_KEY_FILE);
  const existing = readServerKey(file);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const pem = newServerKeyPem();
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  syncDir(dataDir);
  const key = readServerKey(file);
  if (!key) throw new Error(`${file} vanished while it was being created`);
  return key;
}

function readServerKey(file: string): ServerKey | undefined {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseServerKey(pem, file);
}

/** Makes the new directory entry durable; not every platform lets a directory be fsynced. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

/**
 * An entry chained to `prevHash` but not signed on its own (signature ""): since schema 5 the
 * server signs a tree head over many entries instead (see tree-head.ts), once per transaction.
 */
export function chainEntry(fields: LedgerFields, prevHash: string): LedgerEntry {
  const problem = malformed(fields);
  if (problem) throw new TypeError(`ledger entry ${fields.seq}: ${problem}`);
  const { seq, kind, volunteer, unit, lease, amount, at } = fields;
  return {
    seq,
    kind,
    volunteer,
    unit,
    lease,
    amount,
    at,
    prevHash,
    hash: digest(fields, prevHash).toString('hex'),
    signature: '',
  };
}

/** An entry chained and signed on its own: the ledger's format before schema 5, kept for tests and old data. */
export function sealEntry(fields: LedgerFields, prevHash: string, key: ServerKey): LedgerEntry {
  const problem = malformed(fields);
  if (problem) throw new TypeError(`ledger entry ${fields.seq}: ${problem}`);
  const hash = digest(fields, prevHash);
  const { seq, kind, volunteer, unit, lease, amount, at } = fields;
  return {
    seq,
    kind,
    volunteer,
    unit,
    lease,
    amount,
    at,
    prevHash,
    hash: hash.toString('hex'),
    signature: sign(null, hash, key.privateKey).toString('base64'),
  };
}

/** A PEM public key, or the base64 of a raw 32-byte Ed25519 public key. */
export function publicKeyObject(publicKey: string | KeyObject): KeyObject {
  if (typeof publicKey !== 'string') return publicKey;
  if (publicKey.includes('-----BEGIN')) return createPublicKey(publicKey);
  const raw = Buffer.from(publicKey, 'base64');
  if (raw.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export type LedgerProblem = { seq: number; reason: string };

/** Checks an entry's own hash and signature (its fields already well-formed); undefined when both hold. */
function checkSeal(entry: LedgerEntry, key: KeyObject): string | undefined {
  if (typeof entry.prevHash !== 'string') return 'malformed entry: prevHash is not a string';
  const hash = digest(entry, entry.prevHash);
  if (entry.hash !== hash.toString('hex')) return 'hash does not match its fields';
  if (typeof entry.signature !== 'string') return 'signature invalid';
  // Unsigned entries are covered by signed tree heads instead; the head check proves them.
  if (entry.signature === '') return undefined;
  const signature = Buffer.from(entry.signature, 'base64');
  // Node's base64 decoder skips junk, so insist on the one canonical spelling of the bytes.
  if (signature.length !== 64 || signature.toString('base64') !== entry.signature) return 'signature invalid';
  return verify(null, hash, key, signature) ? undefined : 'signature invalid';
}

/** Why `entry` does not belong after `lastSeq` / `head`, or undefined when it does. */
function chainProblem(
  entry: LedgerEntry,
  lastSeq: number | undefined,
  head: string,
  start: string,
): string | undefined {
  const seq = entry.seq;
  if (lastSeq === undefined) {
    if (start === GENESIS_HASH && seq !== 1) return `first entry has seq ${seq}, expected 1`;
  } else if (seq !== lastSeq + 1) {
    return `seq ${seq} follows ${lastSeq}`;
  }
  if (entry.prevHash === head) return undefined;
  const previous = lastSeq ?? (start === GENESIS_HASH ? undefined : seq - 1);
  return `prevHash does not link to ${previous === undefined ? 'genesis' : `entry ${previous}`}`;
}

/**
 * Walks the chain in order and stops at the first bad entry. An unsigned entry (schema 5 on)
 * passes here on its hash and link alone; that a signed tree head covers it is the caller's check.
 * `count` is the number of entries
 * that checked out (before the bad one, if any). To check a chain in pages, pass the previous
 * page's head as `prevHash`; seq contiguity across the page boundary is then the caller's check.
 */
export function verifyChain(
  entries: Iterable<LedgerEntry>,
  publicKey: string | KeyObject,
  prevHash: string = GENESIS_HASH,
): { ok: true; count: number; head: string } | { ok: false; count: number; first: LedgerProblem } {
  const key = publicKeyObject(publicKey);
  let head = prevHash;
  let lastSeq: number | undefined;
  let count = 0;
  for (const entry of entries) {
    const bad = malformed(entry);
    const problem = bad
      ? `malformed entry: ${bad}`
      : (chainProblem(entry, lastSeq, head, prevHash) ?? checkSeal(entry, key));
    if (problem) return { ok: false, count, first: { seq: entry.seq, reason: problem } };
    head = entry.hash;
    lastSeq = entry.seq;
    count++;
  }
  return { ok: true, count, head };
}

/** One entry's hash and signature, for a volunteer checking its own receipts (no chain needed). */
export function verifyReceipt(entry: LedgerEntry, publicKey: string | KeyObject): boolean {
  try {
    // An unsigned entry proves nothing alone: it needs its inclusion proof to a signed tree head.
    if (entry.signature === '') return false;
    return malformed(entry) === undefined && checkSeal(entry, publicKeyObject(publicKey)) === undefined;
  } catch {
    return false;
  }
}
