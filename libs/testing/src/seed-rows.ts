import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boomerang/persistence';

type Row = Record<string, unknown>;

/** The columns a row needs that a test rarely cares about; JSON columns as JSON text. */
const DEFAULTS = {
  store: (now) => ({ name: 'Test store', api_key_hash: randomUUID(), webhook_secret: 'test-secret', created_at: now }),
  customer: (now) => ({ email: `${randomUUID()}@example.com`, opted_in: true, created_at: now, updated_at: now }),
  retention_rule: (now) => ({
    name: 'Win back',
    status: 'active',
    sending_filter: 'all',
    skus: '[]',
    window_seconds: 30 * 86_400,
    sender_name: 'Test store',
    sender_email: 'shop@example.com',
    subject: 'We miss you',
    body_html: '<p>Hello</p>',
    created_at: now,
    updated_at: now,
  }),
  retention_enrollment: (now) => ({ state: 'armed', updated_at: now }),
  message: (now) => ({ cycle: 1, status: 'sent', to_email: 'customer@example.com', due_at: now, created_at: now }),
  store_order: (now) => ({
    external_id: randomUUID(),
    status: 'completed',
    currency: 'USD',
    total_cents: 1000,
    lines: '[]',
    placed_at: now,
    source_updated_at: now,
    received_at: now,
  }),
  conversion: (now) => ({ revenue_cents: 1000, currency: 'USD', occurred_at: now, created_at: now }),
  direct_message: (now) => ({ sender_name: 'Test store', sender_email: 'shop@example.com', to_email: 'customer@example.com', subject: 'Hello', body: 'Hello', status: 'sent', created_at: now }),
  outbox_email: (now) => ({
    from_address: 'shop@example.com',
    to_address: 'customer@example.com',
    subject: 'We miss you',
    html: '<p>Hello</p>',
    text: 'Hello',
    headers: '{}',
    created_at: now,
  }),
} satisfies Record<string, (now: Date) => Row>;

export type SeedTable = keyof typeof DEFAULTS;

/**
 * Inserts one row for a repository spec: `values` (snake_case columns) over defaults that satisfy the schema.
 * Returns the row's id. Plain SQL, so a spec states exactly the rows its query will see.
 */
export async function seedRow(em: EntityManager, table: SeedTable, values: Row = {}): Promise<string> {
  const row: Row = { id: randomUUID(), ...DEFAULTS[table](new Date()), ...values };
  const columns = Object.keys(row);
  await em.execute(
    `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    columns.map((c) => row[c]),
  );
  return row.id as string;
}
