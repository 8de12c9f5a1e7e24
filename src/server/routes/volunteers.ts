import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  registerVolunteerSchema,
  resultStatusSchema,
  type ResultStatusRequest,
  type ResultStatusResponse,
  type RegisterVolunteerRequest,
  type RegisterVolunteerResponse,
} from '../../protocol/api.js';
import { ApiError } from '../api-error.js';
import { hashSecret, newVolunteerSecret, requireVolunteer } from '../auth.js';
import { parseVolunteerKey } from '../signatures.js';
import type { ServerContext } from '../context.js';

const ADJECTIVES = ['quiet', 'swift', 'bright', 'patient', 'steady', 'curious', 'gentle', 'bold', 'keen', 'calm'];
const NOUNS = ['otter', 'heron', 'comet', 'maple', 'falcon', 'lynx', 'quasar', 'badger', 'fern', 'orbit'];

/** A pseudonym: no personal data is ever asked for. */
function pseudonym(): string {
  const [a = 0, b = 0, c = 0, d = 0] = randomBytes(4);
  return `${ADJECTIVES[a % ADJECTIVES.length]}-${NOUNS[b % NOUNS.length]}-${((c << 8) | d) % 10000}`;
}

export function volunteerRoutes(app: FastifyInstance, { store, clock }: ServerContext): void {
  app.post<{ Body: RegisterVolunteerRequest }>(
    '/volunteers',
    { schema: { body: registerVolunteerSchema } },
    async (request, reply) => {
      parseVolunteerKey(request.body.publicKey);
      if (request.body.site !== undefined && !(await store.getSite(request.body.site))) {
        throw new ApiError('SC_SITE_UNKNOWN', request.body.site);
      }
      const secret = newVolunteerSecret();
      const volunteer = {
        id: 'v_' + randomBytes(9).toString('base64url'),
        name: request.body.name ?? pseudonym(),
        site: request.body.site ?? null,
        publicKey: request.body.publicKey,
      };
      await store.registerVolunteer(volunteer, hashSecret(secret), clock());
      const body: RegisterVolunteerResponse = { volunteer: volunteer.id, secret, name: volunteer.name };
      return reply.status(201).send(body);
    },
  );

  app.get('/volunteers/me', async (request) => {
    const volunteer = await requireVolunteer(store, request);
    const info = await store.volunteerInfo(volunteer.id);
    if (!info) throw new ApiError('SC_VOLUNTEER_INVALID');
    return info;
  });

  // The page's own results: which are still waiting for a second opinion, which are confirmed.
  app.post<{ Body: ResultStatusRequest }>(
    '/volunteers/me/results',
    { schema: { body: resultStatusSchema } },
    async (request) => {
      const volunteer = await requireVolunteer(store, request);
      const body: ResultStatusResponse = { results: await store.ownResults(volunteer.id, request.body.leases) };
      return body;
    },
  );

  app.delete('/volunteers/me', async (request, reply) => {
    const volunteer = await requireVolunteer(store, request);
    await store.forgetVolunteer(volunteer.id);
    return reply.status(204).send();
  });

  app.get('/leaderboard', async () => store.leaderboard(100));
}
