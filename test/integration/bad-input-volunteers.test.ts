// Bad input never gets a 5xx, never a crash, never a partial write (DESIGN.md, Invariants):
// volunteer credentials, registration, result signatures and leasing. Each case sends one bad
// request to an in-process server and asserts the status, the stable error code, a one-line
// message, and that no table changed.
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, it } from 'vitest';
import { keyPair, signBody } from '../helpers/volunteer-keys.js';
import { API, b64, expectNoServerErrors, fixture, refused, useServer, vol } from './bad-input/harness.js';

useServer();
let tokenA: string;
let volunteers: typeof fixture.volunteers;
beforeAll(() => ({ tokenA, volunteers } = fixture));

describe('volunteer credentials', () => {
  const routes = [
    { method: 'GET', url: `${API}/volunteers/me` },
    { method: 'POST', url: `${API}/lease`, payload: { max: 1 } },
    { method: 'POST', url: `${API}/results`, payload: { results: [{ lease: 'x', output: b64('1') }] } },
    { method: 'PUT', url: `${API}/leases/x/result`, payload: { output: b64('1') } },
    { method: 'POST', url: `${API}/volunteers/me/results`, payload: { leases: ['x'] } },
  ] as const;

  it('refuses every volunteer route without a secret (401 SC_VOLUNTEER_MISSING)', async () => {
    for (const route of routes) await refused({ ...route }, 401, 'SC_VOLUNTEER_MISSING');
  });

  it('refuses every volunteer route with a bad secret or a publisher token (401 SC_VOLUNTEER_INVALID)', async () => {
    for (const route of routes) {
      for (const authorization of ['Bearer scv_wrong', `Bearer ${tokenA}`, 'Bearer ']) {
        await refused({ ...route, headers: { authorization } }, 401, 'SC_VOLUNTEER_INVALID');
      }
    }
  });

  it('refuses a registration with an oversized name', async () => {
    await refused(
      {
        method: 'POST',
        url: `${API}/volunteers`,
        payload: { publicKey: keyPair().publicKey, name: 'n'.repeat(41) },
      },
      400,
      'SC_BAD_REQUEST',
    );
  });

  it('refuses a registration with extra fields (additionalProperties: false)', async () => {
    await refused(
      { method: 'POST', url: `${API}/volunteers`, payload: { publicKey: keyPair().publicKey, email: 'a@b.c' } },
      400,
      'SC_BAD_REQUEST',
    );
  });

  it('refuses a registration without a public key, or with one that is not ECDSA P-256', async () => {
    await refused({ method: 'POST', url: `${API}/volunteers`, payload: {} }, 400, 'SC_BAD_REQUEST', /publicKey/);
    await refused(
      { method: 'POST', url: `${API}/volunteers`, payload: { publicKey: 'A'.repeat(120) } },
      400,
      'SC_KEY_INVALID',
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    await refused(
      { method: 'POST', url: `${API}/volunteers`, payload: { publicKey: rsa.toString('base64').slice(0, 400) } },
      400,
      'SC_KEY_INVALID',
    );
  });
});

describe('signed submissions', () => {
  it('refuses results without a signature or signed by another key (401 SC_SIGNATURE_INVALID)', async () => {
    const payload = { results: [{ lease: 'whatever', output: b64('1') }] };
    await refused(
      { method: 'POST', url: `${API}/results`, headers: { ...vol(0), 'x-sc-signature': '' }, payload },
      401,
      'SC_SIGNATURE_INVALID',
    );
    const text = JSON.stringify(payload);
    const forged = signBody(volunteers[1]!.key, text);
    await refused(
      {
        method: 'POST',
        url: `${API}/results`,
        headers: { ...vol(0), 'content-type': 'application/json', 'x-sc-signature': forged },
        payload: text,
      },
      401,
      'SC_SIGNATURE_INVALID',
    );
    // a valid signature over different bytes: the body was altered in transit
    const signature = signBody(volunteers[0]!.key, text);
    await refused(
      {
        method: 'POST',
        url: `${API}/results`,
        headers: { ...vol(0), 'content-type': 'application/json', 'x-sc-signature': signature },
        payload: text.replace('whatever', 'whatevex'),
      },
      401,
      'SC_SIGNATURE_INVALID',
    );
  });
});

describe('leasing', () => {
  it('refuses max 0, max over 256 and a missing max with 400, leasing nothing', async () => {
    for (const payload of [{ max: 0 }, { max: 257 }, {}, { max: 1, projects: [''] }]) {
      await refused(
        { method: 'POST', url: `${API}/lease`, headers: vol(0), payload },
        400,
        'SC_BAD_REQUEST',
        /max|projects/,
      );
    }
  });
});

describe('own result status', () => {
  it('refuses a missing, empty, oversized or malformed lease list with 400', async () => {
    const payloads = [
      {},
      { leases: [] },
      { leases: Array.from({ length: 257 }, (_, i) => `l${i}`) },
      { leases: [7] },
      { leases: [''] },
      { leases: ['x'], extra: 1 },
    ];
    for (const payload of payloads) {
      await refused(
        { method: 'POST', url: `${API}/volunteers/me/results`, headers: vol(0), payload },
        400,
        'SC_BAD_REQUEST',
        /leases|unknown field/,
      );
    }
  });
});

describe('every response above', () => {
  it('was below 500', () => {
    expectNoServerErrors(30);
  });
});
