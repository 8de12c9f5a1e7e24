// What the dashboard reads from the task server, and where it keeps the lead's token. The frame
// types mirror the server's (GET /me/projects); src/protocol does not define them yet.
import { API_PREFIX, type BatchStatus, type ProjectInfo } from '../../protocol/api.js';

export interface BatchStats {
  bucketMs: number;
  /** Units validated per bucket (bucket start, epoch ms) over the last half hour; empty buckets left out. */
  throughput: { t: number; validated: number }[];
  /** Volunteers that leased a unit of the batch in the last five minutes. */
  activeVolunteers: number;
  leases: number;
  invalidRate: number;
  errorRate: number;
}

export type DashboardBatch = Omit<BatchStatus, 'errors'> & { stats: BatchStats };
export type DashboardProject = ProjectInfo & { batches: DashboardBatch[] };

export interface DashboardFrame {
  /** Server time of the frame, epoch ms: the charts end here. */
  at: number;
  projects: DashboardProject[];
}

export class TokenRejectedError extends Error {
  constructor() {
    super('The server did not accept this token. Check it, or create a new one with `npx sparecycles token create`.');
    this.name = 'TokenRejectedError';
  }
}

/** A refusal other than the token's: the page says it with the status, in its own language. */
export class ServerAnswerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServerAnswerError';
  }
}

const authorization = (token: string) => ({ authorization: `Bearer ${token}` });

/** One frame over plain HTTP: checks a pasted token before the stream is opened with it. */
export async function fetchFrame(token: string, signal?: AbortSignal): Promise<DashboardFrame> {
  const response = await fetch(`${API_PREFIX}/me/projects`, { headers: authorization(token), signal: signal ?? null });
  if (response.status === 401) throw new TokenRejectedError();
  if (!response.ok) {
    throw new ServerAnswerError(response.status, `The server answered ${response.status}. Try again in a moment.`);
  }
  return (await response.json()) as DashboardFrame;
}

/** EventSource cannot send headers, so the stream takes the token in its query. */
export function eventsUrl(token: string): string {
  return `${API_PREFIX}/events?token=${encodeURIComponent(token)}`;
}

/** A batch's validated results as JSONL text, in input order. */
export async function fetchResults(token: string, batch: string): Promise<string> {
  const response = await fetch(`${API_PREFIX}/batches/${encodeURIComponent(batch)}/results`, {
    headers: authorization(token),
  });
  if (response.status === 401) throw new TokenRejectedError();
  if (!response.ok) {
    throw new ServerAnswerError(response.status, `The server answered ${response.status} for the results of ${batch}.`);
  }
  return response.text();
}

// sessionStorage: the token lives as long as this tab, is never sent to another origin and is
// not shared with other tabs; closing the tab signs out.
const TOKEN_KEY = 'sparecycles.dashboard.token';

export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: the lead pastes the token again after a reload
  }
}

export function writeToken(token: string | undefined): void {
  try {
    if (token === undefined) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled: the token is still held in memory for this page
  }
}
