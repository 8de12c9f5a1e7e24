// Turns every failure into `{ error: { code, message } }` with the catalogue's status, so a
// client never sees a stack trace or a 5xx for bad input.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCatalogue, type ErrorBody, type ErrorCode } from '../protocol/errors.js';

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
  ) {
    super(detail ? `${ErrorCatalogue[code].message}: ${detail}` : ErrorCatalogue[code].message);
    this.status = ErrorCatalogue[code].status;
  }
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  // One line, whatever the request echoed: any whitespace or control character becomes a space.
  const line = message.replace(/[\s\u0085\p{Cc}]+/gu, ' ').trim();
  return { error: { code, message: line.length > 300 ? line.slice(0, 297) + '…' : line } };
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'SC_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'SC_UNSUPPORTED_MEDIA',
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) return reply.status(error.status).send(errorBody(error.code, error.message));
    if (error.validation) {
      const first = error.validation[0];
      const where = `${error.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
      const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      const what = extra ? `has an unknown field "${extra}"` : (first?.message ?? 'is invalid');
      return reply.status(400).send(errorBody('SC_BAD_REQUEST', `${where} ${what}`));
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      const detail =
        mapped === 'SC_BODY_TOO_LARGE'
          ? `${ErrorCatalogue[mapped].message} (limit ${routeLimit(request)} bytes)`
          : ErrorCatalogue[mapped].message;
      return reply.status(ErrorCatalogue[mapped].status).send(errorBody(mapped, detail));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply
        .status(status)
        .send(errorBody('SC_BAD_REQUEST', `${ErrorCatalogue.SC_BAD_REQUEST.message}: ${error.message}`));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('SC_INTERNAL', ErrorCatalogue.SC_INTERNAL.message));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('SC_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

function routeLimit(request: FastifyRequest): number {
  return request.routeOptions.bodyLimit ?? 0;
}
