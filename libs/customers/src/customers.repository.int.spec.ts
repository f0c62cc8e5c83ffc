import { NotFoundError, ValidationError } from '@boomerang/domain';
import { CUSTOMER_SEARCH_TEXT, type EntityManager } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { customerListQuerySchema, type CustomerListQuery } from './customer-queries.js';
import { CustomersService } from './customers.service.js';

const T = (iso: string) => new Date(iso);

describe('customers list, card and timeline (PostgreSQL)', () => {
  let db: TestOrm;
  let em: EntityManager;
  const service = new CustomersService();
  // Store A holds the rows under test; store B mirrors some of them, so a query that forgets the store shows B's rows.
  const a = { store: '', rule: '', jane: '', joe: '', ann: '', zed: '', noOrders: '' };
  const b = { store: '', jane: '' };

  const query = (q: Partial<CustomerListQuery>): CustomerListQuery => customerListQuerySchema.parse(q);
  const order = (store: string, customer: string, placedAt: string, totalCents: number, status = 'completed', extra: Record<string, unknown> = {}) =>
    seedRow(em, 'store_order', { store_id: store, customer_id: customer, placed_at: T(placedAt), total_cents: totalCents, status, ...extra });
  const summary = async (id: string) => {
    const [row] = await em.execute<Record<string, unknown>[]>(
      `select order_count, total_spent_minor, first_order_at, last_order_at from customer where id = ?`,
      [id],
    );
    return {
      orders: Number(row!.order_count),
      total: Number(row!.total_spent_minor),
      first: row!.first_order_at ? new Date(row!.first_order_at as string).toISOString() : null,
      last: row!.last_order_at ? new Date(row!.last_order_at as string).toISOString() : null,
    };
  };

  beforeAll(async () => {
    db = await openTestOrm('boomerang_customers');
    em = db.orm.em.fork();
    a.store = await seedRow(em, 'store');
    b.store = await seedRow(em, 'store');
    a.rule = await seedRow(em, 'retention_rule', { store_id: a.store, name: 'Coffee refill' });
    a.jane = await seedRow(em, 'customer', { store_id: a.store, email: 'jane.doe@example.com', first_name: 'Jane', last_name: 'Doe', phone: '+1 555 0100', company: 'Acme' });
    a.joe = await seedRow(em, 'customer', { store_id: a.store, email: 'joe@example.com', first_name: 'Joe', last_name: 'Bloggs' });
    a.ann = await seedRow(em, 'customer', { store_id: a.store, email: 'ann_100%@shop.example', first_name: 'Ann', last_name: null });
    a.zed = await seedRow(em, 'customer', { store_id: a.store, email: 'zed@example.com', first_name: 'Zed', last_name: 'Jones' });
    a.noOrders = await seedRow(em, 'customer', { store_id: a.store, email: 'quiet@example.com' });
    b.jane = await seedRow(em, 'customer', { store_id: b.store, email: 'jane.doe@example.com', first_name: 'Jane', last_name: 'Doe' });

    // Jane: Jan 1, Jan 11, Jan 31 (gaps of 10 and 20 days), plus a cancelled and a refunded order that must not count.
    await order(a.store, a.jane, '2026-01-01T09:00:00Z', 1000);
    await order(a.store, a.jane, '2026-01-11T09:00:00Z', 2000, 'shipped', { number: '#1002' });
    await order(a.store, a.jane, '2026-01-31T09:00:00Z', 3000, 'pending');
    await order(a.store, a.jane, '2026-02-20T09:00:00Z', 99_999, 'cancelled');
    await order(a.store, a.jane, '2026-02-21T09:00:00Z', 88_888, 'refunded');
    // Joe spends the most in one order; Ann orders most often; Zed orders last.
    await order(a.store, a.joe, '2026-01-04T12:00:00Z', 50_000);
    for (const day of ['02', '03', '04', '05']) await order(a.store, a.ann, `2026-01-${day}T09:00:00Z`, 500);
    await order(a.store, a.zed, '2026-02-01T09:00:00Z', 4000);
    // Store B's Jane is the best customer of all: she must never appear in store A's answers.
    await order(b.store, b.jane, '2026-03-01T09:00:00Z', 1_000_000);
  });

  afterAll(async () => {
    await db?.close();
  });

  describe('the order summary kept by triggers', () => {
    it('counts every order but cancelled and refunded ones', async () => {
      expect(await summary(a.jane)).toEqual({ orders: 3, total: 6000, first: '2026-01-01T09:00:00.000Z', last: '2026-01-31T09:00:00.000Z' });
      expect(await summary(a.noOrders)).toEqual({ orders: 0, total: 0, first: null, last: null });
    });

    it('follows a cancellation, a change of customer and a deletion', async () => {
      const customer = await seedRow(em, 'customer', { store_id: a.store, email: 'mover@example.com' });
      const other = await seedRow(em, 'customer', { store_id: a.store, email: 'other@example.com' });
      const id = await order(a.store, customer, '2026-01-10T00:00:00Z', 700);
      await order(a.store, customer, '2026-01-20T00:00:00Z', 300);
      expect(await summary(customer)).toMatchObject({ orders: 2, total: 1000 });
      await em.execute(`update store_order set status = 'cancelled' where id = ?`, [id]);
      expect(await summary(customer)).toEqual({ orders: 1, total: 300, first: '2026-01-20T00:00:00.000Z', last: '2026-01-20T00:00:00.000Z' });
      await em.execute(`update store_order set status = 'completed', customer_id = ? where id = ?`, [other, id]);
      expect(await summary(customer)).toMatchObject({ orders: 1, total: 300 });
      expect(await summary(other)).toMatchObject({ orders: 1, total: 700 });
      await em.execute(`delete from store_order where id = ?`, [id]);
      expect(await summary(other)).toEqual({ orders: 0, total: 0, first: null, last: null });
      await em.execute(`delete from store_order where customer_id in (?, ?)`, [customer, other]);
      await em.execute(`delete from customer where id in (?, ?)`, [customer, other]);
    });
  });

  describe('list', () => {
    const emails = (page: { items: { email: string }[] }) => page.items.map((c) => c.email);

    it('sorts by last order, newest first by default, customers without orders last', async () => {
      const page = await service.list(em, a.store, query({}));
      expect(emails(page)).toEqual(['zed@example.com', 'jane.doe@example.com', 'ann_100%@shop.example', 'joe@example.com', 'quiet@example.com']);
      expect(page.total).toBe(5);
      expect(page.nextCursor).toBeNull();
      expect(page.items[1]).toMatchObject({ firstName: 'Jane', orderCount: 3, totalSpentMinor: 6000, subscribed: true, lastOrderAt: T('2026-01-31T09:00:00Z') });
    });

    it('sorts by total spent and by number of orders, both ways', async () => {
      expect(emails(await service.list(em, a.store, query({ sort: 'total_spent' })))).toEqual([
        'joe@example.com', 'jane.doe@example.com', 'zed@example.com', 'ann_100%@shop.example', 'quiet@example.com',
      ]);
      expect(emails(await service.list(em, a.store, query({ sort: 'total_spent', direction: 'asc' })))).toEqual([
        'quiet@example.com', 'ann_100%@shop.example', 'zed@example.com', 'jane.doe@example.com', 'joe@example.com',
      ]);
      const byOrders = await service.list(em, a.store, query({ sort: 'orders' }));
      expect(byOrders.items.map((c) => c.orderCount)).toEqual([4, 3, 1, 1, 0]);
      expect(emails(byOrders).slice(0, 2)).toEqual(['ann_100%@shop.example', 'jane.doe@example.com']);
      const asc = await service.list(em, a.store, query({ sort: 'last_order', direction: 'asc' }));
      expect(emails(asc)[0]).toBe('quiet@example.com');
      expect(emails(asc)[4]).toBe('zed@example.com');
    });

    it('pages through every sort with the cursor: each customer once, in order, with the total on every page', async () => {
      for (const sort of ['last_order', 'total_spent', 'orders'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const whole = emails(await service.list(em, a.store, query({ sort, direction, limit: 100 })));
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let guard = 0; guard < 10; guard++) {
            const page = await service.list(em, a.store, query({ sort, direction, limit: 2, ...(cursor && { cursor }) }));
            expect(page.total).toBe(5);
            seen.push(...emails(page));
            if (!page.nextCursor) break;
            cursor = page.nextCursor;
          }
          expect(seen).toEqual(whole);
        }
      }
    });

    it('refuses a cursor of another sort, naming the field', async () => {
      const first = await service.list(em, a.store, query({ sort: 'orders', limit: 1 }));
      await expect(service.list(em, a.store, query({ sort: 'total_spent', limit: 1, cursor: first.nextCursor! }))).rejects.toMatchObject({
        constructor: ValidationError,
        issues: [{ field: 'cursor', message: expect.any(String) }],
      });
    });

    it('searches email and name, any case, anywhere in them; pattern characters match themselves', async () => {
      expect(emails(await service.list(em, a.store, query({ q: 'JANE' })))).toEqual(['jane.doe@example.com']);
      expect(emails(await service.list(em, a.store, query({ q: 'jane doe' })))).toEqual(['jane.doe@example.com']);
      expect(emails(await service.list(em, a.store, query({ q: 'bloggs' })))).toEqual(['joe@example.com']);
      expect(emails(await service.list(em, a.store, query({ q: '100%' })))).toEqual(['ann_100%@shop.example']);
      expect((await service.list(em, a.store, query({ q: '%' }))).total).toBe(1);
      expect((await service.list(em, a.store, query({ q: '_' }))).total).toBe(1);
      const many = await service.list(em, a.store, query({ q: 'example.com', sort: 'total_spent' }));
      expect(many.total).toBe(4);
      expect(emails(many)[0]).toBe('joe@example.com');
      expect(await service.list(em, a.store, query({ q: 'nobody' }))).toEqual({ items: [], total: 0, nextCursor: null });
    });

    it('never shows another store\'s customers', async () => {
      const all = await service.list(em, a.store, query({ limit: 100, sort: 'total_spent' }));
      expect(all.items.map((c) => c.id)).not.toContain(b.jane);
      const other = await service.list(em, b.store, query({}));
      expect(other.items.map((c) => c.id)).toEqual([b.jane]);
    });
  });

  describe('card', () => {
    it('shows the profile, the figures from counted orders and every order', async () => {
      const card = await service.card(em, a.store, a.jane);
      expect(card.profile).toMatchObject({ email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', phone: '+1 555 0100', company: 'Acme', registered: false });
      expect(card.stats).toEqual({
        orders: 3,
        totalSpentMinor: 6000,
        averageOrderMinor: 2000,
        purchaseFrequencyDays: 15,
        lastOrderAt: T('2026-01-31T09:00:00Z'),
        predictedNextOrderAt: T('2026-02-15T09:00:00Z'),
      });
      expect(card.orders.map((o) => [o.status, o.totalMinor])).toEqual([
        ['refunded', 88_888],
        ['cancelled', 99_999],
        ['pending', 3000],
        ['shipped', 2000],
        ['completed', 1000],
      ]);
      expect(card.orders[3]!.number).toBe('#1002');
    });

    it('has no frequency with one order, and the mean of four orders a day apart is one day', async () => {
      expect((await service.card(em, a.store, a.joe)).stats).toMatchObject({ orders: 1, purchaseFrequencyDays: null, predictedNextOrderAt: null });
      expect((await service.card(em, a.store, a.ann)).stats).toMatchObject({ orders: 4, purchaseFrequencyDays: 1, predictedNextOrderAt: T('2026-01-06T09:00:00Z') });
    });

    it('answers not found for another store\'s customer, as for one that does not exist', async () => {
      await expect(service.card(em, a.store, b.jane)).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.card(em, b.store, a.jane)).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.timeline(em, a.store, b.jane, { limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.card(em, a.store, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('timeline', () => {
    let message = '';
    let skipped = '';

    beforeAll(async () => {
      const janeOrder = (await em.execute<{ id: string }[]>(`select id from store_order where customer_id = ? and number = '#1002'`, [a.jane]))[0]!.id;
      await em.execute(
        `insert into retention_dispatch (kind, store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at)
         values ('purchase', ?, ?, ?, 'jane.doe@example.com', ?, ?, ?, ?)`,
        [a.store, a.rule, a.jane, janeOrder, T('2026-01-11T09:00:00Z'), 30 * 86_400, T('2026-01-11T09:00:01Z')],
      );
      message = await seedRow(em, 'message', {
        store_id: a.store, rule_id: a.rule, customer_id: a.jane, cycle: 1, status: 'sent', subject: 'Running low?',
        to_email: 'jane.doe@example.com', due_at: T('2026-02-10T09:00:00Z'), sent_at: T('2026-02-10T09:00:05Z'), created_at: T('2026-02-10T09:00:00Z'),
      });
      for (const [type, at, url] of [['Open', '2026-02-10T10:00:00Z', null], ['Click', '2026-02-10T10:01:00Z', 'https://shop.example/coffee'], ['Delivery', '2026-02-10T09:00:06Z', null]] as const) {
        await em.execute(
          `insert into message_event (id, store_id, message_id, source, event_key, type, url, occurred_at, payload, created_at)
           values (gen_random_uuid(), ?, ?, 'postmark', ?, ?, ?, ?, '{}', ?)`,
          [a.store, message, `${type}-${at}`, type, url, T(at), T(at)],
        );
      }
      skipped = await seedRow(em, 'message', {
        store_id: a.store, rule_id: a.rule, customer_id: a.jane, cycle: 2, status: 'skipped', reason: 'unsubscribed',
        to_email: 'jane.doe@example.com', due_at: T('2026-03-01T09:00:00Z'), created_at: T('2026-03-01T09:00:00Z'),
      });
      const converted = (await em.execute<{ id: string }[]>(`select id from store_order where customer_id = ? and status = 'pending'`, [a.jane]))[0]!.id;
      await seedRow(em, 'conversion', {
        store_id: a.store, rule_id: a.rule, message_id: message, customer_id: a.jane, order_id: converted, revenue_cents: 3000, currency: 'USD',
        occurred_at: T('2026-02-12T09:00:00Z'), created_at: T('2026-02-12T09:00:00Z'),
      });
      await em.execute(
        `insert into customer_subscription_event (id, store_id, customer_id, subscribed, source, reason, created_at) values (gen_random_uuid(), ?, ?, false, 'merchant', 'asked by phone', ?)`,
        [a.store, a.jane, T('2026-02-20T12:00:00Z')],
      );
      // Store B's activity for its own Jane must not appear.
      await em.execute(
        `insert into customer_subscription_event (id, store_id, customer_id, subscribed, source, created_at) values (gen_random_uuid(), ?, ?, false, 'postmark', ?)`,
        [b.store, b.jane, T('2026-02-21T12:00:00Z')],
      );
    });

    it('merges every source newest first, each entry with what it needs (engagement deliveries left out)', async () => {
      const page = await service.timeline(em, a.store, a.jane, { limit: 50 });
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((e) => [e.kind, e.at.toISOString()])).toEqual([
        ['message_skipped', '2026-03-01T09:00:00.000Z'],
        ['unsubscribed', '2026-02-20T12:00:00.000Z'],
        ['conversion', '2026-02-12T09:00:00.000Z'],
        ['message_clicked', '2026-02-10T10:01:00.000Z'],
        ['message_opened', '2026-02-10T10:00:00.000Z'],
        ['message_sent', '2026-02-10T09:00:05.000Z'],
        ['retention_armed', '2026-01-11T09:00:01.000Z'],
      ]);
      const [skip, unsub, conversion, click, , sent, armed] = page.items;
      expect(skip).toMatchObject({ messageId: skipped, ruleName: 'Coffee refill', reason: 'unsubscribed' });
      expect(unsub).toMatchObject({ source: 'merchant', reason: 'asked by phone' });
      expect(conversion).toMatchObject({ revenueMinor: 3000, currency: 'USD', messageId: message, subject: 'Running low?' });
      expect(click).toMatchObject({ url: 'https://shop.example/coffee', messageId: message });
      expect(sent).toMatchObject({ subject: 'Running low?', ruleId: a.rule });
      expect(armed).toMatchObject({ ruleName: 'Coffee refill', orderNumber: '#1002', dueAt: T('2026-02-10T09:00:00Z') });
    });

    it('pages with a cursor: every entry once, in the same order', async () => {
      const whole = (await service.timeline(em, a.store, a.jane, { limit: 50 })).items;
      const seen: typeof whole = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const page = await service.timeline(em, a.store, a.jane, { limit: 2, ...(cursor && { cursor }) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(whole);
    });

    it('is empty for a customer without activity, and store B sees only its own', async () => {
      expect((await service.timeline(em, a.store, a.noOrders, { limit: 10 })).items).toEqual([]);
      expect((await service.timeline(em, b.store, b.jane, { limit: 10 })).items.map((e) => e.kind)).toEqual(['unsubscribed']);
    });
  });

  it('at scale, the list is answered from its indexes (plan check on 20,000 customers)', async () => {
    const store = await seedRow(em, 'store');
    await em.execute(
      `insert into customer (id, store_id, email, first_name, last_name, created_at, updated_at, order_count, total_spent_minor, last_order_at)
       select gen_random_uuid(), ?, 'c' || i || '@bulk.example', 'First' || i, 'Last' || i, now(), now(), i % 17, (i * 7919) % 100000, now() - (i || ' minutes')::interval
       from generate_series(1, 20000) i`,
      [store],
    );
    // As autovacuum would: statistics, and the trigram index's pending list merged (a bulk insert leaves it there).
    await em.execute('vacuum analyze customer');
    const page = await service.list(em, store, query({ sort: 'total_spent', limit: 100 }));
    const second = await service.list(em, store, query({ sort: 'total_spent', limit: 100, cursor: page.nextCursor! }));
    const search = await service.list(em, store, query({ q: 'c1234@' }));
    expect(page.total).toBe(20_000);
    expect(second.items[0]!.totalSpentMinor).toBeLessThanOrEqual(page.items[99]!.totalSpentMinor);
    expect(search.items.map((c) => c.email)).toEqual(['c1234@bulk.example']);
    const plan = (await em.execute<{ 'QUERY PLAN': string }[]>(
      `explain select id from customer where store_id = ? order by total_spent_minor desc, id desc limit 101`,
      [store],
    )).map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('customer_store_total_spent_index');
    expect(plan).not.toMatch(/Sort\b/);
    // The search's own expression (as the repository writes it) is answered from the trigram index.
    const searchPlan = (await em.execute<{ 'QUERY PLAN': string }[]>(
      `explain select id from customer where store_id = ? and ${CUSTOMER_SEARCH_TEXT} like '%c1234@%'`,
      [store],
    )).map((r) => r['QUERY PLAN']).join('\n');
    expect(searchPlan).toContain('customer_search_index');
  });
});
