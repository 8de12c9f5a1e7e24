// The SDK in real headless Chromium: the built module (dist/node/sdk, imported as the page's
// own ES module, no bundler and no Node APIs) publishes JSON and byte inputs in several chunks,
// and `map` returns a Node volunteer's outputs in input order, bytes as a Uint8Array.
import { readFileSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeVolunteer, startStack, type Stack } from './page-fixture.js';

const BUILT = resolve('dist/node');
let stack: Stack;
let volunteer: { stop(): Promise<void> };

beforeAll(async () => {
  stack = await startStack();
  volunteer = await startNodeVolunteer(stack.url);
});

afterAll(async () => {
  await volunteer?.stop();
  await stack?.close();
});

describe('the SDK in a browser', () => {
  it('publishes in chunks and maps, from the page’s own origin', async () => {
    const page = await stack.browser.newPage();
    // The page and the SDK's files are served on the task server's origin (the API sends no CORS headers).
    await page.route(`${stack.url}/sdk-test/**`, async (route) => {
      const path = new URL(route.request().url()).pathname.slice('/sdk-test/'.length);
      if (path === 'page.html')
        return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>SDK</title>' });
      if (path === 'echo.wasm')
        return route.fulfill({ contentType: 'application/wasm', body: readFileSync('dist/test-kernels/echo.wasm') });
      const file = normalize(join(BUILT, path));
      if (!file.startsWith(BUILT)) return route.fulfill({ status: 404 });
      return route.fulfill({ contentType: 'text/javascript', body: readFileSync(file) });
    });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${stack.url}/sdk-test/page.html`);
    // A string, not a function: vitest would rewrite a function's dynamic import for Node.
    const seen = await page.evaluate(`(async () => {
      const { Client } = await import('/sdk-test/sdk/index.js');
      const client = new Client({ server: location.origin, token: ${JSON.stringify(stack.token)} });
      const { id: project } = await client.projects.create('Browser SDK');
      const kernel = new Uint8Array(await (await fetch('/sdk-test/echo.wasm')).arrayBuffer());
      async function* inputs() {
        for (let i = 0; i < 25; i++) yield { i };
      }
      const published = await client.publish({ project, kernel, inputs: inputs(), chunkUnits: 10 });
      const status = await published.status();
      const outputs = await client.map(kernel, [{ n: 1 }, new Uint8Array([0, 159, 146, 150]), 'three'], {
        project,
        quorum: 1,
        pollMs: 100,
      });
      return {
        total: status.total,
        state: status.state,
        outputs: outputs.map((o) => (o instanceof Uint8Array ? { bytes: [...o] } : o)),
      };
    })()`);
    expect(errors).toEqual([]);
    expect(seen).toEqual({
      total: 25,
      state: 'closed',
      outputs: [{ n: 1 }, { bytes: [0, 159, 146, 150] }, 'three'],
    });
    await page.close();
  });
});
