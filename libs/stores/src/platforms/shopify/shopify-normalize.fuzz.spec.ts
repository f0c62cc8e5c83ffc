import { readdirSync, readFileSync } from 'node:fs';
import { DomainError } from '@boomerang/domain';
import { shopifyAdapter } from './shopify.adapter.js';
import { parseShopifyJson } from './shopify-json.js';

/**
 * Wrongly typed payloads (issue 12, point 9): every field of every fixture replaced by each value of the wrong kind.
 * normalize must either succeed or throw a DomainError naming the problem, never a TypeError (which the intake would
 * take for a bug and retry).
 */
const FIXTURES = new URL('./__fixtures__/', import.meta.url);
const TOPIC_OF: Record<string, string> = {
  'orders-create': 'orders/create',
  'orders-paid': 'orders/paid',
  'orders-fulfilled': 'orders/fulfilled',
  'orders-cancelled': 'orders/cancelled',
  'orders-updated-guest': 'orders/updated',
  'refunds-create': 'refunds/create',
  'customers-create': 'customers/create',
  'customers-update': 'customers/update',
  'customers-data_request': 'customers/data_request',
  'customers-redact': 'customers/redact',
  'shop-redact': 'shop/redact',
  'products-update': 'products/update',
};
const WRONG: unknown[] = [null, 0, -1, 1.5, '', 'x', '9'.repeat(400), true, [], {}, [{}], { amount: '1' }];

/** Every path to a value in the body (objects and arrays), at most `depth` deep. */
function paths(value: unknown, depth: number, prefix: (string | number)[] = []): (string | number)[][] {
  if (depth === 0 || typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...paths(child, depth - 1, [...prefix, key])]);
}

function replaced(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

describe('shopifyAdapter.normalize on wrongly typed payloads', () => {
  const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));

  it('has a topic for every fixture', () => {
    expect(names.filter((n) => !(n in TOPIC_OF))).toEqual([]);
  });

  it.each(names)('%s: succeeds or throws a DomainError for every field of the wrong type', (name) => {
    const body = parseShopifyJson(readFileSync(new URL(`${name}.json`, FIXTURES)));
    const unexpected: string[] = [];
    let cases = 0;
    for (const path of paths(body, 3)) {
      for (const value of WRONG) {
        cases += 1;
        try {
          shopifyAdapter.normalize(TOPIC_OF[name]!, replaced(body, path, value), { adminBaseUrl: 'https://admin.shopify.com/store/x' });
        } catch (error) {
          if (!(error instanceof DomainError)) unexpected.push(`${path.join('.')} = ${JSON.stringify(value)}: ${String(error)}`);
        }
      }
    }
    expect(unexpected).toEqual([]);
    expect(cases).toBeGreaterThan(10);
  });

  it('refuses whole bodies of the wrong type', () => {
    for (const body of [null, 1, 'order', [], true]) {
      for (const topic of Object.values(TOPIC_OF)) {
        try {
          shopifyAdapter.normalize(topic, body, { adminBaseUrl: null });
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
        }
      }
    }
  });

  it('refuses JSON nested too deep to parse as malformed_json, not a stack overflow', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(() => parseShopifyJson(deep)).toThrow(expect.objectContaining({ code: 'malformed_json' }));
  });
});
