// "My contribution" in real Chromium: the credit history from signed receipts, the export
// (a downloaded file whose every entry verifies against the server's Ed25519 key), and
// "forget me" (local data gone, the server refuses the old credentials, first visit again).
// Also: the project choice, checked on the server: a project left unticked gets no lease.
// Needs `npm run build` first (npm test runs it): the server serves dist/public.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LedgerEntry } from '../../src/server/ledger.js';
import { verifyInclusion } from '../../src/server/merkle.js';
import type { InclusionProof } from '../../src/server/store/ledger-proofs.js';
import { entryLeafHash, treeHeadProblem, type TreeHead } from '../../src/server/tree-head.js';
import {
  SCREENSHOTS,
  batchStatus,
  publish,
  readStore,
  startStack,
  statValue,
  waitUntil,
  type Stack,
} from './page-fixture.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await stack?.close();
});

/** The volunteer's secret, read from the page's IndexedDB the way the page keeps it. */
async function storedSecret(page: Page): Promise<string | undefined> {
  const [credentials] = (await readStore(page, 'settings', 'credentials')) as { secret?: string }[];
  return credentials?.secret;
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
  const violations = (await page.evaluate('axe.run(document).then((r) => r.violations)')) as {
    id: string;
    nodes: { target: string[] }[];
  }[];
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('my contribution', () => {
  it('helps only the chosen projects, exports receipts that verify, and forgets the volunteer', async () => {
    // Quorum 1: each result is validated, and credited, as soon as it arrives.
    const chosen = await publish(
      stack,
      { name: 'Chosen primes', description: 'Counts primes; the volunteer helps this one.' },
      'dist/kernels/primes.wasm',
      { inputs: Array.from({ length: 6 }, (_, i) => ({ from: i * 1e6, to: (i + 1) * 1e6 })), quorum: 1, credit: 2.5 },
    );
    const skipped = await publish(
      stack,
      { name: 'Skipped primes', description: 'Counts primes too; the volunteer unticks it.' },
      'dist/kernels/primes.wasm',
      { inputs: Array.from({ length: 6 }, (_, i) => ({ from: i * 1e6, to: (i + 1) * 1e6 })), quorum: 1 },
    );

    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    const leaseBodies: unknown[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/v1/lease') leaseBodies.push(request.postDataJSON());
    });
    await page.goto(stack.url);
    await page.getByRole('checkbox', { name: 'Skipped primes' }).uncheck();
    await expect(page.getByRole('checkbox', { name: 'Chosen primes' }).isChecked()).resolves.toBe(true);
    // Remembered: a reload keeps the choice.
    await page.reload();
    await expect(page.getByRole('checkbox', { name: 'Skipped primes' }).isChecked()).resolves.toBe(false);

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await waitUntil('the chosen batch is validated', async () => (await batchStatus(stack, chosen.batch)).done, 45_000);
    await waitUntil('the page shows the credit', async () => (await statValue(page, 'credit')) >= 15, 15_000);
    // The unticked project was never leased, and every lease asked for the chosen one only.
    expect((await batchStatus(stack, skipped.batch)).counts).toMatchObject({ unsent: 6, inFlight: 0, done: 0 });
    expect(leaseBodies.length).toBeGreaterThan(0);
    for (const body of leaseBodies) expect(body).toMatchObject({ projects: [chosen.project] });

    // Credit history, from the receipts.
    await waitUntil(
      'the credit history lists six receipts',
      async () => (await statValue(page, 'receipts-count')) === 6,
    );
    await expect(page.getByTestId('receipts-total').textContent()).resolves.toBe('15');
    await page.getByRole('button', { name: 'Pause' }).click();

    // Export: a JSON file whose entries all verify with the server's key, checked here in Node.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export receipts' }).click(),
    ]);
    const saved = join(SCREENSHOTS, 'volunteer-receipts-export.json');
    await download.saveAs(saved);
    const file = JSON.parse(readFileSync(saved, 'utf8')) as {
      volunteer: string;
      publicKey: string;
      verifiedInBrowser: string;
      treeHeads: TreeHead[];
      entries: (LedgerEntry & { proof: InclusionProof })[];
    };
    const key = (await (await fetch(`${stack.url}/api/v1/ledger/key`)).json()) as { publicKey: string };
    expect(file.publicKey).toBe(key.publicKey);
    expect(file.entries).toHaveLength(6);
    expect(file.entries.every((entry) => entry.volunteer === file.volunteer && entry.amount === 2.5)).toBe(true);
    // Each entry is proved by its inclusion proof to a tree head the server signed.
    for (const entry of file.entries) {
      const head = file.treeHeads.find((h) => h.size === entry.proof.treeSize)!;
      expect(treeHeadProblem(head, file.publicKey)).toBeUndefined();
      const path = entry.proof.path.map((h) => Buffer.from(h, 'hex'));
      const root = Buffer.from(head.rootHash, 'hex');
      expect(verifyInclusion(entry.proof.leafIndex, head.size, entryLeafHash(entry), path, root)).toBe(true);
    }
    expect(file.verifiedInBrowser).toBe('verified');
    await expect(page.getByTestId('export-status').textContent()).resolves.toMatch(
      /Exported 6 receipts; each one checked/,
    );

    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-contribution-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Your contribution' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-contribution-phone.png') });
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-contribution-phone-full.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await axeViolations(page)).toEqual([]);

    // Forget me: confirm in the dialog; afterwards the browser holds nothing and the server
    // refuses the old secret.
    const secret = await storedSecret(page);
    expect(secret).toMatch(/\S/);
    expect(
      (await fetch(`${stack.url}/api/v1/volunteers/me`, { headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(200);
    await page.getByRole('button', { name: 'Forget me' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forget me?' });
    await dialog.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'volunteer-forget-dialog.png') });
    expect(await axeViolations(page)).toEqual([]);
    const forgotten = page.waitForRequest(
      (request) => request.method() === 'DELETE' && new URL(request.url()).pathname === '/api/v1/volunteers/me',
    );
    await dialog.getByRole('button', { name: 'Forget me' }).click();
    await forgotten;

    await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
    await expect(page.getByTestId('state').textContent()).resolves.toMatch(/Not running. Nothing has been downloaded/);
    await expect(page.getByRole('heading', { name: 'Your contribution' }).count()).resolves.toBe(0);
    const left = await page.evaluate(async () => ({
      databases: (await indexedDB.databases()).map((db) => db.name),
      keys: Object.keys(localStorage),
      workers: (await navigator.serviceWorker.getRegistrations()).length,
      caches: await caches.keys(),
    }));
    expect(left).toEqual({ databases: [], keys: [], workers: 0, caches: [] });
    expect(
      (await fetch(`${stack.url}/api/v1/volunteers/me`, { headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(401);
    // Every project is ticked again: the choice was forgotten too.
    await expect(page.getByRole('checkbox', { name: 'Skipped primes' }).isChecked()).resolves.toBe(true);
    await context.close();
  }, 120_000);
});
