import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError } from '@boomerang/domain';
import { PlatformError, type PlatformClient, type PlatformClientFactory, type WebhookInbox } from '@boomerang/stores';
import { api, ADMIN_KEY, eventually, startStack, type Stack } from './harness.js';
import { ownByNewAccount } from './fuzz/tenant.js';
import Ajv2020Module from 'ajv/dist/2020.js';

/**
 * Store connections on the whole api: connect, update, test, remove, and the platform receivers.
 *
 * Each platform under test is a `PlatformUnderTest`: a server on loopback that plays the platform, the body that
 * connects to it, and how the platform signs a webhook. Until the platform branches merge, Shopify is played by the
 * small `LoopbackShopify` below (only shop.json and webhooks.json) reached through `specShopifyClient`, and the
 * webhook inbox by `SpecInbox` (Shopify's HMAC, dedupe by webhook id). At merge: `fake-shopify`, `fake-woocommerce`
 * and `fake-bigcommerce` from libs/testing become `PlatformUnderTest`s, the real clients replace `ports.platformClients`,
 * and the intake's inbox replaces `ports.webhookInbox`.
 */

const PUBLIC_URL = 'https://hooks.boomerang.test';
const SHOPIFY_API_VERSION = '2025-07';
const SHOPIFY_TOPICS = ['orders/create', 'orders/updated', 'orders/paid', 'orders/fulfilled', 'orders/cancelled', 'refunds/create', 'customers/create', 'customers/update'];
const SHOPIFY_PRODUCT_COUNT = 1_234;
const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

// Every answer is checked against the committed document's schema: the dashboard's client is generated from it.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as new (opts: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
};
const document = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as { components: object };
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const schemaCheck = (name: string) => ajv.compile({ $ref: `#/components/schemas/${name}`, components: document.components });
const isConnection = schemaCheck('StoreConnection');
const isAcceptance = schemaCheck('WebhookAcceptance');
const isError = schemaCheck('Error');
function expectSchema(check: ReturnType<typeof schemaCheck>, body: unknown) {
  expect({ body, errors: check(body) ? null : check.errors }).toEqual({ body, errors: null });
}

interface Subscription {
  id: string;
  topic: string;
  address: string;
}

interface PlatformUnderTest {
  platform: 'shopify' | 'woocommerce' | 'bigcommerce';
  /** The api's environment that points it at this server (SHOPIFY_API_ORIGIN, …). */
  env: Record<string, string>;
  /** A `PUT …/connection` body the server accepts; `secrets` are its values that must never come back out. */
  credentials(): { body: Record<string, string>; secrets: string[] };
  /** A body whose credentials the platform refuses, and the words it refuses them with. */
  refused(): { body: Record<string, string>; message: string };
  /** The secret the platform signs a store's webhooks with: Shopify the app's API secret key; the others ours, as registered. */
  webhookSecret(address: string, body: Record<string, string>): string;
  /** Our subscriptions the platform holds now. */
  subscriptions(): Subscription[];
  /** Makes the platform refuse the credentials it accepted so far (a revoked token). */
  revoke(): void;
  /** Headers of a webhook as the platform sends it, signed with `secret`. */
  sign(rawBody: string, secret: string, deliveryId: string): Record<string, string>;
  stop(): Promise<void>;
}

/** Shopify's Admin REST API, as much of it as connecting needs: shop.json and webhooks.json, with its auth. */
class LoopbackShopify {
  readonly tokens = new Set<string>();
  readonly webhooks = new Map<string, Subscription>();
  private nextId = 4_759_306;
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req).then(({ status, body }) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (!this.tokens.has(String(req.headers['x-shopify-access-token']))) return { status: 401, body: { errors: INVALID_TOKEN } };
    const path = new URL(req.url!, this.origin).pathname.replace(`/admin/api/${SHOPIFY_API_VERSION}`, '');
    if (req.method === 'GET' && path === '/shop.json') return { status: 200, body: { shop: { name: 'Bean There', currency: 'USD', iana_timezone: 'America/Los_Angeles', domain: 'beanthere.example' } } };
    if (req.method === 'POST' && path === '/webhooks.json') {
      const { webhook } = JSON.parse(Buffer.concat(chunks).toString()) as { webhook: { topic: string; address: string } };
      if ([...this.webhooks.values()].some((w) => w.topic === webhook.topic && w.address === webhook.address)) {
        return { status: 422, body: { errors: { address: ['for this topic has already been taken'] } } };
      }
      const id = String(this.nextId++);
      this.webhooks.set(id, { id, topic: webhook.topic, address: webhook.address });
      return { status: 201, body: { webhook: { id: Number(id), topic: webhook.topic, address: webhook.address, format: 'json' } } };
    }
    const deletion = /^\/webhooks\/(\d+)\.json$/.exec(path);
    if (req.method === 'DELETE' && deletion) {
      return this.webhooks.delete(deletion[1]!) ? { status: 200, body: {} } : { status: 404, body: { errors: 'Not Found' } };
    }
    return { status: 404, body: { errors: 'Not Found' } };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Just enough of a Shopify client for the connection flow (the shopify branch brings the real one). */
const specShopifyClient: PlatformClientFactory = (credentials, endpoints) => {
  if (credentials.platform !== 'shopify') throw new Error('specShopifyClient is for Shopify');
  const base = `${endpoints.shopifyOrigin ?? `https://${credentials.shopDomain}`}/admin/api/${SHOPIFY_API_VERSION}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-shopify-access-token': credentials.accessToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { errors?: unknown } & Record<string, unknown>;
    if (!res.ok) throw new PlatformError('shopify', res.status, typeof json.errors === 'string' ? json.errors : JSON.stringify(json.errors), res.status >= 500);
    return json;
  };
  const unsupported = () => Promise.reject(new Error('not needed by the connection flow'));
  const client: PlatformClient = {
    testConnection: async () => {
      const { shop } = (await call('GET', '/shop.json')) as { shop: { name: string; currency: string; iana_timezone: string; domain: string } };
      return { name: shop.name, currency: shop.currency, timezone: shop.iana_timezone, domain: shop.domain };
    },
    registerWebhooks: async (address) => {
      const registered = [];
      for (const topic of SHOPIFY_TOPICS) {
        const { webhook } = (await call('POST', '/webhooks.json', { webhook: { topic, address, format: 'json' } })) as { webhook: { id: number } };
        registered.push({ id: String(webhook.id), topic });
      }
      return registered;
    },
    unregisterWebhooks: async (ids) => {
      for (const id of ids) await call('DELETE', `/webhooks/${id}.json`);
    },
    listOrders: unsupported,
    fetchOrder: unsupported,
    // The connection asks for the store's product count (variants included) on connect and test.
    countProducts: async () => SHOPIFY_PRODUCT_COUNT,
  };
  return client;
};

/** The intake's inbox as the receivers see it: verifies Shopify's HMAC on the raw bytes, stores each delivery once. */
class SpecInbox implements WebhookInbox {
  readonly events = new Map<string, { storeId: string; rawBody: Buffer }>();

  async accept({ storeId, platform, webhook, secret }: Parameters<WebhookInbox['accept']>[0]) {
    if (platform !== 'shopify') throw new Error(`SpecInbox knows only shopify, not ${platform}`);
    const expected = createHmac('sha256', secret).update(webhook.rawBody).digest('base64');
    if (webhook.headers['x-shopify-hmac-sha256'] !== expected) throw new DomainError('invalid_signature', 'X-Shopify-Hmac-Sha256 does not match the body');
    const key = `${storeId}:${webhook.headers['x-shopify-webhook-id']}`;
    const duplicate = this.events.has(key);
    if (!duplicate) this.events.set(key, { storeId, rawBody: webhook.rawBody });
    return { eventId: key, duplicate };
  }
}

async function startShopify(): Promise<PlatformUnderTest & { server: LoopbackShopify }> {
  const server = new LoopbackShopify();
  await server.start();
  return {
    server,
    platform: 'shopify',
    env: { SHOPIFY_API_ORIGIN: server.origin },
    credentials() {
      const accessToken = `shpat_${randomUUID().replaceAll('-', '')}`;
      const apiSecretKey = `shpss_${randomUUID().replaceAll('-', '')}`;
      server.tokens.add(accessToken);
      return { body: { platform: 'shopify', shopDomain: 'bean-there.myshopify.com', accessToken, apiSecretKey }, secrets: [accessToken, apiSecretKey] };
    },
    refused() {
      return { body: { ...this.credentials().body, accessToken: 'shpat_revoked' }, message: INVALID_TOKEN };
    },
    webhookSecret: (_address, body) => body.apiSecretKey!,
    subscriptions: () => [...server.webhooks.values()],
    revoke: () => server.tokens.clear(),
    sign: (rawBody, secret, deliveryId) => ({
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-webhook-id': deliveryId,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(rawBody).digest('base64'),
    }),
    stop: () => server.stop(),
  };
}

/** Every platform the spec connects; the fakes of libs/testing join here at merge. */
const STARTERS: Record<string, () => Promise<PlatformUnderTest>> = { shopify: startShopify };

describe('store connections on the api', () => {
  let stack: Stack;
  const platforms: Record<string, PlatformUnderTest> = {};
  const inbox = new SpecInbox();

  beforeAll(async () => {
    for (const [name, start] of Object.entries(STARTERS)) platforms[name] = await start();
    stack = await startStack({
      worker: false,
      env: Object.assign({ PUBLIC_URL }, ...Object.values(platforms).map((p) => p.env)),
      ports: { webhookInbox: inbox, platformClients: { shopify: specShopifyClient, woocommerce: specShopifyClient, bigcommerce: specShopifyClient } },
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    for (const platform of Object.values(platforms)) await platform.stop();
  });

  async function newStore(): Promise<string> {
    const created = await api(stack, 'POST', '/api/v1/stores', { name: 'Bean There' });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }
  const connection = (storeId: string) => `/api/v1/stores/${storeId}/connection`;
  const rawRow = async (storeId: string) =>
    (await stack.orm.em.fork().execute<Record<string, unknown>[]>(`select * from store_connection where store_id = ?`, [storeId]))[0];
  const receive = (platform: string, storeId: string, body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${stack.baseUrl}/api/v1/webhooks/${platform}/${storeId}`, { method: 'POST', headers, body }).then(async (res) => ({ status: res.status, body: await res.json() }));

  it('shows a store never connected as disconnected, with its counts', async () => {
    const storeId = await newStore();
    const got = await api(stack, 'GET', connection(storeId));
    expectSchema(isConnection, got.body);
    expect(got).toEqual({
      status: 200,
      body: { platform: null, status: 'disconnected', lastError: null, lastEventAt: null, connectedAt: null, updatedAt: null, identifiers: {}, webhookTopics: [], webhookUrl: null, importUrl: null, counts: { apps: 0, activeWorkflows: 0 }, productCount: null, productCountAt: null },
    });
  });

  it('connects a custom cart: our signed webhook URL and the import endpoint, no credentials', async () => {
    const storeId = await newStore();
    const put = await api(stack, 'PUT', connection(storeId), { platform: 'custom' });
    expect(put.status).toBe(200);
    expectSchema(isConnection, put.body);
    expect(put.body).toMatchObject({
      platform: 'custom',
      status: 'connected',
      webhookUrl: `${PUBLIC_URL}/api/v1/stores/${storeId}/webhooks/orders`,
      importUrl: `${PUBLIC_URL}/api/v1/stores/${storeId}/import/orders`,
    });
    expect((await api(stack, 'GET', `/api/v1/stores/${storeId}`)).body.platform).toBe('generic');
  });

  describe.each(Object.keys(STARTERS))('%s', (name) => {
    const platform = (): PlatformUnderTest => platforms[name]!;
    const address = (storeId: string) => `${PUBLIC_URL}/api/v1/webhooks/${platform().platform}/${storeId}`;

    it('connects: tests the credentials, registers our receiver, keeps the credentials sealed and never returns them', async () => {
      const storeId = await newStore();
      const { body, secrets } = platform().credentials();
      const put = await api(stack, 'PUT', connection(storeId), body);
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ platform: platform().platform, status: 'connected', lastError: null, webhookUrl: address(storeId), productCount: SHOPIFY_PRODUCT_COUNT });
      expect(put.body.webhookTopics.length).toBeGreaterThan(0);
      const mine = platform().subscriptions().filter((s) => s.address === address(storeId));
      expect(mine.map((s) => s.topic).sort()).toEqual([...put.body.webhookTopics].sort());

      const got = await api(stack, 'GET', connection(storeId));
      expect(got.body).toEqual(put.body);
      expectSchema(isConnection, got.body);
      expect((await api(stack, 'GET', `/api/v1/stores/${storeId}`)).body.platform).toBe(platform().platform);
      const row = JSON.stringify(await rawRow(storeId));
      for (const secret of secrets) {
        expect(JSON.stringify(put.body)).not.toContain(secret);
        expect(JSON.stringify(got.body)).not.toContain(secret);
        expect(row).not.toContain(secret);
      }
      expect(row).toMatch(/"credentials_sealed":"v1\./);
    });

    it('receives the platform\'s webhooks: 200 with the event id, duplicates recognised, 401 on a bad signature, 404 elsewhere, 413 above 1 MiB', async () => {
      const storeId = await newStore();
      const { body } = platform().credentials();
      expect((await api(stack, 'PUT', connection(storeId), body)).status).toBe(200);
      const secret = platform().webhookSecret(address(storeId), body);
      const raw = '{"id":820982911946154508,"email":"jon@example.com","line_items":[]}';
      const first = await receive(platform().platform, storeId, raw, platform().sign(raw, secret, 'delivery-1'));
      expect(first).toEqual({ status: 200, body: { eventId: expect.any(String), duplicate: false } });
      expectSchema(isAcceptance, first.body);
      expect(inbox.events.get(first.body.eventId)?.rawBody.toString()).toBe(raw);
      const again = await receive(platform().platform, storeId, raw, platform().sign(raw, secret, 'delivery-1'));
      expect(again).toEqual({ status: 200, body: { eventId: first.body.eventId, duplicate: true } });

      const forged = await receive(platform().platform, storeId, raw, platform().sign(raw, 'not-the-secret', 'delivery-2'));
      expect(forged).toEqual({ status: 401, body: { error: 'invalid_signature', message: expect.any(String) } });
      expectSchema(isError, forged.body);
      const tampered = await receive(platform().platform, storeId, raw.replace('jon@', 'eve@'), platform().sign(raw, secret, 'delivery-3'));
      expect(tampered.status).toBe(401);

      const other = platform().platform === 'shopify' ? 'woocommerce' : 'shopify';
      expect((await receive(other, storeId, raw, platform().sign(raw, secret, 'delivery-4'))).status).toBe(404);
      expect((await receive(platform().platform, randomUUID(), raw, platform().sign(raw, secret, 'delivery-5'))).body).toMatchObject({ error: 'not_found' });
      expect((await receive(platform().platform, 'not-a-store', raw, platform().sign(raw, secret, 'delivery-6'))).status).toBe(404);
      // Any content type reaches the inbox as raw bytes (WooCommerce's creation ping is a form body); compressed bodies do not.
      const form = 'webhook_id=42';
      const formHeaders = { ...platform().sign(form, secret, 'delivery-8'), 'content-type': 'application/x-www-form-urlencoded' };
      expect((await receive(platform().platform, storeId, form, formHeaders)).status).toBe(200);
      expect((await receive(platform().platform, storeId, raw, { ...platform().sign(raw, secret, 'delivery-9'), 'content-encoding': 'gzip' })).status).toBe(415);
      const huge = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
      expect(await receive(platform().platform, storeId, huge, platform().sign(huge, secret, 'delivery-7'))).toEqual({ status: 413, body: expect.objectContaining({ error: 'payload_too_large' }) });
      expect([...inbox.events.entries()].filter(([k]) => k.startsWith(storeId)).map(([, e]) => e.rawBody.toString())).toEqual([raw, form]);

      // Written within about a second (one statement for all stores), not on the request path.
      const seen = await eventually(async () => (await api(stack, 'GET', connection(storeId))).body.lastEventAt as string | null, 10_000, 100);
      expect(Date.parse(seen)).toBeLessThanOrEqual(Date.now());
    });

    it('refuses credentials in the platform\'s own words (422) and shows the connection failing', async () => {
      const storeId = await newStore();
      const { body, message } = platform().refused();
      const refused = await api(stack, 'PUT', connection(storeId), body);
      expect(refused.status).toBe(422);
      expect(refused.body.error).toBe('unprocessable');
      expect(refused.body.message).toContain(message);
      const got = await api(stack, 'GET', connection(storeId));
      expectSchema(isConnection, got.body);
      expect(got.body).toMatchObject({ platform: platform().platform, status: 'failing', lastError: expect.stringContaining(message), webhookTopics: [] });
      expect(platform().subscriptions().filter((s) => s.address.endsWith(storeId))).toEqual([]);
    });

    it('names each bad field (400) before calling the platform', async () => {
      const storeId = await newStore();
      const bad = await api(stack, 'PUT', connection(storeId), { platform: platform().platform });
      expect(bad.status).toBe(400);
      expect(bad.body.issues.map((i: { field: string }) => i.field).length).toBeGreaterThan(0);
      expect((await api(stack, 'GET', connection(storeId))).body.platform).toBeNull();
    });

    it('updates: unregisters the old webhooks, registers new ones, and the receiver takes the new secret at once', async () => {
      const storeId = await newStore();
      const first = platform().credentials();
      expect((await api(stack, 'PUT', connection(storeId), first.body)).status).toBe(200);
      const before = platform().subscriptions().filter((s) => s.address.endsWith(storeId)).map((s) => s.id);
      const raw = '{"id":1}';
      const firstSecret = platform().webhookSecret(address(storeId), first.body);
      expect((await receive(platform().platform, storeId, raw, platform().sign(raw, firstSecret, 'u-1'))).status).toBe(200);

      const second = platform().credentials();
      const put = await api(stack, 'PUT', connection(storeId), second.body);
      expect(put.status).toBe(200);
      const after = platform().subscriptions().filter((s) => s.address.endsWith(storeId)).map((s) => s.id);
      expect(after).toHaveLength(before.length);
      expect(after.some((id) => before.includes(id))).toBe(false);
      const secondSecret = platform().webhookSecret(address(storeId), second.body);
      expect(secondSecret).not.toBe(firstSecret);
      expect((await receive(platform().platform, storeId, raw, platform().sign(raw, secondSecret, 'u-2'))).status).toBe(200);
      expect((await receive(platform().platform, storeId, raw, platform().sign(raw, firstSecret, 'u-3'))).status).toBe(401);
      for (const secret of [...first.secrets, ...second.secrets]) expect(JSON.stringify(await rawRow(storeId))).not.toContain(secret);
    });

    it('tests the stored credentials: connected while the platform accepts them, failing with its message once revoked', async () => {
      const storeId = await newStore();
      expect((await api(stack, 'POST', `${connection(storeId)}/test`)).status).toBe(409);
      const { body } = platform().credentials();
      expect((await api(stack, 'PUT', connection(storeId), body)).status).toBe(200);
      expect(await api(stack, 'POST', `${connection(storeId)}/test`)).toMatchObject({ status: 200, body: { status: 'connected' } });
      platform().revoke();
      const failed = await api(stack, 'POST', `${connection(storeId)}/test`);
      expect(failed).toMatchObject({ status: 422, body: { error: 'unprocessable', message: expect.any(String) } });
      expect((await api(stack, 'GET', connection(storeId))).body).toMatchObject({ status: 'failing', lastError: failed.body.message });
    });

    it('removes: unregisters our webhooks, forgets the credentials, and the receiver stops accepting', async () => {
      const storeId = await newStore();
      const { body } = platform().credentials();
      expect((await api(stack, 'PUT', connection(storeId), body)).status).toBe(200);
      expect(platform().subscriptions().filter((s) => s.address.endsWith(storeId)).length).toBeGreaterThan(0);
      const secret = platform().webhookSecret(address(storeId), body);
      const removed = await api(stack, 'DELETE', connection(storeId));
      expect(removed).toMatchObject({ status: 200, body: { status: 'disconnected', lastError: null, webhookTopics: [], webhookUrl: null } });
      expectSchema(isConnection, removed.body);
      expect(platform().subscriptions().filter((s) => s.address.endsWith(storeId))).toEqual([]);
      expect(await rawRow(storeId)).toMatchObject({ credentials_sealed: null, webhook_secret_sealed: null });
      const raw = '{"id":2}';
      expect((await receive(platform().platform, storeId, raw, platform().sign(raw, secret, 'r-1'))).status).toBe(404);
    });
  });

  it('answers 404 to another account\'s session on every connection route, and changes nothing', async () => {
    const storeA = await newStore();
    const storeB = await newStore();
    await ownByNewAccount(stack, storeA, 'Alpha');
    const bob = await ownByNewAccount(stack, storeB, 'Bravo');
    const { body } = platforms.shopify!.credentials();
    expect((await api(stack, 'PUT', connection(storeA), body)).status).toBe(200);
    const before = await api(stack, 'GET', connection(storeA));
    for (const [method, path, payload] of [
      ['GET', connection(storeA)],
      ['PUT', connection(storeA), { platform: 'custom' }],
      ['POST', `${connection(storeA)}/test`],
      ['DELETE', connection(storeA)],
    ] as const) {
      const answer = await api(stack, method, path, payload, bob.session);
      expect({ route: `${method} ${path}`, status: answer.status, error: answer.body?.error }).toEqual({ route: `${method} ${path}`, status: 404, error: 'not_found' });
    }
    expect((await api(stack, 'GET', connection(storeB), undefined, bob.session)).status).toBe(200);
    expect((await api(stack, 'GET', connection(storeA), undefined, ADMIN_KEY)).body).toEqual(before.body);
  });
});
