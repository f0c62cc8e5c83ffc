import type { EntityManager } from '@boomerang/persistence';
import type { AnalyticsReport } from './analytics-report.js';

export interface GoogleAnalyticsRow {
  storeId: string;
  propertyId: string;
  clientEmail: string;
  keySealed: string;
  status: 'connected' | 'error';
  lastError: string | null;
  connectedAt: Date;
  report: AnalyticsReport | null;
  reportFetchedAt: Date | null;
}

const COLUMNS = `store_id as "storeId", property_id as "propertyId", client_email as "clientEmail", key_sealed as "keySealed", status,
  last_error as "lastError", connected_at as "connectedAt", report, report_fetched_at as "reportFetchedAt"`;

/** Every query takes the store id: a store only ever reads its own connection. */
export class GoogleAnalyticsRepository {
  constructor(private readonly em: EntityManager) {}

  async find(storeId: string): Promise<GoogleAnalyticsRow | null> {
    const [row] = await this.em.execute<GoogleAnalyticsRow[]>(`select ${COLUMNS} from google_analytics_connection where store_id = ?`, [storeId]);
    if (!row) return null;
    const date = (v: Date | string | null) => (v === null ? null : new Date(v));
    return { ...row, connectedAt: date(row.connectedAt)!, reportFetchedAt: date(row.reportFetchedAt) };
  }

  /** A new connection (or a reconnection) starts with no cached report. */
  async save(storeId: string, c: { propertyId: string; clientEmail: string; keySealed: string }, at: Date): Promise<void> {
    await this.em.execute(
      `insert into google_analytics_connection (store_id, property_id, client_email, key_sealed, status, last_error, connected_at, report, report_fetched_at, refresh_started_at)
       values (?, ?, ?, ?, 'connected', null, ?, null, null, null)
       on conflict (store_id) do update set property_id = excluded.property_id, client_email = excluded.client_email, key_sealed = excluded.key_sealed,
         status = 'connected', last_error = null, connected_at = excluded.connected_at, report = null, report_fetched_at = null, refresh_started_at = null`,
      [storeId, c.propertyId, c.clientEmail, c.keySealed, at],
    );
  }

  async remove(storeId: string): Promise<boolean> {
    const rows = await this.em.execute<{ store_id: string }[]>(`delete from google_analytics_connection where store_id = ? returning store_id`, [storeId]);
    return rows.length > 0;
  }

  /**
   * Takes the store's refresh lease unless another replica holds a live one: one refresh in flight per store.
   * Returns false when the lease is taken.
   */
  async claimRefresh(storeId: string, now: Date, leaseMs: number): Promise<boolean> {
    const rows = await this.em.execute<{ store_id: string }[]>(
      `update google_analytics_connection set refresh_started_at = ?
       where store_id = ? and (refresh_started_at is null or refresh_started_at < ?) returning store_id`,
      [now, storeId, new Date(now.getTime() - leaseMs)],
    );
    return rows.length > 0;
  }

  /**
   * The refresh's result: a new report (the lease is released), or Google's error beside the last good report (kept,
   * served stale; the lease runs out on its own, so Google is not asked again before it does).
   */
  async finishRefresh(storeId: string, keySealed: string, outcome: { report: AnalyticsReport; at: Date } | { error: string; refused: boolean }): Promise<void> {
    // `key_sealed = ?`: a reconnection while the refresh ran is not overwritten by the old key's outcome.
    if ('report' in outcome) {
      await this.em.execute(
        `update google_analytics_connection set report = ?::jsonb, report_fetched_at = ?, status = 'connected', last_error = null, refresh_started_at = null
         where store_id = ? and key_sealed = ?`,
        [JSON.stringify(outcome.report), outcome.at, storeId, keySealed],
      );
    } else {
      await this.em.execute(
        `update google_analytics_connection set last_error = ?, status = case when ? then 'error' else status end
         where store_id = ? and key_sealed = ?`,
        [outcome.error, outcome.refused, storeId, keySealed],
      );
    }
  }
}
