// Finds a Chromium for the browser suite. playwright-core ships no browser, so we use the
// system's; a missing one is a setup problem, reported with how to fix it.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath(): string {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH is set to ${fromEnv}, but no file is there`);
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(
    `The browser tests need Chromium, and none was found at ${CANDIDATES.join(', ')}. ` +
      'Install one (apt-get install -y chromium), or set CHROME_PATH to a Chromium or Chrome binary.',
  );
}
