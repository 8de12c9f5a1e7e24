import type { FastifyInstance } from 'fastify';
import type { KernelInfo } from '../../protocol/api.js';
import { MAX_KERNEL_BYTES } from '../../protocol/abi.js';
import { ApiError } from '../api-error.js';
import { requirePublisher } from '../auth.js';
import type { ServerContext } from '../context.js';
import { admitKernel } from '../kernel-check.js';

const HASH = /^[0-9a-f]{64}$/;

export function kernelRoutes(app: FastifyInstance, { store, clock }: ServerContext): void {
  app.addContentTypeParser(
    ['application/wasm', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: MAX_KERNEL_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.post('/kernels', { bodyLimit: MAX_KERNEL_BYTES }, async (request, reply) => {
    await requirePublisher(store, request);
    if (!Buffer.isBuffer(request.body)) {
      throw new ApiError(
        'SC_UNSUPPORTED_MEDIA',
        'upload the module as the raw body with Content-Type: application/wasm',
      );
    }
    const kernel = admitKernel(new Uint8Array(request.body));
    const existed = (await store.getKernel(kernel.hash)) !== undefined;
    await store.putKernel(kernel, clock());
    const body: KernelInfo = { hash: kernel.hash, abi: kernel.abi, size: kernel.bytes.length };
    return reply.status(existed ? 200 : 201).send(body);
  });

  app.get<{ Params: { hash: string } }>('/kernels/:hash', async (request, reply) => {
    const { hash } = request.params;
    if (!HASH.test(hash))
      throw new ApiError('SC_KERNEL_UNKNOWN', 'a kernel id is the 64-hex-digit SHA-256 of its module');
    const kernel = await store.getKernel(hash);
    if (!kernel) throw new ApiError('SC_KERNEL_UNKNOWN', hash);
    return reply
      .header('content-type', 'application/wasm')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('etag', `"${hash}"`)
      .header('x-kernel-abi', kernel.abi)
      .send(Buffer.from(kernel.bytes));
  });
}
