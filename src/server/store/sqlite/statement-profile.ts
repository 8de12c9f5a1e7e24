// Time spent per SQL statement, for benches: with SC_SQL_PROFILE=<file> the SQLite backend
// times every statement and writes the totals as JSON to <file> when the process exits.
import { writeFileSync } from 'node:fs';

export interface StatementTime {
  sql: string;
  calls: number;
  ms: number;
}

export class StatementProfile {
  private readonly times = new Map<string, StatementTime>();

  constructor(file: string) {
    process.once('exit', () => writeFileSync(file, JSON.stringify(this.top(), null, 1)));
  }

  time<T>(sql: string, run: () => T): T {
    const start = performance.now();
    try {
      return run();
    } finally {
      let entry = this.times.get(sql);
      if (!entry) this.times.set(sql, (entry = { sql: sql.replace(/\s+/g, ' ').trim(), calls: 0, ms: 0 }));
      entry.calls++;
      entry.ms += performance.now() - start;
    }
  }

  top(): StatementTime[] {
    return [...this.times.values()].sort((a, b) => b.ms - a.ms);
  }
}

/** The profile SC_SQL_PROFILE asks for, if any. */
export const statementProfile = (): StatementProfile | undefined =>
  process.env.SC_SQL_PROFILE ? new StatementProfile(process.env.SC_SQL_PROFILE) : undefined;
