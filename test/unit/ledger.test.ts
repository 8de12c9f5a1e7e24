// The credit ledger's chain and signatures: a sealed chain verifies, and every kind of tampering
// is caught at the first entry it touches.
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  entryHash,
  GENESIS_HASH,
  loadOrCreateServerKey,
  sealEntry,
  SERVER_KEY_FILE,
  verifyChain,
  verifyReceipt,
  type LedgerEntry,
  type LedgerFields,
  type ServerKey,
} from '../../src/server/ledger.js';

const key = loadOrCreateServerKey(':memory:');
const otherKey = loadOrCreateServerKey(undefined as unknown as string);
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function fields(seq: number): LedgerFields {
  return {
    seq,
    kind: seq % 10 === 0 ? 'revoke' : 'grant',
    volunteer: `v_${seq % 7}`,
    unit: String(1000 + seq),
    lease: `lease-${seq}`,
    amount: seq % 10 === 0 ? -1.5 : 1.5,
    at: 1_760_000_000_000 + seq,
  };
}

function chain(n: number, signer: ServerKey = key): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const entry = sealEntry(fields(seq), prev, signer);
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

const good = chain(1000);
const copy = () => good.map((entry) => ({ ...entry }));

/** Flips one bit of one byte of a hex or base64 string, keeping it well-formed. */
function flipHex(hex: string, at = 10): string {
  const bytes = Buffer.from(hex, 'hex');
  bytes[at] = bytes[at]! ^ 1;
  return bytes.toString('hex');
}
function flipBase64(text: string, at = 10): string {
  const bytes = Buffer.from(text, 'base64');
  bytes[at] = bytes[at]! ^ 1;
  return bytes.toString('base64');
}

function firstBad(entries: LedgerEntry[]) {
  const result = verifyChain(entries, key.publicKeyRaw);
  if (result.ok) throw new Error('the tampered chain verified');
  return { ...result.first, count: result.count };
}

describe('ledger chain', () => {
  it('verifies a chain of 1000 sealed entries, with the key as raw base64, PEM or KeyObject', () => {
    for (const publicKey of [key.publicKeyRaw, key.publicKeyPem, createPublicKey(key.privateKey)]) {
      expect(verifyChain(good, publicKey)).toEqual({ ok: true, count: 1000, head: good[999]!.hash });
    }
    expect(verifyChain([], key.publicKeyRaw)).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
  });

  it('verifies in pages when given the previous head', () => {
    const first = verifyChain(good.slice(0, 400), key.publicKeyRaw);
    expect(first.ok).toBe(true);
    const rest = verifyChain(good.slice(400), key.publicKeyRaw, first.ok ? first.head : '');
    expect(rest).toEqual({ ok: true, count: 600, head: good[999]!.hash });
    expect(verifyChain(good.slice(400), key.publicKeyRaw)).toMatchObject({ ok: false, first: { seq: 401 } });
  });

  it('seals a documented canonical serialization', () => {
    const entry = good[0]!;
    const text = JSON.stringify([
      'sc-ledger-v1',
      1,
      'grant',
      'v_1',
      '1001',
      'lease-1',
      1.5,
      1_760_000_000_001,
      GENESIS_HASH,
    ]);
    expect(entry.hash).toBe(createHash('sha256').update(text).digest('hex'));
    expect(entryHash(fields(1), GENESIS_HASH)).toBe(entry.hash);
    expect(() => entryHash({ ...fields(1), amount: NaN }, GENESIS_HASH)).toThrow(/amount/);
  });

  it.each([
    ['amount', (e: LedgerEntry) => (e.amount += 0.5), 'hash does not match its fields'],
    ['volunteer', (e: LedgerEntry) => (e.volunteer = 'v_thief'), 'hash does not match its fields'],
    ['kind', (e: LedgerEntry) => (e.kind = e.kind === 'grant' ? 'revoke' : 'grant'), 'hash does not match its fields'],
    ['unit', (e: LedgerEntry) => (e.unit += 'x'), 'hash does not match its fields'],
    ['at', (e: LedgerEntry) => (e.at += 1), 'hash does not match its fields'],
    ['hash', (e: LedgerEntry) => (e.hash = flipHex(e.hash)), 'hash does not match its fields'],
    ['signature', (e: LedgerEntry) => (e.signature = flipBase64(e.signature)), 'signature invalid'],
    ['prevHash', (e: LedgerEntry) => (e.prevHash = flipHex(e.prevHash)), 'prevHash does not link to entry 416'],
  ])('names the entry whose %s was altered', (_, tamper, reason) => {
    const entries = copy();
    tamper(entries[416]!);
    expect(firstBad(entries)).toEqual({ seq: 417, reason, count: 416 });
  });

  it('catches a signature re-spelled in non-canonical base64', () => {
    const entries = copy();
    entries[3]!.signature = entries[3]!.signature.replace(/==$/, '') + '!==';
    expect(firstBad(entries)).toMatchObject({ seq: 4, reason: 'signature invalid' });
  });

  it('catches an entry re-hashed after tampering (no key, so no signature)', () => {
    const entries = copy();
    const e = entries[99]!;
    e.amount = 1000;
    e.hash = entryHash(e, e.prevHash);
    entries[100]!.prevHash = e.hash;
    expect(firstBad(entries)).toMatchObject({ seq: 100, reason: 'signature invalid' });
  });

  it('names the entry after a removed one', () => {
    const entries = copy();
    entries.splice(41, 1);
    expect(firstBad(entries)).toEqual({ seq: 43, reason: 'seq 43 follows 41', count: 41 });
  });

  it('names the first out-of-order entry', () => {
    const entries = copy();
    [entries[40], entries[41]] = [entries[41]!, entries[40]!];
    expect(firstBad(entries)).toMatchObject({ seq: 42, reason: 'seq 42 follows 40' });
  });

  it('requires the chain to start at seq 1 from genesis', () => {
    expect(firstBad(copy().slice(1))).toMatchObject({ seq: 2, reason: 'first entry has seq 2, expected 1' });
    const entries = copy();
    entries[0]!.prevHash = flipHex(entries[0]!.prevHash);
    expect(firstBad(entries)).toMatchObject({ seq: 1, reason: 'prevHash does not link to genesis' });
  });

  it('rejects a chain signed with another key, at the first such entry', () => {
    expect(firstBad(chain(5, otherKey))).toMatchObject({ seq: 1, reason: 'signature invalid' });
    const entries = copy().slice(0, 10);
    entries[6] = sealEntry(fields(7), entries[5]!.hash, otherKey);
    entries[7] = sealEntry(fields(8), entries[6]!.hash, key);
    expect(firstBad(entries)).toMatchObject({ seq: 7, reason: 'signature invalid' });
  });

  it('reports malformed entries rather than throwing', () => {
    const entries = copy();
    (entries[5] as unknown as { amount: unknown }).amount = '1.5';
    expect(firstBad(entries)).toMatchObject({ seq: 6, reason: 'malformed entry: amount is not a finite number' });
  });
});

describe('receipts', () => {
  it('verifies one entry on its own', () => {
    const receipt = good[123]!;
    expect(verifyReceipt(receipt, key.publicKeyRaw)).toBe(true);
    expect(verifyReceipt(receipt, key.publicKeyPem)).toBe(true);
    expect(verifyReceipt(receipt, otherKey.publicKeyRaw)).toBe(false);
    expect(verifyReceipt({ ...receipt, amount: receipt.amount * 2 }, key.publicKeyRaw)).toBe(false);
    expect(verifyReceipt({ ...receipt, signature: flipBase64(receipt.signature) }, key.publicKeyRaw)).toBe(false);
    expect(verifyReceipt(receipt, 'not a key')).toBe(false);
  });
});

describe('server key', () => {
  it('is created once with mode 0600 and reloaded identically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-ledger-key-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const created = loadOrCreateServerKey(dataDir);
    const file = join(dataDir, SERVER_KEY_FILE);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const reloaded = loadOrCreateServerKey(dataDir);
    expect(reloaded.publicKeyRaw).toBe(created.publicKeyRaw);
    expect(reloaded.publicKeyPem).toBe(created.publicKeyPem);
    expect(Buffer.from(created.publicKeyRaw, 'base64')).toHaveLength(32);
    const entry = sealEntry(fields(1), GENESIS_HASH, created);
    expect(verifyReceipt(entry, reloaded.publicKeyRaw)).toBe(true);
  });

  it('refuses a key file that is not an Ed25519 private key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-ledger-key-'));
    dirs.push(dir);
    writeFileSync(join(dir, SERVER_KEY_FILE), 'garbage');
    expect(() => loadOrCreateServerKey(dir)).toThrow(/not a usable Ed25519 private key/);
  });
});
