// Sends each fuzzed request to the server, runs every check on the answer, and lets the model learn
// from it; keeps the count, the last few requests (for an audit report) and the slowest ones.
import { performance } from 'node:perf_hooks';
import { checkNothingWritten, checkReply, isRefusal, readReply } from './checks.js';
import { recordAnswer } from './coverage.js';
import { harness } from './harness.js';
import { learn } from './learn.js';
import { problem } from './problems.js';
import { checkRandom } from './prng.js';
import { describeReq, inject, type Reply, type Req } from './requests.js';

/** Share of write-checked requests that also get a full-content digest of every table before and after. */
const DIGEST_RATE = 0.01;
const SLOWEST = 20;

export const traffic = {
  sent: 0,
  /** Refusals checked for writes, and how many of those with a full digest. */
  writeChecks: 0,
  digestChecks: 0,
  /** The last requests, described. */
  recent: [] as string[],
  /** The slowest requests, slowest first. */
  slowest: [] as { ms: number; req: Req }[],
};

/** Sends `req`; with `checkWrites` (requests sent one at a time) a refusal must have written nothing. */
export async function fire(req: Req, checkWrites: boolean): Promise<Reply | undefined> {
  req.n = ++traffic.sent;
  traffic.recent.push(describeReq(req));
  if (traffic.recent.length > 8) traffic.recent.shift();
  const { writes } = harness;
  const mark = checkWrites ? await writes.mark() : '';
  const before = checkWrites && checkRandom() < DIGEST_RATE ? await writes.digest() : undefined;
  const started = performance.now();
  let response;
  try {
    response = await inject(harness.app, req);
  } catch (err) {
    problem('crash', `${describeReq(req)} → inject rejected: ${(err as Error).stack ?? String(err)}`);
    return undefined;
  }
  recordTime(req, performance.now() - started);
  recordAnswer(req.route, response.statusCode);
  const reply = readReply(req, response);
  checkReply(req, reply);
  if (checkWrites && isRefusal(req, reply)) {
    traffic.writeChecks++;
    if (before !== undefined) traffic.digestChecks++;
    await checkNothingWritten(req, reply, writes, mark, before);
  }
  learn(req, reply);
  req.after?.(reply);
  return reply;
}

function recordTime(req: Req, ms: number): void {
  const slowest = traffic.slowest;
  if (slowest.length < SLOWEST || ms > slowest[slowest.length - 1]!.ms) {
    slowest.push({ ms, req });
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.length = Math.min(slowest.length, SLOWEST);
  }
}

let auditFailed = false;

/** Audits the store; the first failure is reported with the requests that led to it. */
export async function auditNow(where: string): Promise<void> {
  const audit = await harness.store.audit();
  if ((audit.inconsistentUnits !== 0 || audit.creditMismatches !== 0) && !auditFailed) {
    auditFailed = true;
    problem(
      'audit',
      `${where} (after request #${traffic.sent}): ${JSON.stringify(audit)}; the last requests were:\n  ${traffic.recent.join('\n  ')}`,
    );
  }
}
