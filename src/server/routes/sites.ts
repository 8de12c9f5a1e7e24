// Site keys for the widget: public read, so the framed card can check who embeds it.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';

export function siteRoutes(app: FastifyInstance, { store }: ServerContext): void {
  app.get<{ Params: { key: string } }>('/sites/:key', async (request) => {
    const site = await store.getSite(request.params.key);
    if (!site) throw new ApiError('SC_SITE_UNKNOWN', request.params.key);
    return site;
  });
}
