// Versioned schema migrations, shared by the backends: each backend keeps its own list (its own
// SQL) under the same version numbers, records the version it reached, applies what is missing
// at start-up under a lock, and refuses a database written by a newer Spare Cycles.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class SchemaError extends Error {}

/** The migrations still to apply to a database at `current`, or a SchemaError saying why not. */
export function pendingMigrations(
  migrations: readonly Migration[],
  current: number,
  where: string,
  baseline: number,
): Migration[] {
  const latest = migrations[migrations.length - 1]!.version;
  if (current > latest) {
    throw new SchemaError(
      `${where} has schema ${current}, newer than this Spare Cycles knows (${latest}); upgrade Spare Cycles to use it`,
    );
  }
  if (current !== 0 && current < baseline) {
    throw new SchemaError(
      `${where} was written by an early version of Spare Cycles (schema ${current}, oldest supported ${baseline}); ` +
        'move that data aside and start again',
    );
  }
  return migrations.filter((m) => m.version > current);
}

export const latestVersion = (migrations: readonly Migration[]) => migrations[migrations.length - 1]!.version;
