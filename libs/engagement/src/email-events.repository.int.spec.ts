import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { EmailEventsRepository, type NewMessageEvent } from './email-events.repository.js';

const T1 = new Date('2026-03-01T10:00:00.000Z');
const T2 = new Date('2026-03-02T10:00:00.000Z');

/** Raw queries return timestamps as PostgreSQL text: compare them as instants. */
const time = (value: unknown) => (value === null ? null : new Date(value as string));

describe('EmailEventsRepository (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  let repository: EmailEventsRepository;
  // Two stores with the same customer address: every write for store A must leave store B's rows as they were.
  const a = { store: '', customer: '', message: '' };
  const b = { store: '', customer: '', message: '' };

  beforeAll(async () => {
    db = await openTestOrm('boomerang_engagement');
    orm = db.orm;
    em = orm.em.fork();
    repository = new EmailEventsRepository(em);
    for (const [s, providerId] of [[a, 'pm-a'], [b, 'pm-b']] as const) {
      s.store = await seedRow(em, 'store');
      const rule = await seedRow(em, 'retention_rule', { store_id: s.store });
      s.customer = await seedRow(em, 'customer', { store_id: s.store, email: 'jane@example.com', opted_in: true });
      s.message = await seedRow(em, 'message', {
        store_id: s.store, rule_id: rule, customer_id: s.customer, to_email: 'jane@example.com', sent_at: T1,
        provider_message_id: providerId, links: '["https://shop.example/a"]',
      });
    }
  });

  afterAll(async () => {
    await db?.close();
  });

  async function message(id: string) {
    const [row] = await em.execute<Record<string, unknown>[]>(
      `select open_count, click_count, first_opened_at, first_clicked_at, bounced_at from message where id = ?`,
      [id],
    );
    return { ...row!, first_opened_at: time(row!.first_opened_at), first_clicked_at: time(row!.first_clicked_at), bounced_at: time(row!.bounced_at) };
  }

  async function suppressions() {
    return em.execute<{ store_id: string; reason: string }[]>(`select store_id, reason from suppression order by store_id`);
  }

  it('finds the message an outside event names, by our id or by Postmark\'s', async () => {
    expect((await repository.findMessage({ id: a.message }))?.storeId).toBe(a.store);
    expect((await repository.findMessage({ providerMessageId: 'pm-b' }))?.id).toBe(b.message);
    expect(await repository.findMessage({ providerMessageId: 'pm-unknown' })).toBeNull();
    expect(await repository.findMessage({ id: '00000000-0000-4000-8000-000000000000' })).toBeNull();
  });

  it('stores an event once per source and key, under the store it belongs to', async () => {
    const event: NewMessageEvent = {
      messageId: a.message, source: 'postmark', key: 'open-1', type: 'Open', url: null, occurredAt: T1, payload: { RecordType: 'Open' }, createdAt: T2,
    };
    expect(await repository.recordEvent(a.store, event)).toBe(true);
    expect(await repository.recordEvent(a.store, { ...event, occurredAt: T2 })).toBe(false);
    expect(await repository.recordEvent(a.store, { ...event, source: 'pixel' })).toBe(true);
    const rows = await em.execute<Record<string, unknown>[]>(
      `select store_id, source, type, occurred_at, payload, created_at from message_event where message_id = ? order by source`,
      [a.message],
    );
    expect(rows.map((r) => ({ ...r, occurred_at: time(r.occurred_at), created_at: time(r.created_at) }))).toEqual([
      { store_id: a.store, source: 'pixel', type: 'Open', occurred_at: T1, payload: { RecordType: 'Open' }, created_at: T2 },
      { store_id: a.store, source: 'postmark', type: 'Open', occurred_at: T1, payload: { RecordType: 'Open' }, created_at: T2 },
    ]);
  });

  it('counts opens and clicks, keeping the first time of each; a write under another store changes nothing', async () => {
    await repository.countOpen(a.store, a.message, T2);
    await repository.countOpen(a.store, a.message, T1);
    await repository.countClick(a.store, a.message, T1);
    await repository.countOpen(a.store, b.message, T1);
    await repository.countClick(a.store, b.message, T1);
    await repository.markBounced(a.store, b.message, T1);
    expect(await message(a.message)).toMatchObject({ open_count: 2, click_count: 1, first_opened_at: T2, first_clicked_at: T1, bounced_at: null });
    expect(await message(b.message)).toMatchObject({ open_count: 0, click_count: 0, first_opened_at: null, bounced_at: null });
  });

  it('keeps the first bounce time', async () => {
    await repository.markBounced(a.store, a.message, T1);
    await repository.markBounced(a.store, a.message, T2);
    expect((await message(a.message)).bounced_at).toEqual(T1);
  });

  it('suppresses an address per store, keeping the first reason, and lifts it for that store only', async () => {
    await repository.suppress(a.store, 'jane@example.com', 'hard_bounce', T1);
    await repository.suppress(a.store, 'jane@example.com', 'spam_complaint', T2);
    await repository.suppress(b.store, 'jane@example.com', 'spam_complaint', T2);
    expect(await suppressions()).toEqual(
      [
        { store_id: a.store, reason: 'hard_bounce' },
        { store_id: b.store, reason: 'spam_complaint' },
      ].sort((x, y) => x.store_id.localeCompare(y.store_id)),
    );
    await repository.unsuppress(a.store, 'jane@example.com');
    expect(await suppressions()).toEqual([{ store_id: b.store, reason: 'spam_complaint' }]);
  });
});
