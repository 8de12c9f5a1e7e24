// Volunteer keys: ECDSA P-256 public keys checked at registration, and signatures over the
// raw body of result submissions checked on every submit.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ApiError } from './api-error.js';

const cache = new Map<string, KeyObject>();
const CACHE_LIMIT = 10_000;

/** Parses a base64 SPKI P-256 key, or throws SC_KEY_INVALID. */
export function parseVolunteerKey(base64: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new ApiError('SC_KEY_INVALID');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ApiError('SC_KEY_INVALID', `got a ${key.asymmetricKeyType} key`);
  }
  return key;
}

function keyFor(publicKey: string): KeyObject {
  let key = cache.get(publicKey);
  if (!key) {
    key = parseVolunteerKey(publicKey);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(publicKey, key);
  }
  return key;
}

/** Throws SC_SIGNATURE_INVALID unless `signature` (base64, IEEE P1363) signs `body` with the key. */
export function requireSignature(
  publicKey: string,
  body: Buffer | undefined,
  signature: string | string[] | undefined,
): void {
  if (typeof signature !== 'string' || !body)
    throw new ApiError('SC_SIGNATURE_INVALID', 'the signature header is missing');
  const ok = verify(
    'sha256',
    body,
    { key: keyFor(publicKey), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64'),
  );
  if (!ok) throw new ApiError('SC_SIGNATURE_INVALID');
}
