import { WebhookSecretCache } from './webhook-secret-cache.js';

const STORE = '7f1c2d4e-0000-4000-8000-000000000001';
const OTHER = '7f1c2d4e-0000-4000-8000-000000000002';

function setup(secrets: Record<string, string | null | Error>, options: { maxEntries?: number } = {}) {
  let now = 1_000_000;
  const loads: string[] = [];
  const cache = new WebhookSecretCache(
    async (storeId, platform) => {
      loads.push(`${storeId}:${platform}`);
      const value = secrets[`${storeId}:${platform}`] ?? null;
      if (value instanceof Error) throw value;
      return value;
    },
    { ttlMs: 30_000, missTtlMs: 5_000, now: () => now, ...options },
  );
  return { cache, loads, advance: (ms: number) => (now += ms) };
}

describe('WebhookSecretCache', () => {
  it('reads a secret once per TTL, and concurrent misses share one read', async () => {
    const { cache, loads, advance } = setup({ [`${STORE}:shopify`]: 'shpss_1' });
    const first = await Promise.all(Array.from({ length: 50 }, () => cache.get(STORE, 'shopify')));
    expect(new Set(first)).toEqual(new Set(['shpss_1']));
    advance(29_999);
    expect(await cache.get(STORE, 'shopify')).toBe('shpss_1');
    expect(loads).toHaveLength(1);
    advance(2);
    await cache.get(STORE, 'shopify');
    expect(loads).toHaveLength(2);
  });

  it('keys by store and platform', async () => {
    const { cache } = setup({ [`${STORE}:shopify`]: 'shpss_1', [`${OTHER}:woocommerce`]: 'ours' });
    expect(await cache.get(STORE, 'shopify')).toBe('shpss_1');
    expect(await cache.get(STORE, 'woocommerce')).toBeNull();
    expect(await cache.get(OTHER, 'woocommerce')).toBe('ours');
  });

  it('remembers "not connected" for the shorter miss TTL only', async () => {
    const { cache, loads, advance } = setup({});
    expect(await cache.get(STORE, 'bigcommerce')).toBeNull();
    advance(4_999);
    expect(await cache.get(STORE, 'bigcommerce')).toBeNull();
    expect(loads).toHaveLength(1);
    advance(2);
    await cache.get(STORE, 'bigcommerce');
    expect(loads).toHaveLength(2);
  });

  it('does not remember a failed read (the database was down)', async () => {
    const secrets: Record<string, string | Error> = { [`${STORE}:shopify`]: new Error('connection refused') };
    const { cache, loads } = setup(secrets);
    await expect(cache.get(STORE, 'shopify')).rejects.toThrow('connection refused');
    secrets[`${STORE}:shopify`] = 'shpss_1';
    expect(await cache.get(STORE, 'shopify')).toBe('shpss_1');
    expect(loads).toHaveLength(2);
  });

  it('forgets a store at once when its connection changes here, and only that store', async () => {
    const secrets: Record<string, string> = { [`${STORE}:shopify`]: 'old', [`${OTHER}:shopify`]: 'other' };
    const { cache, loads } = setup(secrets);
    await cache.get(STORE, 'shopify');
    await cache.get(OTHER, 'shopify');
    secrets[`${STORE}:shopify`] = 'new';
    cache.invalidate(STORE);
    expect(await cache.get(STORE, 'shopify')).toBe('new');
    expect(await cache.get(OTHER, 'shopify')).toBe('other');
    expect(loads).toHaveLength(3);
  });

  it('stays bounded: the oldest entry goes first', async () => {
    const { cache, loads } = setup({}, { maxEntries: 2 });
    await cache.get(STORE, 'shopify');
    await cache.get(STORE, 'woocommerce');
    await cache.get(STORE, 'bigcommerce');
    await cache.get(STORE, 'bigcommerce');
    await cache.get(STORE, 'woocommerce');
    expect(loads).toHaveLength(3);
    await cache.get(STORE, 'shopify');
    expect(loads).toHaveLength(4);
  });
});
