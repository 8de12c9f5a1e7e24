// The one error every SDK method rejects with: the API's error code and one-line message, or
// an SDK code for what happened before or after the server answered.
import type { UnitError } from './types.js';

/** Codes the SDK itself raises, beside the API's catalogue (src/protocol/errors.ts). */
export type SdkErrorCode =
  'SC_UNREACHABLE' | 'SC_HTTP_ERROR' | 'SC_NO_INPUTS' | 'SC_UNITS_FAILED' | 'SC_BATCH_CANCELLED' | 'SC_BAD_OPTION';

export class SparecyclesError extends Error {
  override readonly name = 'SparecyclesError';

  constructor(
    /** An API error code (`SC_BATCH_UNKNOWN`, …) or one of SdkErrorCode. */
    readonly code: string,
    message: string,
    /** The HTTP status, or 0 when the server was not reached or not involved. */
    readonly status = 0,
    /** For SC_UNITS_FAILED: the units that ended in error (the first few), in input order. */
    readonly units: UnitError[] = [],
  ) {
    super(message);
  }
}
