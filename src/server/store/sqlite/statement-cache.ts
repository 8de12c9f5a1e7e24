// better-sqlite3 compiles a statement on every prepare(); the hot paths prepare the same SQL
// thousands of times a second, so compiled statements are kept by their text.
import type Database from 'better-sqlite3';

export interface Prepares {
  prepare(sql: string): Database.Statement;
}

export function cachedStatements(
  db: Database.Database,
  setUp: (statement: Database.Statement) => void = () => undefined,
): Prepares {
  const cache = new Map<string, Database.Statement>();
  return {
    prepare(sql: string): Database.Statement {
      let statement = cache.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        setUp(statement);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
