import { retentionWorkflowId } from '@boomerang/temporal-client';
import { png } from './images.js';
import { api, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';

type Store = { id: string; apiKey: string; webhookSecret: string };

/** RFC 4180 as csv-stringify writes it (quoted fields, doubled quotes), into records keyed by the header row. */
function parse(text: string, _options: { columns: true }): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== ',' && c !== '\n' && c !== '\r')) {
      field += c;
    } else if (c === ',') {
      endField();
    } else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    }
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  const [header, ...records] = rows;
  return records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

/** A 1×1 GIF: the right bytes under the wrong declared type. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

describe('dashboard support: products, preview, log export, workflow ids, stats currency, logo', () => {
  let stack: Stack;
  let store: Store;
  let other: Store;

  beforeAll(async () => {
    stack = await startStack();
    store = await createReadyStore(stack, 'Dash Shop', { socialLinks: { instagram: 'https://instagram.com/dashshop' } });
    other = await createReadyStore(stack, 'Other Shop');
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const as = (s: Store) => (method: string, path: string, body?: unknown) => api(stack, method, `/api/v1/stores/${s.id}${path}`, body, s.apiKey);
  const raw = (s: Store, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) =>
    fetch(`${stack.baseUrl}/api/v1/stores/${s.id}${path}`, { method, headers: { authorization: `Bearer ${s.apiKey}`, ...headers }, body });
  const buy = async (s: Store, id: string, email: string, lineItems: unknown[], extra: Record<string, unknown> = {}) => {
    const res = await postAndProject(stack, s.id, s.webhookSecret, JSON.stringify(order({ id, customer: { email, firstName: 'Sam', lastName: 'Buyer' }, lineItems, ...extra })));
    expect(res.status).toBe(202);
  };
  const rowCount = async (table: string, storeId: string) => {
    const [row] = await stack.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from ${table} where store_id = ?`, [storeId]);
    return Number(row!.n);
  };
  const fingerprint = async (storeId: string) => {
    const em = stack.orm.em.fork();
    const parts = [];
    for (const t of ['store', 'store_logo', 'customer', 'store_order', 'message', 'outbox_email', 'retention_rule', 'store_product']) {
      const [row] = await em.execute<{ h: string | null }[]>(`select md5(string_agg(t::text, ',' order by t::text)) as h from "${t}" t where ${t === 'store' ? 'id' : 'store_id'} = ?`, [storeId]);
      parts.push(`${t}:${row!.h}`);
    }
    return parts.join(' ');
  };
  const fieldOf = (body: { issues?: { field: string }[] }) => body.issues?.map((i) => i.field);

  const DRAFT = {
    subject: 'We miss you, {{customer.firstName}}',
    bodyHtml: '<p>Hi {{customer.firstName}}, time for {{product.name}}? <a href="https://shop.example/reorder">Reorder</a></p>',
    senderName: 'Dash Shop',
    senderEmail: 'hello@dash.example',
  };

  describe('rule preview', () => {
    it('renders with a sample customer and a sample product while the store has no customers', async () => {
      const res = await as(store)('POST', '/rules/preview', DRAFT);
      expect(res.status).toBe(200);
      expect(res.body.customer).toEqual({ id: null, email: 'sample@example.com', name: 'Alex Sample', sample: true });
      expect(res.body.subject).toBe('We miss you, Alex');
      expect(res.body.html).toContain('time for Sample product?');
      expect(res.body.from).toBe('"Dash Shop" <hello@dash.example>');
      // The layout of a real send: CAN-SPAM address, the store's social links.
      expect(res.body.html).toContain('1 Roast Street');
      expect(res.body.html).toContain('https://instagram.com/dashshop');
      expect(res.body.text).toContain('Reorder (https://shop.example/reorder)');
    });

    it("renders with the store's most recent customer and, for a rule with SKUs, that customer's matching order; links inert", async () => {
      await buy(store, 'p-1', 'first@dash.example', [{ sku: 'TEA-100', name: 'Green tea', quantity: 1, price: 5 }]);
      await buy(store, 'p-2', 'jane@dash.example', [{ sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 2, price: 18.5 }], {
        customer: { email: 'jane@dash.example', firstName: 'Jane', lastName: 'Doe' },
      });
      await buy(store, 'p-3', 'jane@dash.example', [{ sku: 'TEA-100', name: 'Green tea', quantity: 1, price: 5 }], {
        customer: { email: 'jane@dash.example', firstName: 'Jane', lastName: 'Doe' },
      });
      const before = await fingerprint(store.id);
      const res = await as(store)('POST', '/rules/preview', { ...DRAFT, skus: ['coffee-1kg'], bodyHtml: `${DRAFT.bodyHtml}<p>{{#each products}}{{name}} x{{quantity}} at {{price}};{{/each}}</p>` });
      expect(res.status).toBe(200);
      expect(res.body.customer).toMatchObject({ email: 'jane@dash.example', name: 'Jane Doe', sample: false });
      expect(res.body.subject).toBe('We miss you, Jane');
      // The order that would arm a COFFEE-1KG rule (p-2), not Jane's later tea order.
      expect(res.body.html).toContain('House blend 1kg x2 at $18.50;');
      expect(res.body.html).not.toContain('Green tea');
      // The unsubscribe link carries no token, and no link is rewritten for tracking.
      expect(res.body.html).toContain(`${stack.config.publicUrl}/api/v1/unsubscribe/preview`);
      expect(res.body.html).not.toMatch(/\/api\/v1\/t\/[oc]\//);
      expect(res.body.html).toContain('href="https://shop.example/reorder"');
      const unsubscribe = await fetch(`${stack.baseUrl}/api/v1/unsubscribe/preview`, { method: 'POST' });
      expect(unsubscribe.status).toBeGreaterThanOrEqual(400);
      expect(await fingerprint(store.id)).toBe(before);

      // A chosen customer of the store.
      const [first] = await stack.orm.em.fork().execute<{ id: string }[]>(`select id from customer where store_id = ? and email = 'first@dash.example'`, [store.id]);
      const chosen = await as(store)('POST', '/rules/preview', { ...DRAFT, customerId: first!.id });
      expect(chosen.status).toBe(200);
      expect(chosen.body.customer).toMatchObject({ id: first!.id, email: 'first@dash.example', sample: false });
      expect(chosen.body.html).toContain('time for Green tea?');
    });

    it('refuses bad drafts naming the field, and writes nothing', async () => {
      const before = await fingerprint(store.id);
      const [theirs] = await stack.orm.em.fork().execute<{ id: string }[]>(
        `insert into customer (id, store_id, email, created_at, updated_at) values (gen_random_uuid(), ?, 'x@other.example', now(), now()) returning id`,
        [other.id],
      );
      const cases: [Record<string, unknown>, string][] = [
        [{ ...DRAFT, bodyHtml: '<p>{{#each products}}</p>' }, 'bodyHtml'],
        [{ ...DRAFT, subject: 'Hi {{customer.firstName' }, 'subject'],
        [{ ...DRAFT, bodyHtml: '<p>{{customer.shoeSize}}</p>' }, 'bodyHtml'],
        [{ ...DRAFT, subject: 'x'.repeat(5_000) }, 'subject'],
        [{ ...DRAFT, senderEmail: 'not an email' }, 'senderEmail'],
        [{ ...DRAFT, customerId: theirs!.id }, 'customerId'],
        [{ ...DRAFT, customerId: 'nope' }, 'customerId'],
        [{ ...DRAFT, skus: 'COFFEE' }, 'skus'],
        [{ ...DRAFT, surprise: true }, 'surprise'],
        [{ subject: DRAFT.subject, senderName: 'X', senderEmail: 'x@x.example' }, 'bodyHtml'],
      ];
      for (const [body, field] of cases) {
        const res = await as(store)('POST', '/rules/preview', body);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(JSON.stringify(res.body.issues)).toContain(field);
      }
      expect(await fingerprint(store.id)).toBe(before);
    });
  });

  describe('products', () => {
    it("lists the SKUs the store sold from its order lines, most-ordered first, searchable by SKU or name", async () => {
      await buy(other, 'o-1', 'someone@other.example', [{ sku: 'OTHER-SKU', name: 'House blend of the other shop', quantity: 1, price: 1 }]);
      const all = await as(store)('GET', '/products');
      expect(all.status).toBe(200);
      expect(all.body.products.map((p: { sku: string; orders: number }) => [p.sku, p.orders])).toEqual([
        ['TEA-100', 2],
        ['COFFEE-1KG', 1],
      ]);
      expect(all.body.products[1]).toEqual({ sku: 'COFFEE-1KG', name: 'House blend 1kg', orders: 1, lastOrderedAt: expect.any(String) });
      expect((await as(store)('GET', '/products?q=BLEND')).body.products.map((p: { sku: string }) => p.sku)).toEqual(['COFFEE-1KG']);
      expect((await as(store)('GET', '/products?q=tea-1')).body.products.map((p: { sku: string }) => p.sku)).toEqual(['TEA-100']);
      expect((await as(store)('GET', '/products?q=%25')).body.products).toEqual([]);
      expect((await as(store)('GET', '/products?limit=1')).body.products).toHaveLength(1);
    });

    it('refuses an unbounded search naming the parameter', async () => {
      for (const [query, field] of [
        [`q=${'x'.repeat(101)}`, 'q'],
        ['limit=51', 'limit'],
        ['limit=0', 'limit'],
        ['limit=ten', 'limit'],
      ]) {
        const res = await as(store)('GET', `/products?${query}`);
        expect({ query, status: res.status, fields: fieldOf(res.body) }).toEqual({ query, status: 400, fields: [field] });
      }
    });
  });

  describe('logs', () => {
    it('names the Temporal workflow of each pending row, and that workflow exists', async () => {
      const rule = await as(store)('POST', '/rules', { ...DRAFT, name: 'Pending', status: 'active', windowDays: 30, skus: ['WF-SKU'] });
      expect(rule.status).toBe(201);
      await buy(store, 'wf-1', 'wf@dash.example', [{ sku: 'WF-SKU', name: 'Workflow beans', quantity: 1, price: 3 }]);
      const page = await eventually(async () => {
        const res = await as(store)('GET', `/logs/pending?ruleId=${rule.body.id}`);
        return res.body.items.length ? res.body : null;
      });
      const id = retentionWorkflowId(store.id, rule.body.id, 'wf@dash.example');
      expect(page.items[0].workflowId).toBe(id);
      const described = await eventually(() => stack.env.client.workflow.getHandle(id).describe().catch(() => null));
      expect(described.workflowId).toBe(id);
    });

    it('exports a log as CSV with a header row, streamed in the log order, with the filters of a page', async () => {
      const em = stack.orm.em.fork();
      const [rule] = await em.execute<{ id: string }[]>(`select id from retention_rule where store_id = ? limit 1`, [store.id]);
      const [customer] = await em.execute<{ id: string }[]>(`select id from customer where store_id = ? limit 1`, [store.id]);
      // 2,500 sent messages (more than two export pages), one with a subject that a spreadsheet would run as a formula.
      await em.execute(
        `insert into message (id, store_id, rule_id, customer_id, cycle, status, to_email, subject, due_at, sent_at, created_at)
         select gen_random_uuid(), ?, ?, ?, 1000 + g, 'sent', 'csv' || g || '@dash.example', case when g = 1 then '=HYPERLINK("x")' else 'Subject ' || g end,
                now() - make_interval(mins => g), now() - make_interval(mins => g), now()
         from generate_series(1, 2500) g`,
        [store.id, rule!.id, customer!.id],
      );
      const res = await raw(store, 'GET', '/logs/sent/export');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="boomerang-sent-\d{4}-\d{2}-\d{2}\.csv"$/);
      expect(res.headers.get('x-export-row-limit')).toBe('100000');
      const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
      expect(rows).toHaveLength(2500);
      expect(Object.keys(rows[0]!)).toEqual(['sentAt', 'email', 'customerId', 'ruleName', 'ruleId', 'subject', 'dueAt', 'opens', 'clicks', 'transport', 'messageId']);
      expect(rows[0]).toMatchObject({ email: 'csv1@dash.example', subject: `'=HYPERLINK("x")` });
      expect(rows.map((r) => r.sentAt)).toEqual([...rows.map((r) => r.sentAt)].sort().reverse());
      expect(new Set(rows.map((r) => r.messageId)).size).toBe(2500);
      // A date range is a page's range.
      const ranged = await raw(store, 'GET', `/logs/sent/export?from=${encodeURIComponent(new Date(Date.now() - 10.5 * 60_000).toISOString())}`);
      expect(parse(await ranged.text(), { columns: true })).toHaveLength(10);
      // Another store's export holds none of these.
      const theirs = parse(await (await raw(other, 'GET', '/logs/sent/export')).text(), { columns: true });
      expect(theirs).toEqual([]);
    });

    it('refuses a bad export query naming the parameter', async () => {
      for (const [path, field] of [
        ['/logs/bogus/export', 'kind'],
        ['/logs/sent/export?from=yesterday', 'from'],
        ['/logs/sent/export?ruleId=123', 'ruleId'],
      ]) {
        const res = await as(store)('GET', path);
        expect({ path, status: res.status, fields: fieldOf(res.body) }).toEqual({ path, status: 400, fields: [field] });
      }
    });
  });

  describe('stats', () => {
    it("answer in the store's currency and count only revenue in it", async () => {
      const em = stack.orm.em.fork();
      const shop = await createReadyStore(stack, 'Currency Shop', { currency: 'EUR' });
      const [rule] = await em.execute<{ id: string }[]>(
        `insert into retention_rule (id, store_id, name, status, sending_filter, skus, window_seconds, sender_name, sender_email, subject, body_html, created_at, updated_at)
         values (gen_random_uuid(), ?, 'R', 'active', 'all', '[]', 86400, 'S', 's@x.example', 'S', '<p>x</p>', now(), now()) returning id`,
        [shop.id],
      );
      const [customer] = await em.execute<{ id: string }[]>(
        `insert into customer (id, store_id, email, created_at, updated_at) values (gen_random_uuid(), ?, 'c@x.example', now(), now()) returning id`,
        [shop.id],
      );
      for (const [cents, currency] of [[12_50, 'EUR'], [7_25, 'EUR'], [99_00, 'USD'], [5_000, 'JPY']] as const) {
        const [msg] = await em.execute<{ id: string }[]>(
          `insert into message (id, store_id, rule_id, customer_id, cycle, status, to_email, due_at, sent_at, created_at)
           values (gen_random_uuid(), ?, ?, ?, (select count(*) + 1 from message where rule_id = ?), 'sent', 'c@x.example', now(), now(), now()) returning id`,
          [shop.id, rule!.id, customer!.id, rule!.id],
        );
        const [ord] = await em.execute<{ id: string }[]>(
          `insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, lines, placed_at, source_updated_at, received_at)
           values (gen_random_uuid(), ?, ?, gen_random_uuid()::text, 'completed', ?, ?, '[]', now(), now(), now()) returning id`,
          [shop.id, customer!.id, currency, cents],
        );
        await em.execute(
          `insert into conversion (id, store_id, rule_id, message_id, customer_id, order_id, revenue_cents, currency, occurred_at, created_at)
           values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, now(), now())`,
          [shop.id, rule!.id, msg!.id, customer!.id, ord!.id, cents, currency],
        );
      }
      const stats = await api(stack, 'GET', `/api/v1/stores/${shop.id}/stats`, undefined, shop.apiKey);
      expect(stats.status).toBe(200);
      // 12.50 + 7.25 EUR; the USD and JPY orders are not added in as if they were euros.
      expect(stats.body).toMatchObject({ currency: 'EUR', revenue: 19.75, conversions: 4, sent: 4 });
      const perRule = await api(stack, 'GET', `/api/v1/stores/${shop.id}/stats?ruleId=${rule!.id}`, undefined, shop.apiKey);
      expect(perRule.body).toMatchObject({ currency: 'EUR', revenue: 19.75 });
    });
  });

  describe('logo', () => {
    it('stores an uploaded logo, serves it from our URL as immutable, shows it in previews, and removes it', async () => {
      const image = png(510, 120);
      const res = await raw(store, 'PUT', '/logo', { 'content-type': 'image/png' }, image);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toEqual({ logoUrl: expect.stringMatching(new RegExp(`^${stack.config.publicUrl}/api/v1/logos/${store.id}/[0-9a-f]{64}\\.png$`)), width: 510, height: 120, recommended: { width: 510, height: 120 } });
      expect((await as(store)('GET', '')).body.logoUrl).toBe(body.logoUrl);

      const path = new URL(body.logoUrl).pathname;
      const served = await fetch(`${stack.baseUrl}${path}`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Buffer.from(await served.arrayBuffer()).equals(image)).toBe(true);
      // The wrong extension or another store's id is not found.
      expect((await fetch(`${stack.baseUrl}${path.replace(/\.png$/, '.gif')}`)).status).toBe(404);
      expect((await fetch(`${stack.baseUrl}${path.replace(store.id, other.id)}`)).status).toBe(404);

      const preview = await as(store)('POST', '/rules/preview', DRAFT);
      expect(preview.body.html).toContain(body.logoUrl);

      // A second upload replaces the first: the old URL stops answering.
      const second = await (await raw(store, 'PUT', '/logo', { 'content-type': 'image/png' }, png(200, 50))).json();
      expect(second).toMatchObject({ width: 200, height: 50 });
      expect((await fetch(`${stack.baseUrl}${path}`)).status).toBe(404);
      expect(await rowCount('store_logo', store.id)).toBe(1);

      const removed = await raw(store, 'DELETE', '/logo');
      expect(removed.status).toBe(204);
      expect((await as(store)('GET', '')).body.logoUrl).toBeNull();
      expect((await fetch(`${stack.baseUrl}${new URL(second.logoUrl).pathname}`)).status).toBe(404);
      expect(await rowCount('store_logo', store.id)).toBe(0);
    });

    it('refuses what is not a raster image of its declared type, or too big, naming `logo`, and keeps the current logo', async () => {
      const current = await (await raw(store, 'PUT', '/logo', { 'content-type': 'image/png' }, png(10, 10))).json();
      const before = await fingerprint(store.id);
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
      const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
      const cases: [string, Buffer, number, string][] = [
        ['image/svg+xml', svg, 415, 'unsupported_media_type'],
        ['text/html', html, 415, 'unsupported_media_type'],
        ['image/png', html, 400, 'validation_failed'],
        ['image/png', svg, 400, 'validation_failed'],
        ['image/png', GIF, 400, 'validation_failed'],
        ['image/jpeg', png(10, 10), 400, 'validation_failed'],
        ['image/png', png(5000, 1), 400, 'validation_failed'],
        ['image/png', Buffer.concat([png(10, 10), Buffer.alloc(512 * 1024)]), 413, 'payload_too_large'],
      ];
      for (const [type, bytes, status, error] of cases) {
        const res = await raw(store, 'PUT', '/logo', { 'content-type': type }, bytes);
        const answer = await res.json();
        expect({ type, status: res.status, error: answer.error }).toEqual({ type, status, error });
        expect(fieldOf(answer)).toEqual(['logo']);
      }
      // JSON to the logo route is not an image either.
      const json = await as(store)('PUT', '/logo', { logo: 'https://example.com/logo.png' });
      expect({ status: json.status, fields: fieldOf(json.body) }).toEqual({ status: 415, fields: ['logo'] });
      expect(await fingerprint(store.id)).toBe(before);
      expect((await as(store)('GET', '')).body.logoUrl).toBe(current.logoUrl);
      // Another store's key cannot touch this logo.
      expect((await fetch(`${stack.baseUrl}/api/v1/stores/${store.id}/logo`, { method: 'DELETE', headers: { authorization: `Bearer ${other.apiKey}` } })).status).toBe(401);
      expect((await as(store)('GET', '')).body.logoUrl).toBe(current.logoUrl);
    });
  });
});
