// Typed errors of the runtime, so callers can tell a stopped unit from a broken one.

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export class AbortError extends Error {
  override readonly name = 'AbortError';
}

export class WorkerCrashError extends Error {
  override readonly name = 'WorkerCrashError';
}

/** An HTTP error from the task server, carrying its stable code. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  /** A 4xx other than 408/429 will fail the same way again: do not retry it. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}
