import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { parseOrThrow } from '@boomerang/validation';
import { compileSegment } from './segment-compiler.js';
import { segmentDefinitionSchema } from './segment-definition.js';
import { SegmentMembershipRepository } from './segment-membership.repository.js';

const DAY = 86_400_000;

/** Every criterion and qualifier against known rows of store A, next to a store B whose rows would match everything. */
describe('segment compiler (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const a = { store: '', alice: '', bob: '', carol: '' };
  const b = { store: '', dave: '' };

  async function order(store: string, customer: string, values: Record<string, unknown>, lines: Record<string, unknown>[] = []) {
    const id = await seedRow(em, 'store_order', {
      store_id: store,
      customer_id: customer,
      ...values,
      billing_address: values['billing_address'] ? JSON.stringify(values['billing_address']) : null,
      shipping_address: values['shipping_address'] ? JSON.stringify(values['shipping_address']) : null,
    });
    for (const [position, line] of lines.entries()) {
      await em.execute(
        `insert into order_line (id, store_id, order_id, position, sku, name, quantity, price_minor, product_url, category, tags, manufacturer)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [randomUUID(), store, id, position, line['sku'] ?? null, line['name'] ?? '', line['quantity'] ?? 1, line['price_minor'] ?? 0,
          line['product_url'] ?? null, line['category'] ?? null, JSON.stringify(line['tags'] ?? []), line['manufacturer'] ?? null],
      );
    }
    return id;
  }

  beforeAll(async () => {
    db = await openTestOrm('boomerang_segment_compiler');
    orm = db.orm;
    em = orm.em.fork();
    a.store = await seedRow(em, 'store');
    b.store = await seedRow(em, 'store');
    a.alice = await seedRow(em, 'customer', {
      store_id: a.store, email: 'alice@example.com', phone: '+1 555 0100', company: 'Acme Roasters', customer_group: 'wholesale', note: 'VIP: likes decaf',
    });
    a.bob = await seedRow(em, 'customer', { store_id: a.store, email: 'bob@sample.org' });
    a.carol = await seedRow(em, 'customer', { store_id: a.store, email: 'carol@example.com', customer_group: 'retail' });
    // Alice: two orders that count (120.00 ten days ago on Amazon, 80.00 forty days ago) and one cancelled.
    await order(a.store, a.alice, {
      status: 'completed', total_cents: 12_000, placed_at: ago(10), channel: 'amazon',
      billing_address: { city: 'Portland', company: 'Acme', country: 'US', region: 'OR', line1: '1 Roast St', line2: null, postalCode: '97201' },
      shipping_address: { city: 'Seattle', company: 'Acme WA', country: 'US', region: 'WA', line1: '9 Pike', line2: 'Apt 2', postalCode: '98101' },
    }, [{ sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 3, price_minor: 1_850, category: 'Coffee', tags: ['organic', 'beans'], manufacturer: 'Bean Co', product_url: 'https://shop.example/coffee' }]);
    await order(a.store, a.alice, { status: 'completed', total_cents: 8_000, placed_at: ago(40), channel: 'web' },
      [{ sku: 'MUG-1', name: 'Mug', quantity: 1, price_minor: 900, category: 'Merch', tags: ['ceramic'], manufacturer: 'Clay', product_url: 'https://shop.example/mug' }]);
    await order(a.store, a.alice, { status: 'cancelled', total_cents: 5_000, placed_at: ago(5) });
    // Bob: one refunded order only (nothing counts).
    await order(a.store, a.bob, { status: 'refunded', total_cents: 3_000, placed_at: ago(2) });
    // Carol: one shipped order of 500.00 a hundred days ago, lines with pattern characters.
    await order(a.store, a.carol, { status: 'shipped', total_cents: 50_000, placed_at: ago(100), shipping_address: { city: 'Portland', country: 'US' } },
      [{ sku: 'TEA-%_', name: 'Tea 100% leaf', quantity: 10, price_minor: 5_000, category: 'Tea', tags: ['loose'] }]);
    // Store B: a customer who matches nearly everything; never in A's answers.
    b.dave = await seedRow(em, 'customer', { store_id: b.store, email: 'alice@example.com', phone: '555', company: 'Acme', customer_group: 'wholesale', note: 'decaf' });
    await order(b.store, b.dave, {
      status: 'completed', total_cents: 99_000, placed_at: ago(1), channel: 'amazon',
      billing_address: { city: 'Portland', company: 'Acme', country: 'US', region: 'OR', line1: 'Roast', postalCode: '97201' },
      shipping_address: { city: 'Seattle', company: 'Acme WA', country: 'US', region: 'WA', line1: 'Pike', line2: 'Apt 2', postalCode: '98101' },
    }, [{ sku: 'COFFEE-1KG', name: 'Tea 100% leaf', quantity: 10, price_minor: 5_000, category: 'Tea', tags: ['organic', 'loose'], manufacturer: 'Bean Co', product_url: 'mug' }]);
  });

  afterAll(async () => {
    await db?.close();
  });

  const emails = { [a.alice]: 'alice', [a.bob]: 'bob', [a.carol]: 'carol' };
  async function select(definition: unknown): Promise<string[]> {
    const parsed = parseOrThrow(segmentDefinitionSchema, definition, 'definition');
    const compiled = compileSegment(parsed, { currency: 'USD', now });
    const result = await new SegmentMembershipRepository(orm.em.fork()).preview(a.store, compiled, 100);
    expect(result.count).toBe(result.members.length);
    void emails;
    return result.members.map((m) => m.email.split('@')[0]!).sort();
  }
  const one = (criterion: string, qualifier: string, value: unknown) => select({ match: 'all', conditions: [{ criterion, qualifier, value }] });
  const days = (n: number) => ({ amount: n, unit: 'days' });

  it.each([
    ['average_order_total', 'gt', 99, ['alice', 'carol']],
    ['average_order_total', 'lt', '200', ['alice']],
    ['average_order_total', 'eq', '100.00', ['alice']],
    ['average_purchase_frequency', 'eq', 30, ['alice']],
    ['average_purchase_frequency', 'gt', 29.5, ['alice']],
    ['average_purchase_frequency', 'lt', 30, []],
    ['bill_to_city', 'eq', 'portland', ['alice']],
    ['bill_to_city', 'contains', 'ORTL', ['alice']],
    ['bill_to_city', 'not_contains', 'Portland', ['bob', 'carol']],
    ['bill_to_company', 'contains', 'acme', ['alice']],
    ['bill_to_country', 'eq', 'us', ['alice']],
    ['bill_to_state', 'eq', 'OR', ['alice']],
    ['bill_to_street', 'contains', 'Roast St', ['alice']],
    ['bill_to_zip', 'eq', '97201', ['alice']],
    ['ship_to_city', 'eq', 'Seattle', ['alice']],
    ['ship_to_city', 'eq', 'Portland', ['carol']],
    ['ship_to_company', 'contains', 'wa', ['alice']],
    ['ship_to_country', 'eq', 'US', ['alice', 'carol']],
    ['ship_to_state', 'eq', 'wa', ['alice']],
    ['ship_to_street', 'contains', 'pike apt 2', ['alice']],
    ['ship_to_zip', 'contains', '981', ['alice']],
    ['company', 'contains', 'roast', ['alice']],
    ['company', 'not_contains', 'roast', ['bob', 'carol']],
    ['company', 'eq', 'acme roasters', ['alice']],
    ['customer_group', 'eq', 'Wholesale', ['alice']],
    ['customer_group', 'not_contains', 'sale', ['bob', 'carol']],
    ['email', 'contains', '@example.com', ['alice', 'carol']],
    ['email', 'not_contains', 'example', ['bob']],
    ['email', 'eq', 'BOB@sample.org', ['bob']],
    ['phone', 'contains', '555', ['alice']],
    ['private_notes', 'contains', 'decaf', ['alice']],
    ['private_notes', 'not_contains', 'decaf', ['bob', 'carol']],
    ['cancelled_orders_count', 'eq', 1, ['alice']],
    ['cancelled_orders_count', 'eq', 0, ['bob', 'carol']],
    ['orders_count', 'eq', 0, ['bob']],
    ['orders_count', 'gt', 0, ['alice', 'carol']],
    ['orders_count', 'lt', 2, ['bob', 'carol']],
    ['order_channel', 'eq', 'Amazon', ['alice']],
    ['order_channel', 'not_contains', 'amazon', ['bob', 'carol']],
    ['order_status', 'eq', 'refunded', ['bob']],
    ['order_status', 'not_contains', 'cancelled', ['bob', 'carol']],
    ['single_order_total', 'gt', 100, ['alice', 'carol']],
    ['single_order_total', 'eq', 30, ['bob']],
    ['single_order_total', 'lt', '60', ['alice', 'bob']],
    ['product_category', 'eq', 'tea', ['carol']],
    ['product_category', 'contains', 'co', ['alice']],
    ['product_sku', 'eq', 'coffee-1kg', ['alice']],
    ['product_sku', 'contains', '%', ['carol']],
    ['product_sku', 'contains', '_', ['carol']],
    ['product_sku', 'not_contains', 'COFFEE', ['bob', 'carol']],
    ['product_manufacturer', 'eq', 'bean co', ['alice']],
    ['product_manufacturer', 'not_contains', 'clay', ['bob', 'carol']],
    ['product_name', 'contains', '100%', ['carol']],
    ['product_price', 'gt', 40, ['carol']],
    ['product_price', 'lt', 10, ['alice']],
    ['product_price', 'eq', 18.5, ['alice']],
    ['product_quantity', 'gt', 5, ['carol']],
    ['product_quantity', 'eq', 1, ['alice']],
    ['product_tag', 'eq', 'ORGANIC', ['alice']],
    ['product_tag', 'contains', 'cer', ['alice']],
    ['product_tag', 'not_contains', 'loose', ['alice', 'bob']],
    ['product_url', 'contains', '/mug', ['alice']],
    ['total_spent', 'gt', '199.99', ['alice', 'carol']],
    ['total_spent', 'eq', 0, ['bob']],
    ['total_spent', 'lt', 250, ['alice', 'bob']],
    ['last_order_date', 'within_last', days(15), ['alice']],
    ['last_order_date', 'not_within_last', days(15), ['bob', 'carol']],
    ['first_order_date', 'within_last', days(45), ['alice']],
    ['first_order_date', 'within_last', days(30), []],
  ] as [string, string, unknown, string[]][])('%s %s %j', async (criterion, qualifier, value, expected) => {
    expect(await one(criterion, qualifier, value)).toEqual(expected);
  });

  it('compares dates before and after an instant (and a bare day)', async () => {
    const sixtyDaysAgo = ago(60).toISOString();
    expect(await one('last_order_date', 'before', sixtyDaysAgo)).toEqual(['carol']);
    expect(await one('last_order_date', 'after', sixtyDaysAgo)).toEqual(['alice']);
    expect(await one('first_order_date', 'before', ago(20).toISOString())).toEqual(['alice', 'carol']);
    expect(await one('first_order_date', 'after', '2000-01-01')).toEqual(['alice', 'carol']);
  });

  it('nests all and any groups three deep', async () => {
    expect(
      await select({
        match: 'all',
        conditions: [
          { criterion: 'email', qualifier: 'contains', value: 'example' },
          { match: 'any', conditions: [{ criterion: 'orders_count', qualifier: 'gt', value: 1 }, { criterion: 'product_category', qualifier: 'eq', value: 'Tea' }] },
        ],
      }),
    ).toEqual(['alice', 'carol']);
    expect(
      await select({
        match: 'any',
        conditions: [
          { criterion: 'order_status', qualifier: 'eq', value: 'refunded' },
          {
            match: 'all',
            conditions: [
              { criterion: 'total_spent', qualifier: 'gt', value: 100 },
              { match: 'any', conditions: [{ criterion: 'order_channel', qualifier: 'eq', value: 'amazon' }, { criterion: 'product_quantity', qualifier: 'gt', value: 100 }] },
            ],
          },
        ],
      }),
    ).toEqual(['alice', 'bob']);
    expect(
      await select({ match: 'all', conditions: [{ criterion: 'orders_count', qualifier: 'gt', value: 0 }, { criterion: 'product_tag', qualifier: 'eq', value: 'loose' }] }),
    ).toEqual(['carol']);
  });

  it('treats injection attempts as plain values', async () => {
    expect(await one('product_sku', 'eq', "x' or 1=1 --")).toEqual([]);
    expect(await one('email', 'contains', "'; drop table customer; --")).toEqual([]);
    expect(await one('private_notes', 'eq', "$1) or true or ($1")).toEqual([]);
    expect(await one('bill_to_city', 'eq', "' or ''='")).toEqual([]);
    expect(await one('email', 'not_contains', "') or true --")).toEqual(['alice', 'bob', 'carol']);
    const [row] = await em.execute<{ n: number }[]>(`select count(*)::int as n from customer`);
    expect(row!.n).toBe(4);
  });

  it('previews a count beyond the page, and only the first page of members', async () => {
    const parsed = parseOrThrow(segmentDefinitionSchema, { match: 'all', conditions: [{ criterion: 'email', qualifier: 'contains', value: '@' }] });
    const result = await new SegmentMembershipRepository(orm.em.fork()).preview(a.store, compileSegment(parsed, { currency: 'USD', now }), 2);
    expect(result.count).toBe(3);
    expect(result.members.map((m) => m.email)).toEqual(['alice@example.com', 'bob@sample.org']);
  });
});
