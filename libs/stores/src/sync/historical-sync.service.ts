import { randomUUID } from 'node:crypto';
import { DomainError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { syncProgressView, type SyncProgressView } from './sync-progress.js';
import { SyncRunRepository } from './sync-run.repository.js';

/** The one intent the service needs from the Temporal door (RetentionLifecycle.startHistoricalSync). */
export interface HistoricalSyncStarter {
  startHistoricalSync(input: { storeId: string; syncRunId: string }): Promise<{ started: boolean }>;
}

/** Start a store's historical sync and read how far it got. */
export class HistoricalSyncService {
  constructor(
    private readonly starter: HistoricalSyncStarter,
    /** Starts retried, 100 ms apart, while the last walk is closing. */
    private readonly closingRetries = 30,
  ) {}

  /** Starts the walk; a conflict while one runs (its workflow id is the store's). */
  async start(em: EntityManager, storeId: string, now = new Date()): Promise<SyncProgressView> {
    const syncRunId = randomUUID();
    const runs = new SyncRunRepository(em);
    for (let attempt = 0; ; attempt++) {
      const { started } = await this.starter.startHistoricalSync({ storeId, syncRunId });
      if (started) break;
      // The last walk records its end just before its workflow closes: a start in between waits for the close.
      const last = await runs.latest(storeId);
      if (last?.state === 'running' || attempt >= this.closingRetries) {
        throw new DomainError('conflict', 'a historical sync of this store is already running');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The workflow records the run too (same id); whichever comes first creates the row.
    await runs.open(storeId, syncRunId, now);
    return this.latest(em, storeId, now);
  }

  async latest(em: EntityManager, storeId: string, now = new Date()): Promise<SyncProgressView> {
    const run = await new SyncRunRepository(em).latest(storeId);
    if (!run) throw new DomainError('not_found', 'this store has not synced its history yet');
    return syncProgressView(run, now);
  }
}
