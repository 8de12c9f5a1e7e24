// Transport over HTTP with fetch (present in browsers and Node alike).
import { API_PREFIX, SIGNATURE_HEADER } from '../protocol/api.js';
import type {
  Lease,
  LeaseResponse,
  RegisterVolunteerResponse,
  SubmitAck,
  SubmitRequest,
  SubmitResponse,
  VolunteerInfo,
} from '../protocol/api.js';
import { bytesToBase64 } from '../protocol/encoding.js';
import { ServerError } from './errors.js';
import type { Credentials, OutboxEntry, Transport } from './ports.js';

/** A request the server has not answered in this long counts as a network failure (and is retried). */
const REQUEST_TIMEOUT_MS = 60_000;

export class HttpTransport implements Transport {
  private readonly base: string;

  constructor(server: string) {
    this.base = server.replace(/\/+$/, '') + API_PREFIX;
  }

  async register(publicKey: string, site?: string): Promise<RegisterVolunteerResponse> {
    return this.json<RegisterVolunteerResponse>(
      'POST',
      '/volunteers',
      undefined,
      site ? { publicKey, site } : { publicKey },
    );
  }

  async lease(credentials: Credentials, max: number, projects?: string[]): Promise<Lease[]> {
    const body = projects && projects.length > 0 ? { max, projects } : { max };
    return (await this.json<LeaseResponse>('POST', '/lease', credentials, body)).leases;
  }

  async submit(credentials: Credentials, entries: OutboxEntry[]): Promise<SubmitAck[]> {
    const body: SubmitRequest = {
      results: entries.map((entry) => ({
        lease: entry.lease,
        ...(entry.output ? { output: bytesToBase64(entry.output) } : { error: entry.error ?? 'unknown error' }),
        elapsedMs: entry.elapsedMs,
      })),
    };
    return (await this.json<SubmitResponse>('POST', '/results', credentials, body, true)).acks;
  }

  async kernel(hash: string): Promise<Uint8Array> {
    const response = await fetch(`${this.base}/kernels/${hash}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (!response.ok) throw await toServerError(response);
    return new Uint8Array(await response.arrayBuffer());
  }

  async me(credentials: Credentials): Promise<VolunteerInfo> {
    return this.json<VolunteerInfo>('GET', '/volunteers/me', credentials);
  }

  private async json<T>(
    method: string,
    path: string,
    credentials?: Credentials,
    body?: unknown,
    signed = false,
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (credentials) headers.authorization = `Bearer ${credentials.secret}`;
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
    if (body !== undefined) {
      const text = JSON.stringify(body);
      init.body = text;
      if (signed && credentials) headers[SIGNATURE_HEADER] = await signBody(credentials.privateKey, text);
    }
    const response = await fetch(this.base + path, init);
    if (!response.ok) throw await toServerError(response);
    return (await response.json()) as T;
  }
}

async function signBody(privateKey: CryptoKey, text: string): Promise<string> {
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    new TextEncoder().encode(text),
  );
  return bytesToBase64(new Uint8Array(signature));
}

async function toServerError(response: Response): Promise<ServerError> {
  let code = 'SC_HTTP_' + response.status;
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not a JSON error body: keep the status line
  }
  return new ServerError(response.status, code, message);
}
