import { NotFoundError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { SubscriptionService } from './subscription.service.js';

const T1 = new Date('2026-03-01T10:00:00.000Z');
const T2 = new Date('2026-03-02T10:00:00.000Z');

describe('SubscriptionService (PostgreSQL)', () => {
  let db: TestOrm;
  let em: EntityManager;
  let now = T1;
  const service = new SubscriptionService(() => now);
  const a = { store: '', customer: '', user: '' };
  const b = { store: '', customer: '' };

  beforeAll(async () => {
    db = await openTestOrm('boomerang_subscriptions');
    em = db.orm.em.fork();
    for (const s of [a, b]) {
      s.store = await seedRow(em, 'store');
      s.customer = await seedRow(em, 'customer', { store_id: s.store, email: 'jane@example.com', opted_in: true });
    }
    const account = (await em.execute<{ id: string }[]>(`insert into account (id, created_at) values (gen_random_uuid(), now()) returning id`))[0]!.id;
    a.user = (
      await em.execute<{ id: string }[]>(
        `insert into app_user (id, account_id, role, name, email, password_hash, created_at) values (gen_random_uuid(), ?, 'owner', 'Owner', 'owner@shop.example', 'x', now()) returning id`,
        [account],
      )
    )[0]!.id;
  });

  afterAll(async () => {
    await db?.close();
  });

  async function customer(id: string) {
    const [row] = await em.execute<{ unsubscribed_at: Date | string | null; opted_in: boolean }[]>(`select unsubscribed_at, opted_in from customer where id = ?`, [id]);
    return { unsubscribed_at: row!.unsubscribed_at === null ? null : new Date(row!.unsubscribed_at), opted_in: row!.opted_in };
  }
  async function history(id: string) {
    const rows = await em.execute<{ subscribed: boolean; source: string; actor_user_id: string | null; reason: string | null; created_at: Date | string }[]>(
      `select subscribed, source, actor_user_id, reason, created_at from customer_subscription_event where customer_id = ? order by created_at, id`,
      [id],
    );
    return rows.map((r) => ({ ...r, created_at: new Date(r.created_at) }));
  }

  it('unsubscribes once: a repeat keeps the first time and adds nothing to the history', async () => {
    now = T1;
    expect(await service.change(em, { storeId: a.store, customerId: a.customer, subscribed: false, source: 'merchant', actorUserId: a.user, reason: 'asked by phone', optedIn: false })).toEqual({
      subscribed: false,
      changed: true,
    });
    now = T2;
    expect(await service.change(em, { storeId: a.store, customerId: a.customer, subscribed: false, source: 'postmark', at: T2 })).toEqual({ subscribed: false, changed: false });
    expect(await customer(a.customer)).toEqual({ unsubscribed_at: T1, opted_in: false });
    expect(await history(a.customer)).toEqual([{ subscribed: false, source: 'merchant', actor_user_id: a.user, reason: 'asked by phone', created_at: T1 }]);
  });

  it('resubscribes: the opt-in changes only when the source says so', async () => {
    now = new Date('2026-03-02T10:00:00.000Z');
    await service.change(em, { storeId: a.store, customerId: a.customer, subscribed: true, source: 'postmark', reason: 'reactivated in Postmark' });
    // Postmark reactivating an address lifts the unsubscribe; only a click or the merchant opts in again.
    expect(await customer(a.customer)).toEqual({ unsubscribed_at: null, opted_in: false });
    now = new Date('2026-03-02T10:01:00.000Z');
    await service.change(em, { storeId: a.store, customerId: a.customer, subscribed: false, source: 'unsubscribe_link' });
    now = new Date('2026-03-02T10:02:00.000Z');
    await service.change(em, { storeId: a.store, customerId: a.customer, subscribed: true, source: 'unsubscribe_link', optedIn: true });
    expect(await customer(a.customer)).toEqual({ unsubscribed_at: null, opted_in: true });
    expect((await history(a.customer)).map((h) => [h.subscribed, h.source])).toEqual([
      [false, 'merchant'],
      [true, 'postmark'],
      [false, 'unsubscribe_link'],
      [true, 'unsubscribe_link'],
    ]);
  });

  it('records the time the source gives (Postmark\'s ChangedAt)', async () => {
    now = new Date('2026-03-03T10:00:00.000Z');
    const changedAt = new Date('2026-03-03T08:00:00.000Z');
    await service.change(em, { storeId: a.store, customerId: a.customer, subscribed: false, source: 'postmark', at: changedAt });
    expect((await customer(a.customer)).unsubscribed_at).toEqual(changedAt);
    expect((await history(a.customer)).at(-1)).toMatchObject({ source: 'postmark', created_at: changedAt });
  });

  it('refuses another store\'s customer as unknown and changes nothing there', async () => {
    await expect(service.change(em, { storeId: a.store, customerId: b.customer, subscribed: false, source: 'merchant' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await customer(b.customer)).toEqual({ unsubscribed_at: null, opted_in: true });
    expect(await history(b.customer)).toEqual([]);
  });

  it('writes in the caller\'s transaction: a rollback leaves neither the state nor the history', async () => {
    const before = await history(b.customer);
    await expect(
      em.transactional(async (tx) => {
        await service.change(tx, { storeId: b.store, customerId: b.customer, subscribed: false, source: 'postmark' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await customer(b.customer)).toEqual({ unsubscribed_at: null, opted_in: true });
    expect(await history(b.customer)).toEqual(before);
  });
});
