/**
 * Seed data for the fake Shopify Admin API, shaped like Shopify's REST resources (https://shopify.dev/docs/api/admin-rest,
 * the documented sample order of the `orders/*` webhooks). Ids are bigints beyond 2^53, as Shopify's are, and are
 * written as JSON numbers by `shopifyJson`.
 */

/** JSON as Shopify writes it: bigint ids as bare numbers with every digit (Node's JSON.rawJSON). */
export function shopifyJson(value: unknown): string {
  const raw = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? raw(v.toString()) : v));
}

export interface FakeShopifyVariant {
  id: bigint;
  product_id: bigint;
  title: string;
  price: string;
  sku: string | null;
}

export interface FakeShopifyProduct {
  id: bigint;
  title: string;
  vendor: string;
  product_type: string;
  tags: string;
  variants: FakeShopifyVariant[];
}

/** An order resource; the fields the adapter reads plus a few more Shopify always sends. */
export type FakeShopifyOrder = Record<string, unknown> & { id: bigint; created_at: string; cancelled_at: string | null; closed_at: string | null };

/** Above 2^53 (9007199254740992), like the ids in Shopify's own samples. */
const ORDER_BASE = 820982911946154508n;
const CUSTOMER_BASE = 115310627314723954n;
const PRODUCT_BASE = 9554194432293000n * 1000n;
const LINE_BASE = 866550311766439020n;

const FINANCIAL = ['paid', 'pending', 'authorized', 'paid', 'refunded', 'partially_refunded', 'voided', 'paid'] as const;

export function fakeProducts(count: number, variantsPerProduct: (index: number) => number): FakeShopifyProduct[] {
  return Array.from({ length: count }, (_, i) => {
    const id = PRODUCT_BASE + BigInt(i) * 1000n;
    return {
      id,
      title: `Product ${i + 1}`,
      vendor: i % 2 === 0 ? 'Acme' : 'Globex',
      product_type: i % 3 === 0 ? 'Shirts' : 'Mugs',
      tags: i % 4 === 0 ? 'sale, new' : '',
      variants: Array.from({ length: variantsPerProduct(i) }, (_, v) => ({
        id: id + BigInt(v + 1),
        product_id: id,
        title: `Variant ${v + 1}`,
        price: `${(10 + (i % 7) * 5 + v).toFixed(0)}.${(v * 25) % 100 === 0 ? '00' : String((v * 25) % 100).padStart(2, '0')}`,
        sku: (i + v) % 5 === 0 ? null : `SKU-${i + 1}-${v + 1}`,
      })),
    };
  });
}

const money = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

/**
 * The `index`-th seeded order (0 = oldest): created one minute after the previous from `start`; a guest checkout
 * every 7th, a SKU-less line every 5th, financial and fulfillment states cycling through Shopify's values.
 */
/** The `index`-th seeded order; its buyer is one of `buyers` (a store's repeat customers: each buys every `buyers` orders). */
export function fakeOrder(index: number, products: FakeShopifyProduct[], start = Date.UTC(2025, 0, 1), buyers = 50): FakeShopifyOrder {
  const id = ORDER_BASE + BigInt(index) * 7919n;
  const created = new Date(start + index * 60_000);
  const financial = FINANCIAL[index % FINANCIAL.length]!;
  const fulfilled = financial === 'paid' && index % 3 === 0;
  const cancelled = financial === 'voided';
  const lineCount = 1 + (index % 3);
  const lines = Array.from({ length: lineCount }, (_, l) => {
    const product = products.length > 0 ? products[(index + l) % products.length]! : null;
    const variant = product?.variants[l % product.variants.length] ?? null;
    const price = variant?.price ?? `${(19 + l).toFixed(0)}.99`;
    return {
      id: LINE_BASE + BigInt(index) * 10n + BigInt(l),
      admin_graphql_api_id: `gid://shopify/LineItem/${LINE_BASE + BigInt(index) * 10n + BigInt(l)}`,
      product_id: product?.id ?? null,
      variant_id: variant?.id ?? null,
      title: product?.title ?? `Item ${l + 1}`,
      name: product ? `${product.title} - ${variant?.title ?? ''}` : `Item ${l + 1}`,
      variant_title: variant?.title ?? null,
      vendor: product?.vendor ?? null,
      sku: index % 5 === 0 && l === 0 ? null : (variant?.sku ?? `LINE-${index}-${l}`),
      quantity: 1 + ((index + l) % 2),
      price,
      price_set: money(price, 'USD'),
      fulfillment_status: fulfilled ? 'fulfilled' : null,
      requires_shipping: true,
      taxable: true,
      gift_card: false,
      properties: [],
      tax_lines: [],
      discount_allocations: [],
    };
  });
  const subtotalCents = lines.reduce((sum, l) => sum + Math.round(Number(l.price) * 100) * l.quantity, 0);
  const shippingCents = index % 4 === 0 ? 0 : 500;
  const taxCents = Math.round(subtotalCents * 0.06);
  const cents = (c: number) => (c / 100).toFixed(2);
  const guest = index % 7 === 0;
  const email = `buyer${index % buyers}@example.com`;
  const address = {
    first_name: 'Bob',
    last_name: `Buyer${index % buyers}`,
    name: `Bob Buyer${index % buyers}`,
    address1: `${index + 1} Chestnut Street`,
    address2: null,
    city: 'Louisville',
    province: 'Kentucky',
    province_code: 'KY',
    zip: '40202',
    country: 'United States',
    country_code: 'US',
    phone: '555-625-1199',
    company: null,
  };
  const iso = created.toISOString().replace('.000Z', '-00:00');
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${1001 + index}`,
    order_number: 1001 + index,
    number: 1 + index,
    email: guest ? '' : email,
    contact_email: email,
    phone: null,
    created_at: iso,
    updated_at: iso,
    processed_at: iso,
    closed_at: fulfilled && index % 2 === 0 ? iso : null,
    cancelled_at: cancelled ? iso : null,
    cancel_reason: cancelled ? 'customer' : null,
    financial_status: financial,
    fulfillment_status: fulfilled ? 'fulfilled' : null,
    currency: 'USD',
    presentment_currency: 'USD',
    buyer_accepts_marketing: index % 2 === 0,
    subtotal_price: cents(subtotalCents),
    total_discounts: '0.00',
    total_tax: cents(taxCents),
    total_price: cents(subtotalCents + shippingCents + taxCents),
    total_shipping_price_set: money(cents(shippingCents), 'USD'),
    total_price_set: money(cents(subtotalCents + shippingCents + taxCents), 'USD'),
    test: false,
    tags: '',
    line_items: lines,
    shipping_lines: [{ id: id + 1n, title: 'Standard', price: cents(shippingCents), code: 'Standard', source: 'shopify' }],
    billing_address: address,
    shipping_address: address,
    fulfillments: fulfilled
      ? [{ id: id + 2n, order_id: id, status: 'success', tracking_company: 'UPS', tracking_number: `1Z${index}`, tracking_numbers: [`1Z${index}`], tracking_urls: [`https://www.ups.com/track?tracknum=1Z${index}`] }]
      : [],
    refunds: [],
    customer: guest
      ? undefined
      : {
          id: CUSTOMER_BASE + BigInt(index % buyers),
          email,
          first_name: 'Bob',
          last_name: `Buyer${index % buyers}`,
          state: index % 3 === 0 ? 'enabled' : 'disabled',
          tags: index % 10 === 0 ? 'VIP' : '',
          note: null,
          phone: null,
          email_marketing_consent: { state: index % 2 === 0 ? 'subscribed' : 'not_subscribed', opt_in_level: 'single_opt_in', consent_updated_at: null },
          created_at: iso,
          updated_at: iso,
        },
  };
}
