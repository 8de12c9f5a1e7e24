// `sparecycles ledger verify`: checks the credit ledger's hash chain and every signature, from
// the server's data dir or PostgreSQL database (read-only, the server may keep running) or from a
// server over HTTP.
import { existsSync, readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import pg from 'pg';
import { API_PREFIX } from '../../protocol/api.js';
import { auditLedger, type AuditOutcome, type StoredHead, type TreeSource } from '../../server/ledger-audit.js';
import { publicKeyObject, SERVER_KEY_FILE, type LedgerEntry } from '../../server/ledger.js';
import type { Hash, NodeRef } from '../../server/merkle.js';
import { DB_FILE } from '../../server/paths.js';
import { databaseUrlFrom } from '../../server/store/open-store.js';
import { redactUrl } from '../../server/store/postgres/pg-backend.js';
import { LEDGER_KEY_SETTING } from '../../server/store/postgres/pg-store.js';
import { normaliseServer } from '../api-client.js';
import { action, CliError } from '../cli-error.js';
import { printJson } from '../options.js';
import { progressBar } from '../progress.js';

// One page is held in memory at a time; 10000 is also the most GET /ledger returns at once.
const PAGE = 10000;
const COLUMNS = ['seq', 'kind', 'volunteer', 'unit', 'lease', 'amount', 'at', 'prev_hash', 'hash', 'signature'];

/** Pages of entries in seq order, and how many entries to expect (when known) for the progress bar. */
interface LedgerSource {
  key: KeyObject;
  /** The Merkle tree and its signed heads; absent in a store from before schema 5. */
  tree?: TreeSource;
  total?: number;
  pages(): AsyncIterable<LedgerEntry[]>;
  close(): void | Promise<void>;
}

const nodeWhere = (refs: readonly NodeRef[], param: (i: number) => string) =>
  refs.map((_, i) => `(level = ${param(2 * i)} AND idx = ${param(2 * i + 1)})`).join(' OR ');

/** Node reads in chunks that stay under both databases' parameter limits. */
async function readNodeChunks(
  refs: readonly NodeRef[],
  read: (chunk: readonly NodeRef[]) => Promise<{ level: number | string; idx: number | string; hash: string }[]>,
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  for (let i = 0; i < refs.length; i += 400) {
    for (const row of await read(refs.slice(i, i + 400)))
      found.set(`${Number(row.level)}:${Number(row.idx)}`, Buffer.from(row.hash, 'hex'));
  }
  return found;
}

const toHead = (row: Record<string, unknown>): StoredHead => ({
  seq: Number(row.seq),
  size: Number(row.size),
  rootHash: row.rootHash as string,
  at: Number(row.at),
  signature: row.signature as string,
});

function openDataDir(dataDir: string): LedgerSource {
  const dbFile = join(dataDir, DB_FILE);
  const keyFile = join(dataDir, SERVER_KEY_FILE);
  if (!existsSync(dbFile)) throw new CliError(`no database at ${dbFile}; pass the server's --data-dir or --server`);
  if (!existsSync(keyFile)) throw new CliError(`no server key at ${keyFile}; the ledger cannot be checked without it`);
  let key: KeyObject;
  try {
    key = createPublicKey(createPrivateKey(readFileSync(keyFile)));
  } catch (err) {
    throw new CliError(`${keyFile} is not a usable private key (${(err as Error).message})`);
  }
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const have = new Set((db.pragma('table_info(credit_ledger)') as { name: string }[]).map((c) => c.name));
    if (have.size === 0) throw new CliError(`${dbFile} has no credit_ledger table`);
    const missing = COLUMNS.filter((c) => !have.has(c));
    if (missing.length > 0)
      throw new CliError(`${dbFile} has an older credit_ledger without ${missing.join(', ')}; start the server once`);
  } catch (err) {
    db.close();
    throw err;
  }
  const total = (db.prepare('SELECT COUNT(*) AS n FROM credit_ledger').get() as { n: number }).n;
  const hasTree = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'ledger_heads'`).get();
  const tree: TreeSource | undefined = hasTree
    ? {
        heads: async () =>
          (
            db
              .prepare(`SELECT seq, size, root_hash AS rootHash, "at", signature FROM ledger_heads ORDER BY seq`)
              .all() as Record<string, unknown>[]
          ).map(toHead),
        nodes: (refs) =>
          readNodeChunks(refs, async (chunk) =>
            chunk.length === 0
              ? []
              : (db
                  .prepare(`SELECT level, idx, hash FROM ledger_tree WHERE ${nodeWhere(chunk, () => '?')}`)
                  .all(...chunk.flatMap((r) => [r.level, r.idx])) as { level: number; idx: number; hash: string }[]),
          ),
      }
    : undefined;
  const select = db.prepare(
    `SELECT seq, kind, volunteer, unit, lease, amount, "at", prev_hash AS prevHash, hash, signature
     FROM credit_ledger WHERE seq > ? ORDER BY seq LIMIT ?`,
  );
  return {
    key,
    total,
    ...(tree ? { tree } : {}),
    async *pages() {
      let after = 0;
      for (;;) {
        const rows = select.all(after, PAGE) as LedgerEntry[];
        if (rows.length === 0) return;
        yield rows;
        after = rows[rows.length - 1]!.seq;
      }
    },
    close: () => {
      db.close();
    },
  };
}

/** The ledger in a PostgreSQL store, read in a read-only session with the key from its settings. */
async function openDatabase(url: string): Promise<LedgerSource> {
  const where = redactUrl(url);
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    throw new CliError(`cannot connect to PostgreSQL at ${where} (${(err as Error).message})`);
  }
  try {
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    const { rows: tables } = await client.query<{
      ledger: string | null;
      settings: string | null;
      heads: string | null;
    }>(
      `SELECT to_regclass('credit_ledger') AS ledger, to_regclass('settings') AS settings,
              to_regclass('ledger_heads') AS heads`,
    );
    if (!tables[0]!.ledger || !tables[0]!.settings)
      throw new CliError(
        `${where} has no Spare Cycles store (no credit_ledger or settings table); start a server on it once`,
      );
    const { rows } = await client.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [
      LEDGER_KEY_SETTING,
    ]);
    if (rows.length === 0)
      throw new CliError(`${where} holds no ledger key (settings ${LEDGER_KEY_SETTING}); the ledger cannot be checked`);
    let key: KeyObject;
    try {
      key = createPublicKey(createPrivateKey(rows[0]!.value));
    } catch (err) {
      throw new CliError(`the ledger key in ${where} is not a usable private key (${(err as Error).message})`);
    }
    const total = Number((await client.query('SELECT COUNT(*) AS n FROM credit_ledger')).rows[0].n);
    const tree: TreeSource | undefined = tables[0]!.heads
      ? {
          heads: async () =>
            (
              await client.query(
                `SELECT seq, size, root_hash AS "rootHash", "at", signature FROM ledger_heads ORDER BY seq`,
              )
            ).rows.map(toHead),
          nodes: (refs) =>
            readNodeChunks(refs, async (chunk) =>
              chunk.length === 0
                ? []
                : (
                    await client.query(
                      `SELECT level, idx, hash FROM ledger_tree WHERE ${nodeWhere(chunk, (i) => `$${i + 1}`)}`,
                      chunk.flatMap((r) => [r.level, r.idx]),
                    )
                  ).rows,
            ),
        }
      : undefined;
    return {
      key,
      total,
      ...(tree ? { tree } : {}),
      async *pages() {
        let after = 0;
        for (;;) {
          const { rows: page } = await client.query(
            `SELECT seq, kind, volunteer, unit, lease, amount, "at", prev_hash AS "prevHash", hash, signature
             FROM credit_ledger WHERE seq > $1 ORDER BY seq LIMIT $2`,
            [after, PAGE],
          );
          if (page.length === 0) return;
          // BIGINT arrives as text; every seq and time fits a double exactly.
          const entries = page.map((row) => ({ ...row, seq: Number(row.seq), at: Number(row.at) }) as LedgerEntry);
          yield entries;
          after = entries[entries.length - 1]!.seq;
        }
      },
      close: () => client.end(),
    };
  } catch (err) {
    await client.end().catch(() => undefined);
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read the ledger in ${where} (${(err as Error).message})`);
  }
}

const NODES_PER_REQUEST = 10000;

const postJson = <T>(url: string, body: unknown) =>
  getJson<T>(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new CliError(`cannot reach the server at ${new URL(url).origin} (${cause}); is it running?`);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const error = ((await response.json()) as { error?: { code: string; message: string } }).error;
      if (error) message = `${error.message} [${error.code}]`;
    } catch {
      // keep the status line
    }
    throw new CliError(`${new URL(url).pathname}: ${message}`);
  }
  return (await response.json()) as T;
}

/** Servers from before schema 5 publish no tree: their entries are signed one by one. */
async function hasTreeRoutes(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/ledger/heads?limit=1`)).status !== 404;
  } catch {
    return true; // unreachable: the first real request says so
  }
}

/** The tree's heads and nodes through GET /ledger/heads and POST /ledger/nodes. */
function serverTree(base: string): TreeSource {
  return {
    async heads() {
      const heads: StoredHead[] = [];
      for (let after = 0; ;) {
        const page = await getJson<{ heads?: unknown; next?: unknown }>(
          `${base}/ledger/heads?after=${after}&limit=${PAGE}`,
        );
        if (!Array.isArray(page.heads)) throw new CliError('the server sent a heads page without a heads list');
        heads.push(...(page.heads as StoredHead[]));
        const last = heads[heads.length - 1]?.seq;
        if (page.next === null || page.next === undefined || typeof last !== 'number' || !(last > after)) return heads;
        after = last;
      }
    },
    async nodes(refs) {
      const found = new Map<string, Hash>();
      for (let i = 0; i < refs.length; i += NODES_PER_REQUEST) {
        const chunk = refs.slice(i, i + NODES_PER_REQUEST);
        const { nodes } = await postJson<{ nodes?: Record<string, string> }>(`${base}/ledger/nodes`, {
          nodes: chunk.map((r) => [r.level, r.idx]),
        });
        for (const [ref, hash] of Object.entries(nodes ?? {})) found.set(ref, Buffer.from(hash, 'hex'));
      }
      return found;
    },
  };
}

async function openServer(server: string): Promise<LedgerSource> {
  const base = normaliseServer(server) + API_PREFIX;
  const { publicKey } = await getJson<{ publicKey?: unknown }>(`${base}/ledger/key`);
  let key: KeyObject;
  try {
    key = publicKeyObject(String(publicKey));
  } catch (err) {
    throw new CliError(`the server's ledger key is not an Ed25519 public key (${(err as Error).message})`);
  }
  return {
    key,
    ...((await hasTreeRoutes(base)) ? { tree: serverTree(base) } : {}),
    async *pages() {
      let after = 0;
      for (;;) {
        const page = await getJson<{ entries?: unknown; next?: unknown }>(
          `${base}/ledger?after=${after}&limit=${PAGE}`,
        );
        if (!Array.isArray(page.entries)) throw new CliError('the server sent a ledger page without an entries list');
        const entries = page.entries as LedgerEntry[];
        if (entries.length > 0) yield entries;
        // Page on from the last seq seen rather than trusting `next`, so a bad server cannot loop us.
        const last = entries[entries.length - 1]?.seq;
        if (page.next === null || page.next === undefined || typeof last !== 'number' || !(last > after)) return;
        after = last;
      }
    },
    close() {},
  };
}

async function verifySource(source: LedgerSource): Promise<AuditOutcome> {
  const bar = progressBar('verifying ledger', source.total ?? 0, 'entries');
  try {
    return await auditLedger(source.pages(), source.key, source.tree, (count, length) =>
      bar.update(count, source.total ?? (length === PAGE ? count + PAGE : count)),
    );
  } finally {
    bar.stop();
  }
}

interface VerifyOptions {
  dataDir?: string;
  databaseUrl?: string;
  server?: string;
  json?: boolean;
}

export function registerLedger(program: Command): void {
  const ledger = program.command('ledger').description('the signed, hash-chained credit ledger');
  ledger
    .command('verify')
    .description('check the whole ledger: seq order, hash chain and every Ed25519 signature')
    .option('--data-dir <dir>', "read the server's data dir directly (default: $DATA_DIR or ./data)")
    .option('--database-url <url>', "read the server's PostgreSQL database directly (env DATABASE_URL)")
    .option('--server <url>', 'fetch the ledger and key from a running server instead')
    .option('--json', 'print exactly one JSON object on stdout')
    .action(
      action(async (options: VerifyOptions) => {
        const given = [options.dataDir, options.databaseUrl, options.server].filter((o) => o !== undefined);
        if (options.dataDir !== undefined && options.server !== undefined)
          throw new CliError('pass either --data-dir or --server, not both');
        if (given.length > 1) throw new CliError('pass one of --data-dir, --database-url or --server');
        // DATABASE_URL stands in for --database-url only when no source is named.
        const databaseUrl = databaseUrlFrom(options.databaseUrl, given.length === 0 ? process.env.DATABASE_URL : '');
        const source = options.server
          ? await openServer(options.server)
          : databaseUrl
            ? await openDatabase(databaseUrl)
            : openDataDir(options.dataDir ?? process.env.DATA_DIR ?? './data');
        let outcome: AuditOutcome;
        try {
          outcome = await verifySource(source);
        } finally {
          await source.close();
        }
        if (outcome.ok) {
          const tree = outcome.treeHead;
          if (options.json)
            printJson({
              ok: true,
              entries: outcome.count,
              head: outcome.head,
              ...(tree ? { treeHeads: outcome.heads, treeHead: tree } : {}),
            });
          else
            process.stdout.write(
              `ledger ok: ${outcome.count} entries, head ${outcome.head}` +
                (tree ? `; ${outcome.heads} signed tree heads, newest size ${tree.size} root ${tree.rootHash}` : '') +
                '\n',
            );
          return;
        }
        const first = outcome.first;
        const where = 'entry' in first ? `entry ${first.entry}` : `tree head ${first.head} (size ${first.size})`;
        if (options.json)
          printJson({
            ok: false,
            entries: outcome.count,
            first: 'entry' in first ? { seq: first.entry, reason: first.reason } : first,
          });
        process.stderr.write(`sparecycles: ledger broken at ${where}: ${first.reason}\n`);
        process.exitCode = 1;
      }),
    );
}
