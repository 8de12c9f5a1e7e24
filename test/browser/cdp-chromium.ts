// Launches the system Chromium with its own defaults and connects to it over CDP. Playwright's
// launch() turns third-party storage partitioning off (microsoft/playwright#32230), and
// without it a framed widget gets no storage at all; every Chromium a visitor runs has it on.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

export interface LaunchedChromium {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromiumOverCdp(): Promise<LaunchedChromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'sc-chromium-'));
  const child = spawn(
    chromiumPath(),
    [
      ...CHROMIUM_ARGS,
      // What Playwright's own launch adds for steady headless runs: no scrollbars in screenshots,
      // no throttled timers in pages it considers hidden.
      '--headless',
      '--hide-scrollbars',
      '--mute-audio',
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
      '--disable-renderer-backgrounding',
      '--remote-debugging-port=0',
      `--user-data-dir=${userDataDir}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not open its DevTools port: ${output}`)), 15_000);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}) before listening: ${output}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  return {
    browser,
    close: async () => {
      const exited = child.exitCode === null ? new Promise((done) => child.once('exit', done)) : undefined;
      // Browser.close shuts Chromium down in order (browser.close() here would only disconnect).
      await (await browser.newBrowserCDPSession()).send('Browser.close').catch(() => child.kill());
      const stuck = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(stuck);
      try {
        rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch {
        // a helper process may still be writing into the profile; it is only a temp dir
      }
    },
  };
}
