// Entry point of a worker_threads kernel thread for the headless volunteer.
import { parentPort, workerData } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createKernelWorkerApi } from '../kernel-worker-api.js';

if (!parentPort) throw new Error('kernel-worker must run inside a worker thread');
const preferFallback = (workerData as { preferFallback?: unknown } | null)?.preferFallback === true;
expose(createKernelWorkerApi({ preferFallback }), nodeEndpoint(parentPort));
