import { TableStatisticsKeeper } from '@boomerang/persistence';
import { openTestOrm, type TestOrm } from './test-database.js';

/** The keeper analyzes a table once enough of it changed, and leaves the others alone. */
describe('TableStatisticsKeeper (PostgreSQL)', () => {
  let db: TestOrm;

  beforeAll(async () => {
    db = await openTestOrm('boomerang_stats');
  });

  afterAll(async () => {
    await db?.close();
  });

  const sql = <T>(query: string, params: unknown[] = []) => db.orm.em.fork().execute<T[]>(query, params);
  const lastAnalyze = async (table: string) =>
    (await sql<{ at: Date | null }>(`select coalesce(last_analyze, last_autoanalyze) as at from pg_stat_user_tables where relname = ?`, [table]))[0]?.at ?? null;
  /** The cumulative statistics reach pg_stat_user_tables after the writing session reports them. */
  const reported = async (table: string, atLeast: number) => {
    for (let i = 0; i < 100; i++) {
      await sql(`select pg_stat_clear_snapshot()`);
      const [row] = await sql<{ n: string }>(`select n_mod_since_analyze as n from pg_stat_user_tables where relname = ?`, [table]);
      if (Number(row?.n ?? 0) >= atLeast) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${table}: changes never reported`);
  };

  it('analyzes the tables that changed enough, not the others, and refuses a name that is not one', async () => {
    await sql(`create table stats_busy (id int primary key, v text)`);
    await sql(`create table stats_quiet (id int primary key, v text)`);
    await sql(`insert into stats_busy select g, 'x' from generate_series(1, 2000) g`);
    await sql(`insert into stats_quiet select g, 'x' from generate_series(1, 50) g`);
    await reported('stats_busy', 2000);
    await reported('stats_quiet', 50);
    const keeper = new TableStatisticsKeeper(db.orm, ['stats_busy', 'stats_quiet'], { everyMs: 60_000, minChanged: 1_000, fraction: 0.1 });
    expect(await keeper.tick()).toEqual(['stats_busy']);
    expect(await lastAnalyze('stats_busy')).not.toBeNull();
    expect(await lastAnalyze('stats_quiet')).toBeNull();
    // The planner now knows the table's size.
    expect((await sql<{ n: number }>(`select reltuples::int as n from pg_class where relname = 'stats_busy'`))[0]!.n).toBe(2000);
    // Counted from the analyze: nothing is due until enough changes again.
    await sql(`select pg_stat_clear_snapshot()`);
    expect(await keeper.tick()).toEqual([]);
    expect(() => new TableStatisticsKeeper(db.orm, ['stats_busy; drop table x'])).toThrow('not a table name');
  });
});
