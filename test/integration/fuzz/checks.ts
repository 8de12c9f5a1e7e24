// Checks of each answer against DESIGN.md's invariant (a 4xx with a one-line reason from the error
// catalogue, never a 5xx) and the request's expectation, and that a refused request wrote nothing.
import type { LightMyRequestResponse } from 'fastify';
import { ErrorCatalogue, isErrorCode } from '../../../src/protocol/errors.js';
import type { WriteLog } from './harness.js';
import { acksOf } from './learn.js';
import { classOf, note, problem } from './problems.js';
import { describeReq, preview, type Reply, type Req } from './requests.js';
import { isJson } from './values.js';

const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const answerOf = (reply: Reply) => `→ ${reply.status} ${preview(reply.text, 300)}`;

/** The reply to `req`; a JSON content type over a body that is not JSON is a broken response. */
export function readReply(req: Req, response: LightMyRequestResponse): Reply {
  const status = response.statusCode;
  const contentType = String(response.headers['content-type'] ?? '');
  let json: any;
  if (contentType.startsWith('application/json')) {
    try {
      json = JSON.parse(response.body);
    } catch {
      if (req.method !== 'HEAD')
        problem(
          'brokenResponse',
          `${describeReq(req)} → ${status} ${contentType} body is not JSON: ${preview(response.body)}`,
        );
    }
  }
  return { status, text: response.body, json, contentType };
}

/** Checks the answer to `req` against the invariant and against what `req` expected. */
export function checkReply(req: Req, reply: Reply): void {
  const { status, json, contentType } = reply;
  const answer = answerOf(reply);
  if (status >= 500) problem('fiveXX', `${describeReq(req)} ${answer}`, classOf(req, status));
  else if (status >= 400 && req.method !== 'HEAD') {
    const code = json?.error?.code;
    const message = json?.error?.message;
    const why = !isErrorCode(code)
      ? `unknown or missing error code ${JSON.stringify(code)}`
      : ErrorCatalogue[code].status !== status
        ? `${code} travels with ${ErrorCatalogue[code].status} in the catalogue, not ${status}`
        : typeof message !== 'string' || message.trim() === ''
          ? 'no message'
          : LINE_BREAK.test(message)
            ? 'the message has a line break'
            : /\bat \S+ \(/.test(message)
              ? 'the message has a stack trace'
              : undefined;
    if (why)
      problem(
        'badErrorBody',
        `${why}: ${describeReq(req)} ${answer}`,
        `${status} ${String(json?.code ?? code)} ${why.replace(/"[^"]*"/g, '')}`,
      );
    else {
      if (CONTROL.test(message)) note('control characters echoed in an error message', `${describeReq(req)} ${answer}`);
      if (message.length > 2000)
        note('error message over 2000 characters', `${describeReq(req)} → ${status} (${message.length} chars)`);
    }
    if (!contentType.includes('application/json'))
      problem('badErrorBody', `content-type ${contentType}: ${describeReq(req)} ${answer}`);
  } else if ((status < 200 || status >= 400) && req.method !== 'HEAD') {
    problem('brokenResponse', `unexpected status: ${describeReq(req)} ${answer}`);
  }
  if ((req.route === 'unknown route' || req.route === 'wrong method') && status !== 404 && status < 500) {
    note(
      'unknown route or wrong method not answered 404 SC_NOT_FOUND (docs/API.md: "route exists (404)" is checked first)',
      `${describeReq(req)} ${answer}`,
    );
  }
  if (req.expect === 'reject' && status < 400)
    problem('acceptedInvalid', `${describeReq(req)} ${answer}`, classOf(req, status));
  if (req.expect === 'ok' && (status < 200 || (status >= 300 && status < 500))) {
    problem('refusedValid', `${describeReq(req)} ${answer}`, classOf(req, status, json?.error?.code ?? ''));
  }
  if (status === 200 && req.route === 'GET /batches/:b/results' && req.method === 'GET') {
    const bad = reply.text.split('\n').filter((line) => line !== '' && !isJson(line));
    if (bad.length) problem('brokenResponse', `results line is not JSON: ${describeReq(req)} ${answer}`);
  }
}

/** Whether `req` must have written nothing: a 4xx, or results acked only as rejected or duplicate. */
export function isRefusal(req: Req, reply: Reply): boolean {
  const status = reply.status;
  return (
    (status >= 400 && status < 500) ||
    (status === 200 &&
      (req.route === 'POST /results' || req.route === 'PUT /leases/:l/result') &&
      acksOf(reply).length > 0 &&
      acksOf(reply).every((a) => a.outcome === 'rejected' || a.outcome === 'duplicate'))
  );
}

/** Checks that nothing was written since `mark`, nor (if a digest was taken before) changed. */
export async function checkNothingWritten(
  req: Req,
  reply: Reply,
  writes: WriteLog,
  mark: string,
  digestBefore: string | undefined,
): Promise<void> {
  const answer = answerOf(reply);
  if ((await writes.mark()) !== mark) {
    const wrote = await writes.since(mark);
    problem(
      'partialWrite',
      `${describeReq(req)} ${answer} wrote: ${wrote}`,
      classOf(req, reply.status, wrote.replace(/\d+/g, 'N')),
    );
  } else if (digestBefore !== undefined && (await writes.digest()) !== digestBefore) {
    problem(
      'partialWrite',
      `${describeReq(req)} ${answer} changed table contents (digest differs)`,
      classOf(req, reply.status),
    );
  }
}
