import type { EntityManager } from '@boomerang/persistence';
import { CompiledQuery } from 'kysely';

/**
 * Runs `sql` with its `?` placeholders sent as bound parameters ($1, $2…), in the entity manager's transaction when it
 * has one. `em.execute` would inline escaped literals into the text instead; a segment's values come from merchants,
 * so they only ever travel as parameters. (Texts here hold no other `?`: no jsonb `?` operators.)
 */
export async function boundQuery<T>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  if (n !== params.length) throw new Error(`segment query has ${n} placeholders for ${params.length} values`);
  const executor = (em.getTransactionContext() ?? em.getConnection().getClient()) as {
    executeQuery(q: CompiledQuery): Promise<{ rows: unknown[] }>;
  };
  const result = await executor.executeQuery(CompiledQuery.raw(text, params.map((p) => (p instanceof Date ? p.toISOString() : p))));
  return result.rows as T[];
}
