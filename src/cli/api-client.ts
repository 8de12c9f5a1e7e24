// The publisher's view of the HTTP API, for the CLI commands.
import {
  API_PREFIX,
  type BatchStatus,
  type CreateProjectRequest,
  type CreateProjectResponse,
  type DescriptionTranslations,
  type KernelInfo,
} from '../protocol/api.js';
import { CliError } from './cli-error.js';

export const DEFAULT_SERVER = 'http://localhost:8080';
export const TOKEN_ENV = 'SPARECYCLES_TOKEN';

/** Node may resolve "localhost" to ::1 while the server listens on 127.0.0.1 only. */
export function normaliseServer(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`--server must be a URL like http://localhost:8080, got "${server}"`);
  }
  if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  return url.origin;
}

export class ApiClient {
  private readonly base: string;

  constructor(
    server: string,
    private readonly token?: string,
  ) {
    this.base = normaliseServer(server) + API_PREFIX;
  }

  createProject(
    name: string,
    description?: string,
    descriptions?: DescriptionTranslations,
  ): Promise<CreateProjectResponse> {
    const json: CreateProjectRequest = { name };
    if (description) json.description = description;
    if (descriptions?.zh) json.descriptions = descriptions;
    return this.request('POST', '/projects', { json });
  }

  addKernel(bytes: Uint8Array): Promise<KernelInfo> {
    return this.request('POST', '/kernels', { bytes });
  }

  status(batch: string): Promise<BatchStatus> {
    return this.request('GET', `/batches/${encodeURIComponent(batch)}`);
  }

  private async request<T>(method: string, path: string, body?: { json?: unknown; bytes?: Uint8Array }): Promise<T> {
    const response = await this.fetch(method, path, body);
    return (await response.json()) as T;
  }

  private async fetch(method: string, path: string, body?: { json?: unknown; bytes?: Uint8Array }): Promise<Response> {
    if (!this.token) throw new CliError(`a publisher token is needed: pass --token or set ${TOKEN_ENV}`);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    const init: RequestInit = { method, headers };
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body.json);
    } else if (body?.bytes) {
      headers['content-type'] = 'application/wasm';
      init.body = body.bytes as Uint8Array<ArrayBuffer>;
    }
    let response: Response;
    try {
      response = await fetch(this.base + path, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError(`cannot reach the server at ${this.base.replace(API_PREFIX, '')} (${cause}); is it running?`);
    }
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        const error = ((await response.json()) as { error?: { code: string; message: string } }).error;
        if (error) message = `${error.message} [${error.code}]`;
      } catch {
        // keep the status line
      }
      throw new CliError(message);
    }
    return response;
  }
}
