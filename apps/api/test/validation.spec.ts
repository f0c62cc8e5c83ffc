import { gzipSync } from 'node:zlib';
import { signWebhook } from '@boomerang/stores';
import { ADMIN_KEY, api, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';

// Issue 10, defects 4, 6, 7, 9, 12 and 13: each reproducer answers a 4xx naming the field and writes nothing.

const POSTMARK_SECRET = 'hook-secret';
const DASHES = '-'.repeat(36);

interface Reply {
  status: number;
  body: { error?: string; message?: string; issues?: { field: string; message: string }[] } & Record<string, unknown>;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: Reply['body'];
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body };
}

const fields = (r: Reply) => (r.body.issues ?? []).map((i) => i.field);

/** A 4xx with the expected code whose issues name `field`. */
function expectRejected(r: Reply, status: number, error: string, field?: string) {
  expect({ status: r.status, error: r.body.error }).toEqual({ status, error });
  if (field) expect(fields(r)).toContain(field);
}

async function counts(stack: Stack) {
  const [row] = await stack.orm.em.fork().execute<Record<string, string>[]>(
    `select (select count(*) from inbox_event) as inbox, (select count(*) from store_order) as orders, (select count(*) from customer) as customers,
            (select count(*) from retention_dispatch) as dispatches, (select count(*) from retention_rule) as rules,
            (select count(*) from store) as stores, (select count(*) from message_event) as events,
            (select md5(string_agg(row_to_json(s)::text, ',' order by id)) from store s) as store_rows,
            (select md5(string_agg(row_to_json(r)::text, ',' order by id)) from retention_rule r) as rule_rows`,
  );
  return row;
}

describe('one validation layer: every input bounded, a 4xx naming the field, nothing written', () => {
  let stack: Stack;
  let store: { id: string; apiKey: string; webhookSecret: string };
  let ruleId: string;
  let messageId: string;
  const ruleBody = {
    name: 'Blanket',
    status: 'active',
    windowDays: 30,
    senderName: 'Strict',
    senderEmail: 'shop@strict.example',
    subject: 'Hello',
    bodyHtml: '<p>Hi</p>',
  };
  let before: Awaited<ReturnType<typeof counts>>;

  const webhook = (body: unknown) => postAndProject(stack, store.id, store.webhookSecret, typeof body === 'string' ? body : JSON.stringify(body));
  const get = async (path: string) => reply(await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }));
  const send = async (method: string, path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    reply(await fetch(`${stack.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers }, body }));
  const postmark = async (body: unknown) =>
    reply(
      await fetch(`${stack.baseUrl}/api/v1/webhooks/postmark`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-postmark-webhook-secret': POSTMARK_SECRET },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  const openEvent = (overrides: Record<string, unknown> = {}) => ({
    RecordType: 'Open',
    MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
    Metadata: { messageId },
    Recipient: 'jane@example.com',
    ReceivedAt: '2026-11-22T10:05:00Z',
    ...overrides,
  });

  beforeAll(async () => {
    stack = await startStack({ env: { POSTMARK_WEBHOOK_SECRET: POSTMARK_SECRET } });
    store = await createReadyStore(stack, 'Strict Store');
    const rule = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, ruleBody);
    ruleId = rule.body.id;
    // A second rule sends at once, so Postmark events below can name a real message.
    await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, { ...ruleBody, name: 'Quick', window: 'PT1S', windowDays: undefined });
    expect((await webhook(order())).status).toBe(202);
    messageId = await eventually(async () => {
      const [row] = await stack.orm.em.fork().execute<{ id: string }[]>(`select id from message where store_id = ? and status = 'sent'`, [store.id]);
      return row?.id;
    });
    before = await counts(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('rejected input', () => {
    afterEach(async () => {
      expect(await counts(stack)).toEqual(before);
    });

    describe('the order webhook (defects 6 and 9)', () => {
      it.each([
        ['NUL in a string', { customer: { email: 'nul@example.com', firstName: 'Ja\u0000ne' } }, 'customer.firstName'],
        ['a lone surrogate in a line item', { lineItems: [{ sku: 'SKU-1', name: 'mug \ud83d', quantity: 1, price: 5 }] }, 'lineItems.0.name'],
        ['an id over 255 characters', { id: 'o'.repeat(256) }, 'id'],
        ['an email over 255 characters', { customer: { email: `${'a'.repeat(250)}@example.com` } }, 'customer.email'],
        ['240 emoji as an email', { customer: { email: `${'😀'.repeat(240)}@x.co` } }, 'customer.email'],
        ['an email that lowercasing lengthens past 255', { customer: { email: `${'İ'.repeat(200)}@x.co` } }, 'customer.email'],
        ['a total of 1e17', { totals: { total: 1e17 } }, 'totals.total'],
        ['a price of 1e308', { lineItems: [{ sku: 'SKU-1', quantity: 1, price: 1e308 }] }, 'lineItems.0.price'],
        ['createdAt in year 0000', { createdAt: '0000-01-01T00:00:00Z' }, 'createdAt'],
        ['createdAt in year 9999', { createdAt: '9999-12-31T23:59:59Z' }, 'createdAt'],
        ['an order dated year 4000', { createdAt: '4000-01-01T00:00:00Z' }, 'createdAt'],
        ['an updatedAt of 9999', { updatedAt: '9999-12-31T23:59:59Z' }, 'updatedAt'],
        ['currency ZZZ', { currency: 'ZZZ' }, 'currency'],
        ['currency BTC', { currency: 'BTC' }, 'currency'],
      ])('refuses %s', async (_, overrides, field) => {
        const res = await webhook(order({ id: 'order-bad', ...overrides }));
        expectRejected(res, 400, 'validation_failed', field);
      });

      it('refuses a body nested 10,000 deep', async () => {
        const raw = JSON.stringify(order({ id: 'order-deep' })).replace(/}$/, `,"extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
        const res = await webhook(raw);
        expectRejected(res, 400, 'validation_failed');
        expect(fields(res)[0]).toMatch(/^extra\.0\.0/);
      });
    });

    describe('the body layer (defect 13)', () => {
      it('answers payload_too_large for a body over 1 MiB, on the webhook and the REST API', async () => {
        const big = JSON.stringify(order({ id: 'order-big', note: 'x'.repeat(1024 * 1024) }));
        expectRejected(await webhook(big), 413, 'payload_too_large');
        expectRejected(await send('POST', '/api/v1/stores', JSON.stringify({ name: 'x'.repeat(1024 * 1024) })), 413, 'payload_too_large');
      });

      it('refuses a compressed webhook instead of checking the signature over the decompressed body', async () => {
        const raw = JSON.stringify(order({ id: 'order-gzip' }));
        const path = `/api/v1/stores/${store.id}/webhooks/orders`;
        const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
        const overDecompressed = await send('POST', path, gzipSync(raw), { ...headers, 'x-boomerang-signature': signWebhook(store.webhookSecret, raw) });
        expectRejected(overDecompressed, 415, 'unsupported_media_type');
        const gz = gzipSync(raw);
        const overSent = await send('POST', path, gz, { ...headers, 'x-boomerang-signature': signWebhook(store.webhookSecret, gz) });
        expectRejected(overSent, 415, 'unsupported_media_type');
      });

      it('refuses a body that is not JSON, with a JSON answer', async () => {
        const raw = JSON.stringify(order({ id: 'order-text' }));
        const res = await send('POST', `/api/v1/stores/${store.id}/webhooks/orders`, raw, {
          'content-type': 'text/plain',
          'x-boomerang-signature': signWebhook(store.webhookSecret, raw),
        });
        expectRejected(res, 415, 'unsupported_media_type');
        expectRejected(await send('POST', '/api/v1/stores', 'name=Sneaky', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
        expectRejected(await send('PATCH', `/api/v1/stores/${store.id}`, '{"name":"X"}', {}), 415, 'unsupported_media_type');
      });

      it('refuses NUL and lone surrogates in any key or string, and deep nesting, on every JSON route', async () => {
        expectRejected(await send('PATCH', `/api/v1/stores/${store.id}`, '{"companyName":"Bean\\u0000There"}'), 400, 'validation_failed', 'companyName');
        expectRejected(await send('PATCH', `/api/v1/stores/${store.id}`, '{"city":"\\udc00"}'), 400, 'validation_failed', 'city');
        expectRejected(await send('PATCH', `/api/v1/stores/${store.id}`, `{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`), 400, 'validation_failed');
        expectRejected(await send('POST', `/api/v1/stores/${store.id}/rules`, '{"na\\u0000me":"x"}'), 400, 'validation_failed');
      });
    });

    describe('store settings (defects 4, 7 and 12)', () => {
      it.each([
        ['an unknown time zone on update', { timezone: 'Mars/Olympus' }, 'timezone'],
        ['NUL in a setting', { companyName: 'Bean\u0000There' }, 'companyName'],
        ['a logoUrl over 255 characters', { logoUrl: `https://cdn.example/${'l'.repeat(250)}.png` }, 'logoUrl'],
        ['a javascript: logo', { logoUrl: 'javascript:alert(1)' }, 'logoUrl'],
        ['a javascript: social link', { socialLinks: { x: 'javascript:alert(document.cookie)' } }, 'socialLinks.x'],
        ['an unknown social network', { socialLinks: { myspace: 'https://myspace.com/x' } }, 'socialLinks.myspace'],
        ['a street over 255 characters', { street: 's'.repeat(256) }, 'street'],
        ['currency BTC', { currency: 'BTC' }, 'currency'],
      ])('refuses %s', async (_, body, field) => {
        expectRejected(await api(stack, 'PATCH', `/api/v1/stores/${store.id}`, body), 400, 'validation_failed', field);
      });

      it('refuses an unknown time zone and NUL at creation', async () => {
        expectRejected(await api(stack, 'POST', '/api/v1/stores', { name: 'Mars', timezone: 'Mars/Olympus' }), 400, 'validation_failed', 'timezone');
        expectRejected(await api(stack, 'POST', '/api/v1/stores', { name: 'Nul\u0000' }), 400, 'validation_failed', 'name');
      });
    });

    describe('rule fields (defect 7)', () => {
      const rule = (overrides: Record<string, unknown>) => ({
        name: 'Refill',
        windowDays: 30,
        senderName: 'Strict',
        senderEmail: 'shop@strict.example',
        subject: 'Hello',
        bodyHtml: '<p>Hi</p>',
        ...overrides,
      });

      it.each([
        ['NUL in the name', { name: 'Re\u0000fill' }, 'name'],
        ['a senderEmail over 255 characters', { senderEmail: `${'s'.repeat(250)}@strict.example` }, 'senderEmail'],
        ['a window of P5000W', { windowDays: undefined, window: 'P5000W' }, 'window'],
        ['a window too large for any number', { windowDays: undefined, window: `P${'9'.repeat(400)}D` }, 'window'],
        ['a lone surrogate in a SKU', { skus: ['\ud800'] }, 'skus.0'],
      ])('refuses %s', async (_, overrides, field) => {
        expectRejected(await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, rule(overrides)), 400, 'validation_failed', field);
        expectRejected(await api(stack, 'PATCH', `/api/v1/stores/${store.id}/rules/${ruleId}`, { ...overrides, windowDays: undefined }), 400, 'validation_failed', field);
      });

      it('answers 404 for a rule id of 36 dashes, on every rule route', async () => {
        const base = `/api/v1/stores/${store.id}/rules/${DASHES}`;
        expectRejected(await api(stack, 'GET', base), 404, 'not_found');
        expectRejected(await api(stack, 'PATCH', base, { name: 'x' }), 404, 'not_found');
        expectRejected(await api(stack, 'POST', `${base}/pause`), 404, 'not_found');
        expectRejected(await api(stack, 'POST', `${base}/activate`), 404, 'not_found');
        expectRejected(await api(stack, 'DELETE', base), 404, 'not_found');
        expectRejected(await api(stack, 'POST', `${base}/test-send`, { to: 'a@b.example' }), 404, 'not_found');
        // A path that is not clean text is refused before routing.
        expectRejected(await get(`/api/v1/stores/${store.id}/rules/%00`), 400, 'validation_failed', '(path)');
        expectRejected(await get(`/api/v1/stores/${store.id}/rules/%ED%A0%80`), 400, 'validation_failed', '(path)');
      });

      it('refuses a test-send address over 255 characters', async () => {
        const res = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules/${ruleId}/test-send`, { to: `${'t'.repeat(250)}@strict.example` });
        expectRejected(res, 400, 'validation_failed', 'to');
      });
    });

    describe('log filters, cursors, stats and the outbox (defect 7)', () => {
      const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

      it.each([
        ['from=0000-01-01', 'from'],
        ['to=0000-01-01', 'to'],
        ['from=%2B275760-09-13', 'from'],
        ['from=%2B275760-09-13T00:00:00.000Z', 'from'],
        [`ruleId=${DASHES}`, 'ruleId'],
        ['ruleId=RULE&ruleId=RULE', 'ruleId'],
        ['limit=1e9', 'limit'],
        [`cursor=${cursor(['2026-11-01T00:00:00.000Z', DASHES])}`, 'cursor'],
        [`cursor=${cursor(['+275760-09-13T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])}`, 'cursor'],
        ['cursor=%00', 'cursor'],
        [`from=${'9'.repeat(5000)}`, 'from'],
      ])('refuses %s on every log', async (query, field) => {
        for (const kind of ['logs/pending', 'logs/sent', 'logs/skipped', 'logs/conversions', 'messages/sent']) {
          const res = await get(`/api/v1/stores/${store.id}/${kind}?${query.replaceAll('RULE', ruleId)}`);
          expectRejected(res, 400, 'validation_failed', field);
        }
      });

      it('refuses a stats ruleId of 36 dashes and answers 404 for such an outbox email', async () => {
        expectRejected(await get(`/api/v1/stores/${store.id}/stats?ruleId=${DASHES}`), 400, 'validation_failed', 'ruleId');
        expectRejected(await get(`/api/v1/stores/${store.id}/outbox/${DASHES}`), 404, 'not_found');
        expectRejected(await get(`/api/v1/stores/${DASHES}/stats`), 404, 'not_found');
      });
    });

    describe('Postmark webhooks (defect 7)', () => {
      it.each([
        ['NUL in a field', { MessageID: 'abc\u0000' }, 'MessageID'],
        ['a lone surrogate', { Recipient: '\ud800@example.com' }, 'Recipient'],
        ['ReceivedAt in year 0000', { ReceivedAt: '0000-01-01T00:00:00Z' }, 'ReceivedAt'],
        ['ReceivedAt past year 275760', { ReceivedAt: '+275760-09-13T00:00:00Z' }, 'ReceivedAt'],
      ])('refuses %s', async (_, overrides, field) => {
        expectRejected(await postmark(openEvent(overrides)), 400, 'validation_failed', field);
      });

      it('refuses 10,000-deep nesting', async () => {
        const raw = JSON.stringify(openEvent()).replace(/}$/, `,"Metadata2":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
        expectRejected(await postmark(raw), 400, 'validation_failed');
      });

      it('ignores an event whose Metadata.messageId is not a UUID', async () => {
        const res = await postmark(openEvent({ Metadata: { messageId: DASHES } }));
        expect(res).toMatchObject({ status: 200, body: { status: 'ignored' } });
      });
    });
  });

  describe('accepted input', () => {
    it('stores money exactly, in each currency\'s minor units', async () => {
      const cases = [
        { id: 'order-usd', currency: 'USD', price: 1.005, total: 1.005, cents: 101 },
        { id: 'order-jpy', currency: 'JPY', price: 1500, total: 1500, cents: 1500 },
        { id: 'order-bhd', currency: 'bhd', price: 1.2345, total: '12.3455', cents: 12346 },
      ];
      for (const c of cases) {
        const res = await webhook(
          order({ id: c.id, currency: c.currency, lineItems: [{ sku: 'COFFEE-1KG', quantity: 1, price: c.price }], totals: { total: c.total } }),
        );
        expect(res.status).toBe(202);
      }
      const rows = await stack.orm.em
        .fork()
        .execute<{ external_id: string; currency: string; total_cents: string; lines: { priceCents: number }[] }[]>(
          `select external_id, currency, total_cents, lines from store_order where external_id in ('order-usd', 'order-jpy', 'order-bhd') order by external_id`,
        );
      expect(rows.map((r) => [r.external_id, r.currency, Number(r.total_cents), r.lines[0]!.priceCents])).toEqual([
        ['order-bhd', 'BHD', 12346, 1235],
        ['order-jpy', 'JPY', 1500, 1500],
        ['order-usd', 'USD', 101, 101],
      ]);
    });

    it('returns a new store\'s socialLinks as an object, and merges a partial update', async () => {
      const created = await api(stack, 'POST', '/api/v1/stores', { name: 'Links' });
      expect(created.body.socialLinks).toEqual({});
      const id = created.body.id as string;
      expect((await api(stack, 'PATCH', `/api/v1/stores/${id}`, { socialLinks: { facebook: 'https://facebook.com/links' } })).status).toBe(200);
      const merged = await api(stack, 'PATCH', `/api/v1/stores/${id}`, { socialLinks: { instagram: 'https://instagram.com/links' } });
      expect(merged.status).toBe(200);
      expect(merged.body.socialLinks).toEqual({ facebook: 'https://facebook.com/links', instagram: 'https://instagram.com/links' });
      const removed = await api(stack, 'PATCH', `/api/v1/stores/${id}`, { socialLinks: { facebook: null } });
      expect(removed.body.socialLinks).toEqual({ instagram: 'https://instagram.com/links' });
      expect((await api(stack, 'GET', `/api/v1/stores/${id}`)).body.socialLinks).toEqual({ instagram: 'https://instagram.com/links' });
    });

    it('still accepts a plain-date log filter, a real rule id and the cursor a page returned', async () => {
      const first = await get(`/api/v1/stores/${store.id}/logs/pending?from=2020-01-01&ruleId=${ruleId}&limit=1`);
      expect(first.status).toBe(200);
      const again = await webhook(order({ id: 'order-second', customer: { email: 'second@example.com', optedIn: true } }));
      expect(again.status).toBe(202);
      const page = await get(`/api/v1/stores/${store.id}/logs/pending?limit=1`);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      const next = await get(`/api/v1/stores/${store.id}/logs/pending?limit=1&cursor=${page.body.nextCursor}`);
      expect(next.status).toBe(200);
    });

    it('accepts a JSON body after a byte order mark, and answers guard errors with CORS headers', async () => {
      const res = await send('PATCH', `/api/v1/stores/${store.id}`, '\uFEFF{"phone":"+1 555 0100"}');
      expect(res).toMatchObject({ status: 200, body: { phone: '+1 555 0100' } });
      const refused = await fetch(`${stack.baseUrl}/api/v1/stores`, { method: 'POST', headers: { origin: 'https://dash.example', 'content-type': 'text/plain' }, body: 'x' });
      expect(refused.status).toBe(415);
      expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('accepts one-click unsubscribe form posts without a JSON content type', async () => {
      const res = await fetch(`${stack.baseUrl}/api/v1/unsubscribe/not-a-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(res.status).not.toBe(415);
      expect(res.status).toBeLessThan(500);
    });
  });
});
