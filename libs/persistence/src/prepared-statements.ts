import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * The send path's few fixed SQL texts as named prepared statements, on a small pool of their own. PostgreSQL then
 * parses and plans each text once per connection instead of on every send: measured on the send's one-query read,
 * 0.12–0.19 ms of PostgreSQL CPU per call prepared against 0.58–0.69 ms unprepared. MikroORM runs every statement
 * unprepared, so everything else keeps using it. Texts use `?` placeholders like `em.execute`; only pass fixed
 * texts, since each distinct text is prepared once and kept.
 */
export class PreparedStatements {
  private readonly pool: pg.Pool;
  private readonly prepared = new Map<string, { name: string; text: string }>();

  constructor(databaseUrl: string, max = 10) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max });
    // An idle connection the server drops must not crash the process; the pool replaces it on the next query.
    this.pool.on('error', (err) => console.warn(`[prepared statements] idle connection lost: ${err.message}`));
  }

  static forOrm(orm: MikroORM, max?: number): PreparedStatements {
    return new PreparedStatements(orm.config.get('clientUrl')!, max);
  }

  async run<T>(sql: string, params: unknown[]): Promise<T[]> {
    let statement = this.prepared.get(sql);
    if (!statement) {
      let n = 0;
      statement = { name: `boomerang_${this.prepared.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
      this.prepared.set(sql, statement);
    }
    const result = await this.pool.query({ name: statement.name, text: statement.text, values: params });
    return result.rows as T[];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
