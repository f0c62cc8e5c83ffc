import type { Platform } from '@boomerang/domain';
import type { EntityManager, RegisteredWebhookRef } from '@boomerang/persistence';

export const CONNECTION_STATUSES = ['connected', 'failing', 'disconnected'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** A `store_connection` row as the service uses it; secrets still sealed. */
export interface ConnectionRecord {
  platform: Platform;
  credentialsSealed: string | null;
  webhookSecretSealed: string | null;
  identifiers: Record<string, string>;
  registeredWebhooks: RegisteredWebhookRef[];
  status: ConnectionStatus;
  lastError: string | null;
  lastEventAt: Date | null;
  connectedAt: Date | null;
  updatedAt: Date;
  /** The platform's product count, variants included, and when it was asked; null until counted. */
  productCount: { count: number; countedAt: Date } | null;
}

/** What a receiver needs, in one indexed read: the sealed secret, if the store is connected to that platform. */
export interface ReceiverSecret {
  webhookSecretSealed: string;
}

interface Row {
  platform: Platform;
  credentials_sealed: string | null;
  webhook_secret_sealed: string | null;
  identifiers: Record<string, string>;
  registered_webhooks: RegisteredWebhookRef[];
  status: ConnectionStatus;
  last_error: string | null;
  last_event_at: Date | string | null;
  connected_at: Date | string | null;
  updated_at: Date | string;
  product_count: number | null;
  product_count_at: Date | string | null;
}

/** Raw queries answer timestamptz as text. */
const date = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/** `store_connection`: one row per store. Every method takes the store id. */
export class StoreConnectionRepository {
  constructor(private readonly em: EntityManager) {}

  /** Serialises changes of one store's connection until the surrounding transaction ends. */
  async lockForChange(storeId: string): Promise<void> {
    await this.em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`store_connection:${storeId}`]);
  }

  async find(storeId: string): Promise<ConnectionRecord | null> {
    const [row] = await this.em.execute<Row[]>(
      `select platform, credentials_sealed, webhook_secret_sealed, identifiers, registered_webhooks, status, last_error,
              last_event_at, connected_at, updated_at, product_count, product_count_at
       from store_connection where store_id = ?`,
      [storeId],
    );
    return row ? toRecord(row) : null;
  }

  /**
   * Replaces the store's connection; `last_event_at` survives (events received still were), the product count does
   * not (it may be another shop's): `setProductCount` follows a successful connect.
   */
  async save(storeId: string, record: Omit<ConnectionRecord, 'lastEventAt' | 'productCount'>): Promise<void> {
    await this.em.execute(
      `insert into store_connection (store_id, platform, credentials_sealed, webhook_secret_sealed, identifiers, registered_webhooks,
                                     status, last_error, connected_at, updated_at)
       values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?)
       on conflict (store_id) do update set platform = excluded.platform, credentials_sealed = excluded.credentials_sealed,
         webhook_secret_sealed = excluded.webhook_secret_sealed, identifiers = excluded.identifiers,
         registered_webhooks = excluded.registered_webhooks, status = excluded.status, last_error = excluded.last_error,
         connected_at = excluded.connected_at, updated_at = excluded.updated_at, product_count = null, product_count_at = null`,
      [
        storeId,
        record.platform,
        record.credentialsSealed,
        record.webhookSecretSealed,
        JSON.stringify(record.identifiers),
        JSON.stringify(record.registeredWebhooks),
        record.status,
        record.lastError,
        record.connectedAt,
        record.updatedAt,
      ],
    );
  }

  /** Only the status (a test's outcome): credentials and webhooks stay as they are. */
  async setStatus(storeId: string, status: ConnectionStatus, lastError: string | null, at: Date): Promise<void> {
    await this.em.execute(`update store_connection set status = ?, last_error = ?, updated_at = ? where store_id = ?`, [status, lastError, at, storeId]);
  }

  async setProductCount(storeId: string, count: number, at: Date): Promise<void> {
    await this.em.execute(`update store_connection set product_count = ?, product_count_at = ? where store_id = ?`, [count, at, storeId]);
  }

  async receiverSecret(storeId: string, platform: Platform): Promise<ReceiverSecret | null> {
    const [row] = await this.em.execute<{ webhook_secret_sealed: string }[]>(
      `select webhook_secret_sealed from store_connection
       where store_id = ? and platform = ? and status <> 'disconnected' and webhook_secret_sealed is not null`,
      [storeId, platform],
    );
    return row ? { webhookSecretSealed: row.webhook_secret_sealed } : null;
  }

  /** Many stores' latest event times in one statement; never moves a time backwards. */
  async recordLastEvents(times: ReadonlyMap<string, Date>): Promise<void> {
    if (times.size === 0) return;
    const values = [...times.keys()].map(() => '(?::uuid, ?::timestamptz)').join(', ');
    await this.em.execute(
      `update store_connection c set last_event_at = t.at
       from (values ${values}) as t(store_id, at)
       where c.store_id = t.store_id and (c.last_event_at is null or c.last_event_at < t.at)`,
      [...times].flat(),
    );
  }

  /** Active retention workflows of the store (rules the merchant switched on), for the connection's details. */
  async activeWorkflowCount(storeId: string): Promise<number> {
    const [row] = await this.em.execute<{ n: string }[]>(`select count(*) as n from retention_rule where store_id = ? and status = 'active'`, [storeId]);
    return Number(row?.n ?? 0);
  }
}

function toRecord(row: Row): ConnectionRecord {
  return {
    platform: row.platform,
    credentialsSealed: row.credentials_sealed,
    webhookSecretSealed: row.webhook_secret_sealed,
    identifiers: row.identifiers,
    registeredWebhooks: row.registered_webhooks,
    status: row.status,
    lastError: row.last_error,
    lastEventAt: date(row.last_event_at),
    connectedAt: date(row.connected_at),
    updatedAt: date(row.updated_at)!,
    productCount: row.product_count === null ? null : { count: row.product_count, countedAt: date(row.product_count_at)! },
  };
}
