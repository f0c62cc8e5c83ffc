import { randomBytes } from 'node:crypto';
import { StoreSchema, type EntityManager, type MikroORM, type Store } from '@boomerang/persistence';
import { openTestOrm, type TestOrm } from '@boomerang/testing';
import { PlatformError, type PlatformClient, type PlatformClientFactory, type PlatformCredentials } from '../platforms/platform.port.js';
import { StoresService } from '../stores.service.js';
import { ConnectionsService } from './connections.service.js';
import { CredentialsCipher } from './credentials-cipher.js';

const PUBLIC_URL = 'https://api.boomerang.example';
const TOPICS = ['orders/create', 'orders/updated'];

/** A platform in memory behind the PlatformClient port: subscriptions, and refusals a test switches on. */
class PlatformDouble {
  readonly subscriptions = new Map<string, { topic: string; address: string; secret: string }>();
  readonly calls: string[] = [];
  readonly credentials: PlatformCredentials[] = [];
  refuse: { test?: PlatformError; register?: PlatformError; unregister?: PlatformError; count?: PlatformError } = {};
  /** What countProducts answers (variants included). */
  products = 12;
  /** When set, the next testConnection waits for it (to overlap two changes). */
  hold: Promise<void> | null = null;
  /** Runs while the platform registers a subscription, as a platform that pings the address on creation. */
  onRegister: ((address: string, secret: string) => Promise<void>) | null = null;
  private next = 9_007_199_254_740_993n;

  readonly factory: PlatformClientFactory = (credentials) => {
    this.credentials.push(credentials);
    const client: Pick<PlatformClient, 'testConnection' | 'registerWebhooks' | 'unregisterWebhooks' | 'countProducts'> = {
      testConnection: async () => {
        this.calls.push('test');
        const hold = this.hold;
        this.hold = null;
        if (hold) await hold;
        if (this.refuse.test) throw this.refuse.test;
        return { name: 'Bean There', currency: 'USD', timezone: 'UTC', domain: null };
      },
      registerWebhooks: async (address, secret) => {
        this.calls.push('register');
        await this.onRegister?.(address, secret);
        if (this.refuse.register) throw this.refuse.register;
        return TOPICS.map((topic) => {
          const id = String(this.next++);
          this.subscriptions.set(id, { topic, address, secret });
          return { id, topic };
        });
      },
      unregisterWebhooks: async (ids) => {
        this.calls.push(`unregister ${ids.join(',')}`);
        if (this.refuse.unregister) throw this.refuse.unregister;
        for (const id of ids) this.subscriptions.delete(id);
      },
      countProducts: async () => {
        this.calls.push('count');
        if (this.refuse.count) throw this.refuse.count;
        return this.products;
      },
    };
    return client as PlatformClient;
  };
}

const shopify = { platform: 'shopify', shopDomain: 'bean-there.myshopify.com', accessToken: 'shpat_0123456789abcdef', apiSecretKey: 'shpss_fedcba9876543210' };
const woo = { platform: 'woocommerce', siteUrl: 'https://shop.example.com', consumerKey: 'ck_abcdef0123456789', consumerSecret: 'cs_abcdef0123456789' };

describe('ConnectionsService (PostgreSQL, platform double)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let platform: PlatformDouble;
  let service: ConnectionsService;
  const cipher = new CredentialsCipher(randomBytes(32));
  const stores = new StoresService();

  const newStore = async (): Promise<{ em: EntityManager; store: Store }> => {
    const em = orm.em.fork();
    const { store } = await stores.create(em, { name: 'Bean There' });
    return { em, store };
  };
  const rawRow = async (storeId: string) => {
    const [row] = await orm.em.fork().execute<Record<string, unknown>[]>(`select * from store_connection where store_id = ?`, [storeId]);
    return row!;
  };
  const storePlatform = async (storeId: string) => (await orm.em.fork().findOneOrFail(StoreSchema, { id: storeId })).platform;

  beforeAll(async () => {
    db = await openTestOrm('boomerang_connections_service');
    orm = db.orm;
  });

  afterAll(async () => {
    await db?.close();
  });

  beforeEach(() => {
    platform = new PlatformDouble();
    service = new ConnectionsService({
      cipher,
      endpoints: { shopifyOrigin: null, bigcommerceOrigin: 'https://api.bigcommerce.com', allowInsecureSiteUrls: false },
      publicUrl: PUBLIC_URL,
      em: () => orm.em.fork(),
      clients: { shopify: platform.factory, woocommerce: platform.factory, bigcommerce: platform.factory },
    });
  });

  it('connects Shopify: tests, registers our receiver signed with the app secret, stores the credentials sealed', async () => {
    const { em, store } = await newStore();
    const view = await service.connect(em, store, { ...shopify, shopDomain: 'Bean-There.myshopify.com' });
    expect(platform.calls).toEqual(['test', 'register', 'count']);
    const address = `${PUBLIC_URL}/api/v1/webhooks/shopify/${store.id}`;
    expect([...platform.subscriptions.values()]).toEqual(TOPICS.map((topic) => ({ topic, address, secret: shopify.apiSecretKey })));
    expect(view).toMatchObject({
      platform: 'shopify',
      status: 'connected',
      lastError: null,
      identifiers: { shopDomain: 'bean-there.myshopify.com' },
      webhookTopics: TOPICS,
      webhookUrl: address,
      importUrl: null,
      counts: { apps: 0, activeWorkflows: 0 },
    });
    expect(view.connectedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(view)).not.toMatch(/shpat_|shpss_/);

    const row = JSON.stringify(await rawRow(store.id));
    expect(row).not.toContain(shopify.accessToken);
    expect(row).not.toContain(shopify.apiSecretKey);
    expect(row).toContain('"9007199254740993"');
    expect(await storePlatform(store.id)).toBe('shopify');
    expect(await service.webhookSecret(store.id, 'shopify')).toBe(shopify.apiSecretKey);
    expect(await service.webhookSecret(store.id, 'woocommerce')).toBeNull();

    platform.credentials.length = 0;
    expect(await service.clientFor(orm.em.fork(), store.id)).not.toBeNull();
    expect(platform.credentials).toEqual([shopify]);
    // The historical sync's source: the client with the platform it speaks to.
    expect(await service.platformClientFor(orm.em.fork(), store.id)).toMatchObject({ platform: 'shopify', client: expect.any(Object) });
  });

  it('generates our own secret for WooCommerce, different for every store', async () => {
    const a = await newStore();
    const b = await newStore();
    await service.connect(a.em, a.store, woo);
    await service.connect(b.em, b.store, woo);
    const secrets = [...platform.subscriptions.values()].map((s) => s.secret);
    expect(new Set(secrets).size).toBe(2);
    expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await service.webhookSecret(a.store.id, 'woocommerce')).toBe(secrets[0]);
    expect(await service.webhookSecret(b.store.id, 'woocommerce')).toBe(secrets[2]);
    expect(JSON.stringify(await rawRow(a.store.id))).not.toContain(secrets[0]);
  });

  it('lets the receiver check the new secret while the platform registers (WooCommerce pings the address on creation)', async () => {
    const { em, store } = await newStore();
    await service.connect(em, store, woo);
    const seen: (string | null)[] = [];
    const registered: string[] = [];
    platform.onRegister = async (_address, secret) => {
      registered.push(secret);
      seen.push(await service.webhookSecret(store.id, 'woocommerce'));
    };
    await service.connect(orm.em.fork(), store, { ...woo, consumerSecret: 'cs_rotated' });
    expect(registered).toHaveLength(1);
    expect(seen).toEqual(registered);
    expect(await service.webhookSecret(store.id, 'woocommerce')).toBe(registered[0]);
  });

  it('refuses in the platform\'s own words (422), stores the connection failing, registers nothing', async () => {
    const { em, store } = await newStore();
    platform.refuse.test = new PlatformError('shopify', 401, '[API] Invalid API key or access token (unrecognized login or wrong password)', false);
    await expect(service.connect(em, store, shopify)).rejects.toMatchObject({
      code: 'unprocessable',
      message: 'Shopify answered 401: [API] Invalid API key or access token (unrecognized login or wrong password)',
    });
    expect(platform.subscriptions.size).toBe(0);
    const view = await service.view(orm.em.fork(), store);
    expect(view).toMatchObject({ platform: 'shopify', status: 'failing', lastError: expect.stringContaining('Invalid API key'), webhookTopics: [] });
    expect(await service.webhookSecret(store.id, 'shopify')).toBeNull();
  });

  it('keeps a working connection\'s credentials and webhooks when an update is refused, and marks it failing', async () => {
    const { em, store } = await newStore();
    await service.connect(em, store, shopify);
    platform.refuse.test = new PlatformError('shopify', 403, 'This action requires merchant approval for write_orders scope.', false);
    await expect(service.connect(orm.em.fork(), store, { ...shopify, accessToken: 'shpat_new' })).rejects.toMatchObject({ code: 'unprocessable' });
    expect(platform.subscriptions.size).toBe(2);
    expect(await service.view(orm.em.fork(), store)).toMatchObject({ status: 'failing', webhookTopics: TOPICS, lastError: expect.stringContaining('write_orders') });
    platform.credentials.length = 0;
    await service.clientFor(orm.em.fork(), store.id);
    expect(platform.credentials).toEqual([shopify]);
  });

  it('on update, unregisters the old webhooks before registering new ones, and receivers see the new secret at once', async () => {
    const { em, store } = await newStore();
    await service.connect(em, store, shopify);
    const oldIds = [...platform.subscriptions.keys()];
    expect(await service.webhookSecret(store.id, 'shopify')).toBe(shopify.apiSecretKey);
    platform.calls.length = 0;
    await service.connect(orm.em.fork(), store, { ...shopify, apiSecretKey: 'shpss_rotated' });
    expect(platform.calls).toEqual(['test', `unregister ${oldIds.join(',')}`, 'register', 'count']);
    expect(oldIds.some((id) => platform.subscriptions.has(id))).toBe(false);
    expect([...platform.subscriptions.values()].map((s) => s.secret)).toEqual(['shpss_rotated', 'shpss_rotated']);
    expect(await service.webhookSecret(store.id, 'shopify')).toBe('shpss_rotated');
  });

  it('runs two changes of one store one after the other: their webhook registrations never interleave', async () => {
    const { store } = await newStore();
    let release!: () => void;
    platform.hold = new Promise((resolve) => (release = resolve));
    const first = service.connect(orm.em.fork(), store, shopify);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = service.connect(orm.em.fork(), store, { ...shopify, apiSecretKey: 'shpss_second' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const whileHeld = [...platform.calls];
    release();
    await Promise.allSettled([first, second]);
    expect(whileHeld).toEqual(['test']);
    expect(platform.calls).toEqual(['test', 'register', 'count', 'test', expect.stringMatching(/^unregister /), 'register', 'count']);
    expect([...platform.subscriptions.values()].map((s) => s.secret)).toEqual(['shpss_second', 'shpss_second']);
    expect((await service.view(orm.em.fork(), store)).webhookTopics).toEqual(TOPICS);
  });

  it('keeps the platform\'s product count (variants included), refreshed on connect and test, gone with the connection', async () => {
    const { em, store } = await newStore();
    expect(await service.view(em, store)).toMatchObject({ productCount: null, productCountAt: null });
    platform.products = 1_000_001;
    const connected = await service.connect(em, store, shopify);
    expect(connected).toMatchObject({ productCount: 1_000_001, productCountAt: expect.any(Date) });
    expect(await rawRow(store.id)).toMatchObject({ product_count: 1_000_001 });

    platform.products = 40;
    expect(await service.test(orm.em.fork(), store)).toMatchObject({ status: 'connected', productCount: 40 });
    // A count the platform refuses is not a failing connection: the last count stays.
    platform.refuse.count = new PlatformError('shopify', 503, 'Service Unavailable', true);
    expect(await service.test(orm.em.fork(), store)).toMatchObject({ status: 'connected', lastError: null, productCount: 40 });
    platform.refuse = {};

    expect(await service.disconnect(orm.em.fork(), store)).toMatchObject({ productCount: null, productCountAt: null });
  });

  it('answers 422 and stays failing when the platform refuses our webhooks', async () => {
    const { em, store } = await newStore();
    platform.refuse.register = new PlatformError('woocommerce', 400, 'Invalid parameter(s): delivery_url', false);
    await expect(service.connect(em, store, woo)).rejects.toMatchObject({ message: 'WooCommerce answered 400: Invalid parameter(s): delivery_url' });
    expect(await service.view(orm.em.fork(), store)).toMatchObject({ status: 'failing', identifiers: { siteUrl: woo.siteUrl } });
  });

  it('refuses an insecure or private WooCommerce site before calling anything', async () => {
    const { em, store } = await newStore();
    await expect(service.connect(em, store, { ...woo, siteUrl: 'http://shop.example.com' })).rejects.toMatchObject({ issues: [{ field: 'siteUrl', message: expect.stringContaining('https') }] });
    expect(platform.calls).toEqual([]);
  });

  it('tests again with the stored credentials: the outcome becomes the status', async () => {
    const { em, store } = await newStore();
    await expect(service.test(em, store)).rejects.toMatchObject({ code: 'conflict' });
    await service.connect(em, store, shopify);
    platform.refuse.test = new PlatformError('shopify', 0, 'connect ECONNREFUSED', true);
    await expect(service.test(orm.em.fork(), store)).rejects.toMatchObject({ code: 'unprocessable', message: 'Shopify answered: connect ECONNREFUSED' });
    expect((await service.view(orm.em.fork(), store)).status).toBe('failing');
    platform.refuse = {};
    expect(await service.test(orm.em.fork(), store)).toMatchObject({ status: 'connected', lastError: null });
  });

  it('disconnects: unregisters our webhooks, forgets the credentials, receivers stop finding the store', async () => {
    const { em, store } = await newStore();
    await service.connect(em, store, shopify);
    expect(await service.webhookSecret(store.id, 'shopify')).not.toBeNull();
    const view = await service.disconnect(orm.em.fork(), store);
    expect(platform.subscriptions.size).toBe(0);
    expect(view).toMatchObject({ platform: 'shopify', status: 'disconnected', lastError: null, webhookTopics: [], webhookUrl: null, identifiers: { shopDomain: shopify.shopDomain } });
    expect(await rawRow(store.id)).toMatchObject({ credentials_sealed: null, webhook_secret_sealed: null });
    expect(await service.webhookSecret(store.id, 'shopify')).toBeNull();
    expect(await service.clientFor(orm.em.fork(), store.id)).toBeNull();
    expect(await service.platformClientFor(orm.em.fork(), store.id)).toBeNull();
    await expect(service.test(orm.em.fork(), store)).rejects.toMatchObject({ code: 'conflict' });
    // Idempotent.
    expect((await service.disconnect(orm.em.fork(), store)).status).toBe('disconnected');
  });

  it('still disconnects when the platform refuses to remove our webhooks, and says so', async () => {
    const { em, store } = await newStore();
    await service.connect(em, store, shopify);
    platform.refuse.unregister = new PlatformError('shopify', 401, '[API] Invalid API key or access token', false);
    const view = await service.disconnect(orm.em.fork(), store);
    expect(view.status).toBe('disconnected');
    expect(view.lastError).toMatch(/could not be removed at Shopify.*Invalid API key/);
  });

  it('answers 404 when disconnecting a store never connected', async () => {
    const { em, store } = await newStore();
    await expect(service.disconnect(em, store)).rejects.toMatchObject({ code: 'not_found' });
    expect(await service.view(em, store)).toMatchObject({ platform: null, status: 'disconnected', webhookUrl: null });
  });

  it('connects a custom cart: no credentials, our signed webhook and import endpoint; the previous platform\'s webhooks go', async () => {
    const { em, store } = await newStore();
    await service.connect(em, store, shopify);
    const view = await service.connect(orm.em.fork(), store, { platform: 'custom' });
    expect(platform.subscriptions.size).toBe(0);
    expect(view).toMatchObject({
      platform: 'custom',
      status: 'connected',
      webhookUrl: `${PUBLIC_URL}/api/v1/stores/${store.id}/webhooks/orders`,
      importUrl: `${PUBLIC_URL}/api/v1/stores/${store.id}/import/orders`,
    });
    expect(await rawRow(store.id)).toMatchObject({ credentials_sealed: null });
    expect(await storePlatform(store.id)).toBe('generic');
    expect(await service.webhookSecret(store.id, 'shopify')).toBeNull();
    // Nothing to sync from: a custom cart sends its orders, no API is asked.
    expect(await service.platformClientFor(orm.em.fork(), store.id)).toBeNull();
  });
});
