// Bearer credentials: publisher tokens (`scp_…`) and volunteer secrets (`scv_…`). Only their
// SHA-256 is stored, so a leaked database does not leak working credentials.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import type { Store, VolunteerRow } from './store/store.js';

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newPublisherToken = () => 'scp_' + randomBytes(24).toString('base64url');
export const newVolunteerSecret = () => 'scv_' + randomBytes(24).toString('base64url');

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? '';
}

/** The publisher id behind the request's token, or a 401. */
export async function requirePublisher(store: Store, request: FastifyRequest): Promise<string> {
  const token = bearer(request);
  if (token === undefined) throw new ApiError('SC_TOKEN_MISSING');
  const publisher = token ? await store.findPublisher(hashSecret(token)) : undefined;
  if (!publisher) throw new ApiError('SC_TOKEN_INVALID');
  return publisher;
}

export async function requireVolunteer(store: Store, request: FastifyRequest): Promise<VolunteerRow> {
  const secret = bearer(request);
  if (secret === undefined) throw new ApiError('SC_VOLUNTEER_MISSING');
  const volunteer = secret ? await store.findVolunteer(hashSecret(secret)) : undefined;
  if (!volunteer) throw new ApiError('SC_VOLUNTEER_INVALID');
  return volunteer;
}

/** Creates a publisher and returns its token (shown once; only its hash is kept). */
export async function createPublisherToken(store: Store, now: number): Promise<string> {
  const token = newPublisherToken();
  await store.createPublisher('pub_' + randomBytes(6).toString('hex'), hashSecret(token), now);
  return token;
}
