import { readFileSync } from 'node:fs';
import { mapWooOrder, mapWooStatus, WOO_STATUS } from './woocommerce-order.mapper.js';

const json = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('mapWooOrder', () => {
  it('maps the documented guest order exactly', () => {
    expect(mapWooOrder(json('order-created.guest.json'), 'https://shop.example.com')).toEqual({
      externalId: '727',
      number: '727',
      adminUrl: 'https://shop.example.com/wp-admin/admin.php?page=wc-orders&action=edit&id=727',
      status: 'processing',
      currency: 'USD',
      subtotalMinor: 1800,
      discountMinor: 0,
      shippingMinor: 1000,
      taxMinor: 135,
      totalMinor: 2935,
      // date_created_gmt "2017-03-22T19:28:02" has no zone and is UTC; date_created "…16:28:02" is site-local.
      createdAt: '2017-03-22T19:28:02.000Z',
      updatedAt: '2017-03-22T19:28:08.000Z',
      customer: {
        email: 'john.doe@example.com',
        externalId: null,
        firstName: 'John',
        lastName: 'Doe',
        phone: '(555) 555-5555',
        company: null,
        group: null,
        registered: false,
        optedIn: null,
        note: null,
      },
      billingAddress: {
        name: 'John Doe',
        company: null,
        line1: '969 Market',
        line2: null,
        city: 'San Francisco',
        region: 'CA',
        postalCode: '94103',
        country: 'US',
        phone: '(555) 555-5555',
      },
      shippingAddress: {
        name: 'John Doe',
        company: null,
        line1: '969 Market',
        line2: null,
        city: 'San Francisco',
        region: 'CA',
        postalCode: '94103',
        country: 'US',
        phone: null,
      },
      lineItems: [
        {
          externalId: '315',
          sku: null,
          productId: '93',
          variantId: null,
          name: 'Woo Single #1',
          quantity: 2,
          priceMinor: 300,
          productUrl: null,
          imageUrl: null,
          category: null,
          tags: [],
          manufacturer: null,
        },
        {
          externalId: '316',
          sku: 'Bar3',
          productId: '22',
          variantId: '23',
          name: 'Ship Your Idea &ndash; Color: Black, Size: M Test',
          quantity: 1,
          priceMinor: 1200,
          productUrl: null,
          imageUrl: null,
          category: null,
          tags: [],
          manufacturer: null,
        },
      ],
      trackingNumbers: [],
    });
  });

  it('maps a registered customer, lines without SKU, and finds the admin link from the payload when none is given', () => {
    const order = mapWooOrder((json('orders.list.json') as unknown as unknown[])[1], null);
    expect(order).toMatchObject({
      externalId: '723',
      status: 'completed',
      adminUrl: 'https://example.com/wp-admin/admin.php?page=wc-orders&action=edit&id=723',
      customer: { externalId: '26', registered: true, email: 'joao.silva@example.com', firstName: 'João' },
      totalMinor: 3900,
    });
    expect(order.lineItems.map((l) => l.sku)).toEqual([null, null]);
  });

  it('keeps the email as the customer’s identity: trimmed and lowercased', () => {
    const base = json('order-created.guest.json');
    const order = mapWooOrder({ ...base, billing: { ...(base['billing'] as object), email: '  John.Doe@Example.COM ' } }, null);
    expect(order.customer.email).toBe('john.doe@example.com');
  });

  it('reads dates that carry a zone, and tracking numbers from the Shipment Tracking meta', () => {
    const order = mapWooOrder(json('order-updated.zoned-dates.json'), null);
    expect(order.createdAt).toBe('2017-03-22T19:28:02.000Z');
    expect(order.updatedAt).toBe('2017-03-22T19:30:00.000Z');
    expect(order.trackingNumbers).toEqual([{ carrier: 'usps', number: '9400111899223197428490', url: null }]);
  });

  it('uses a site-local date only when it names its zone', () => {
    const zoned = { ...json('order.local-dates-only.json'), date_created: '2017-03-22T16:28:02-03:00', date_modified: '2017-03-22T16:28:08-03:00' };
    expect(mapWooOrder(zoned, null)).toMatchObject({ createdAt: '2017-03-22T19:28:02.000Z', updatedAt: '2017-03-22T19:28:08.000Z' });
    expect(() => mapWooOrder(json('order.local-dates-only.json'), null)).toThrow(/date_created_gmt: is required/);
  });

  it('converts money strings exactly in the currency’s minor units', () => {
    const base = json('order-created.guest.json');
    const yen = mapWooOrder({ ...base, currency: 'JPY', total: '2935', shipping_total: '1000', total_tax: '135' }, null);
    expect(yen).toMatchObject({ currency: 'JPY', totalMinor: 2935, shippingMinor: 1000, subtotalMinor: 18 });
    const odd = mapWooOrder({ ...base, total: '1.005', total_tax: '0.3333' }, null);
    expect(odd).toMatchObject({ totalMinor: 101, taxMinor: 33 });
  });

  it.each([
    [{ total: '-1.00' }, /total: must be a non-negative decimal amount/],
    [{ currency: 'XYZ' }, /currency: XYZ is not an ISO 4217 currency/],
    [{ id: 2 ** 53 + 2 }, /id: must be a non-negative integer id/],
    [{ line_items: [{ name: 'x', quantity: -1 }] }, /line_items\[0\]\.quantity/],
    [{ date_created_gmt: '22/03/2017' }, /date_created_gmt: must be an ISO 8601 date-time/],
  ])('refuses %j naming the field', (change, message) => {
    expect(() => mapWooOrder({ ...json('order-created.guest.json'), ...change }, null)).toThrow(message);
  });
});

describe('mapWooStatus', () => {
  it.each([
    ['pending', 'pending'],
    ['on-hold', 'pending'],
    ['checkout-draft', 'pending'],
    ['processing', 'processing'],
    ['completed', 'completed'],
    ['cancelled', 'cancelled'],
    ['failed', 'cancelled'],
    ['trash', 'cancelled'],
    ['refunded', 'refunded'],
    ['wc-completed', 'completed'],
    ['awaiting-shipment-plugin', 'processing'],
  ])('%s → %s', (woo, ours) => {
    expect(mapWooStatus(woo)).toBe(ours);
  });

  it('covers every status the REST API documents', () => {
    for (const s of ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'trash', 'checkout-draft']) {
      expect(WOO_STATUS[s]).toBeDefined();
    }
  });
});
