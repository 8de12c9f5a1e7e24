// The demo widget site's key, for /embed-demo.html: a static page cannot know a key made when
// the server started. Public, like the key itself (it sits in every embedding page's source).
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { readDemoSiteKey } from '../seed-demo-site.js';

export function demoSiteRoutes(app: FastifyInstance, { store }: ServerContext, dataDir?: string): void {
  app.get('/demo-site', async () => {
    const key = await readDemoSiteKey(store, dataDir);
    if (!key) throw new ApiError('SC_NOT_FOUND', 'this server has no demo site; start it with `serve --demo`');
    return { key };
  });
}
