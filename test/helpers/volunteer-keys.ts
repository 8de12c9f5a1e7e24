// A volunteer's key pair and signature, as the server wants them: ECDSA P-256, the public key as
// base64 SPKI, and each result submission signed over its exact body bytes.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface KeyPair {
  key: KeyObject;
  publicKey: string;
}

/** A fresh ECDSA P-256 key pair: the private key and the SPKI public key in base64. */
export function keyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { key: privateKey, publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

/** The base64 signature of `bytes`: IEEE P1363 as the server expects, or DER to test that it refuses it. */
export const signBody = (key: KeyObject, bytes: Buffer | string, dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363') =>
  sign('sha256', Buffer.from(bytes), { key, dsaEncoding }).toString('base64');
