// `import { Client } from 'sparecycles'`: the project lead's SDK, for Node ≥ 20 and browsers
// (fetch only). docs/SDK.md shows it at work.
export { Client } from './client.js';
export { Batch } from './batch.js';
export { SparecyclesError, type SdkErrorCode } from './errors.js';
export type * from './types.js';
