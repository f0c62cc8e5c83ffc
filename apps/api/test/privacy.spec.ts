import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { retentionWorkflowId } from '@boomerang/temporal-client';
import { WEBHOOK_EVENT_TYPES } from '@boomerang/integrations';
import { FakeShopify, findPersonalData, shopifyJson, TcpProxy, WebhookReceiver } from '@boomerang/testing';
import { api, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';

/**
 * Issue 14, points 3–4 on the whole stack: the merchant sends a customer their profile link (read from the development
 * outbox), the link works once, the export holds what the pipeline wrote; erasure by the merchant and by Shopify's
 * privacy webhooks leaves the person in no column of any table, ends their workflows in Temporal and keeps the
 * store's statistics.
 */

const fixture = (name: string) => readFileSync(new URL(`../../../libs/stores/src/platforms/shopify/__fixtures__/${name}`, import.meta.url), 'utf8');

const ANN = { email: 'zelphira.quondam@privacy.example', firstName: 'Zelphira', lastName: 'Quondamova', phone: '+1 555 0199 4242', street: '77 Wisteria Crescent' };
const BEN = { email: 'ben.other@privacy.example', firstName: 'Benedikt', lastName: 'Other' };

const address = (name: string) => JSON.stringify({ name, company: null, line1: ANN.street, line2: null, city: 'Portland', region: 'OR', postalCode: '97201', country: 'US', phone: ANN.phone });

describe('privacy tools on the whole stack (profile link, export, erasure)', () => {
  let stack: Stack;
  const apiTarget = { host: '127.0.0.1', port: 0 };
  const front = new TcpProxy(apiTarget);
  const shopify = new FakeShopify({ accessToken: 'shpat_privacy', apiSecretKey: 'shpss_privacy', shopDomain: 'privacy-beans.myshopify.com' });
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => stack.orm.em.fork().execute<T[]>(query, params);

  beforeAll(async () => {
    const publicUrl = `http://${await front.up()}`;
    await shopify.start();
    stack = await startStack({ env: { PUBLIC_URL: publicUrl, SHOPIFY_API_ORIGIN: shopify.origin, ALLOW_INSECURE_PLATFORM_URLS: 'true' } });
    apiTarget.port = Number(new URL(stack.baseUrl).port);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await shopify.stop();
    await front.down();
  });

  /** The profile link's token from the newest email the development outbox holds for the address. */
  async function linkTokenFor(email: string): Promise<string> {
    const list = await api(stack, 'GET', `/api/v1/dev/outbox?to=${encodeURIComponent(email)}`);
    expect(list.status).toBe(200);
    const newest = list.body.emails[0];
    expect(newest.subject).toMatch(/^Your data at /);
    const mail = await api(stack, 'GET', `/api/v1/dev/outbox/${newest.id}`);
    const match = /\/privacy\/([A-Za-z0-9_-]{43})/.exec(mail.body.text);
    if (!match) throw new Error(`no link in ${mail.body.text}`);
    return match[1]!;
  }

  const asCustomer = async (method: string, path: string, session: string, body?: unknown) => {
    const res = await fetch(`${stack.baseUrl}/api/v1/privacy${path}`, {
      method,
      headers: { authorization: `Bearer ${session}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const publicCall = (method: string, path: string, body?: unknown) => api(stack, method, `/api/v1/privacy${path}`, body, 'none');

  /** Whether Temporal still knows any execution of the workflow (deletion completes on the server shortly after). */
  async function workflowExists(workflowId: string): Promise<boolean> {
    try {
      await stack.env.client.workflow.getHandle(workflowId).describe();
      return true;
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError') return false;
      throw err;
    }
  }

  describe('merchant', () => {
    let store: { id: string; apiKey: string; webhookSecret: string };
    let ruleId: string;
    let annId: string;
    let benId: string;
    let annSession: string;
    const merchant = (method: string, path: string, body?: unknown) => api(stack, method, `/api/v1/stores/${store.id}${path}`, body, store.apiKey);

    const hooks = new WebhookReceiver();
    afterAll(() => hooks.stop());

    beforeAll(async () => {
      store = await createReadyStore(stack, 'Privacy Beans');
      // An endpoint for every event: what it is sent about her must go with her too.
      expect((await merchant('POST', '/webhook-endpoints', { url: await hooks.start('/all'), eventTypes: [...WEBHOOK_EVENT_TYPES] })).status).toBe(201);
      const rule = await merchant('POST', '/rules', {
        name: 'Coffee refill', status: 'active', skus: ['COFFEE-1KG'], window: 'PT2S', senderName: 'Bean There', senderEmail: 'hello@beanthere.example',
        subject: 'Running low, {{customer.firstName}}?', bodyHtml: '<p>Hi {{customer.firstName}} {{customer.lastName}}, time for another bag?</p>',
      });
      expect(rule.status).toBe(201);
      ruleId = rule.body.id;
      const first = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'privacy-1', customer: { email: ANN.email, firstName: ANN.firstName, lastName: ANN.lastName, optedIn: true } })));
      expect(first.status).toBe(202);
      annId = (first.body as { customerId: string }).customerId;
      // The window passes: the worker renders and sends the message (into the outbox), as in production.
      const [sent] = await eventually(async () => {
        const rows = await sql<{ id: string }>(`select id from message where customer_id = ? and status = 'sent'`, [annId]);
        return rows.length ? rows : undefined;
      }, 60_000);
      // Postmark reports a click (the payload names the recipient, as Postmark's does).
      await sql(
        `insert into message_event (id, store_id, message_id, source, event_key, type, url, occurred_at, payload, created_at)
         values (gen_random_uuid(), ?, ?, 'postmark', ?, 'click', 'https://beanthere.example/coffee', now(), ?::jsonb, now())`,
        [store.id, sent!.id, `click-${sent!.id}`, JSON.stringify({ RecordType: 'Click', Recipient: ANN.email, OriginalLink: 'https://beanthere.example/coffee' })],
      );
      await sql(`update message set click_count = click_count + 1 where id = ?`, [sent!.id]);
      // She buys again after the message: a conversion, and a new cycle that sends again after the window.
      const second = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'privacy-2', customer: { email: ANN.email, firstName: ANN.firstName, lastName: ANN.lastName, optedIn: true } })));
      expect(second.status).toBe(202);
      await eventually(async () => (await sql(`select 1 from conversion where customer_id = ?`, [annId])).length > 0, 60_000);
      // The second cycle's message ends sent or skipped (smart sending): either way a second message row holds her data.
      await eventually(async () => (await sql(`select 1 from message where customer_id = ? and status in ('sent', 'skipped', 'failed')`, [annId])).length === 2, 60_000);
      // What a platform's orders carry beyond the generic payload: a phone and addresses.
      await sql(`update customer set phone = ?, company = 'Quondam Ltd' where id = ?`, [ANN.phone, annId]);
      await sql(`update store_order set billing_address = ?::jsonb, shipping_address = ?::jsonb where customer_id = ?`, [address(`${ANN.firstName} ${ANN.lastName}`), address(`${ANN.firstName} ${ANN.lastName}`), annId]);
      // The merchant added a tracking number to her first order (a custom cart: kept here only).
      const tracked = await merchant('POST', `/orders/${(first.body as { orderId: string }).orderId}/tracking`, { carrier: 'Royal Mail', number: 'AB123456789GB' });
      expect(tracked.status).toBe(201);
      const ben = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'privacy-3', customer: { email: BEN.email, firstName: BEN.firstName, lastName: BEN.lastName, optedIn: true } })));
      benId = (ben.body as { customerId: string }).customerId;
      // Ben's message goes out too, before any statistics are compared.
      await eventually(async () => (await sql(`select 1 from message where customer_id = ? and status in ('sent', 'skipped', 'failed')`, [benId])).length === 1, 60_000);
    }, 180_000);

    it('sends the profile link to the address on file; the link works once, and the page shows and exports her data', async () => {
      const sent = await merchant('POST', `/customers/${annId}/profile-link`);
      expect(sent).toMatchObject({ status: 201, body: { sentTo: ANN.email } });
      const token = await linkTokenFor(ANN.email);

      expect(await publicCall('GET', `/links/${token}`)).toMatchObject({ status: 200, body: { storeName: 'Privacy Beans' } });
      const opened = await publicCall('POST', '/sessions', { token });
      expect(opened.status).toBe(201);
      annSession = opened.body.session;
      expect(await publicCall('POST', '/sessions', { token })).toMatchObject({ status: 410, body: { error: 'token_used' } });
      expect(await publicCall('GET', `/links/${token}`)).toMatchObject({ status: 410, body: { error: 'token_used' } });

      const page = await asCustomer('GET', '/session', annSession);
      expect(page.status).toBe(200);
      expect(page.body.profile).toMatchObject({ email: ANN.email, firstName: ANN.firstName, phone: ANN.phone });
      expect(page.body.orders).toHaveLength(2);

      const exported = await asCustomer('GET', '/session/export', annSession);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="my-data-/);
      expect(exported.body.profile).toMatchObject({ id: annId, email: ANN.email });
      expect(exported.body.orders).toHaveLength(2);
      expect(exported.body.orders[0].lines).toEqual([expect.objectContaining({ sku: 'COFFEE-1KG', quantity: 2 })]);
      expect(exported.body.orders.flatMap((o: { trackingAdded: unknown[] }) => o.trackingAdded)).toEqual([
        { carrier: 'Royal Mail', number: 'AB123456789GB', url: null, addedAt: expect.any(String) },
      ]);
      expect(exported.body.orders.map((o: { shippingAddress: { line1: string } }) => o.shippingAddress.line1)).toEqual([ANN.street, ANN.street]);
      expect(exported.body.messages).toHaveLength(2);
      const clicked = exported.body.messages.find((m: { events: unknown[] }) => m.events.length > 0);
      expect(clicked).toMatchObject({ status: 'sent', subject: `Running low, ${ANN.firstName}?`, events: [expect.objectContaining({ type: 'click', source: 'postmark' })] });
      expect(exported.body.conversions).toHaveLength(1);
      expect(exported.body.retentionEnrollments).toEqual([expect.objectContaining({ ruleId, ruleName: 'Coffee refill' })]);
      expect(JSON.stringify(exported.body)).not.toContain(BEN.email);

      expect((await asCustomer('PUT', '/session/subscription', annSession, { subscribed: false })).body.subscribed).toBe(false);
      expect((await sql<{ unsubscribed_at: Date | null }>(`select unsubscribed_at from customer where id = ?`, [annId]))[0]!.unsubscribed_at).not.toBeNull();
      expect(await asCustomer('PUT', '/session/subscription', annSession, { subscribed: 'no' })).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ field: 'subscribed' })] } });
    });

    it('refuses forged, garbled and foreign tokens and sessions; a link resolves only to its own customer and store', async () => {
      const forged = randomBytes(32).toString('base64url');
      expect(await publicCall('POST', '/sessions', { token: forged })).toMatchObject({ status: 400, body: { error: 'token_invalid' } });
      expect(await publicCall('GET', `/links/${forged}`)).toMatchObject({ status: 400, body: { error: 'token_invalid' } });
      expect(await publicCall('POST', '/sessions', { token: 'abc' })).toMatchObject({ status: 400, body: { error: 'token_invalid' } });
      expect(await publicCall('POST', '/sessions', { token: 7 })).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect((await asCustomer('GET', '/session', `bmp_${forged}`)).status).toBe(401);
      expect((await asCustomer('GET', '/session', 'nonsense')).status).toBe(401);

      await merchant('POST', `/customers/${benId}/profile-link`);
      const benToken = await linkTokenFor(BEN.email);
      // A link is not a session.
      expect((await asCustomer('GET', '/session', benToken)).status).toBe(401);
      const benSession = (await publicCall('POST', '/sessions', { token: benToken })).body.session;
      const page = await asCustomer('GET', '/session', benSession);
      expect(page.body.profile.email).toBe(BEN.email);
      expect(JSON.stringify((await asCustomer('GET', '/session/export', benSession)).body)).not.toContain(ANN.email);

      // Another store cannot send a link to this store's customer.
      const other = await createReadyStore(stack, 'Other Beans');
      expect((await api(stack, 'POST', `/api/v1/stores/${other.id}/customers/${annId}/profile-link`, undefined, other.apiKey)).status).toBe(404);
      expect((await api(stack, 'DELETE', `/api/v1/stores/${other.id}/customers/${annId}`, undefined, other.apiKey)).status).toBe(404);
    });

    it('limits links per customer (three an hour)', async () => {
      expect((await merchant('POST', `/customers/${benId}/profile-link`)).status).toBe(201);
      expect((await merchant('POST', `/customers/${benId}/profile-link`)).status).toBe(201);
      const limited = await merchant('POST', `/customers/${benId}/profile-link`);
      expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    });

    it('while Temporal is unreachable erases nothing and answers 503, so the merchant can try again', async () => {
      await stack.temporalProxy.down();
      try {
        const refused = await merchant('DELETE', `/customers/${benId}`);
        expect(refused).toMatchObject({ status: 503, body: { error: 'unavailable' } });
      } finally {
        await stack.temporalProxy.up();
      }
      expect((await sql(`select 1 from customer where id = ?`, [benId])).length).toBe(1);
      expect((await merchant('GET', '/privacy-requests')).body.requests).toEqual([]);
    });

    it('records a data request for a customer on the merchant’s word: the export holds his data only, and another store’s request is a 404', async () => {
      const recorded = await merchant('POST', `/customers/${benId}/data-requests`);
      expect(recorded).toMatchObject({ status: 201, body: { customerId: benId } });
      const listed = (await merchant('GET', '/privacy-requests')).body.requests;
      expect(listed[0]).toMatchObject({ id: recorded.body.requestId, kind: 'data_request', source: 'merchant', customerId: benId, hasExport: true });
      const exported = await merchant('GET', `/privacy-requests/${recorded.body.requestId}/export`);
      expect(exported.status).toBe(200);
      expect(exported.body.profile).toMatchObject({ id: benId, email: BEN.email });
      expect(exported.body.orders).toEqual([expect.objectContaining({ lines: [expect.objectContaining({ sku: 'COFFEE-1KG' })] })]);
      expect(exported.body.messages).toHaveLength(1);
      expect(JSON.stringify(exported.body)).not.toContain(ANN.email);

      const other = await createReadyStore(stack, 'Other Beans 2');
      expect((await api(stack, 'POST', `/api/v1/stores/${other.id}/customers/${benId}/data-requests`, undefined, other.apiKey)).status).toBe(404);
      expect(await merchant('POST', `/customers/not-a-uuid/data-requests`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await api(stack, 'GET', `/api/v1/stores/${other.id}/privacy-requests`, undefined, other.apiKey)).body.requests).toEqual([]);
    });

    it('erases her: no column of any table holds her data, her workflows are gone from Temporal, the statistics keep their counts', async () => {
      const needles = [ANN.email, ANN.firstName, ANN.lastName, ANN.phone, ANN.street];
      expect((await findPersonalData(stack.orm.em.fork(), needles)).length).toBeGreaterThan(5);
      // Her events went out to the store's endpoint: orders, the message sent, the conversion, the unsubscribe.
      const expected = ['conversion.recorded', 'customer.unsubscribed', 'message.sent', 'order.created', 'order.fulfilled', 'order.paid'];
      const typesAboutHer = () => [...new Set(hooks.received.filter((r) => r.rawBody.includes(ANN.email)).map((r) => (JSON.parse(r.rawBody.toString()) as { type: string }).type))].sort();
      await eventually(async () => JSON.stringify(typesAboutHer()) === JSON.stringify(expected), 30_000).catch(() => undefined);
      expect(typesAboutHer()).toEqual(expected);
      expect((await sql(`select 1 from webhook_delivery where payload::text like ?`, [`%${ANN.email}%`])).length).toBeGreaterThan(0);
      const workflowId = retentionWorkflowId(store.id, ruleId, ANN.email);
      expect(await workflowExists(workflowId)).toBe(true);
      const before = await merchant('GET', '/stats');
      expect(before.body).toMatchObject({ clicks: 1, conversions: 1 });
      expect(before.body.sent + before.body.skipped).toBe(3);

      const erased = await merchant('DELETE', `/customers/${annId}`);
      expect(erased).toMatchObject({ status: 200, body: { customerId: annId, summary: expect.objectContaining({ customer: 1, message: 2, outbox_email: expect.any(Number) }) } });
      expect(erased.body.workflows.terminated + erased.body.workflows.deleted).toBeGreaterThan(0);

      expect(await findPersonalData(stack.orm.em.fork(), needles)).toEqual([]);
      const after = await merchant('GET', '/stats');
      // Pending sends end with her workflows; what was sent, opened, clicked and converted stays counted.
      for (const figure of ['sent', 'skipped', 'opens', 'clicks', 'conversions', 'revenue', 'weekly', 'currency']) expect(after.body[figure]).toEqual(before.body[figure]);
      // Temporal deletes executions by a background task: on a busy dev server that has taken 10–30 s.
      await eventually(async () => !(await workflowExists(workflowId)), 90_000);
      const left: string[] = [];
      for await (const run of stack.env.client.workflow.list({ query: `BoomerangCustomer = '${ANN.email}'` })) left.push(run.workflowId);
      expect(left).toEqual([]);

      // Her page session ends with her; the erasure is on record without her address.
      expect((await asCustomer('GET', '/session', annSession)).status).toBe(401);
      const requests = await merchant('GET', '/privacy-requests');
      expect(requests.body.requests[0]).toMatchObject({ kind: 'erasure', source: 'merchant', customerId: annId });
      expect((await merchant('DELETE', `/customers/${annId}`)).status).toBe(404);
      // Ben is untouched.
      expect((await sql(`select 1 from customer where id = ?`, [benId])).length).toBe(1);
    });
  });

  describe('Shopify privacy webhooks', () => {
    const BOB = ['bob.norman@hostmail.com', 'Norman', '555-625-1199', 'Chestnut Street 92'];
    let store: { id: string; apiKey: string };

    /** Waits until none of the store's inbox events is pending. */
    const drained = (storeId: string, expected: number) =>
      eventually(async () => {
        const rows = await sql<{ state: string; last_error: string | null; result: Record<string, unknown> | null }>(`select state, last_error, result from inbox_event where store_id = ? order by seq`, [storeId]);
        return rows.length >= expected && rows.every((r) => r.state !== 'pending') ? rows : undefined;
      }, 60_000, 100);

    beforeAll(async () => {
      const created = await createReadyStore(stack, 'Shopify Privacy');
      store = created;
      const put = await api(stack, 'PUT', `/api/v1/stores/${store.id}/connection`, { platform: 'shopify', shopDomain: 'privacy-beans.myshopify.com', accessToken: shopify.accessToken, apiSecretKey: shopify.apiSecretKey });
      expect(put).toMatchObject({ status: 200, body: { status: 'connected' } });
      await shopify.emitWebhook('orders/create', fixture('orders-create.json'));
      const [projected] = await drained(store.id, 1);
      expect(projected).toMatchObject({ state: 'projected', result: expect.objectContaining({ kind: 'order' }) });
    }, 120_000);

    it('customers/data_request stores the export for the merchant to download', async () => {
      const request = { ...JSON.parse(fixture('customers-data_request.json')), customer: { id: 207119551, email: 'bob.norman@hostmail.com', phone: '555-625-1199' } };
      await shopify.emitWebhook('customers/data_request', shopifyJson(request));
      const rows = await drained(store.id, 2);
      expect(rows[1]).toMatchObject({ state: 'projected', result: expect.objectContaining({ topic: 'customers/data_request', handled: true }) });
      const list = await api(stack, 'GET', `/api/v1/stores/${store.id}/privacy-requests`, undefined, store.apiKey);
      const dataRequest = list.body.requests.find((r: { kind: string }) => r.kind === 'data_request');
      expect(dataRequest).toMatchObject({ source: 'shopify', topic: 'customers/data_request', hasExport: true });
      const exported = await api(stack, 'GET', `/api/v1/stores/${store.id}/privacy-requests/${dataRequest.id}/export`, undefined, store.apiKey);
      expect(exported.status).toBe(200);
      expect(exported.body.profile).toMatchObject({ email: 'bob.norman@hostmail.com' });
      expect(exported.body.orders).toHaveLength(1);
    });

    it('customers/redact through the Shopify receiver erases the customer from every table', async () => {
      expect((await findPersonalData(stack.orm.em.fork(), BOB)).length).toBeGreaterThan(3);
      const request = { ...JSON.parse(fixture('customers-redact.json')), customer: { id: 207119551, email: 'bob.norman@hostmail.com', phone: '555-625-1199' } };
      await shopify.emitWebhook('customers/redact', shopifyJson(request));
      const rows = await drained(store.id, 3);
      expect(rows[2]).toMatchObject({ state: 'projected', result: expect.objectContaining({ topic: 'customers/redact', handled: true }) });
      expect(await findPersonalData(stack.orm.em.fork(), BOB)).toEqual([]);
      const list = await api(stack, 'GET', `/api/v1/stores/${store.id}/privacy-requests`, undefined, store.apiKey);
      expect(list.body.requests.map((r: { kind: string; source: string; hasExport: boolean }) => [r.kind, r.source, r.hasExport])).toEqual([
        ['erasure', 'shopify', false],
        ['data_request', 'shopify', false],
      ]);
    });
  });
});
