// The SDK's HTTP layer, on fetch alone (Node ≥ 20 and browsers): JSON requests, raw uploads
// and NDJSON streams, every failure turned into a SparecyclesError with the API's code.
import { API_PREFIX } from '../protocol/api.js';
import { SparecyclesError } from './errors.js';

export interface Body {
  /** JSON text already serialised (publish builds it chunk by chunk). */
  text?: string;
  bytes?: Uint8Array;
}

export class Http {
  private readonly base: string;

  constructor(
    readonly server: string,
    private readonly token: string | undefined,
    private readonly fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
  ) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new SparecyclesError('SC_BAD_OPTION', `server must be a URL like http://localhost:8080, got "${server}"`);
    }
    this.base = url.origin + url.pathname.replace(/\/+$/, '') + API_PREFIX;
  }

  json<T>(method: string, path: string, json?: unknown): Promise<T> {
    return this.send<T>(method, path, json === undefined ? undefined : { text: JSON.stringify(json) });
  }

  async send<T>(method: string, path: string, body?: Body): Promise<T> {
    const response = await this.call(method, path, body);
    return (await response.json()) as T;
  }

  /** Whether a GET of `path` would succeed, asked with HEAD (no body comes back). */
  async exists(path: string): Promise<boolean> {
    try {
      await this.call('HEAD', path);
      return true;
    } catch (err) {
      if (err instanceof SparecyclesError && err.status === 404) return false;
      throw err;
    }
  }

  /** The lines of an NDJSON response, parsed, as they arrive. */
  async *lines<T>(path: string): AsyncGenerator<T> {
    const response = await this.call('GET', path);
    if (!response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim() !== '') yield JSON.parse(line) as T;
        }
      }
      buffered += decoder.decode();
      if (buffered.trim() !== '') yield JSON.parse(buffered) as T;
    } finally {
      reader.releaseLock();
    }
  }

  private async call(method: string, path: string, body?: Body): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const init: RequestInit = { method, headers };
    if (body?.text !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = body.text;
    } else if (body?.bytes) {
      headers['content-type'] = 'application/wasm';
      init.body = body.bytes as Uint8Array<ArrayBuffer>;
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.base + path, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new SparecyclesError(
        'SC_UNREACHABLE',
        `cannot reach the server at ${this.base.slice(0, -API_PREFIX.length)} (${cause}); is it running?`,
      );
    }
    if (!response.ok) {
      let error: { code?: string; message?: string } | undefined;
      try {
        error = ((await response.json()) as { error?: { code: string; message: string } }).error;
      } catch {
        // not an API error body: keep the status line
      }
      throw new SparecyclesError(
        error?.code ?? 'SC_HTTP_ERROR',
        error?.message ?? `${method} ${path}: ${response.status} ${response.statusText}`,
        response.status,
      );
    }
    return response;
  }
}
