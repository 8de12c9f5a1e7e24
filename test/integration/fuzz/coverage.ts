// Which routes the fuzzer reached and how they answered: every core route must have been hit
// often, answered 2xx at least once, and (if it takes a credential or a body) refused at least once.
import { expect } from 'vitest';
import { CORE_ROUTES } from './routes.js';

const coverage = new Map<string, { n: number; s2: number; s4: number; s5: number }>();
const statuses = new Map<number, number>();

/** Counts an answer by status and by the request's coverage label. */
export function recordAnswer(route: string, status: number): void {
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const cov = coverage.get(route) ?? { n: 0, s2: 0, s4: 0, s5: 0 };
  cov.n++;
  if (status < 300) cov.s2++;
  else if (status < 500) cov.s4++;
  else cov.s5++;
  coverage.set(route, cov);
}

/** The statuses seen, then a line per route with its counts. */
export function coverageReport(): string {
  const rows = [...coverage.entries()].sort(([a], [b]) => a.localeCompare(b));
  return (
    `statuses ${JSON.stringify(Object.fromEntries([...statuses.entries()].sort(([a], [b]) => a - b)))}\n` +
    rows
      .map(([route, c]) => `  ${route.padEnd(30)} ${String(c.n).padStart(5)}  2xx ${c.s2}  4xx ${c.s4}  5xx ${c.s5}`)
      .join('\n')
  );
}

export function expectEveryRouteCovered(): void {
  for (const spec of CORE_ROUTES) {
    const c = coverage.get(spec.label);
    expect(c?.n ?? 0, `${spec.label} requests`).toBeGreaterThanOrEqual(20);
    expect(c?.s2 ?? 0, `${spec.label} answered 2xx`).toBeGreaterThan(0);
    if (spec.auth !== 'none' || spec.body) expect(c?.s4 ?? 0, `${spec.label} answered 4xx`).toBeGreaterThan(0);
  }
  expect(coverage.get('unknown route')?.n ?? 0).toBeGreaterThan(0);
  expect(coverage.get('wrong method')?.n ?? 0).toBeGreaterThan(0);
}
