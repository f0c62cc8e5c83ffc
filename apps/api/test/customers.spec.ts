import { UnsubscribeTokens } from '@boomerang/engagement';
import { api, COFFEE_REFILL_RULE, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';
import { ownByNewAccount } from './fuzz/tenant.js';

const POSTMARK_SECRET = 'customers-postmark-secret';

interface Store {
  id: string;
  apiKey: string;
  webhookSecret: string;
}

describe('customers: list, card, timeline and subscription control (whole stack)', () => {
  let stack: Stack;
  let a: Store;
  let b: Store;
  let owner: { ownerEmail: string; session: string };
  let bOwner: { session: string };
  const ids: Record<string, string> = {};

  const get = (path: string, key = a.apiKey) => api(stack, 'GET', `/api/v1/stores/${a.id}${path}`, undefined, key);
  const post = (path: string, body: unknown, key = a.apiKey) => api(stack, 'POST', `/api/v1/stores/${a.id}${path}`, body, key);
  const buy = async (store: Store, id: string, email: string, createdAt: string, extra: Record<string, unknown> = {}) => {
    const res = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id, createdAt, customer: { email, firstName: email.split('@')[0], optedIn: true }, ...extra })));
    if (res.status !== 202) throw new Error(`order ${id}: ${JSON.stringify(res.body)}`);
    return res.body as { customerId: string; orderId: string };
  };
  const fields = (body: { issues?: { field: string }[] }) => (body.issues ?? []).map((i) => i.field).sort();
  const historyCount = async () => Number((await stack.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from customer_subscription_event`))[0]!.n);

  beforeAll(async () => {
    stack = await startStack({ env: { POSTMARK_WEBHOOK_SECRET: POSTMARK_SECRET } });
    a = await createReadyStore(stack, 'Alpha Coffee');
    b = await createReadyStore(stack, 'Bravo Tea');
    owner = await ownByNewAccount(stack, a.id, 'Alpha');
    bOwner = await ownByNewAccount(stack, b.id, 'Bravo');
    // Jane ordered on Jan 1, Jan 11 and Jan 31 (gaps of 10 and 20 days); a fourth order is cancelled later.
    ids.jane = (await buy(a, 'j-1', 'jane@alpha.example', '2026-01-01T09:00:00Z', { totals: { subtotal: 10, tax: 0, shipping: 0, total: 10 } })).customerId;
    await buy(a, 'j-2', 'jane@alpha.example', '2026-01-11T09:00:00Z', { totals: { subtotal: 20, tax: 0, shipping: 0, total: 20 } });
    await buy(a, 'j-3', 'jane@alpha.example', '2026-01-31T09:00:00Z', { totals: { subtotal: 30, tax: 0, shipping: 0, total: 30 } });
    await buy(a, 'j-4', 'jane@alpha.example', '2026-02-05T09:00:00Z', { totals: { subtotal: 500, tax: 0, shipping: 0, total: 500 } });
    ids.joe = (await buy(a, 'o-1', 'joe@alpha.example', '2026-01-05T09:00:00Z', { totals: { subtotal: 100, tax: 0, shipping: 0, total: 100 } })).customerId;
    ids.other = (await buy(b, 'b-1', 'jane@bravo.example', '2026-01-05T09:00:00Z')).customerId;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists, searches and sorts the store\'s customers, a cancellation leaving the totals', async () => {
    const all = await get('/customers?sort=total_spent');
    expect(all.status).toBe(200);
    expect(all.body.items.map((c: { email: string }) => c.email)).toEqual(['jane@alpha.example', 'joe@alpha.example']);
    expect(all.body).toMatchObject({ total: 2, currency: 'USD', nextCursor: null });
    expect(all.body.items[0]).toMatchObject({ orders: 4, totalSpent: 560, subscribed: true });

    // The 500 order is cancelled (a newer update of the same order): Jane drops below Joe.
    await buy(a, 'j-4', 'jane@alpha.example', '2026-02-05T09:00:00Z', { status: 'cancelled', updatedAt: new Date().toISOString(), totals: { subtotal: 500, tax: 0, shipping: 0, total: 500 } });
    const after = await get('/customers?sort=total_spent');
    expect(after.body.items.map((c: { email: string; totalSpent: number }) => [c.email, c.totalSpent])).toEqual([
      ['joe@alpha.example', 100],
      ['jane@alpha.example', 60],
    ]);

    const search = await get(`/customers?q=${encodeURIComponent('JANE@')}`);
    expect(search.body.items.map((c: { id: string }) => c.id)).toEqual([ids.jane]);
    const paged = await get('/customers?sort=orders&direction=desc&limit=1');
    expect(paged.body.items.map((c: { id: string }) => c.id)).toEqual([ids.jane]);
    const next = await get(`/customers?sort=orders&direction=desc&limit=1&cursor=${paged.body.nextCursor}`);
    expect(next.body.items.map((c: { id: string }) => c.id)).toEqual([ids.joe]);
    expect(next.body.nextCursor).toBeNull();
  });

  it('shows the card: profile, figures with the purchase frequency, and every order', async () => {
    const card = await get(`/customers/${ids.jane}`);
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({
      id: ids.jane,
      email: 'jane@alpha.example',
      firstName: 'jane',
      registered: false,
      subscription: { subscribed: true, optedIn: true, unsubscribedAt: null, history: [] },
      stats: {
        currency: 'USD',
        orders: 3,
        totalSpent: 60,
        averageOrderTotal: 20,
        purchaseFrequencyDays: 15,
        lastOrderAt: '2026-01-31T09:00:00.000Z',
        predictedNextOrderAt: '2026-02-15T09:00:00.000Z',
      },
    });
    expect(card.body.orders.map((o: { status: string; total: number; counted: boolean }) => [o.status, o.total, o.counted])).toEqual([
      ['cancelled', 500, false],
      ['completed', 30, true],
      ['completed', 20, true],
      ['completed', 10, true],
    ]);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const before = await historyCount();
    const cases: [string, string[]][] = [
      ['/customers?limit=101', ['limit']],
      ['/customers?limit=0', ['limit']],
      ['/customers?sort=name', ['sort']],
      ['/customers?direction=up', ['direction']],
      [`/customers?q=${'x'.repeat(101)}`, ['q']],
      ['/customers?cursor=not-a-cursor', ['cursor']],
      [`/customers/${ids.jane}/timeline?limit=1000`, ['limit']],
      [`/customers/${ids.jane}/timeline?cursor=abc`, ['cursor']],
    ];
    for (const [path, expected] of cases) {
      const res = await get(path);
      expect({ path, status: res.status, fields: fields(res.body) }).toEqual({ path, status: 400, fields: expected });
    }
    // A cursor of another sort is refused too.
    const page = await get('/customers?sort=orders&limit=1');
    const other = await get(`/customers?sort=total_spent&limit=1&cursor=${page.body.nextCursor}`);
    expect([other.status, fields(other.body)]).toEqual([400, ['cursor']]);

    const bodies: [unknown, string[]][] = [
      [{}, ['subscribed']],
      [{ subscribed: 'no' }, ['subscribed']],
      [{ subscribed: false, reason: 'r'.repeat(501) }, ['reason']],
    ];
    for (const [body, expected] of bodies) {
      const res = await post(`/customers/${ids.jane}/subscription`, body);
      expect({ body, status: res.status, fields: fields(res.body) }).toEqual({ body, status: 400, fields: expected });
    }
    expect(await historyCount()).toBe(before);
    expect((await get(`/customers/${ids.jane}`)).body.subscription.subscribed).toBe(true);
  });

  it('answers 404 for another store\'s customer or another account\'s store, and changes nothing', async () => {
    const before = await historyCount();
    // Store A's routes with store B's customer.
    for (const path of [`/customers/${ids.other}`, `/customers/${ids.other}/timeline`]) expect((await get(path)).status).toBe(404);
    expect((await post(`/customers/${ids.other}/subscription`, { subscribed: false })).status).toBe(404);
    // Store B's merchant on store A's routes: A's store and customers are as unknown as ids that do not exist.
    expect((await get('/customers', bOwner.session)).status).toBe(404);
    expect((await get(`/customers/${ids.jane}`, bOwner.session)).status).toBe(404);
    expect((await get(`/customers/${ids.jane}/timeline`, bOwner.session)).status).toBe(404);
    expect((await post(`/customers/${ids.jane}/subscription`, { subscribed: false }, bOwner.session)).status).toBe(404);
    // Store B's API key is not a key of store A.
    expect((await get(`/customers/${ids.jane}`, b.apiKey)).status).toBe(401);
    expect((await post(`/customers/${ids.jane}/subscription`, { subscribed: false }, b.apiKey)).status).toBe(401);
    // Store B's list holds only its own customer.
    const bList = await api(stack, 'GET', `/api/v1/stores/${b.id}/customers`, undefined, b.apiKey);
    expect(bList.body.items.map((c: { id: string }) => c.id)).toEqual([ids.other]);
    expect((await get('/customers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/customers/not-an-id')).status).toBe(404);
    expect(await historyCount()).toBe(before);
  });

  it('records the merchant, the unsubscribe link and Postmark in one history, newest first', async () => {
    // 1. The merchant, signed in, unsubscribes Joe from the card.
    const merchant = await post(`/customers/${ids.joe}/subscription`, { subscribed: false, reason: 'Asked by phone' }, owner.session);
    expect(merchant).toEqual({ status: 200, body: { subscribed: false, changed: true } });
    // A second click changes nothing and records nothing.
    expect((await post(`/customers/${ids.joe}/subscription`, { subscribed: false }, owner.session)).body).toEqual({ subscribed: false, changed: false });

    // 2. Joe resubscribes himself from the unsubscribe page of an email.
    const token = new UnsubscribeTokens(stack.config.unsubscribeSecret).issue(a.id, ids.joe);
    const link = await fetch(`${stack.baseUrl}/api/v1/unsubscribe/${token}/resubscribe`, { method: 'POST', headers: { accept: 'application/json' } });
    expect([link.status, await link.json()]).toEqual([200, { subscribed: true, email: 'joe@alpha.example' }]);

    // 3. Postmark reports that Joe unsubscribed through its own link (a SubscriptionChange webhook about a message to him).
    const [message] = await stack.orm.em.fork().execute<{ id: string }[]>(
      `insert into message (id, store_id, rule_id, customer_id, cycle, status, to_email, provider_message_id, due_at, sent_at, created_at, links)
       values (gen_random_uuid(), ?, gen_random_uuid(), ?, 1, 'sent', 'joe@alpha.example', 'pm-joe-1', now(), now(), now(), '[]') returning id`,
      [a.id, ids.joe],
    );
    const changedAt = new Date().toISOString();
    const webhook = await fetch(`${stack.baseUrl}/api/v1/webhooks/postmark`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-postmark-webhook-secret': POSTMARK_SECRET },
      body: JSON.stringify({
        RecordType: 'SubscriptionChange',
        MessageID: 'pm-joe-1',
        ServerID: 23,
        MessageStream: 'retention-broadcast',
        ChangedAt: changedAt,
        Recipient: 'joe@alpha.example',
        Origin: 'Recipient',
        SuppressSending: true,
        SuppressionReason: 'ManualSuppression',
        Tag: 'rule',
        Metadata: { messageId: message!.id },
      }),
    });
    expect(webhook.status).toBe(200);

    const card = await get(`/customers/${ids.joe}`);
    expect(card.body.subscription).toMatchObject({ subscribed: false, unsubscribedAt: changedAt });
    expect(card.body.subscription.history.map((h: { subscribed: boolean; source: string; actor: string | null; reason: string | null }) => [h.subscribed, h.source, h.actor, h.reason])).toEqual([
      [false, 'postmark', null, 'ManualSuppression'],
      [true, 'unsubscribe_link', null, null],
      [false, 'merchant', owner.ownerEmail, 'Asked by phone'],
    ]);
    const timeline = await get(`/customers/${ids.joe}/timeline`);
    const changes = timeline.body.items.filter((e: { kind: string }) => e.kind === 'subscribed' || e.kind === 'unsubscribed');
    expect(changes.map((e: { kind: string; source: string; actor: string | null }) => [e.kind, e.source, e.actor])).toEqual([
      ['unsubscribed', 'postmark', null],
      ['subscribed', 'unsubscribe_link', null],
      ['unsubscribed', 'merchant', owner.ownerEmail],
    ]);
    // The store's API key has no user: the change is recorded without an actor.
    expect((await post(`/customers/${ids.joe}/subscription`, { subscribed: true }, a.apiKey)).body).toEqual({ subscribed: true, changed: true });
    expect((await get(`/customers/${ids.joe}`)).body.subscription.history[0]).toMatchObject({ subscribed: true, source: 'merchant', actor: null });
  });

  it('sends no marketing email to an unsubscribed customer, while a subscribed one gets it; both show on the timeline', async () => {
    const rule = await post('/rules', COFFEE_REFILL_RULE);
    expect(rule.status).toBe(201);
    // Kim exists before she buys anything (a pending order is no purchase), and the merchant unsubscribes her.
    ids.kim = (await buy(a, 'k-0', 'kim@alpha.example', new Date().toISOString(), { status: 'pending' })).customerId;
    expect((await post(`/customers/${ids.kim}/subscription`, { subscribed: false }, owner.session)).status).toBe(200);
    await buy(a, 'k-1', 'kim@alpha.example', new Date().toISOString());
    ids.lee = (await buy(a, 'l-1', 'lee@alpha.example', new Date().toISOString())).customerId;

    const messages = await eventually(async () => {
      const rows = await stack.orm.em.fork().execute<{ to_email: string; status: string; reason: string | null }[]>(
        `select to_email, status, reason from message where store_id = ? and to_email in ('kim@alpha.example', 'lee@alpha.example') and status <> 'sending' order by to_email`,
        [a.id],
      );
      return rows.length === 2 ? rows : undefined;
    });
    expect(messages).toEqual([
      { to_email: 'kim@alpha.example', status: 'skipped', reason: 'unsubscribed' },
      { to_email: 'lee@alpha.example', status: 'sent', reason: null },
    ]);
    const outbox = await stack.orm.em.fork().execute<{ to_address: string }[]>(`select to_address from outbox_email where store_id = ?`, [a.id]);
    expect(outbox.map((e) => e.to_address)).toEqual(['lee@alpha.example']);

    type Entry = { kind: string; reason: string | null; ruleName: string | null; segmentName: string | null };
    const timeline = async (id: string) => (await get(`/customers/${id}/timeline`)).body.items as Entry[];
    // Their first order put each of them in the store's default segments, shown beside the workflow activity.
    const workflow = (entries: Entry[]) => entries.filter((e) => !e.kind.startsWith('segment_'));
    const segments = (entries: Entry[]) => entries.filter((e) => e.kind.startsWith('segment_')).map((e) => [e.kind, e.segmentName, e.reason]).sort();
    const kim = await timeline(ids.kim);
    expect(workflow(kim).map((e) => [e.kind, e.reason, e.ruleName])).toEqual([
      ['message_skipped', 'unsubscribed', 'Coffee refill'],
      ['retention_armed', null, 'Coffee refill'],
      ['unsubscribed', null, null],
    ]);
    expect(segments(kim)).toEqual([
      ['segment_entered', 'New Customers', 'transaction'],
      ['segment_entered', 'Ordered Within 60 Days', 'transaction'],
    ]);
    const lee = await timeline(ids.lee);
    expect(workflow(lee).map((e) => e.kind)).toEqual(['message_sent', 'retention_armed']);
    expect(segments(lee)).toEqual(segments(kim));
  });
});
