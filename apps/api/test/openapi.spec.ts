import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import { api, CAN_SPAM, eventually, order, postAndProject, postWebhook, startStack, type Stack } from './harness.js';

// The document the api serves is the committed one, and it is a contract the running api keeps: requests valid per
// the document are accepted and their answers match the documented schemas; requests that break a documented bound
// are refused with a 400 naming that very field.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as new (opts: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
};

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; $ref?: string };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
type Operation = {
  requestBody?: { content: Record<string, { schema: Schema }> };
  parameters?: { name: string; in: string; schema: Schema }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};

const committed = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as Doc;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

const resolve = (schema: Schema): Schema => (schema.$ref ? committed.components.schemas[schema.$ref.split('/').pop()!]! : schema);
const operation = (method: string, path: string) => committed.paths[path]![method]!;
const bodySchema = (method: string, path: string) => resolve(operation(method, path).requestBody!.content['application/json']!.schema);

/** The answer matches the schema the document gives for its status. */
function expectDocumented(method: string, path: string, res: { status: number; body: unknown }) {
  const response = operation(method, path).responses[String(res.status)];
  expect({ path, status: res.status, documented: Boolean(response) }).toEqual({ path, status: res.status, documented: true });
  const schema = response!.content?.['application/json']?.schema;
  if (!schema) return;
  const validate = ajv.compile({ ...schema, components: committed.components });
  const ok = validate(res.body);
  expect({ path, status: res.status, errors: ok ? null : validate.errors }).toEqual({ path, status: res.status, errors: null });
}

/** A value the document itself says is out of bounds for this property, or undefined when it states no bound. */
function breaking(property: Schema): unknown {
  const p = property.anyOf ? ((property.anyOf as Schema[]).find((s) => s.type !== 'null') ?? property) : property;
  if (typeof p.maxLength === 'number') return 'x'.repeat(p.maxLength + 1);
  if (typeof p.maximum === 'number' && p.maximum < Number.MAX_SAFE_INTEGER) return p.maximum + 1;
  if (Array.isArray(p.enum)) return `not-${(p.enum as string[]).join('-')}`;
  if (p.type === 'integer') return 1.5;
  return undefined;
}

/** The distinct fields a 400 names (top-level names only when `top`). */
function fieldsOf(body: { issues?: { field: string }[] }, top = false): string[] | undefined {
  return body.issues && [...new Set(body.issues.map((i) => (top ? i.field.split('.')[0]! : i.field)))];
}

describe('the API contract (OpenAPI document) against the running api', () => {
  let stack: Stack;
  let store: { id: string; apiKey: string };

  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('serves the committed document at /api/docs/openapi.json, and Swagger UI from the installed package at /api/docs', async () => {
    const served = await fetch(`${stack.baseUrl}/api/docs/openapi.json`);
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual(committed);

    const page = await fetch(`${stack.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    // Every asset is ours: the machine the api runs on may have no network, and a CDN would see every visit.
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      const res = await fetch(new URL(asset, `${stack.baseUrl}/api/docs/`));
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
    }
  });

  it('documents every route the Express router serves', () => {
    const router = (stack.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router;
    const served = router.stack
      .filter((layer) => layer.route)
      .flatMap((layer) => Object.keys(layer.route!.methods).map((method) => ({ method, path: layer.route!.path.replace(/:(\w+)/g, '{$1}') })))
      .filter((r) => !r.path.startsWith('/api/docs'));
    expect(served.length).toBeGreaterThan(20);
    const missing = served.filter((r) => !committed.paths[r.path]?.[r.method]);
    expect(missing).toEqual([]);
  });

  it('accepts requests valid per the document and answers what it documents', async () => {
    const created = await api(stack, 'POST', '/api/v1/stores', { name: 'Contract Coffee' });
    expectDocumented('post', '/api/v1/stores', created);
    store = created.body;
    const patched = await api(stack, 'PATCH', `/api/v1/stores/${store.id}`, { ...CAN_SPAM, smartSendingHours: 168, socialLinks: { website: 'https://shop.example' } });
    expectDocumented('patch', '/api/v1/stores/{storeId}', patched);
    expectDocumented('get', '/api/v1/stores/{storeId}', await api(stack, 'GET', `/api/v1/stores/${store.id}`, undefined, store.apiKey));
    expectDocumented('get', '/api/v1/stores', await api(stack, 'GET', '/api/v1/stores'));

    const rule = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
      name: 'Refill',
      skus: ['COFFEE-1KG'],
      windowDays: 30,
      senderName: 'Bean There',
      senderEmail: 'hello@beanthere.example',
      subject: 'Hi {{customer.firstName}}',
      bodyHtml: '<p>Come back</p>',
    });
    expectDocumented('post', '/api/v1/stores/{storeId}/rules', rule);
    expectDocumented('get', '/api/v1/stores/{storeId}/rules', await api(stack, 'GET', `/api/v1/stores/${store.id}/rules`));
    expectDocumented('patch', '/api/v1/stores/{storeId}/rules/{ruleId}', await api(stack, 'PATCH', `/api/v1/stores/${store.id}/rules/${rule.body.id}`, { name: 'Refill 2' }));

    const secret = (await stack.orm.em.fork().execute(`select webhook_secret from store where id = ?`, [store.id]))[0]!.webhook_secret as string;
    const receipt = await postWebhook(stack, store.id, secret, JSON.stringify(order({ id: 'contract-1' })));
    expectDocumented('post', '/api/v1/stores/{storeId}/webhooks/orders', receipt);
    expectDocumented('get', '/api/v1/stores/{storeId}/intake/events/{eventId}', await api(stack, 'GET', `/api/v1/stores/${store.id}/intake/events/${receipt.body.eventId}`));
    expectDocumented('post', '/api/v1/stores/{storeId}/orders/import', await api(stack, 'POST', `/api/v1/stores/${store.id}/orders/import`, [order({ id: 'contract-import-1' })]));
    expectDocumented('get', '/api/v1/stores/{storeId}/intake/dead-letters', await api(stack, 'GET', `/api/v1/stores/${store.id}/intake/dead-letters?limit=1`));

    for (const kind of ['pending', 'sent', 'skipped', 'conversions']) {
      expectDocumented('get', '/api/v1/stores/{storeId}/logs/{kind}', await api(stack, 'GET', `/api/v1/stores/${store.id}/logs/${kind}?limit=1000`));
    }
    expectDocumented('get', '/api/v1/stores/{storeId}/stats', await api(stack, 'GET', `/api/v1/stores/${store.id}/stats?ruleId=${rule.body.id}`));
    expectDocumented('get', '/api/v1/stores/{storeId}/outbox', await api(stack, 'GET', `/api/v1/stores/${store.id}/outbox`));
    expectDocumented('get', '/api/v1/stores/{storeId}/dispatch/dead-letters', await api(stack, 'GET', `/api/v1/stores/${store.id}/dispatch/dead-letters?limit=1`));
    const syncPath = `/api/v1/stores/${store.id}/sync`;
    expectDocumented('get', '/api/v1/stores/{storeId}/sync', await api(stack, 'GET', syncPath));
    expectDocumented('post', '/api/v1/stores/{storeId}/sync', await api(stack, 'POST', syncPath));
    expectDocumented('get', '/api/v1/stores/{storeId}/sync', await api(stack, 'GET', syncPath));
    expectDocumented('get', '/api/v1/starter-templates', await api(stack, 'GET', '/api/v1/starter-templates'));
    expectDocumented('get', '/api/v1/health', await api(stack, 'GET', '/api/v1/health'));
    // Errors have the documented shape too.
    expectDocumented('get', '/api/v1/stores/{storeId}', await api(stack, 'GET', `/api/v1/stores/${store.id}`, undefined, 'bk_wrong'));
    expectDocumented('get', '/api/v1/stores/{storeId}/logs/{kind}', await api(stack, 'GET', `/api/v1/stores/${store.id}/logs/nope`));
  });

  it('answers the account routes as documented (the dashboard client is generated from these schemas)', async () => {
    const email = 'contract.owner@merchant.example';
    const signUp = await api(stack, 'POST', '/api/v1/auth/sign-up', { name: 'Contract Owner', email, password: 'contract password' }, '');
    expectDocumented('post', '/api/v1/auth/sign-up', signUp);
    const list = await api(stack, 'GET', `/api/v1/dev/outbox?to=${encodeURIComponent(email)}`, undefined, '');
    expectDocumented('get', '/api/v1/dev/outbox', list);
    const mail = await api(stack, 'GET', `/api/v1/dev/outbox/${list.body.emails[0].id}`, undefined, '');
    expectDocumented('get', '/api/v1/dev/outbox/{emailId}', mail);
    const token = /verify\?token=([\w-]+)/.exec(mail.body.text)![1]!;
    expectDocumented('post', '/api/v1/auth/verify', await api(stack, 'POST', '/api/v1/auth/verify', { token: 'never-issued' }, ''));
    const verified = await api(stack, 'POST', '/api/v1/auth/verify', { token }, '');
    expectDocumented('post', '/api/v1/auth/verify', verified);
    expectDocumented('post', '/api/v1/auth/verify', await api(stack, 'POST', '/api/v1/auth/verify', { token }, ''));
    const signedIn = await api(stack, 'POST', '/api/v1/auth/sign-in', { email, password: 'contract password' }, '');
    expectDocumented('post', '/api/v1/auth/sign-in', signedIn);
    expectDocumented('post', '/api/v1/auth/sign-in', await api(stack, 'POST', '/api/v1/auth/sign-in', { email, password: 'not the password' }, ''));
    const session = signedIn.body.session.token as string;
    const created = await api(stack, 'POST', '/api/v1/account/stores', { name: 'Contract Store', domain: 'contract.example', currency: 'EUR', country: 'FR' }, session);
    expect(created.body.trial).not.toBeNull();
    expectDocumented('post', '/api/v1/account/stores', created);
    expectDocumented('get', '/api/v1/account/stores', await api(stack, 'GET', '/api/v1/account/stores', undefined, session));
    expectDocumented('patch', '/api/v1/account/profile', await api(stack, 'PATCH', '/api/v1/account/profile', { phone: '+33 1 23 45 67 89', city: null }, session));
    expectDocumented('put', '/api/v1/account/contacts', await api(stack, 'PUT', '/api/v1/account/contacts', { marketing: null, billing: { name: 'Bill', email: 'bill@merchant.example' }, technical: null }, session));
    const overview = await api(stack, 'GET', '/api/v1/account', undefined, session);
    expectDocumented('get', '/api/v1/account', overview);
    expect(overview.body.stores).toHaveLength(1);
    expectDocumented('get', '/api/v1/stores/{storeId}', await api(stack, 'GET', `/api/v1/stores/${created.body.id}`, undefined, session));
    expectDocumented('post', '/api/v1/auth/resend-verification', await api(stack, 'POST', '/api/v1/auth/resend-verification', { email }, ''));
    expectDocumented('post', '/api/v1/auth/forgot-password', await api(stack, 'POST', '/api/v1/auth/forgot-password', { email }, ''));
    expectDocumented('post', '/api/v1/auth/reset-password', await api(stack, 'POST', '/api/v1/auth/reset-password', { token: 'never-issued', password: 'contract password 2' }, ''));
    expectDocumented('post', '/api/v1/account/password', await api(stack, 'POST', '/api/v1/account/password', { currentPassword: 'contract password', newPassword: 'contract password 2' }, session));
    expectDocumented('post', '/api/v1/auth/sign-out', await api(stack, 'POST', '/api/v1/auth/sign-out', undefined, session));
    expectDocumented('get', '/api/v1/account', await api(stack, 'GET', '/api/v1/account', undefined, session));
  });

  it('refuses every body property the document bounds, past its bound, with a 400 naming that field', async () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ['patch', '/api/v1/stores/{storeId}', {}],
      ['post', '/api/v1/stores/{storeId}/rules', { name: 'R', senderName: 'S', senderEmail: 'a@b.example', subject: 'Hi', bodyHtml: '<p>x</p>' }],
    ];
    let checked = 0;
    for (const [method, path, base] of cases) {
      const schema = bodySchema(method, path);
      const before = await api(stack, 'GET', `/api/v1/stores/${store.id}`);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        const bad = breaking(property);
        if (bad === undefined) continue;
        const res = await api(stack, method.toUpperCase(), path.replace('{storeId}', store.id), { ...base, [name]: bad });
        expect({ name, bad: String(bad).slice(0, 20), status: res.status, fields: fieldsOf(res.body, true) }).toEqual({
          name,
          bad: String(bad).slice(0, 20),
          status: 400,
          fields: [name],
        });
        checked++;
      }
      if (schema.additionalProperties === false) {
        const res = await api(stack, method.toUpperCase(), path.replace('{storeId}', store.id), { ...base, notInTheDocument: 1 });
        expect(res.status).toBe(400);
      }
      // Nothing a refused request sent was written.
      expect((await api(stack, 'GET', `/api/v1/stores/${store.id}`)).body).toEqual(before.body);
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('refuses query values past the bounds the document states, naming the parameter', async () => {
    const params = operation('get', '/api/v1/stores/{storeId}/logs/{kind}').parameters!.filter((p) => p.in === 'query');
    for (const p of params) {
      const bad = p.name === 'ruleId' ? 'not-a-uuid' : breaking(p.schema);
      if (bad === undefined) continue;
      const res = await api(stack, 'GET', `/api/v1/stores/${store.id}/logs/sent?${p.name}=${encodeURIComponent(String(bad))}`);
      expect({ name: p.name, status: res.status, fields: fieldsOf(res.body) }).toEqual({ name: p.name, status: 400, fields: [p.name] });
    }
  });

  it('checks credentials before the declared schemas, as before: a stranger learns nothing about the input from a 400', async () => {
    const other = (await api(stack, 'POST', '/api/v1/stores', { name: 'Stranger' })).body as { apiKey: string };
    const invalid = { name: 'x'.repeat(500), smartSendingHours: -1 };
    for (const key of ['', 'bk_wrong', other.apiKey]) {
      const requests: [string, string, unknown][] = [
        ['PATCH', `/api/v1/stores/${store.id}`, invalid],
        ['POST', `/api/v1/stores/${store.id}/rules`, invalid],
        ['GET', `/api/v1/stores/${store.id}/logs/sent?limit=0`, undefined],
        ['GET', `/api/v1/stores/${store.id}/dispatch/dead-letters?limit=0`, undefined],
        ['POST', '/api/v1/stores', invalid],
      ];
      for (const [method, path, body] of requests) {
        const res = await api(stack, method, path, body, key);
        expect({ method, path, key: key.slice(0, 6), status: res.status, error: res.body.error }).toEqual({ method, path, key: key.slice(0, 6), status: 401, error: 'unauthorized' });
      }
    }
  });

  it('answers every log kind, with rows, as the document describes them', async () => {
    const shop = (await api(stack, 'POST', '/api/v1/stores', { name: 'Log Shop' })).body as { id: string; webhookSecret: string };
    expect((await api(stack, 'PATCH', `/api/v1/stores/${shop.id}`, { ...CAN_SPAM, smartSendingHours: 0 })).status).toBe(200);
    const rule = async (name: string, extra: Record<string, unknown>) => {
      const res = await api(stack, 'POST', `/api/v1/stores/${shop.id}/rules`, {
        name, status: 'active', senderName: 'Logs', senderEmail: 'logs@shop.example', subject: 'Hi', bodyHtml: '<p>Come back</p>', ...extra,
      });
      expect(res.status).toBe(201);
    };
    await rule('Soon', { window: 'PT2S' });
    await rule('Opted in only', { window: 'PT2S', sendingFilter: 'opted_in' });
    await rule('Later', { windowDays: 30 });
    const buy = async (id: string) =>
      expect((await postAndProject(stack, shop.id, shop.webhookSecret, JSON.stringify(order({ id, customer: { email: 'logs@x.example', optedIn: false } })))).status).toBe(202);
    await buy('log-1');
    const log = (kind: string) => api(stack, 'GET', `/api/v1/stores/${shop.id}/logs/${kind}`);
    await eventually(async () => (await log('sent')).body.items.length === 1 && (await log('skipped')).body.items.length === 1);
    await buy('log-2');
    await eventually(async () => (await log('conversions')).body.items.length === 1);
    for (const kind of ['pending', 'sent', 'skipped', 'conversions']) {
      const res = await log(kind);
      expect({ kind, rows: res.body.items.length > 0 }).toEqual({ kind, rows: true });
      expectDocumented('get', '/api/v1/stores/{storeId}/logs/{kind}', res);
    }
    expectDocumented('get', '/api/v1/stores/{storeId}/messages/pending', await api(stack, 'GET', `/api/v1/stores/${shop.id}/messages/pending`));
    expectDocumented('get', '/api/v1/stores/{storeId}/messages/sent', await api(stack, 'GET', `/api/v1/stores/${shop.id}/messages/sent`));
    expectDocumented('get', '/api/v1/stores/{storeId}/stats', await api(stack, 'GET', `/api/v1/stores/${shop.id}/stats`));
    const outbox = await api(stack, 'GET', `/api/v1/stores/${shop.id}/outbox`);
    expectDocumented('get', '/api/v1/stores/{storeId}/outbox', outbox);
    expectDocumented('get', '/api/v1/stores/{storeId}/outbox/{emailId}', await api(stack, 'GET', `/api/v1/stores/${shop.id}/outbox/${outbox.body.emails[0].id}`));

    // The customer routes, on a customer with every kind of activity (armed, sent, skipped, converted, unsubscribed, and a
    // default segment entered with the first order).
    const customers = await api(stack, 'GET', `/api/v1/stores/${shop.id}/customers`);
    expectDocumented('get', '/api/v1/stores/{storeId}/customers', customers);
    const customer = `/api/v1/stores/${shop.id}/customers/${customers.body.items[0].id}`;
    expectDocumented('post', '/api/v1/stores/{storeId}/customers/{customerId}/subscription', await api(stack, 'POST', `${customer}/subscription`, { subscribed: false, reason: 'contract' }));
    expectDocumented('get', '/api/v1/stores/{storeId}/customers/{customerId}', await api(stack, 'GET', customer));
    const timeline = await api(stack, 'GET', `${customer}/timeline`);
    expect(new Set(timeline.body.items.map((e: { kind: string }) => e.kind))).toEqual(new Set(['retention_armed', 'message_sent', 'message_skipped', 'conversion', 'unsubscribed', 'segment_entered']));
    expectDocumented('get', '/api/v1/stores/{storeId}/customers/{customerId}/timeline', timeline);
    for (const p of operation('get', '/api/v1/stores/{storeId}/customers').parameters!.filter((p) => p.in === 'query')) {
      const bad = breaking(p.schema);
      if (bad === undefined) continue;
      const res = await api(stack, 'GET', `/api/v1/stores/${shop.id}/customers?${p.name}=${encodeURIComponent(String(bad))}`);
      expect({ name: p.name, status: res.status, fields: fieldsOf(res.body) }).toEqual({ name: p.name, status: 400, fields: [p.name] });
    }

    // The order routes, on the order that converted (its timeline: placed, received, the cycle it armed, its conversion).
    const orders = await api(stack, 'GET', `/api/v1/stores/${shop.id}/orders`);
    expectDocumented('get', '/api/v1/stores/{storeId}/orders', orders);
    const converted = `/api/v1/stores/${shop.id}/orders/${orders.body.items.find((o: { number: string }) => o.number === 'log-2').id}`;
    expectDocumented('get', '/api/v1/stores/{storeId}/orders/{orderId}', await api(stack, 'GET', converted));
    const orderTimeline = await api(stack, 'GET', `${converted}/timeline`);
    expect(orderTimeline.body.items.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['placed', 'received', 'retention_armed', 'conversion']));
    expectDocumented('get', '/api/v1/stores/{storeId}/orders/{orderId}/timeline', orderTimeline);
    for (const p of operation('get', '/api/v1/stores/{storeId}/orders').parameters!.filter((p) => p.in === 'query')) {
      const bad = breaking(p.schema);
      if (bad === undefined) continue;
      const res = await api(stack, 'GET', `/api/v1/stores/${shop.id}/orders?${p.name}=${encodeURIComponent(String(bad))}`);
      expect({ name: p.name, status: res.status, fields: fieldsOf(res.body) }).toEqual({ name: p.name, status: 400, fields: [p.name] });
    }
  }, 60_000);
});
