import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { RetentionIntakeRepository, touchKey } from './retention-intake.repository.js';

const DAY = 86_400_000;

describe('RetentionIntakeRepository (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  let storeA = '';
  let storeB = '';
  let rule = '';
  let customer = '';
  const repository = () => new RetentionIntakeRepository(orm.em.fork());
  const at = (daysAgo: number) => new Date(Date.UTC(2026, 10, 20) - daysAgo * DAY);

  beforeAll(async () => {
    db = await openTestOrm('boomerang_intake_repo');
    orm = db.orm;
    em = orm.em.fork();
    storeA = await seedRow(em, 'store');
    storeB = await seedRow(em, 'store');
  });

  afterAll(async () => {
    await db?.close();
  });

  beforeEach(async () => {
    rule = await seedRow(em, 'retention_rule', { store_id: storeA, attribution_window_seconds: 5 * 86_400 });
    customer = await seedRow(em, 'customer', { store_id: storeA });
  });

  // Timestamps as epoch milliseconds: raw rows carry them as text.
  const enrollment = async () =>
    (
      await em.execute(
        `select store_id, state, extract(epoch from last_purchase_at) * 1000 as last_purchase_at, last_order_id,
                extract(epoch from next_send_at) * 1000 as next_send_at
         from retention_enrollment where rule_id = ? and customer_id = ?`,
        [rule, customer],
      )
    ).map((r) => ({ ...r, last_purchase_at: Number(r.last_purchase_at), next_send_at: r.next_send_at === null ? null : Number(r.next_send_at) }))[0];
  const arm = (lastOrderId: string, daysAgo: number) => ({
    ruleId: rule,
    customerId: customer,
    lastPurchaseAt: at(daysAgo),
    lastOrderId,
    nextSendAt: new Date(at(daysAgo).getTime() + 30 * DAY),
    updatedAt: new Date(),
  });

  it('arm creates the store\'s enrollment, moves it to a later purchase and never back to an earlier one', async () => {
    const [first, later, earlier] = [randomUUID(), randomUUID(), randomUUID()];
    await repository().arm(storeA, arm(first, 10));
    expect(await enrollment()).toMatchObject({ store_id: storeA, state: 'armed', last_order_id: first, last_purchase_at: at(10).getTime() });
    await repository().arm(storeA, arm(later, 5));
    expect(await enrollment()).toMatchObject({ last_order_id: later, next_send_at: at(5).getTime() + 30 * DAY });
    await repository().arm(storeA, arm(earlier, 7));
    expect(await enrollment()).toMatchObject({ last_order_id: later });
  });

  it('rearm points the enrollment at an earlier purchase; disarm only undoes the order that armed it', async () => {
    const [current, previous] = [randomUUID(), randomUUID()];
    await repository().arm(storeA, arm(current, 2));
    await repository().disarm(storeA, rule, customer, previous, new Date());
    expect(await enrollment()).toMatchObject({ state: 'armed', last_order_id: current });
    await repository().disarm(storeA, rule, customer, current, new Date());
    expect(await enrollment()).toMatchObject({ state: 'waiting', next_send_at: null });
    await repository().rearm(storeA, arm(previous, 9));
    expect(await enrollment()).toMatchObject({ state: 'armed', last_order_id: previous, last_purchase_at: at(9).getTime() });
  });

  it('insertDispatches writes the store\'s outbox rows in one statement, ids in the given order; rulesArmedBy lists an order\'s purchase rules once', async () => {
    const order = randomUUID();
    const intake = repository();
    const row = (kind: 'purchase' | 'revoke', ruleId: string, windowSeconds = 3600) => ({
      kind, ruleId, customerId: customer, email: 'jane@a.example', orderId: order, purchasedAt: at(1), windowSeconds, createdAt: new Date(),
    });
    const otherRule = randomUUID();
    const ids = await intake.insertDispatches(storeA, [
      row('purchase', rule, 100),
      row('purchase', rule, 200),
      row('purchase', otherRule, 300),
      row('revoke', randomUUID(), 400),
    ]);
    // The same order id under another store (it cannot happen; it shows the store filter).
    await intake.insertDispatches(storeB, [row('purchase', randomUUID())]);
    expect(await intake.insertDispatches(storeA, [])).toEqual([]);
    expect(ids).toHaveLength(4);
    const stored = await em.execute(`select id, store_id, kind, email, window_seconds, purchased_at from retention_dispatch where id in (?, ?, ?, ?) order by id`, ids);
    expect(stored.map((r) => Number(r.id))).toEqual(ids);
    expect(stored.map((r) => r.window_seconds)).toEqual([100, 200, 300, 400]);
    expect(stored[0]).toMatchObject({ store_id: storeA, kind: 'purchase', email: 'jane@a.example' });
    expect(new Date(stored[3]!.purchased_at as string).getTime()).toBe(at(1).getTime());
    expect(stored[3]).toMatchObject({ kind: 'revoke' });
    expect((await repository().rulesArmedBy(storeA, order)).sort()).toEqual([rule, otherRule].sort());
    expect(await repository().rulesArmedBy(storeA, randomUUID())).toEqual([]);
  });

  it('latestMatchingPurchase finds the customer\'s latest completed or shipped order with a matching SKU', async () => {
    const order = (daysAgo: number, status: string, sku: string, customerId = customer) =>
      seedRow(em, 'store_order', { store_id: storeA, customer_id: customerId, status, placed_at: at(daysAgo), lines: JSON.stringify([{ sku, quantity: 1 }]) });
    const matching = await order(6, 'shipped', 'coffee-1');
    await order(9, 'completed', 'coffee-1');
    await order(3, 'cancelled', 'coffee-1');
    await order(2, 'completed', 'tea-1');
    await order(1, 'completed', 'coffee-1', await seedRow(em, 'customer', { store_id: storeA }));

    expect(await repository().latestMatchingPurchase(storeA, customer, [' COFFEE-1 '])).toEqual({ id: matching, placedAt: at(6) });
    // A blanket rule (no SKUs) takes any purchase.
    expect((await repository().latestMatchingPurchase(storeA, customer, []))?.placedAt).toEqual(at(2));
    expect(await repository().latestMatchingPurchase(storeA, customer, ['soap'])).toBeNull();
  });

  it('hasMessageSince sees a message of the rule for the customer created after the time', async () => {
    await seedRow(em, 'message', { store_id: storeA, rule_id: rule, customer_id: customer, created_at: at(4) });
    expect(await repository().hasMessageSince(storeA, rule, customer, at(5))).toBe(true);
    expect(await repository().hasMessageSince(storeA, rule, customer, at(4))).toBe(false);
    expect(await repository().hasMessageSince(storeA, randomUUID(), customer, at(5))).toBe(false);
  });

  it('lastTouch is the latest marketing message sent whose rule\'s attribution window covers the time', async () => {
    const sent = (daysAgo: number, values: Record<string, unknown> = {}) =>
      seedRow(em, 'message', { store_id: storeA, rule_id: rule, customer_id: customer, status: 'sent', sent_at: at(daysAgo), cycle: 10 - daysAgo, ...values });
    await sent(8);
    await sent(5); // also within its window at the order: the later touch wins
    const touch = await sent(4);
    await sent(3, { kind: 'test' });
    await sent(2, { status: 'failed' });
    await sent(-10); // after the order
    expect(await repository().lastTouch(storeA, customer, at(1))).toEqual({ messageId: touch, ruleId: rule });
    // Six days after the touch, past its five-day window; the older messages are further still.
    expect(await repository().lastTouch(storeA, customer, new Date(at(4).getTime() + 6 * DAY - 1))).toBeNull();
    // Several pairs in one statement answer as one at a time, each under its own key (another customer: none).
    const late = new Date(at(4).getTime() + 6 * DAY - 1);
    const stranger = await seedRow(em, 'customer', { store_id: storeA });
    const pairs = [{ customerId: customer, at: at(1) }, { customerId: customer, at: late }, { customerId: stranger, at: at(1) }, { customerId: customer, at: at(6) }];
    const batch = await repository().lastTouches(storeA, pairs);
    expect(batch.size).toBe(4);
    for (const p of pairs) expect(batch.get(touchKey(p.customerId, p.at))).toEqual(await repository().lastTouch(storeA, p.customerId, p.at));
    expect(batch.get(touchKey(customer, at(1)))).toEqual({ messageId: touch, ruleId: rule });
    expect(batch.get(touchKey(customer, at(6)))).not.toBeNull();
  });

  it('recordConversion records one conversion per order, updating its amount; deleteConversion removes the store\'s', async () => {
    const order = randomUUID();
    const message = await seedRow(em, 'message', { store_id: storeA, rule_id: rule, customer_id: customer });
    const conversion = { ruleId: rule, messageId: message, customerId: customer, orderId: order, revenueCents: 1234, currency: 'EUR', occurredAt: at(1) };
    await repository().recordConversion(storeA, conversion);
    await repository().recordConversion(storeA, { ...conversion, revenueCents: 999, currency: 'USD' });
    const rows = () => em.execute(`select store_id, revenue_cents, currency, extract(epoch from occurred_at) * 1000 as occurred_at from conversion where order_id = ?`, [order]);
    expect((await rows()).map((r) => ({ ...r, occurred_at: Number(r.occurred_at) }))).toEqual([
      { store_id: storeA, revenue_cents: '999', currency: 'USD', occurred_at: at(1).getTime() },
    ]);
    await repository().deleteConversion(storeB, order);
    expect(await rows()).toHaveLength(1);
    await repository().deleteConversion(storeA, order);
    expect(await rows()).toEqual([]);
  });
});
