// Assembles the Fastify app: the API under /api/v1, the built client as static files, and
// the lease-expiry stage.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { API_PREFIX } from '../protocol/api.js';
import { ErrorCatalogue } from '../protocol/errors.js';
import { ApiError, errorBody, installErrorHandling } from './api-error.js';
import type { ServerContext } from './context.js';
import { batchLifecycleRoutes } from './routes/batch-lifecycle.js';
import { batchRoutes } from './routes/batches.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { demoSiteRoutes } from './routes/demo-site.js';
import { siteRoutes } from './routes/sites.js';
import { kernelRoutes } from './routes/kernels.js';
import { ledgerRoutes } from './routes/ledger.js';
import { projectRoutes } from './routes/projects.js';
import { volunteerRoutes } from './routes/volunteers.js';
import { workRoutes } from './routes/work.js';
import type { Store } from './store/store.js';
import { startTransitioner } from './transitioner.js';

export interface AppOptions {
  store: Store;
  /** Directory of the built client (index.html and assets); omitted in API-only tests. */
  publicDir?: string;
  clock?: () => number;
  logger?: boolean;
  expiryIntervalMs?: number;
  /** Data dir, for the demo widget site's key (GET /api/v1/demo-site). */
  dataDir?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of a JSON body, for signature checks. */
    rawBody?: Buffer;
  }
}

/** Parses JSON bodies like Fastify does, but keeps the raw bytes a signature covers. */
function keepRawJsonBody(api: FastifyInstance): void {
  api.removeContentTypeParser('application/json');
  api.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(new ApiError('SC_BAD_REQUEST', 'the JSON body is empty'), undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch (err) {
      done(new ApiError('SC_BAD_REQUEST', `the body is not valid JSON (${(err as Error).message})`), undefined);
    }
  });
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger
      ? {
          level: 'info',
          // The event stream takes a publisher token in its query: keep it out of the logs.
          serializers: {
            req: (request: { method: string; url: string }) => ({
              method: request.method,
              url: request.url.replace(/([?&]token=)[^&]*/g, '$1…'),
            }),
          },
        }
      : false,
    bodyLimit: 1024 * 1024,
    // Refuse what the schemas forbid rather than silently dropping or converting it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // The router's own refusals (a malformed URL, an over-long path parameter) in our error format.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as unknown as FastifyReply)
        .status(tooLong ? 404 : 400)
        .send(
          tooLong
            ? errorBody('SC_NOT_FOUND', 'No such route: a path parameter is too long')
            : errorBody('SC_BAD_REQUEST', `${ErrorCatalogue.SC_BAD_REQUEST.message}: the URL is malformed`),
        );
    },
    // Lets clients address the API with or without a trailing slash.
    routerOptions: { ignoreTrailingSlash: true },
  });
  const context: ServerContext = { store: options.store, clock: options.clock ?? Date.now };
  installErrorHandling(app);

  await app.register(
    async (api) => {
      keepRawJsonBody(api);
      projectRoutes(api, context);
      kernelRoutes(api, context);
      batchRoutes(api, context);
      batchLifecycleRoutes(api, context);
      volunteerRoutes(api, context);
      workRoutes(api, context);
      dashboardRoutes(api, context);
      siteRoutes(api, context);
      demoSiteRoutes(api, context, options.dataDir);
      ledgerRoutes(api, {
        ...context,
        ledger: {
          entries: (after, limit) => options.store.ledgerEntries(after, limit),
          receipts: (volunteer, after, limit) => options.store.receipts(volunteer, after, limit),
          receiptProofs: (entries) => options.store.receiptProofs(entries),
          heads: (after, limit) => options.store.ledgerHeads(after, limit),
          nodes: (refs) => options.store.ledgerNodes(refs),
          publicKey: () => options.store.ledgerPublicKey(),
        },
      });
      // For load balancers and monitoring: healthy only while the database answers.
      api.get('/health', async () => {
        try {
          await options.store.health();
        } catch (err) {
          throw new ApiError('SC_UNAVAILABLE', `the database did not answer (${(err as Error).message})`);
        }
        return { ok: true };
      });
    },
    { prefix: API_PREFIX },
  );

  if (options.publicDir && existsSync(options.publicDir)) {
    await app.register(fastifyStatic, {
      root: options.publicDir,
      setHeaders: (res, path) => {
        // Cross-origin isolation gives workers SharedArrayBuffer: the page sets a shared stop
        // flag that unwinds a running kernel at once (terminate() alone lags in Chromium).
        res.header('cross-origin-opener-policy', 'same-origin');
        res.header('cross-origin-embedder-policy', 'require-corp');
        // The widget is loaded and framed by other sites, including isolated ones.
        if (/widget\.js$|[/\\]widget[/\\]/.test(path)) res.header('cross-origin-resource-policy', 'cross-origin');
        // Hashed build assets never change; the HTML shell and service worker always revalidate.
        if (/[/\\]assets[/\\]/.test(path)) res.header('cache-control', 'public, max-age=31536000, immutable');
        else res.header('cache-control', 'no-cache');
      },
    });
  }

  // Pages by their plain names: /dashboard, /leaderboard, /embed-demo.
  if (options.publicDir && existsSync(options.publicDir)) {
    for (const page of ['dashboard', 'leaderboard', 'embed-demo']) {
      if (existsSync(join(options.publicDir, `${page}.html`))) {
        app.get(`/${page}`, (_request, reply) => reply.sendFile(`${page}.html`));
      }
    }
  }

  const stopTransitioner = startTransitioner(options.store, context.clock, app.log, options.expiryIntervalMs);
  app.addHook('onClose', async () => stopTransitioner());
  return app;
}
