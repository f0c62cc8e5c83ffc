import type { MikroORM } from '@mikro-orm/postgresql';
import { textArrayLiteral } from './sql-arrays.js';

export interface StatisticsPolicy {
  /** How often the counters are read. */
  everyMs: number;
  /** A table is analyzed once this many rows changed since its last analyze… */
  minChanged: number;
  /** …and they are at least this fraction of its rows. */
  fraction: number;
}

export const DEFAULT_STATISTICS_POLICY: StatisticsPolicy = { everyMs: 10_000, minChanged: 1_000, fraction: 0.1 };

/**
 * Keeps the planner's statistics of fast-changing tables current. Autovacuum analyzes a table at most once per
 * naptime (a minute) per database, and later when its workers are busy elsewhere: in the lag bench the signal outbox
 * went ten minutes and 100,000 changes without one, the planner still saw the outbox as empty, and a claim of 500 rows
 * chose an index that read all 39,000 owed rows per row (14.7 s; 41 ms after `analyze`). This reads
 * `pg_stat_user_tables` every `everyMs` and analyzes the tables that changed enough, skipping one another session is
 * analyzing (several workers may run this).
 */
export class TableStatisticsKeeper {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly tables: readonly string[],
    private readonly policy: StatisticsPolicy = DEFAULT_STATISTICS_POLICY,
  ) {
    for (const t of tables) if (!/^[a-z_][a-z0-9_]*$/.test(t)) throw new Error(`not a table name: ${t}`);
  }

  /** Analyzes the tables due now; answers their names. */
  async tick(): Promise<string[]> {
    const em = this.orm.em.fork();
    const rows = await em.execute<{ relname: string; live: string; changed: string }[]>(
      `select relname, n_live_tup as live, n_mod_since_analyze as changed from pg_stat_user_tables
       where schemaname = current_schema() and relname = any(cast(? as text[]))`,
      [textArrayLiteral(this.tables)],
    );
    const due = rows
      .filter((r) => Number(r.changed) >= this.policy.minChanged && Number(r.changed) >= this.policy.fraction * Number(r.live))
      .map((r) => r.relname)
      .sort();
    for (const table of due) await em.execute(`analyze (skip_locked) "${table}"`);
    return due;
  }

  start(onError: (err: unknown) => void): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.tick()
        .catch(onError)
        .finally(() => (this.running = false));
    }, this.policy.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
