import { randomUUID } from 'node:crypto';
import { OutboxTransport, TemplateCompiler } from '@boomerang/email';
import { PreparedStatements } from '@boomerang/persistence';
import { UnsubscribeTokens } from '@boomerang/engagement';
import { createRetentionActivities } from '@boomerang/retention';
import { api, startStack, type Stack } from './harness.js';
import { createBrandedStore, createStarterRule, local, messageRow, orderAndWaitForMessage, type EmailTestStore, type MessageRow } from './email-helpers.js';

interface OutboxRow {
  from_address: string;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

describe('email through the outbox: rendering, our own open pixel and click redirect, unsubscribe', () => {
  let stack: Stack;
  let store: EmailTestStore;
  let message: MessageRow;
  let outbox: OutboxRow;

  beforeAll(async () => {
    stack = await startStack();
    store = await createBrandedStore(stack, 'Bean There');
    await createStarterRule(stack, store, 'time-to-reorder');
    message = await orderAndWaitForMessage(stack, store, {
      id: 'order-outbox-1',
      customer: { email: 'Jane.Doe@Example.com', firstName: 'Jane', lastName: 'Doe', optedIn: true },
    });
    [outbox] = await stack.orm.em.fork().execute<OutboxRow[]>(`select * from outbox_email where message_id = ?`, [message.id]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('stores the rendered starter template as a mail client would see it: headers, text and HTML parts', () => {
    expect(message.status).toBe('sent');
    const token = /\/api\/v1\/t\/o\/([^"]+)\.gif/.exec(outbox.html)![1]!;
    const unsubscribe = /\/api\/v1\/unsubscribe\/([^">\s)]+)/.exec(outbox.text)![1]!;
    const stable = (s: string) => s.replaceAll(token, '<tracking-token>').replaceAll(unsubscribe, '<unsubscribe-token>');
    const mail = {
      headers: {
        From: outbox.from_address,
        To: outbox.to_address,
        Subject: outbox.subject,
        ...Object.fromEntries(Object.entries(outbox.headers).map(([k, v]) => [k, stable(v)])),
      },
      text: stable(outbox.text),
      html: stable(outbox.html),
    };
    expect(mail).toMatchSnapshot();
    expect(mail.headers).toEqual({
      From: '"Bean There" <hello@beanthere.example>',
      To: 'jane.doe@example.com',
      Subject: 'Time to reorder House blend 1kg',
      'List-Unsubscribe': '<http://localhost:0/api/v1/unsubscribe/<unsubscribe-token>>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(mail.html).toContain('Bean There LLC<br>1 Roast Street, Portland, OR 97201, US');
    expect(mail.html).toContain('width="510" height="120"');
  });

  it('stores one email when attempts at the same send race: the claim, the email and the sent mark are one statement', async () => {
    const em = stack.orm.em.fork();
    const first = await orderAndWaitForMessage(stack, store, { id: 'order-race-1', customer: { email: 'race@example.com', optedIn: true } });
    expect(first.status).toBe('sent');
    const [armed] = await em.execute<{ rule_id: string }[]>(`select m.rule_id from message m where m.id = ?`, [first.id]);
    // Cycle 2 has not been claimed by anyone; smart sending would otherwise skip a second marketing email today.
    await em.execute(`update store set smart_sending_hours = 0 where id = ?`, [store.id]);
    const statements = PreparedStatements.forOrm(stack.orm);
    try {
      const { sendRetentionMessage } = createRetentionActivities({
        orm: stack.orm,
        statements,
        transport: new OutboxTransport(),
        templates: new TemplateCompiler(),
        unsubscribe: new UnsubscribeTokens('race-secret'),
        publicUrl: 'http://localhost:0',
      });
      const input = {
        storeId: store.id,
        ruleId: armed!.rule_id,
        customerId: first.customer_id,
        cycle: 2,
        dueAt: new Date().toISOString(),
        // A purchase of its own: a send finds an earlier claim by the purchase that armed it, so reusing cycle 1's
        // order would resume that claim instead of racing for cycle 2.
        armedBy: { orderId: randomUUID(), purchasedAt: new Date().toISOString() },
      };
      const results = await Promise.all(Array.from({ length: 4 }, () => sendRetentionMessage(input)));
      const ids = new Set(results.map((r) => ('messageId' in r ? r.messageId : r.deferred)));
      expect(ids.size).toBe(1);
      expect(results.every((r) => 'status' in r && r.status === 'sent')).toBe(true);
      const rows = await em.execute<{ id: string; status: string; emails: string }[]>(
        `select m.id, m.status, (select count(*) from outbox_email e where e.message_id = m.id) as emails
         from message m where m.rule_id = ? and m.customer_id = ? and m.cycle = 2`,
        [input.ruleId, input.customerId],
      );
      expect(rows).toEqual([{ id: [...ids][0], status: 'sent', emails: '1' }]);
      // An attempt that lost the race stored nothing under a message id of its own: two emails in all, cycles 1 and 2.
      const [stored] = await em.execute<{ n: string }[]>(`select count(*) as n from outbox_email where to_address = ?`, ['race@example.com']);
      expect(stored!.n).toBe('2');
    } finally {
      await statements.close();
      await em.execute(`update store set smart_sending_hours = 16 where id = ?`, [store.id]);
    }
  });

  it('rewrites every link to the signed redirect and keeps the originals (the store\'s with UTM tags) as the allow-list', () => {
    // The store's links carry the rule as the Google Analytics campaign; its social profile and the unsubscribe link do not.
    expect(message.links).toEqual(['https://shop.example/search?q=COFFEE-1KG&utm_source=boomerang&utm_medium=email&utm_campaign=time-to-reorder', 'https://instagram.com/shop']);
    expect(outbox.html).not.toContain('href="https://shop.example');
    expect(outbox.html).toMatch(/href="http:\/\/localhost:0\/api\/v1\/t\/c\/[^/]+\/0"/);
    expect(outbox.html).toMatch(/href="http:\/\/localhost:0\/api\/v1\/unsubscribe\//);
  });

  it('counts an open through the pixel', async () => {
    const pixel = local(stack, /src="([^"]+\.gif)"/.exec(outbox.html)![1]!);
    const res = await fetch(pixel);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 6).toString()).toBe('GIF89a');
    await fetch(pixel);
    const row = await messageRow(stack, message.id);
    expect(row.open_count).toBe(2);
    expect(row.first_opened_at).not.toBeNull();
  });

  it('redirects a click only to the message\'s own link at that index, and counts it', async () => {
    const href = /href="(http:\/\/localhost:0\/api\/v1\/t\/c\/[^"]+\/)0"/.exec(outbox.html)![1]!;
    const res = await fetch(local(stack, `${href}1`), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://instagram.com/shop');
    const outOfRange = await fetch(local(stack, `${href}7`), { redirect: 'manual' });
    expect(outOfRange.status).toBe(404);
    const notIndex = await fetch(local(stack, `${href}..%2F..%2Fevil`), { redirect: 'manual' });
    expect(notIndex.status).toBe(404);
    const row = await messageRow(stack, message.id);
    expect(row.click_count).toBe(1);
    expect(row.first_clicked_at).not.toBeNull();
  });

  it('rejects forged tracking tokens without counting anything', async () => {
    const before = await messageRow(stack, message.id);
    const forged = `${message.id}.AAAAAAAAAAAAAAAAAAAAAA`;
    const click = await fetch(`${stack.baseUrl}/api/v1/t/c/${forged}/0`, { redirect: 'manual' });
    expect(click.status).toBe(401);
    expect(await click.json()).toMatchObject({ error: 'unauthorized', message: 'tracking token is not valid' });
    expect((await fetch(`${stack.baseUrl}/api/v1/t/o/${forged}.gif`)).status).toBe(401);
    expect((await fetch(`${stack.baseUrl}/api/v1/t/o/garbage.gif`)).status).toBe(401);
    const after = await messageRow(stack, message.id);
    expect([after.open_count, after.click_count]).toEqual([before.open_count, before.click_count]);
  });

  describe('unsubscribe', () => {
    const customer = async () => {
      const [row] = await stack.orm.em
        .fork()
        .execute<{ unsubscribed_at: Date | null; opted_in: boolean }[]>(`select unsubscribed_at, opted_in from customer where id = ?`, [message.customer_id]);
      return row!;
    };
    const listUnsubscribe = () => local(stack, /^<(.+)>$/.exec(outbox.headers['List-Unsubscribe']!)![1]!);

    it('unsubscribes with the RFC 8058 one-click POST: no cookies, no login, one request', async () => {
      const res = await fetch(listUnsubscribe(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ unsubscribed: true, email: 'jane.doe@example.com' });
      expect((await customer()).unsubscribed_at).not.toBeNull();
    });

    it('resubscribes from the page\'s form, and the GET link confirms an unsubscribe with that form', async () => {
      const back = await fetch(`${listUnsubscribe()}/resubscribe`, { method: 'POST', headers: { accept: 'text/html' } });
      expect(back.status).toBe(200);
      expect(await back.text()).toContain('Welcome back');
      expect(await customer()).toEqual({ unsubscribed_at: null, opted_in: true });

      const page = await fetch(listUnsubscribe());
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toContain('jane.doe@example.com');
      expect(html).toMatch(/<form method="post" action="\/api\/v1\/unsubscribe\/[^"]+\/resubscribe">/);
      expect((await customer()).unsubscribed_at).not.toBeNull();
    });

    it('rejects a forged or edited token: JSON 401 for POST, an error page for GET, nothing changed', async () => {
      const before = await customer();
      const real = new URL(listUnsubscribe()).pathname.split('/').pop()!;
      const [s, c, issued, mac] = real.split('.');
      const otherCustomer = '00000000-0000-4000-8000-000000000000';
      for (const token of [`${s}.${otherCustomer}.${issued}.${mac}`, `${s}.${c}.${issued}.${'A'.repeat(mac!.length)}`, 'garbage']) {
        const post = await fetch(`${stack.baseUrl}/api/v1/unsubscribe/${token}`, { method: 'POST' });
        expect(post.status).toBe(401);
        expect((await post.json()).error).toBe('unauthorized');
        const get = await fetch(`${stack.baseUrl}/api/v1/unsubscribe/${token}`);
        expect(get.status).toBe(400);
        expect(await get.text()).toContain('This link does not work');
        const resub = await fetch(`${stack.baseUrl}/api/v1/unsubscribe/${token}/resubscribe`, { method: 'POST' });
        expect(resub.status).toBe(401);
      }
      expect(await customer()).toEqual(before);
    });
  });

  describe('templates', () => {
    it('lists at least three starter templates, each valid and editable', async () => {
      const res = await api(stack, 'GET', '/api/v1/starter-templates');
      expect(res.status).toBe(200);
      expect(res.body.templates.map((t: { id: string }) => t.id)).toEqual(['we-miss-you', 'time-to-reorder', 'gift-to-come-back']);
      expect(res.body.templates[1].subject).toBe('Time to reorder {{product.name}}');
    });

    it('rejects a rule whose template has a syntax error or an unknown variable, naming field and line, and saves nothing', async () => {
      const count = async () => Number((await stack.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from retention_rule`))[0]!.n);
      const before = await count();
      const base = { name: 'Bad', windowDays: 30, senderName: 'B', senderEmail: 'b@shop.example', subject: 'Hi' };
      const syntax = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, { ...base, bodyHtml: '<p>\n{{#if customer.firstName}}\n</p>' }, store.apiKey);
      expect(syntax.status).toBe(400);
      expect(syntax.body.issues[0].field).toBe('bodyHtml');
      expect(syntax.body.issues[0].message).toMatch(/line 3/);
      const unknown = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, { ...base, subject: 'Hi {{customer.nickname}}', bodyHtml: '<p>x</p>' }, store.apiKey);
      expect(unknown.status).toBe(400);
      expect(unknown.body.issues).toEqual([{ field: 'subject', message: 'unknown variable {{customer.nickname}} on line 1' }]);
      const oversized = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, { ...base, bodyHtml: `<p>${'x'.repeat(200_001)}</p>` }, store.apiKey);
      expect(oversized.status).toBe(400);
      expect(oversized.body.issues[0].field).toBe('bodyHtml');
      const sender = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, { ...base, senderEmail: 'not-an-email', bodyHtml: '<p>x</p>' }, store.apiKey);
      expect(sender.status).toBe(400);
      expect(sender.body.issues[0].field).toBe('senderEmail');
      expect(await count()).toBe(before);
    });
  });
});
