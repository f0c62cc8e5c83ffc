import { readFileSync } from 'node:fs';
import { DomainError } from '@boomerang/domain';
import fc from 'fast-check';
import { bigcommerceAdapter } from './bigcommerce/bigcommerce.adapter.js';
import { mapBigcommerceOrder } from './bigcommerce/bigcommerce-order.mapper.js';
import type { PlatformAdapter, ReceivedWebhook } from './platform.port.js';
import { signWooBody, woocommerceAdapter } from './woocommerce/woocommerce.adapter.js';

/**
 * Whatever arrives (random bytes, a truncated body, a documented payload with one field replaced by any JSON value),
 * the WooCommerce and BigCommerce adapters either accept it or throw a DomainError naming the problem, which the
 * receiver answers with a 4xx: never a TypeError that would become a 5xx, never a parked event for the wrong reason.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const fixture = (platform: string, name: string) => readFileSync(new URL(`./${platform}/__fixtures__/${name}`, import.meta.url));

function onlyDomainErrors(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (err) {
    if (err instanceof DomainError) return true;
    throw err;
  }
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Every path to a value in a JSON document. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (typeof value === 'object' && value !== null) return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return [at];
}

function replaced(doc: unknown, path: (string | number)[], value: JsonValue): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

const cases: { adapter: PlatformAdapter; platform: string; topic: string; file: string; webhook: (body: Buffer) => ReceivedWebhook; secret: string }[] = [
  ...['order-created.guest.json', 'orders.list.json', 'customer-created.json'].map((file) => ({
    adapter: woocommerceAdapter,
    platform: 'woocommerce',
    topic: file.startsWith('customer') ? 'customer.created' : 'order.created',
    file,
    secret: 's',
    webhook: (body: Buffer) => ({ rawBody: body, headers: { 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-delivery-id': 'd1', 'x-wc-webhook-signature': signWooBody(body, 's') } }),
  })),
  ...['hook-order-created.json', 'hook-order-status-updated.json', 'hook-customer-created.json'].map((file) => ({
    adapter: bigcommerceAdapter,
    platform: 'bigcommerce',
    topic: JSON.parse(fixture('bigcommerce', file).toString()).scope as string,
    file,
    secret: 's',
    webhook: (body: Buffer) => ({ rawBody: body, headers: { 'x-boomerang-webhook-secret': 's' } }),
  })),
];

describe.each(cases)('$platform adapter fuzzed from $file', ({ adapter, platform, topic, file, webhook, secret }) => {
  const raw = fixture(platform, file);
  const doc = JSON.parse(raw.toString()) as unknown;
  const docPaths = paths(platform === 'woocommerce' && Array.isArray(doc) ? doc[1] : doc);
  const base = platform === 'woocommerce' && Array.isArray(doc) ? doc[1] : doc;
  const context = { adminBaseUrl: null };

  it('random bytes and truncations: verify, identify and normalize throw only DomainErrors', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.nat({ max: raw.length }).map((n) => raw.subarray(0, n))), (body) => {
        const w = webhook(body);
        expect(onlyDomainErrors(() => adapter.verify(w, secret))).toBe(true);
        expect(onlyDomainErrors(() => adapter.verify({ ...w, headers: {} }, secret))).toBe(true);
        expect(onlyDomainErrors(() => adapter.identify(w))).toBe(true);
        expect(onlyDomainErrors(() => adapter.normalize(topic, body, context))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('one field replaced by any JSON value: identify and normalize accept it or throw a DomainError', () => {
    fc.assert(
      fc.property(fc.nat({ max: docPaths.length - 1 }), fc.jsonValue() as fc.Arbitrary<JsonValue>, (at, value) => {
        const mutated = replaced(base, docPaths[at]!, value);
        const body = Buffer.from(JSON.stringify(mutated));
        expect(onlyDomainErrors(() => adapter.identify(webhook(body)))).toBe(true);
        expect(onlyDomainErrors(() => adapter.normalize(topic, mutated, context))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('BigCommerce order mapper fuzzed from the documented order and its sub-resources', () => {
  const parts = {
    order: JSON.parse(fixture('bigcommerce', 'order.json').toString()) as unknown,
    products: JSON.parse(fixture('bigcommerce', 'order-products.json').toString()) as unknown[],
    shippingAddresses: JSON.parse(fixture('bigcommerce', 'order-shipping-addresses.json').toString()) as unknown[],
    shipments: JSON.parse(fixture('bigcommerce', 'order-shipments.json').toString()) as unknown[],
  };
  // The four parts stay; anything inside them may change.
  const docPaths = paths(parts).filter((p) => p.length > 1);

  it('one field replaced by any JSON value: maps or throws a DomainError', () => {
    fc.assert(
      fc.property(fc.nat({ max: docPaths.length - 1 }), fc.jsonValue() as fc.Arbitrary<JsonValue>, (at, value) => {
        const mutated = replaced(parts, docPaths[at]!, value) as typeof parts;
        const arrays = { ...mutated, products: [mutated.products].flat(), shippingAddresses: [mutated.shippingAddresses].flat(), shipments: [mutated.shipments].flat() };
        expect(onlyDomainErrors(() => mapBigcommerceOrder(arrays, null))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
