import { TemplateCompiler } from '@boomerang/email';
import type { NormalizedOrder } from '@boomerang/domain';
import type { MikroORM } from '@boomerang/persistence';
import { RetentionIntakeService, RulesService } from '@boomerang/retention';
import { PlatformError, signWebhook, type PlatformClient } from '@boomerang/stores';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { EventProjection, type PlatformClientPort } from './event-projection.js';
import { InboxProjector, type ProjectorPolicy } from './inbox-projector.js';
import type { ClaimedEvent } from './inbox.repository.js';
import { IntakeService } from './intake.service.js';

const SECRET = 'test-secret';
const T0 = Date.UTC(2026, 10, 20, 10);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function genericOrder(overrides: Record<string, unknown> = {}) {
  return {
    id: 'o-1',
    status: 'completed',
    currency: 'USD',
    customer: { email: 'Jane@Example.com', firstName: 'Jane', lastName: 'Doe', optedIn: true },
    lineItems: [{ sku: 'COFFEE-1KG', name: 'House blend', quantity: 2, price: '18.50' }],
    totals: { subtotal: 37, tax: 3, shipping: 5, total: 45 },
    createdAt: at(0),
    ...overrides,
  };
}

function normalized(overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    externalId: 'n-1',
    number: '#1001',
    adminUrl: 'https://shop.example/admin/orders/1',
    status: 'completed',
    currency: 'USD',
    subtotalMinor: 3700,
    discountMinor: 100,
    shippingMinor: 500,
    taxMinor: 300,
    totalMinor: 4400,
    createdAt: at(0),
    updatedAt: at(0),
    customer: {
      email: 'sam@example.com',
      externalId: '9007199254740993',
      firstName: 'Sam',
      lastName: 'Buyer',
      phone: '+1 555 0100',
      company: 'Acme',
      group: 'VIP',
      registered: true,
      optedIn: true,
      note: 'prefers decaf',
    },
    billingAddress: { name: 'Sam Buyer', company: null, line1: '1 Main St', line2: null, city: 'Portland', region: 'OR', postalCode: '97201', country: 'US', phone: null },
    shippingAddress: null,
    lineItems: [
      {
        externalId: 'l-1',
        sku: 'MUG-1',
        productId: '9007199254740995',
        variantId: '9007199254740997',
        name: 'Mug - blue',
        quantity: 1,
        priceMinor: 1200,
        productUrl: 'https://shop.example/p/mug',
        imageUrl: null,
        category: 'Kitchen',
        tags: ['ceramic'],
        manufacturer: 'Potter',
      },
      {
        externalId: 'l-2',
        sku: null,
        productId: null,
        variantId: null,
        name: 'Gift wrap',
        quantity: 1,
        priceMinor: 200,
        productUrl: null,
        imageUrl: null,
        category: null,
        tags: [],
        manufacturer: null,
      },
    ],
    trackingNumbers: [{ carrier: 'UPS', number: '1Z999', url: null }],
    ...overrides,
  };
}

describe('intake inbox and projector (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let intake: IntakeService;
  let store = '';
  let other = '';
  const delivered: number[][] = [];
  let port: PlatformClientPort = async () => null;

  const projector = (policy: Partial<ProjectorPolicy> = {}, afterEvent?: (e: ClaimedEvent) => Promise<void>) =>
    new InboxProjector({
      orm,
      projection: new EventProjection({ retention: new RetentionIntakeService(new RulesService(new TemplateCompiler())), platformClient: (id) => port(id) }),
      signals: { deliverBatch: async (groups) => (groups.forEach((g) => delivered.push(g.ids)), groups.reduce((n, g) => n + g.ids.length, 0)) },
      policy: { backoffMs: 0, ...policy },
      afterEvent,
    });

  const post = (storeId: string, body: unknown, headers: Record<string, string> = {}) => {
    const raw = Buffer.from(JSON.stringify(body));
    return intake.accept({
      store: { id: storeId },
      platform: 'custom',
      webhook: { headers: { 'x-boomerang-signature': signWebhook(SECRET, raw), ...headers }, rawBody: raw },
      secret: SECRET,
    });
  };
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(query, params);
  const stateOf = async (id: string) => (await sql<{ state: string; attempts: number; last_error: string | null; result: Record<string, unknown> | null }>(`select * from inbox_event where id = ?`, [id]))[0]!;

  beforeAll(async () => {
    db = await openTestOrm('boomerang_intake');
    orm = db.orm;
    intake = new IntakeService(orm);
    store = await seedRow(orm.em.fork(), 'store');
    other = await seedRow(orm.em.fork(), 'store');
  });

  afterAll(async () => {
    await db?.close();
  });

  it('stores a delivery once: a redelivery (same bytes, or same X-Boomerang-Delivery) is a duplicate and changes nothing', async () => {
    const body = genericOrder({ id: 'dup-1' });
    const first = await post(store, body);
    expect(first.duplicate).toBe(false);
    expect(await post(store, body)).toEqual({ eventId: first.eventId, duplicate: true });
    // The same bytes to another store are that store's own event.
    expect((await post(other, body)).duplicate).toBe(false);
    const byHeader = await post(store, genericOrder({ id: 'dup-2' }), { 'x-boomerang-delivery': 'cart-42' });
    const retried = await post(store, genericOrder({ id: 'dup-2', status: 'shipped' }), { 'x-boomerang-delivery': 'cart-42' });
    expect(retried).toEqual({ eventId: byHeader.eventId, duplicate: true });
    const rows = await sql<{ n: string }>(`select count(*) as n from inbox_event where store_id = ?`, [store]);
    expect(Number(rows[0]!.n)).toBe(2);

    await projector().drain();
    const orders = await sql<{ external_id: string; status: string }>(`select external_id, status from store_order where store_id = ? order by external_id`, [store]);
    expect(orders).toEqual([
      { external_id: 'dup-1', status: 'completed' },
      { external_id: 'dup-2', status: 'completed' },
    ]);
    // A duplicate that arrives after projection is still a duplicate: nothing is projected twice.
    expect((await post(store, body)).duplicate).toBe(true);
    expect((await projector().drain()).claimed).toBe(0);
  });

  it('refuses a wrong signature or an invalid order before storing anything', async () => {
    const raw = Buffer.from(JSON.stringify(genericOrder({ id: 'bad-1' })));
    await expect(
      intake.accept({ store: { id: store }, platform: 'custom', webhook: { headers: { 'x-boomerang-signature': signWebhook('wrong', raw) }, rawBody: raw }, secret: SECRET }),
    ).rejects.toMatchObject({ code: 'invalid_signature' });
    await expect(post(store, genericOrder({ id: 'bad-2', currency: 'XXX1' }))).rejects.toMatchObject({ code: 'validation_failed', issues: [{ field: 'currency' }] });
    await expect(post(store, genericOrder({ id: 'bad-3' }), { 'x-boomerang-delivery': 'has space' })).rejects.toMatchObject({ code: 'validation_failed' });
    const rows = await sql(`select 1 from inbox_event where store_id = ? and convert_from(body, 'UTF8') like '%bad-%'`, [store]);
    expect(rows).toEqual([]);
  });

  it('projects the whole normalized model: order columns, lines as rows, products and variants, customer fields', async () => {
    const [accepted] = await intake.acceptNormalized(store, 'shopify', [{ deliveryId: 'sync:n-1:1', topic: 'orders/create', event: { kind: 'order', order: normalized() } }]);
    await projector().drain();
    expect((await stateOf(accepted!.eventId)).state).toBe('projected');
    const [o] = await sql<Record<string, unknown>>(`select * from store_order where store_id = ? and external_id = 'n-1'`, [store]);
    expect(o).toMatchObject({
      number: '#1001',
      admin_url: 'https://shop.example/admin/orders/1',
      subtotal_minor: '3700',
      discount_minor: '100',
      shipping_minor: '500',
      tax_minor: '300',
      total_cents: '4400',
      billing_address: expect.objectContaining({ city: 'Portland' }),
      tracking_numbers: [{ carrier: 'UPS', number: '1Z999', url: null }],
      // Retention matches SKU'd lines only; the gift wrap has none.
      lines: [{ sku: 'MUG-1', name: 'Mug - blue', quantity: 1, priceCents: 1200 }],
    });
    const lines = await sql(`select position, sku, product_id, variant_id, name, price_minor, tags, manufacturer from order_line where order_id = ? order by position`, [o!.id]);
    expect(lines).toEqual([
      { position: 0, sku: 'MUG-1', product_id: '9007199254740995', variant_id: '9007199254740997', name: 'Mug - blue', price_minor: '1200', tags: ['ceramic'], manufacturer: 'Potter' },
      { position: 1, sku: null, product_id: null, variant_id: null, name: 'Gift wrap', price_minor: '200', tags: [], manufacturer: null },
    ]);
    expect(await sql(`select external_id, name, category from product where store_id = ?`, [store])).toEqual([{ external_id: '9007199254740995', name: 'Mug - blue', category: 'Kitchen' }]);
    expect(await sql(`select external_id, sku, price_minor from product_variant where store_id = ?`, [store])).toEqual([
      { external_id: '9007199254740997', sku: 'MUG-1', price_minor: '1200' },
    ]);
    expect(await sql(`select email, phone, company, customer_group, external_id, note, registered from customer where store_id = ? and email = 'sam@example.com'`, [store])).toEqual([
      { email: 'sam@example.com', phone: '+1 555 0100', company: 'Acme', customer_group: 'VIP', external_id: '9007199254740993', note: 'prefers decaf', registered: true },
    ]);
    // The products picker still learns the sold SKUs.
    expect(await sql(`select sku, orders from store_product where store_id = ? and sku = 'MUG-1'`, [store])).toEqual([{ sku: 'MUG-1', orders: 1 }]);
  });

  it('keeps the newest update whatever order deliveries arrive in (by the platform update time)', async () => {
    const newer = normalized({ externalId: 'ooo-1', status: 'shipped', updatedAt: at(30), lineItems: normalized().lineItems.slice(0, 1) });
    const older = normalized({ externalId: 'ooo-1', status: 'processing', updatedAt: at(10) });
    const [a, b] = await intake.acceptNormalized(store, 'shopify', [
      { deliveryId: 'ooo-new', topic: 'orders/updated', event: { kind: 'order', order: newer } },
      { deliveryId: 'ooo-old', topic: 'orders/updated', event: { kind: 'order', order: older } },
    ]);
    await projector().drain();
    expect((await stateOf(a!.eventId)).result).toMatchObject({ applied: true, status: 'shipped' });
    expect((await stateOf(b!.eventId)).result).toMatchObject({ applied: false, status: 'shipped' });
    const [o] = await sql<{ id: string; status: string; source_updated_at: Date }>(`select id, status, source_updated_at from store_order where store_id = ? and external_id = 'ooo-1'`, [store]);
    expect(o!.status).toBe('shipped');
    expect(new Date(o!.source_updated_at)).toEqual(new Date(at(30)));
    // The older update's two lines were not applied either.
    expect(await sql(`select count(*)::int as n from order_line where order_id = ?`, [o!.id])).toEqual([{ n: 1 }]);
  });

  it('finds an order again by an external id holding quotes, commas, braces and backslashes (ids go to PostgreSQL as an array literal)', async () => {
    const tricky = ['q"1', 'c,2', '{b}3', 'back\\slash4', ' NULL '];
    const first = tricky.map((externalId, i) => ({ deliveryId: `tricky-a-${i}`, topic: 'orders/create', event: { kind: 'order' as const, order: normalized({ externalId, status: 'processing', updatedAt: at(1) }) } }));
    const second = tricky.map((externalId, i) => ({ deliveryId: `tricky-b-${i}`, topic: 'orders/updated', event: { kind: 'order' as const, order: normalized({ externalId, status: 'shipped', updatedAt: at(2), lineItems: normalized().lineItems.slice(0, 1) }) } }));
    await intake.acceptNormalized(store, 'shopify', first);
    await projector().drain();
    await intake.acceptNormalized(store, 'shopify', second);
    await projector().drain();
    const rows = await sql<{ external_id: string; status: string; lines: number }>(
      `select o.external_id, o.status, (select count(*)::int from order_line l where l.order_id = o.id) as lines
       from store_order o where o.store_id = ? and o.external_id in (${tricky.map(() => '?').join(', ')})`,
      [store, ...tricky],
    );
    // One row each, updated in place (not a second order), its lines replaced by the update's one line.
    expect(rows.sort((a, b) => (a.external_id < b.external_id ? -1 : 1))).toEqual([...tricky].sort().map((external_id) => ({ external_id, status: 'shipped', lines: 1 })));
  });

  it('fetches a light payload\'s order again when the same delivery repeats after its projection (two changes in one second)', async () => {
    // BigCommerce's key is scope + second + SHA-1 of `{ type, id }`: two updates of one order in one second are one delivery id.
    const raw = Buffer.from(JSON.stringify({ scope: 'store/order/updated', store_id: '1', data: { type: 'order', id: 250 }, hash: 'a'.repeat(40), created_at: 1_764_000_000, producer: 'stores/abc' }));
    const hook = () => intake.accept({ store: { id: store }, platform: 'bigcommerce', webhook: { headers: { 'x-boomerang-webhook-secret': SECRET }, rawBody: raw }, secret: SECRET });
    let platformOrder = normalized({ externalId: 'bc-250', status: 'processing', updatedAt: at(0) });
    let fetches = 0;
    port = async () => ({ fetchOrder: async () => (fetches++, platformOrder) }) as unknown as PlatformClient;
    const first = await hook();
    await projector().drain();
    expect(await stateOf(first.eventId)).toMatchObject({ state: 'projected', result: expect.objectContaining({ status: 'processing', applied: true }) });

    platformOrder = normalized({ externalId: 'bc-250', status: 'shipped', updatedAt: at(0.5) });
    const second = await hook();
    expect(second).toEqual({ eventId: first.eventId, duplicate: true });
    await projector().drain();
    expect(fetches).toBe(2);
    expect(await stateOf(first.eventId)).toMatchObject({ state: 'projected', attempts: 1, result: expect.objectContaining({ status: 'shipped', applied: true }) });
    expect(await sql(`select status from store_order where store_id = ? and external_id = 'bc-250'`, [store])).toEqual([{ status: 'shipped' }]);
    expect(await sql(`select count(*)::int as n from inbox_event where store_id = ? and delivery_id like 'store/order/updated:%'`, [store])).toEqual([{ n: 1 }]);

    // A repeat of a full payload (not a light one) stays a duplicate that changes nothing.
    const body = genericOrder({ id: 'full-repeat' });
    const full = await post(store, body);
    await projector().drain();
    expect(await post(store, body)).toEqual({ eventId: full.eventId, duplicate: true });
    expect(await stateOf(full.eventId)).toMatchObject({ state: 'projected' });
  });

  it('hands each applied order to retention: a purchase arms the store\'s rules, a later refund takes it back, and the signals go out after the commit', async () => {
    const shop = await seedRow(orm.em.fork(), 'store');
    const rule = await seedRow(orm.em.fork(), 'retention_rule', { store_id: shop });
    const before = delivered.length;
    const buy = (status: 'completed' | 'refunded', minutes: number) =>
      intake.acceptNormalized(shop, 'shopify', [
        { deliveryId: `ret-${status}`, topic: 'orders/updated', event: { kind: 'order', order: normalized({ externalId: 'ret-1', status, updatedAt: at(minutes) }) } },
      ]);
    const [bought] = await buy('completed', 0);
    await projector().drain();
    const [refunded] = await buy('refunded', 5);
    await projector().drain();
    expect((await stateOf(bought!.eventId)).result).toMatchObject({ status: 'completed', rulesArmed: 1 });
    expect((await stateOf(refunded!.eventId)).result).toMatchObject({ status: 'refunded', applied: true });
    const signals = await sql<{ id: string; kind: string }>(`select id, kind from retention_dispatch where store_id = ? and rule_id = ? order by id`, [shop, rule]);
    expect(signals.map((d) => d.kind)).toEqual(['purchase', 'revoke']);
    expect(delivered.slice(before)).toEqual(signals.map((d) => [Number(d.id)]));
  });

  it('several projectors at once project each event exactly once, and each customer in arrival order', async () => {
    const customers = 12;
    const perCustomer = 8;
    const events = [];
    for (let round = 0; round < perCustomer; round++) {
      for (let c = 0; c < customers; c++) {
        // Each customer's order moves pending → … with a newer update time each round.
        const status = round === perCustomer - 1 ? 'shipped' : round % 2 ? 'processing' : 'completed';
        events.push({
          deliveryId: `conc-${c}-${round}`,
          topic: 'orders/updated',
          event: {
            kind: 'order' as const,
            order: normalized({ externalId: `conc-${c}`, status, updatedAt: at(round), customer: { ...normalized().customer, email: `c${c}@example.com` } }),
          },
        });
      }
    }
    const accepted = await intake.acceptNormalized(other, 'shopify', events);
    const seen: { key: string; seq: number }[] = [];
    const projectors = [1, 2, 3].map(() => projector({ batch: 5 }, async (e) => void seen.push({ key: e.orderingKey, seq: e.seq })));
    await Promise.all(projectors.map((p) => p.drain()));

    const states = await sql<{ state: string; attempts: number; n: string }>(
      `select state, attempts, count(*) as n from inbox_event where store_id = ? and delivery_id like 'conc-%' group by state, attempts`,
      [other],
    );
    expect(states).toEqual([{ state: 'projected', attempts: 1, n: String(accepted.length) }]);
    expect(seen).toHaveLength(accepted.length);
    const byKey = new Map<string, number[]>();
    for (const s of seen) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s.seq]);
    expect(byKey.size).toBe(customers);
    for (const seqs of byKey.values()) expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    // Every event applied (each was newer than the last), and every order ends on its last update.
    const applied = await sql<{ n: number }>(`select count(*)::int as n from inbox_event where store_id = ? and delivery_id like 'conc-%' and (result ->> 'applied')::boolean`, [other]);
    expect(applied).toEqual([{ n: accepted.length }]);
    expect(await sql(`select distinct status from store_order where store_id = ? and external_id like 'conc-%'`, [other])).toEqual([{ status: 'shipped' }]);
  });

  it('parks what can never be projected, with its reason, and retries a transient failure with backoff until it parks', async () => {
    const noEmail = normalized({ externalId: 'park-1', customer: { ...normalized().customer, email: null } });
    const [a, b] = await intake.acceptNormalized(store, 'bigcommerce', [
      { deliveryId: 'park-a', topic: 'order', event: { kind: 'order', order: noEmail } },
      { deliveryId: 'park-b', topic: 'store/order/created', event: { kind: 'order_ref', externalId: '77' } },
    ]);
    port = async () => null;
    await projector().drain();
    expect(await stateOf(a!.eventId)).toMatchObject({ state: 'parked', attempts: 1, last_error: 'order park-1 has no customer email' });
    expect(await stateOf(b!.eventId)).toMatchObject({ state: 'parked', attempts: 1, last_error: expect.stringContaining('no connection') });

    let calls = 0;
    port = async () =>
      ({
        fetchOrder: async () => {
          calls++;
          throw new PlatformError('bigcommerce', 503, 'Service Unavailable', true);
        },
      }) as unknown as PlatformClient;
    const [c] = await intake.acceptNormalized(store, 'bigcommerce', [{ deliveryId: 'park-c', topic: 'store/order/updated', event: { kind: 'order_ref', externalId: '78' } }]);
    // A transient failure waits out its backoff: the next round does not take it.
    const patient = projector({ backoffMs: 60_000, maxAttempts: 3 });
    expect(await patient.round()).toMatchObject({ claimed: 1, retried: 1 });
    expect(await stateOf(c!.eventId)).toMatchObject({ state: 'pending', attempts: 1, last_error: 'Service Unavailable' });
    expect((await patient.round()).claimed).toBe(0);
    await sql(`update inbox_event set next_attempt_at = now() where id = ?`, [c!.eventId]);
    // Without backoff, it is tried until its third attempt, then parked with the last error.
    await projector({ maxAttempts: 3 }).drain();
    expect(calls).toBe(3);
    expect(await stateOf(c!.eventId)).toMatchObject({ state: 'parked', attempts: 3, last_error: 'failed 3 times; last error: Service Unavailable' });
    const list = await intake.deadLetters(store);
    expect(list.total).toBe(3);
    expect(list.items.map((i) => i.deliveryId).sort()).toEqual(['park-a', 'park-b', 'park-c']);
    expect((await intake.deadLetters(other)).total).toBe(0);
  });

  it('a retried dead letter gets a fresh set of attempts and projects once the cause is fixed', async () => {
    const [ref] = await intake.acceptNormalized(store, 'bigcommerce', [{ deliveryId: 'retry-1', topic: 'order', event: { kind: 'order_ref', externalId: '99' } }]);
    port = async () => null;
    await projector().drain();
    expect((await stateOf(ref!.eventId)).state).toBe('parked');
    await expect(intake.retry(other, ref!.eventId)).rejects.toMatchObject({ code: 'not_found' });
    port = async () => ({ fetchOrder: async (id: string) => normalized({ externalId: `bc-${id}` }) }) as unknown as PlatformClient;
    expect(await intake.retry(store, ref!.eventId)).toMatchObject({ state: 'pending', attempts: 0 });
    await projector().drain();
    expect(await stateOf(ref!.eventId)).toMatchObject({ state: 'projected', attempts: 1, last_error: null });
    expect(await sql(`select status from store_order where store_id = ? and external_id = 'bc-99'`, [store])).toEqual([{ status: 'completed' }]);
    await expect(intake.retry(store, ref!.eventId)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a round that dies before its commit changes nothing; the next projector projects each event once', async () => {
    const before = delivered.length;
    const accepted = await intake.acceptNormalized(
      store,
      'custom',
      [1, 2, 3, 4].map((i) => ({ deliveryId: `crash-${i}`, topic: 'order', event: { kind: 'order' as const, order: normalized({ externalId: `crash-${i}`, customer: { ...normalized().customer, email: `crash${i}@example.com` } }) } })),
    );
    let n = 0;
    const dying = projector({}, async () => {
      if (++n === 3) throw new Error('killed mid-round');
    });
    await expect(dying.round()).rejects.toThrow('killed mid-round');
    for (const a of accepted) expect(await stateOf(a.eventId)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await sql(`select 1 from store_order where store_id = ? and external_id like 'crash-%'`, [store])).toEqual([]);
    expect(delivered.length).toBe(before);

    const result = await projector().drain();
    expect(result).toMatchObject({ claimed: 4, projected: 4 });
    expect(await sql(`select count(*)::int as n from store_order where store_id = ? and external_id like 'crash-%'`, [store])).toEqual([{ n: 4 }]);
  });

  it('projects a round of orders sharing products in one transaction: a failing event among them is parked alone, each product holds its newest data, each SKU counts each order once', async () => {
    const shop = await seedRow(orm.em.fork(), 'store');
    const line = (name: string, sku = 'MUG-1') => ({ ...normalized().lineItems[0]!, name, sku });
    const order = (n: number, minutes: number, name: string, email = `round-${n}@example.com`) =>
      normalized({ externalId: `round-${n}`, updatedAt: at(minutes), createdAt: at(minutes), lineItems: [line(name)], customer: { ...normalized().customer, email } });
    const events = [
      order(1, 3, 'Mug (newest)'),
      order(2, 1, 'Mug (old)'),
      // No email: can never be projected; the round starts again without it and parks it.
      order(3, 2, 'Mug (unprojectable)', null as unknown as string),
      order(4, 2, 'Mug (middle)'),
    ];
    const accepted = await intake.acceptNormalized(
      shop,
      'shopify',
      events.map((o, i) => ({ deliveryId: `round-${i}`, topic: 'orders/create', event: { kind: 'order' as const, order: o } })),
    );
    const seen: string[] = [];
    expect(await projector({ batch: 10 }, async (e) => void seen.push(e.id)).round()).toMatchObject({ claimed: 4, projected: 3, parked: 1 });
    // The failing event cost the round one more try (the two before it, then all four with its failure recorded);
    // the others were committed once, together.
    expect(seen.length).toBe(2 + 4);
    expect(await stateOf(accepted[2]!.eventId)).toMatchObject({ state: 'parked', attempts: 1, last_error: 'order round-3 has no customer email' });
    for (const i of [0, 1, 3]) expect(await stateOf(accepted[i]!.eventId)).toMatchObject({ state: 'projected', attempts: 1 });
    expect(await sql(`select external_id from store_order where store_id = ? order by external_id`, [shop])).toEqual(
      ['round-1', 'round-2', 'round-4'].map((external_id) => ({ external_id })),
    );
    expect(await sql(`select name from product where store_id = ?`, [shop])).toEqual([{ name: 'Mug (newest)' }]);
    expect(await sql(`select name from product_variant where store_id = ?`, [shop])).toEqual([{ name: 'Mug (newest)' }]);
    expect(await sql(`select sku, name, orders from store_product where store_id = ?`, [shop])).toEqual([{ sku: 'MUG-1', name: 'Mug (newest)', orders: 3 }]);
  });
});
