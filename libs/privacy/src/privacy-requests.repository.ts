import { randomUUID } from 'node:crypto';
import type { EntityManager, PrivacyRequestKind } from '@boomerang/persistence';

export interface NewPrivacyRequest {
  kind: PrivacyRequestKind;
  source: 'merchant' | 'shopify';
  topic: string | null;
  customerId: string | null;
  emailHash: string | null;
  summary: Record<string, number> | null;
  export: object | null;
  createdAt: Date;
}

export interface PrivacyRequestRow {
  id: string;
  kind: PrivacyRequestKind;
  source: string;
  topic: string | null;
  customerId: string | null;
  summary: Record<string, number> | null;
  hasExport: boolean;
  createdAt: Date;
}

const COLUMNS = `id, kind, source, topic, customer_id, summary, export is not null as has_export, created_at`;

/** The trail of GDPR requests; every method takes the store id. */
export class PrivacyRequestsRepository {
  constructor(private readonly em: EntityManager) {}

  async record(storeId: string, r: NewPrivacyRequest): Promise<string> {
    const id = randomUUID();
    await this.em.execute(
      `insert into privacy_request (id, store_id, kind, source, topic, customer_id, email_hash, summary, export, created_at)
       values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?)`,
      [id, storeId, r.kind, r.source, r.topic, r.customerId, r.emailHash, r.summary ? JSON.stringify(r.summary) : null, r.export ? JSON.stringify(r.export) : null, r.createdAt],
    );
    return id;
  }

  async list(storeId: string, filter: { customerId?: string }, limit: number): Promise<PrivacyRequestRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select ${COLUMNS} from privacy_request where store_id = ? and (?::uuid is null or customer_id = ?::uuid) order by created_at desc, id desc limit ?`,
      [storeId, filter.customerId ?? null, filter.customerId ?? null, limit],
    );
    return rows.map(toRow);
  }

  async get(storeId: string, id: string): Promise<PrivacyRequestRow | null> {
    const [row] = await this.em.execute<Record<string, unknown>[]>(`select ${COLUMNS} from privacy_request where store_id = ? and id = ?`, [storeId, id]);
    return row ? toRow(row) : null;
  }

  async exportOf(storeId: string, id: string): Promise<Record<string, unknown> | null> {
    const [row] = await this.em.execute<{ export: Record<string, unknown> | null }[]>(
      `select export from privacy_request where store_id = ? and id = ? and kind = 'data_request'`,
      [storeId, id],
    );
    return row?.export ?? null;
  }
}

function toRow(r: Record<string, unknown>): PrivacyRequestRow {
  return {
    id: r.id as string,
    kind: r.kind as PrivacyRequestKind,
    source: r.source as string,
    topic: (r.topic as string | null) ?? null,
    customerId: (r.customer_id as string | null) ?? null,
    summary: (r.summary as Record<string, number> | null) ?? null,
    hasExport: Boolean(r.has_export),
    createdAt: new Date(r.created_at as string),
  };
}
