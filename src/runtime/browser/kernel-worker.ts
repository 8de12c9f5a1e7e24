// Entry point of a kernel Web Worker: the page drives it through comlink, and every kernel
// runs here, never on the main thread.
import { expose } from 'comlink';
import { createKernelWorkerApi } from '../kernel-worker-api.js';

expose(createKernelWorkerApi());
