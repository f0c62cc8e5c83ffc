import type { EntityManager, SyncRun } from '@boomerang/persistence';
import { SyncRunSchema } from '@boomerang/persistence';

/** The `sync_run` rows of one store; every method takes the store. */
export class SyncRunRepository {
  constructor(private readonly em: EntityManager) {}

  /** Records a run that started (idempotent: the api and the workflow both call it with the same id). */
  async open(storeId: string, id: string, startedAt: Date, platform: string | null = null): Promise<void> {
    await this.em.execute(
      `insert into sync_run (id, store_id, platform, state, fetched, total, error, started_at, updated_at, finished_at)
       values (?, ?, ?, 'running', 0, null, null, ?, now(), null)
       on conflict (id) do update set platform = coalesce(excluded.platform, sync_run.platform)
       where sync_run.store_id = excluded.store_id`,
      [id, storeId, platform, startedAt],
    );
  }

  /** Absolute counts (a retried page writes the same numbers again); never moves a finished run. */
  async progress(storeId: string, id: string, fetched: number, total: number | null): Promise<void> {
    await this.em.execute(
      `update sync_run set fetched = ?, total = coalesce(?, total), updated_at = now()
       where id = ? and store_id = ? and state = 'running'`,
      [fetched, total, id, storeId],
    );
  }

  async finish(storeId: string, id: string, fetched: number, error: string | null): Promise<void> {
    await this.em.execute(
      `update sync_run set state = ?, fetched = ?, error = ?, finished_at = coalesce(finished_at, now()), updated_at = now(),
         total = case when ? then greatest(coalesce(total, 0), ?) else total end
       where id = ? and store_id = ?`,
      [error === null ? 'completed' : 'failed', fetched, error, error === null, fetched, id, storeId],
    );
  }

  async latest(storeId: string): Promise<SyncRun | null> {
    return this.em.findOne(SyncRunSchema, { storeId }, { orderBy: { startedAt: 'desc' } });
  }
}
