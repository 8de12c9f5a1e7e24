// Every API error the server can return. Codes are stable: a retired code is never reused.
// The message says what to do; `status` is the HTTP status it travels with.

export const ErrorCatalogue = {
  SC_BAD_REQUEST: { status: 400, message: 'The request body or parameters are invalid' },
  SC_BODY_TOO_LARGE: { status: 413, message: 'The request body is too large; split it into smaller requests' },
  SC_UNSUPPORTED_MEDIA: { status: 415, message: 'Unsupported Content-Type; send application/json or application/wasm' },
  SC_TOKEN_MISSING: { status: 401, message: 'A publisher token is required: send "Authorization: Bearer <token>"' },
  SC_TOKEN_INVALID: {
    status: 401,
    message: 'The publisher token is not known to this server; create one with `sparecycles token create`',
  },
  SC_VOLUNTEER_MISSING: {
    status: 401,
    message: 'Volunteer credentials are required: register with POST /api/v1/volunteers',
  },
  SC_VOLUNTEER_INVALID: {
    status: 401,
    message: 'The volunteer credentials are not known to this server; register again',
  },
  SC_FORBIDDEN: { status: 403, message: 'This token does not own that resource' },
  SC_NOT_FOUND: { status: 404, message: 'No such route' },
  SC_PROJECT_UNKNOWN: { status: 404, message: 'No such project; list projects with GET /api/v1/projects' },
  SC_PROJECT_EXISTS: { status: 409, message: 'A project with that id exists already; choose another name' },
  SC_KERNEL_UNKNOWN: { status: 404, message: 'No such kernel; upload it first with `sparecycles kernel add`' },
  SC_KERNEL_INVALID: { status: 422, message: 'The kernel is not a valid module for the sc1 or wasi ABI' },
  SC_BATCH_UNKNOWN: { status: 404, message: 'No such batch' },
  SC_BATCH_CLOSED: {
    status: 409,
    message: 'The batch is closed and takes no more units; publish a new batch (or another --batch-name)',
  },
  SC_BATCH_CANCELLED: { status: 409, message: 'The batch was cancelled; publish a new batch to run these units' },
  SC_BATCH_OFFSET: {
    status: 409,
    message: "The chunk does not follow the units the batch holds; resend from the batch's unit count",
  },
  SC_BATCH_CONFLICT: {
    status: 409,
    message: 'A batch of that name exists with another kernel or policy; choose another name',
  },
  SC_INPUT_INVALID: { status: 422, message: 'A work unit input is invalid' },
  SC_LEASE_UNKNOWN: { status: 404, message: 'No such lease; it may belong to another server' },
  SC_LEASE_NOT_YOURS: { status: 403, message: 'That lease was issued to another volunteer' },
  SC_LEASE_SUPERSEDED: { status: 409, message: 'That lease already has a different result recorded' },
  SC_SIGNATURE_INVALID: {
    status: 401,
    message: 'The result submission is not signed by the key this volunteer registered (header x-sc-signature)',
  },
  SC_SITE_UNKNOWN: {
    status: 400,
    message: 'No such site key; create one with `sparecycles site create --origin <url>`',
  },
  SC_KEY_INVALID: { status: 400, message: 'publicKey must be an ECDSA P-256 public key, SPKI DER in base64' },
  SC_INTERNAL: { status: 500, message: 'Internal server error' },
  SC_UNAVAILABLE: {
    status: 503,
    message: 'The server cannot reach its database; retry shortly, or check the database if it persists',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCatalogue;

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCatalogue, value);
}
