// The credit ledger over HTTP: the public key, the whole chain in pages and its Merkle tree's
// signed heads and nodes (public, so anyone can audit it), and a volunteer's own receipts.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import { requireVolunteer } from '../auth.js';
import type { ServerContext } from '../context.js';
import type { LedgerEntry } from '../ledger.js';
import type { NodeRef } from '../merkle.js';
import type { ReceiptProofs } from '../store/ledger-proofs.js';
import type { TreeHead } from '../tree-head.js';

export interface LedgerReader {
  /** Entries with seq > afterSeq, in seq order, at most `limit`. */
  entries(afterSeq: number, limit: number): Promise<LedgerEntry[]>;
  /** One volunteer's entries with seq > afterSeq, in seq order, at most `limit`. */
  receipts(volunteer: string, afterSeq: number, limit: number): Promise<LedgerEntry[]>;
  receiptProofs(entries: readonly LedgerEntry[]): Promise<ReceiptProofs>;
  /** Signed tree heads numbered above afterSeq, in commit order, at most `limit`. */
  heads(afterSeq: number, limit: number): Promise<(TreeHead & { seq: number })[]>;
  /** Stored tree node hashes (hex) by "level:idx". */
  nodes(refs: readonly NodeRef[]): Promise<Map<string, string>>;
  publicKey(): { pem: string; raw: string };
}

/** Most tree nodes one POST /ledger/nodes asks for. */
export const LEDGER_NODES_MAX = 10000;

const nodesSchema = {
  type: 'object',
  required: ['nodes'],
  additionalProperties: false,
  properties: {
    nodes: {
      type: 'array',
      maxItems: LEDGER_NODES_MAX,
      items: {
        type: 'array',
        minItems: 2,
        maxItems: 2,
        items: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      },
    },
  },
} as const;

export const LEDGER_PAGE_DEFAULT = 1000;
export const LEDGER_PAGE_MAX = 10000;

interface PageQuery {
  after?: string;
  limit?: string;
}

// The app's Ajv does not coerce types, so a query value stays a string: match it as digits.
// The length cap keeps every accepted value a safe integer.
const pageQuerySchema = {
  type: 'object',
  properties: {
    after: { type: 'string', pattern: '^[0-9]{1,15}$' },
    limit: { type: 'string', pattern: '^[0-9]{1,15}$' },
  },
  additionalProperties: false,
} as const;

function page(query: PageQuery): { after: number; limit: number } {
  const after = query.after === undefined ? 0 : Number(query.after);
  const limit = query.limit === undefined ? LEDGER_PAGE_DEFAULT : Number(query.limit);
  if (limit < 1 || limit > LEDGER_PAGE_MAX)
    throw new ApiError('SC_BAD_REQUEST', `querystring/limit must be from 1 to ${LEDGER_PAGE_MAX}`);
  return { after, limit };
}

/** A full page may have more behind it; `next` is the `after` that fetches it. */
function next(entries: LedgerEntry[], limit: number): number | null {
  return entries.length === limit ? (entries[entries.length - 1]?.seq ?? null) : null;
}

export function ledgerRoutes(app: FastifyInstance, context: ServerContext & { ledger: LedgerReader }): void {
  const { store, ledger } = context;

  app.get('/ledger/key', async () => {
    const { raw, pem } = ledger.publicKey();
    return { algorithm: 'Ed25519', publicKey: raw, pem };
  });

  app.get<{ Querystring: PageQuery }>('/ledger', { schema: { querystring: pageQuerySchema } }, async (request) => {
    const { after, limit } = page(request.query);
    const entries = await ledger.entries(after, limit);
    return { entries, next: next(entries, limit) };
  });

  // The Merkle tree in the open too, so anyone can check the heads and leaves (ledger verify --server).
  app.get<{ Querystring: PageQuery }>(
    '/ledger/heads',
    { schema: { querystring: pageQuerySchema } },
    async (request) => {
      const { after, limit } = page(request.query);
      const heads = await ledger.heads(after, limit);
      return { heads, next: heads.length === limit ? heads[heads.length - 1]!.seq : null };
    },
  );

  app.post<{ Body: { nodes: [number, number][] } }>(
    '/ledger/nodes',
    { schema: { body: nodesSchema } },
    async (request) => {
      const refs = request.body.nodes.map(([level, idx]) => {
        if (level > 62) throw new ApiError('SC_BAD_REQUEST', `body/nodes: level ${level} is above 62`);
        return { level, idx };
      });
      return { nodes: Object.fromEntries(await ledger.nodes(refs)) };
    },
  );

  app.get<{ Querystring: PageQuery }>(
    '/volunteers/me/receipts',
    { schema: { querystring: pageQuerySchema } },
    async (request) => {
      const volunteer = await requireVolunteer(store, request);
      const { after, limit } = page(request.query);
      const entries = await ledger.receipts(volunteer.id, after, limit);
      // Each entry carries its inclusion proof (null while no head covers it yet) to `treeHead`.
      const { head, proofs } = await ledger.receiptProofs(entries);
      return {
        volunteer: volunteer.id,
        publicKey: ledger.publicKey().raw,
        treeHead: head ?? null,
        entries: entries.map((entry) => ({ ...entry, proof: proofs.get(entry.seq) ?? null })),
        next: next(entries, limit),
      };
    },
  );
}
