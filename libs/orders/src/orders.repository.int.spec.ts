import { NotFoundError, ValidationError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { orderListQuerySchema, type OrderListQuery } from './order-queries.js';
import { OrdersService } from './orders.service.js';

const T = (iso: string) => new Date(iso);

describe('orders list, detail and timeline (PostgreSQL)', () => {
  let db: TestOrm;
  let em: EntityManager;
  const service = new OrdersService();
  // Store A holds the rows under test; store B mirrors some of them, so a query that forgets the store shows B's rows.
  const a = { store: '', rule: '', jane: '', joe: '', first: '', second: '', cancelled: '', joes: '' };
  const b = { store: '', jane: '', order: '' };

  const query = (q: Record<string, unknown>): OrderListQuery => orderListQuerySchema.parse(q);
  const order = (store: string, customer: string, placedAt: string, extra: Record<string, unknown> = {}) =>
    seedRow(em, 'store_order', { store_id: store, customer_id: customer, placed_at: T(placedAt), source_updated_at: T(placedAt), ...extra });
  const numbers = (page: { items: { number: string | null }[] }) => page.items.map((o) => o.number);

  beforeAll(async () => {
    db = await openTestOrm('boomerang_orders');
    em = db.orm.em.fork();
    a.store = await seedRow(em, 'store');
    b.store = await seedRow(em, 'store');
    a.rule = await seedRow(em, 'retention_rule', { store_id: a.store, name: 'Coffee refill' });
    a.jane = await seedRow(em, 'customer', { store_id: a.store, email: 'jane.doe@example.com', first_name: 'Jane', last_name: 'Doe', company: 'Acme', registered: true });
    a.joe = await seedRow(em, 'customer', { store_id: a.store, email: 'joe_100%@shop.example', first_name: 'Joe', registered: false });
    b.jane = await seedRow(em, 'customer', { store_id: b.store, email: 'jane.doe@example.com', first_name: 'Jane' });

    a.first = await order(a.store, a.jane, '2026-01-01T09:00:00Z', { number: '#1001', external_id: '5001', total_cents: 2500, subtotal_minor: 2000, shipping_minor: 500,
      shipping_address: JSON.stringify({ name: 'Jane Doe', company: null, line1: '1 Main St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US', phone: null }),
      tracking_numbers: JSON.stringify([{ carrier: 'UPS', number: '1Z999', url: null }]), admin_url: 'https://shop.example/admin/orders/5001' });
    a.second = await order(a.store, a.jane, '2026-01-05T09:00:00Z', { number: '#1002', external_id: '5002', status: 'shipped' });
    a.cancelled = await order(a.store, a.jane, '2026-01-10T09:00:00Z', { number: '#1010', external_id: '5010', status: 'cancelled' });
    a.joes = await order(a.store, a.joe, '2026-01-07T09:00:00Z', { number: '#2001', external_id: 'ABC-77', status: 'pending' });
    // Store B's order carries store A's number and email: it must never appear in store A's answers.
    b.order = await order(b.store, b.jane, '2026-01-08T09:00:00Z', { number: '#1001', external_id: '5001' });

    for (const [position, name, quantity, price] of [[0, 'Coffee beans', 2, 800], [1, 'Mug', 1, 400]] as const) {
      await em.execute(
        `insert into order_line (id, store_id, order_id, position, sku, name, quantity, price_minor, image_url, product_url, category, manufacturer, tags)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Coffee', 'Roastery', '[]')`,
        [a.store, a.first, position, `SKU-${position}`, name, quantity, price, `https://cdn.example/${position}.png`, `https://shop.example/p/${position}`],
      );
    }
  });

  afterAll(async () => {
    await db?.close();
  });

  describe('list', () => {
    it('lists the store\'s orders newest first with their customer, item count and total', async () => {
      const page = await service.list(em, a.store, query({}));
      expect(numbers(page)).toEqual(['#1010', '#2001', '#1002', '#1001']);
      expect(page.total).toBe(4);
      expect(page.nextCursor).toBeNull();
      expect(page.items[3]).toMatchObject({ id: a.first, externalId: '5001', status: 'completed', totalMinor: 2500, itemCount: 3, email: 'jane.doe@example.com', customerId: a.jane });
      expect(numbers(await service.list(em, a.store, query({ sort: 'oldest' })))).toEqual(['#1001', '#1002', '#2001', '#1010']);
    });

    it('searches the number and platform id by prefix, and the customer\'s email or name by part, any case', async () => {
      const search = async (q: string) => {
        const page = await service.list(em, a.store, query({ q }));
        expect(page.total).toBe(page.items.length);
        return numbers(page);
      };
      expect(await search('#1001')).toEqual(['#1001']);
      // `100` starts #1001 and #1002, and is part of Joe's email.
      expect(await search('100')).toEqual(['#2001', '#1002', '#1001']);
      expect(await search('abc-7')).toEqual(['#2001']);
      expect(await search('500')).toEqual(['#1002', '#1001']);
      expect(await search('DOE@EXAMPLE')).toEqual(['#1010', '#1002', '#1001']);
      expect(await search('_100%')).toEqual(['#2001']);
      // `%` and `_` match themselves, a number is matched from its start only.
      expect(await search('%')).toEqual(['#2001']);
      expect(await search('001')).toEqual([]);
    });

    it('filters by status, placing date and customer, and counts what it filters', async () => {
      expect(numbers(await service.list(em, a.store, query({ status: 'shipped' })))).toEqual(['#1002']);
      const range = await service.list(em, a.store, query({ from: '2026-01-05', to: '2026-01-10T09:00:00Z' }));
      expect(numbers(range)).toEqual(['#2001', '#1002']);
      expect(range.total).toBe(2);
      const joes = await service.list(em, a.store, query({ customer: a.joe }));
      expect(numbers(joes)).toEqual(['#2001']);
      expect((await service.list(em, a.store, query({ customer: a.jane, status: 'cancelled', q: '10' }))).total).toBe(1);
    });

    it('pages with the cursor both ways: each order once, in order, the total on every page', async () => {
      for (const sort of ['newest', 'oldest'] as const) {
        const whole = numbers(await service.list(em, a.store, query({ sort })));
        const seen: (string | null)[] = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 10; guard++) {
          const page = await service.list(em, a.store, query({ sort, limit: 3, ...(cursor && { cursor }) }));
          expect(page.total).toBe(4);
          seen.push(...numbers(page));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(whole);
      }
    });

    it('refuses a forged cursor, one of the other sort, and a bad filter, naming the field', async () => {
      const forged = Buffer.from(JSON.stringify(['newest', '2026-02-30T00:00:00.000000Z', a.first])).toString('base64url');
      expect(orderListQuerySchema.safeParse({ cursor: forged }).error?.issues[0]?.path).toEqual(['cursor']);
      expect(orderListQuerySchema.safeParse({ cursor: 'not-a-cursor' }).success).toBe(false);
      const first = await service.list(em, a.store, query({ limit: 1 }));
      await expect(service.list(em, a.store, query({ sort: 'oldest', cursor: first.nextCursor }))).rejects.toBeInstanceOf(ValidationError);
      for (const [field, value] of [['status', 'lost'], ['from', 'yesterday'], ['limit', '0'], ['customer', 'x'], ['q', 'x'.repeat(101)], ['sort', 'total']]) {
        expect(orderListQuerySchema.safeParse({ [field]: value }).error?.issues[0]?.path).toEqual([field]);
      }
      expect(orderListQuerySchema.safeParse({ from: '2026-02-01', to: '2026-01-01' }).error?.issues[0]?.path).toEqual(['to']);
    });

    it('keeps to the store: another store\'s customer is a 404, its orders never show', async () => {
      await expect(service.list(em, a.store, query({ customer: b.jane }))).rejects.toBeInstanceOf(NotFoundError);
      expect(numbers(await service.list(em, b.store, query({ q: '1001' })))).toEqual(['#1001']);
      expect((await service.list(em, b.store, query({}))).total).toBe(1);
    });
  });

  describe('detail', () => {
    it('reads the order, its customer, addresses, tracking and items', async () => {
      const { order: o, items } = await service.detail(em, a.store, a.first);
      expect(o).toMatchObject({
        number: '#1001', status: 'completed', totalMinor: 2500, subtotalMinor: 2000, shippingMinor: 500, taxMinor: 0, discountMinor: 0,
        adminUrl: 'https://shop.example/admin/orders/5001', billingAddress: null, trackingNumbers: [{ carrier: 'UPS', number: '1Z999', url: null }],
        customer: { id: a.jane, email: 'jane.doe@example.com', company: 'Acme', registered: true, subscribed: true, orderCount: 3 },
      });
      expect(o.shippingAddress).toMatchObject({ city: 'Springfield', postalCode: '62701' });
      expect(items).toEqual([
        { position: 0, sku: 'SKU-0', name: 'Coffee beans', quantity: 2, priceMinor: 800, productUrl: 'https://shop.example/p/0', imageUrl: 'https://cdn.example/0.png', category: 'Coffee', manufacturer: 'Roastery' },
        expect.objectContaining({ position: 1, name: 'Mug', quantity: 1, priceMinor: 400 }),
      ]);
    });

    it('answers another store\'s order, an unknown id and a malformed one as not found', async () => {
      await expect(service.detail(em, a.store, b.order)).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.detail(em, b.store, a.first)).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.detail(em, a.store, 'nope')).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.timeline(em, b.store, a.first)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('timeline', () => {
    const inbox = (store: string, orderId: string, at: string, result: Record<string, unknown>, state = 'projected') =>
      em.execute(
        `insert into inbox_event (id, store_id, platform, delivery_id, topic, format, body, ordering_key, received_at, state, next_attempt_at, result)
         values (gen_random_uuid(), ?, 'shopify', gen_random_uuid()::text, 'orders/updated', 'normalized', '\\x7b7d', 'k', ?, ?, ?, ?)`,
        [store, T(at), state, T(at), JSON.stringify({ kind: 'order', orderId, customerId: null, applied: true, rulesArmed: 0, ...result })],
      );

    beforeAll(async () => {
      await inbox(a.store, a.second, '2026-01-05T09:00:01Z', { status: 'pending' });
      await inbox(a.store, a.second, '2026-01-05T10:00:00Z', { status: 'pending' });
      await inbox(a.store, a.second, '2026-01-06T09:00:00Z', { status: 'shipped', rulesArmed: 1 });
      // An older update the projector refused, and store B's event naming store A's order: neither shows.
      await inbox(a.store, a.second, '2026-01-06T10:00:00Z', { status: 'pending', applied: false });
      await inbox(b.store, a.second, '2026-01-06T11:00:00Z', { status: 'refunded' });
      await em.execute(
        `insert into retention_dispatch (kind, store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at)
         values ('purchase', ?, ?, ?, 'jane.doe@example.com', ?, ?, ?, ?)`,
        [a.store, a.rule, a.jane, a.second, T('2026-01-05T09:00:00Z'), 30 * 86_400, T('2026-01-06T09:00:01Z')],
      );
      const message = await seedRow(em, 'message', {
        store_id: a.store, rule_id: a.rule, customer_id: a.jane, cycle: 1, status: 'sent', subject: 'Running low?', armed_order_id: a.second,
        to_email: 'jane.doe@example.com', due_at: T('2026-02-04T09:00:00Z'), sent_at: T('2026-02-04T09:00:05Z'), created_at: T('2026-02-04T09:00:00Z'),
      });
      // The cancelled order came after the message: it counted as its conversion.
      await seedRow(em, 'conversion', {
        store_id: a.store, rule_id: a.rule, message_id: message, customer_id: a.jane, order_id: a.cancelled, revenue_cents: 1234, currency: 'USD',
        occurred_at: T('2026-01-10T09:00:00Z'), created_at: T('2026-01-10T09:00:00Z'),
      });
    });

    it('tells the order\'s life oldest first: placed, received, updates, status changes, cycles and messages', async () => {
      const entries = await service.timeline(em, a.store, a.second);
      expect(entries.map((e) => [e.kind, e.at.toISOString()])).toEqual([
        ['placed', '2026-01-05T09:00:00.000Z'],
        ['received', '2026-01-05T09:00:01.000Z'],
        ['updated', '2026-01-05T10:00:00.000Z'],
        ['status_changed', '2026-01-06T09:00:00.000Z'],
        ['retention_armed', '2026-01-06T09:00:01.000Z'],
        ['message_sent', '2026-02-04T09:00:05.000Z'],
      ]);
      expect(entries[3]).toMatchObject({ status: 'shipped', previousStatus: 'pending', summary: 'Status changed from pending to shipped' });
      expect(entries[4]).toMatchObject({ ruleId: a.rule, ruleName: 'Coffee refill', dueAt: T('2026-02-04T09:00:00Z'), summary: 'Retention cycle of “Coffee refill” armed, due 2026-02-04' });
      expect(entries[5]).toMatchObject({ subject: 'Running low?', summary: 'Email sent by “Coffee refill”: Running low?' });
    });

    it('shows the conversion an order counted for', async () => {
      const entries = await service.timeline(em, a.store, a.cancelled);
      expect(entries.map((e) => e.kind)).toEqual(['placed', 'conversion']);
      expect(entries[1]).toMatchObject({ revenueMinor: 1234, currency: 'USD', subject: 'Running low?', summary: 'Counted as a conversion of “Coffee refill” (12.34 USD)' });
    });

    it('reads the inbox through its order index', async () => {
      await em.execute('set enable_seqscan = off');
      const plan = await em.execute<{ 'QUERY PLAN': string }[]>(
        `explain select seq from inbox_event e where e.store_id = ? and (e.result ->> 'orderId') = ? and e.state = 'projected'`,
        [a.store, a.second],
      );
      await em.execute('set enable_seqscan = on');
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('inbox_event_order_index');
    });
  });
});
