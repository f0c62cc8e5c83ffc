import { readFileSync } from 'node:fs';
import { BIGCOMMERCE_STATUS, mapBigcommerceOrder } from './bigcommerce-order.mapper.js';

const json = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as unknown;
const CP = 'https://store-abc123.mybigcommerce.com';

describe('mapBigcommerceOrder', () => {
  it('maps the documented order with its products, shipping address and shipments', () => {
    const order = mapBigcommerceOrder(
      {
        order: json('order.json'),
        products: json('order-products.json') as unknown[],
        shippingAddresses: json('order-shipping-addresses.json') as unknown[],
        shipments: json('order-shipments.json') as unknown[],
      },
      CP,
    );
    expect(order).toEqual({
      externalId: '218',
      number: '218',
      adminUrl: 'https://store-abc123.mybigcommerce.com/manage/orders/218',
      status: 'pending',
      currency: 'USD',
      subtotalMinor: 6268,
      // discount_amount 5.00 + coupon_discount 5.00: 67.84 + 12.00 − 10.00 = 69.84
      discountMinor: 1000,
      shippingMinor: 1109,
      taxMinor: 531,
      totalMinor: 6984,
      // RFC 2822 with its zone: "Tue, 05 Mar 2019 21:40:11 +0000"
      createdAt: '2019-03-05T21:40:11.000Z',
      updatedAt: '2019-03-11T15:17:25.000Z',
      customer: {
        email: 'janedoe@example.com',
        externalId: '11',
        firstName: 'Jane',
        lastName: 'Doe',
        phone: '1234567890',
        company: null,
        group: null,
        registered: true,
        optedIn: false,
        note: null,
      },
      billingAddress: {
        name: 'Jane Doe',
        company: null,
        line1: '555 East Street',
        line2: null,
        city: 'Austin',
        region: 'Texas',
        postalCode: '78108',
        country: 'US',
        phone: '1234567890',
      },
      shippingAddress: {
        name: 'Trishy Smith',
        company: 'Acme Pty Ltd',
        line1: '666 Sussex St',
        line2: null,
        city: 'San Antonio',
        region: 'Texas',
        postalCode: '78251',
        country: 'US',
        phone: null,
      },
      // The bundled child line (Able Brewing System, price 0, parent 65) is part of its parent.
      lineItems: [
        {
          externalId: '65',
          sku: 'S-ORAN',
          productId: '77',
          variantId: null,
          name: 'Fog Linen Chambray Towel - Beige Stripe',
          quantity: 1,
          priceMinor: 5599,
          productUrl: null,
          imageUrl: null,
          category: null,
          tags: [],
          manufacturer: 'BigCommerce',
        },
      ],
      trackingNumbers: [
        { carrier: 'usps', number: 'EJ958083578US', url: null },
        { carrier: 'usps', number: 'EJ958083578UK', url: null },
      ],
    });
  });

  it('maps a guest order (customer_id 0) with a custom product without SKU', () => {
    const order = mapBigcommerceOrder(
      { order: json('order.guest.json'), products: json('order-products.guest-no-sku.json') as unknown[], shippingAddresses: [], shipments: [] },
      null,
    );
    expect(order).toMatchObject({ externalId: '219', status: 'completed', adminUrl: null, shippingAddress: null, customer: { externalId: null, registered: false } });
    expect(order.lineItems).toEqual([expect.objectContaining({ sku: null, productId: null, variantId: null, name: 'Custom engraving', manufacturer: null })]);
  });

  it('maps the order recorded by the official Ruby SDK (blank billing names, legacy fields)', () => {
    const [raw] = json('orders.ruby-sdk.json') as unknown[];
    const order = mapBigcommerceOrder({ order: raw, products: [], shippingAddresses: [], shipments: [] }, CP);
    expect(order).toMatchObject({
      externalId: '100',
      status: 'processing',
      totalMinor: 15895,
      createdAt: '2013-03-24T23:07:53.000Z',
      customer: { email: 'test.customer@foobar.xyz.com', firstName: null, lastName: null, optedIn: null },
      billingAddress: { name: null, region: 'Florida', postalCode: '94041', country: 'US' },
    });
  });

  it('treats an archived order as cancelled whatever its status id', () => {
    const order = { ...(json('order.json') as object), is_deleted: true, status_id: 10 };
    expect(mapBigcommerceOrder({ order, products: [], shippingAddresses: [], shipments: [] }, null).status).toBe('cancelled');
  });

  it.each([
    [{ date_created: '2019-03-05' }, /date_created: must be an RFC 2822 date/],
    [{ status_id: '7' }, /status_id: must be a number/],
    [{ currency_code: 'ABC', default_currency_code: 'ABC' }, /currency_code: ABC is not an ISO 4217 currency/],
    [{ total_inc_tax: 'free' }, /total_inc_tax/],
  ])('refuses %j naming the field', (change, message) => {
    const order = { ...(json('order.json') as object), ...change };
    expect(() => mapBigcommerceOrder({ order, products: [], shippingAddresses: [], shipments: [] }, null)).toThrow(message);
  });
});

describe('BIGCOMMERCE_STATUS', () => {
  it('maps every documented status id (0–14)', () => {
    expect(Object.keys(BIGCOMMERCE_STATUS).map(Number).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect([2, 3].map((id) => BIGCOMMERCE_STATUS[id])).toEqual(['shipped', 'shipped']);
    expect([10, 14].map((id) => BIGCOMMERCE_STATUS[id])).toEqual(['completed', 'completed']);
    expect([5, 6].map((id) => BIGCOMMERCE_STATUS[id])).toEqual(['cancelled', 'cancelled']);
    expect(BIGCOMMERCE_STATUS[4]).toBe('refunded');
    expect([0, 1, 7, 12].map((id) => BIGCOMMERCE_STATUS[id])).toEqual(['pending', 'pending', 'pending', 'pending']);
  });
});
