import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { DomainError, type NormalizedEvent, type NormalizedOrder } from '@boomerang/domain';
import type { ReceivedWebhook } from '../platform.port.js';
import { shopifyAdapter } from './shopify.adapter.js';
import { parseShopifyJson } from './shopify-json.js';

const SECRET = 'shpss_app_secret_key';
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}.json`, import.meta.url));
const sign = (body: Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('base64');

function legacy(topic: string, body: Buffer, extra: Record<string, string> = {}): ReceivedWebhook {
  return {
    rawBody: body,
    headers: {
      'x-shopify-hmac-sha256': sign(body),
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
      'x-shopify-shop-domain': 'example.myshopify.com',
      ...extra,
    },
  };
}

function events(topic: string, body: Buffer): ReceivedWebhook {
  return {
    rawBody: body,
    headers: {
      'shopify-hmac-sha256': sign(body),
      'shopify-topic': topic,
      'shopify-webhook-id': 'c2a9e9a0-1b7e-4a0f-9d0a-0b7f3f0e2a11',
      'shopify-event-id': '5f0c1b8e-8e3b-4d2c-9d6e-3c1c2d4e5f60',
    },
  };
}

const without = (webhook: ReceivedWebhook, name: string): ReceivedWebhook => ({
  rawBody: webhook.rawBody,
  headers: Object.fromEntries(Object.entries(webhook.headers).filter(([key]) => key !== name)),
});

const ADMIN = 'https://admin.shopify.com/store/example';
const normalize = (topic: string, name: string): NormalizedEvent =>
  shopifyAdapter.normalize(topic, parseShopifyJson(fixture(name)), { adminBaseUrl: ADMIN });
const order = (topic: string, name: string): NormalizedOrder => {
  const event = normalize(topic, name);
  if (event.kind !== 'order') throw new Error(`expected an order, got ${event.kind}`);
  return event.order;
};
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`;
  }
  return undefined;
};

describe('shopifyAdapter.verify', () => {
  const body = fixture('orders-create');

  it('accepts the X-Shopify-* family and the Shopify-* family, and both together', () => {
    expect(() => shopifyAdapter.verify(legacy('orders/create', body), SECRET)).not.toThrow();
    expect(() => shopifyAdapter.verify(events('orders/create', body), SECRET)).not.toThrow();
    const both = legacy('orders/create', body, { 'shopify-hmac-sha256': sign(body) });
    expect(() => shopifyAdapter.verify(both, SECRET)).not.toThrow();
  });

  it('refuses one changed byte of the body', () => {
    const tampered = Buffer.from(body);
    tampered[10] = tampered[10]! ^ 1;
    const webhook = { ...legacy('orders/create', body), rawBody: tampered };
    expect(codeOf(() => shopifyAdapter.verify(webhook, SECRET))).toBe('invalid_signature');
    expect(codeOf(() => shopifyAdapter.verify({ ...events('orders/create', body), rawBody: tampered }, SECRET))).toBe('invalid_signature');
  });

  it('refuses a signature made with another secret, and a forged second header beside a genuine one', () => {
    expect(codeOf(() => shopifyAdapter.verify(legacy('orders/create', body), 'another-secret'))).toBe('invalid_signature');
    const forged = legacy('orders/create', body, { 'shopify-hmac-sha256': sign(body, 'another-secret') });
    expect(codeOf(() => shopifyAdapter.verify(forged, SECRET))).toBe('invalid_signature');
  });

  it('refuses a missing, empty or non-base64 signature header', () => {
    expect(codeOf(() => shopifyAdapter.verify(without(legacy('orders/create', body), 'x-shopify-hmac-sha256'), SECRET))).toBe('invalid_signature');
    expect(codeOf(() => shopifyAdapter.verify(legacy('orders/create', body, { 'x-shopify-hmac-sha256': '' }), SECRET))).toBe('invalid_signature');
    expect(codeOf(() => shopifyAdapter.verify(legacy('orders/create', body, { 'x-shopify-hmac-sha256': '%%%' }), SECRET))).toBe('invalid_signature');
    const hex = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(codeOf(() => shopifyAdapter.verify(legacy('orders/create', body, { 'x-shopify-hmac-sha256': hex }), SECRET))).toBe('invalid_signature');
  });
});

describe('shopifyAdapter.identify', () => {
  const body = fixture('orders-paid');

  it('takes the webhook id (not the event id) as delivery id, from either header family', () => {
    expect(shopifyAdapter.identify(legacy('orders/paid', body))).toEqual({ deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', topic: 'orders/paid' });
    expect(shopifyAdapter.identify(events('orders/paid', body))).toEqual({ deliveryId: 'c2a9e9a0-1b7e-4a0f-9d0a-0b7f3f0e2a11', topic: 'orders/paid' });
  });

  it('gives two topics of one event (same event id) two delivery ids', () => {
    const paid = legacy('orders/paid', body, { 'x-shopify-webhook-id': 'hook-1' });
    const updated = legacy('orders/updated', body, { 'x-shopify-webhook-id': 'hook-2' });
    expect(shopifyAdapter.identify(paid).deliveryId).not.toBe(shopifyAdapter.identify(updated).deliveryId);
  });

  it('refuses a webhook without its webhook id or topic, naming the header', () => {
    expect(() => shopifyAdapter.identify(without(legacy('orders/paid', body), 'x-shopify-webhook-id'))).toThrow(/X-Shopify-Webhook-Id/);
    expect(() => shopifyAdapter.identify(without(legacy('orders/paid', body), 'x-shopify-topic'))).toThrow(/X-Shopify-Topic/);
    expect(() => shopifyAdapter.identify(legacy('orders/paid', body, { 'x-shopify-topic': 'orders/paid; drop table' }))).toThrow(/X-Shopify-Topic: is not a Shopify topic/);
    expect(() => shopifyAdapter.identify(legacy('orders/paid', body, { 'x-shopify-webhook-id': 'x'.repeat(201) }))).toThrow(/X-Shopify-Webhook-Id: is too long/);
  });
});

describe('parseShopifyJson', () => {
  // The reference: the reviver parseShopifyJson used before (Node 24's source text access), slower but obviously right.
  const reference = (text: string) =>
    JSON.parse(text, ((key: string, value: unknown, context?: { source?: string }) => {
      if (typeof value !== 'number' || !/^-?\d+$/.test(context?.source ?? '')) return value;
      return key === 'id' || key.endsWith('_id') || !Number.isSafeInteger(value) ? context!.source : value;
    }) as (key: string, value: unknown) => unknown);

  it('keeps ids beyond 2^53 exact, as strings, where JSON.parse rounds them', () => {
    const raw = '{"id":9007199254740993,"order_id":820982911946154508,"line_items":[{"id":18446744073709551615,"quantity":2}],"total":12}';
    expect((JSON.parse(raw) as { id: number }).id).toBe(9007199254740992);
    expect(parseShopifyJson(raw)).toEqual({
      id: '9007199254740993',
      order_id: '820982911946154508',
      line_items: [{ id: '18446744073709551615', quantity: 2 }],
      total: 12,
    });
  });

  it('reads every documented fixture and tricky literal as a JSON.parse reviver with source text access does', () => {
    const dir = new URL('./__fixtures__/', import.meta.url);
    const texts = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(new URL(f, dir), 'utf8'));
    expect(texts.length).toBeGreaterThan(5);
    texts.push(
      // Long digit runs inside strings, escaped quotes before them, long literals after `[`, `,` and `:` with spaces.
      '{"note":"call 12345678901234567890 \\\\\\"id\\": 98765432109876543210","list":[ 12345678901234567890 ,-98765432109876543210],"id" :  18446744073709551615}',
      // Safe 16-digit literals stay numbers off id keys; fractions and exponents of long literals stay numbers.
      '{"grams":1000000000000000,"rate":12345678901234567.5,"big":12345678901234567e2,"order_id":1000000000000000,"x_id":-7,"ok":[1,2,3]}',
      '[{"id":1},{"id":"already text"},{"customer_id":null}]',
    );
    for (const text of texts) expect(parseShopifyJson(text)).toEqual(reference(text));
  });

  it('agrees with the reviver on 2,000 generated documents: long literals and digit runs in strings, escapes, nesting', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)]!;
    const digits = (n: number) => String(1 + Math.floor(random() * 9)) + Array.from({ length: n - 1 }, () => Math.floor(random() * 10)).join('');
    const literal = () => pick([digits(3), digits(15), digits(16), digits(18), digits(20), `-${digits(19)}`, `${digits(17)}.5`, `${digits(17)}e3`, '0', 'null', 'true']);
    const text = () => pick(['', 'a', ': ', ', [', '\\"', '\\\\', 'x\\\\\\"y: ']) + pick(['', digits(20), `: ${digits(19)}`, `,${digits(17)}`]);
    const value = (depth: number): string => {
      const kind = depth > 3 ? 0 : Math.floor(random() * 4);
      if (kind === 0) return random() < 0.5 ? literal() : `"${text()}"`;
      if (kind === 1) return `[${Array.from({ length: Math.floor(random() * 4) }, () => `${pick(['', ' ', '\n  '])}${value(depth + 1)}`).join(',')}]`;
      const keys = ['id', 'order_id', 'total', 'note', 'a\\"b', 'c\\\\'];
      return `{${Array.from({ length: Math.floor(random() * 4) }, () => `"${pick(keys)}"${pick(['', ' '])}:${pick(['', ' ', '  '])}${value(depth + 1)}`).join(',')}}`;
    };
    for (let i = 0; i < 2_000; i++) {
      const doc = value(0);
      expect({ doc, parsed: parseShopifyJson(doc) }).toEqual({ doc, parsed: reference(doc) });
    }
  });

  it('leaves invalid JSON invalid: a leading zero on a long literal, a cut-off body', () => {
    expect(codeOf(() => parseShopifyJson('{"id":00012345678901234567}'))).toBe('malformed_json');
    expect(codeOf(() => parseShopifyJson('{"id":12345678901234567'))).toBe('malformed_json');
    expect(codeOf(() => parseShopifyJson('{"id":"12345678901234567}'))).toBe('malformed_json');
  });

  it('makes small ids strings too, leaves other numbers alone, and refuses broken JSON as malformed_json', () => {
    expect(parseShopifyJson(Buffer.from('{"id":1,"number":234,"rate":0.06,"customer_id":null}'))).toEqual({ id: '1', number: 234, rate: 0.06, customer_id: null });
    expect(codeOf(() => parseShopifyJson('{"id":'))).toBe('malformed_json');
  });
});

describe('shopifyAdapter.normalize', () => {
  it('parses the stored text itself, so an order id beyond 2^53 arrives exact from the intake', () => {
    const raw = fixture('orders-create').toString().replace('"id": 450789469,', '"id": 9007199254740993,');
    expect(raw).toContain('9007199254740993');
    const event = shopifyAdapter.normalize('orders/create', raw, { adminBaseUrl: ADMIN });
    expect(event.kind === 'order' && event.order.externalId).toBe('9007199254740993');
  });

  it('orders/create (SDK fixture): authorized and unfulfilled is pending, amounts in minor units, lines and tracking', () => {
    const o = order('orders/create', 'orders-create');
    expect(o).toMatchObject({
      externalId: '450789469',
      number: '#1001',
      adminUrl: `${ADMIN}/orders/450789469`,
      status: 'pending',
      currency: 'USD',
      subtotalMinor: 39800,
      discountMinor: 0,
      shippingMinor: 0,
      taxMinor: 1194,
      totalMinor: 40994,
      createdAt: '2008-01-10T16:00:00.000Z',
      updatedAt: '2008-01-10T16:00:00.000Z',
    });
    expect(o.customer).toEqual({
      email: 'bob.norman@hostmail.com',
      externalId: '207119551',
      firstName: 'Bob',
      lastName: 'Norman',
      phone: null,
      company: null,
      group: null,
      registered: false,
      optedIn: false,
      note: null,
    });
    expect(o.lineItems.map((l) => [l.externalId, l.sku, l.productId, l.variantId, l.name, l.quantity, l.priceMinor])).toEqual([
      ['466157049', 'IPOD2008GREEN', '632910392', '39072856', 'IPod Nano - 8gb - green', 1, 19900],
      ['518995019', 'IPOD2008RED', '632910392', '49148385', 'IPod Nano - 8gb - red', 1, 19900],
      ['703073504', 'IPOD2008BLACK', '632910392', '457924702', 'IPod Nano - 8gb - black', 1, 19900],
    ]);
    expect(o.billingAddress).toEqual({
      name: 'Bob Norman',
      company: null,
      line1: 'Chestnut Street 92',
      line2: null,
      city: 'Louisville',
      region: 'KY',
      postalCode: '40202',
      country: 'US',
      phone: '555-625-1199',
    });
    expect(o.trackingNumbers).toEqual([{ carrier: null, number: '1Z2345', url: expect.stringContaining('InquiryNumber1=1Z2345') }]);
  });

  it('orders/paid is processing, orders/fulfilled is shipped with its carrier; status follows the body, not the topic', () => {
    expect(order('orders/paid', 'orders-paid')).toMatchObject({ status: 'processing', updatedAt: '2008-01-10T16:05:00.000Z' });
    const fulfilled = order('orders/fulfilled', 'orders-fulfilled');
    expect(fulfilled.status).toBe('shipped');
    expect(fulfilled.trackingNumbers[0]).toMatchObject({ carrier: 'UPS', number: '1Z2345' });
    expect(order('orders/updated', 'orders-fulfilled').status).toBe('shipped');
  });

  it('orders/cancelled (documented sample): cancelled, ids beyond 2^53 exact, shipping from the price set', () => {
    const o = order('orders/cancelled', 'orders-cancelled');
    expect(o).toMatchObject({
      externalId: '820982911946154508',
      number: '#9999',
      status: 'cancelled',
      subtotalMinor: 39300,
      discountMinor: 500,
      shippingMinor: 1000,
      taxMinor: 0,
      totalMinor: 40300,
      createdAt: '2019-06-04T17:53:06.000Z',
    });
    expect(o.lineItems.map((l) => l.externalId)).toEqual(['866550311766439020', '141249953214522974']);
    expect(o.customer).toMatchObject({ externalId: '115310627314723954', email: 'john@test.com', registered: false, optedIn: false });
    expect(o.shippingAddress).toMatchObject({ name: 'Steve Shipper', company: 'Shipping Company', region: 'KY', country: 'US' });
  });

  it('a guest checkout: no customer object, email from contact_email, SKU-less lines, zone-less dates as UTC', () => {
    const o = order('orders/updated', 'orders-updated-guest');
    expect(o.externalId).toBe('9007199254740993');
    expect(o.status).toBe('processing');
    expect(o.customer).toEqual({
      email: 'guest.buyer@example.com',
      externalId: null,
      firstName: 'Bob',
      lastName: 'Biller',
      phone: '555-555-BILL',
      company: 'My Company',
      group: null,
      registered: false,
      optedIn: true,
      note: null,
    });
    expect(o.lineItems.map((l) => [l.externalId, l.sku])).toEqual([
      ['866550311766439020', null],
      ['18446744073709551615', null],
    ]);
    expect([o.createdAt, o.updatedAt]).toEqual(['2019-06-04T17:53:06.000Z', '2019-06-04T18:10:00.000Z']);
  });

  it('refunds/create points at its order, which the projector fetches (its financial_status then says refunded)', () => {
    expect(normalize('refunds/create', 'refunds-create')).toEqual({ kind: 'order_ref', externalId: '450789469' });
  });

  it('customers/create and customers/update are customers, with opt-in, account and tags', () => {
    expect(normalize('customers/create', 'customers-create')).toEqual({
      kind: 'customer',
      updatedAt: '2022-01-01T00:00:00.000Z',
      customer: {
        email: 'bob@biller.com',
        externalId: '706405506930370084',
        firstName: 'Bob',
        lastName: 'Biller',
        phone: null,
        company: null,
        group: null,
        registered: false,
        optedIn: null,
        note: 'This customer loves ice cream',
      },
    });
    expect(normalize('customers/update', 'customers-update')).toMatchObject({
      kind: 'customer',
      updatedAt: '2022-01-05T10:00:00.000Z',
      customer: { registered: true, optedIn: true, group: 'VIP, wholesale', phone: '+16135551212' },
    });
  });

  it('privacy topics are recorded with the customer email and the whole payload', () => {
    const request = normalize('customers/data_request', 'customers-data_request');
    expect(request).toMatchObject({ kind: 'privacy', topic: 'customers/data_request', customerEmail: 'john@example.com' });
    expect(request.kind === 'privacy' && request.payload).toMatchObject({ shop_id: '954889', orders_requested: [299938, 280263, 220458] });
    expect(normalize('customers/redact', 'customers-redact')).toMatchObject({ kind: 'privacy', topic: 'customers/redact', customerEmail: 'john@example.com' });
    expect(normalize('shop/redact', 'shop-redact')).toMatchObject({ kind: 'privacy', topic: 'shop/redact', customerEmail: null });
  });

  it('any other topic is ignored', () => {
    expect(normalize('products/update', 'products-update')).toEqual({ kind: 'ignored', reason: 'topic products/update is not used' });
    expect(shopifyAdapter.normalize(null, {}, { adminBaseUrl: null }).kind).toBe('ignored');
  });

  it('refuses a body parsed with plain JSON.parse whose ids lost digits, rather than store a rounded id', () => {
    const rounded = JSON.parse(fixture('orders-cancelled').toString('utf8')) as unknown;
    expect(() => shopifyAdapter.normalize('orders/cancelled', rounded, { adminBaseUrl: null })).toThrow(/id: lost digits beyond 2\^53/);
    const line = JSON.parse('{"id":1,"currency":"USD","created_at":"2024-01-01T00:00:00Z","line_items":[{"id":866550311766439020,"price":"1.00"}]}') as unknown;
    expect(() => shopifyAdapter.normalize('orders/create', line, { adminBaseUrl: null })).toThrow(/line_items\[0\]\.id: lost digits/);
  });

  it('refuses an order it can never project, naming the field', () => {
    const body = parseShopifyJson(fixture('orders-create')) as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>) => () => shopifyAdapter.normalize('orders/create', { ...body, ...patch }, { adminBaseUrl: null });
    expect(bad({ id: undefined })).toThrow(/id/);
    expect(bad({ currency: 'XYZ' })).toThrow(/currency/);
    expect(bad({ total_price: '-1.00' })).toThrow(/total_price/);
    expect(bad({ created_at: 'yesterday' })).toThrow(/created_at/);
    expect(codeOf(() => shopifyAdapter.normalize('orders/create', [], { adminBaseUrl: null }))).toBe('validation_failed');
  });
});
