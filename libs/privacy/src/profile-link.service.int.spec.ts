import { RateLimitedError, type DomainError } from '@boomerang/domain';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@boomerang/persistence';
import type { ProfileLinkEmail } from './profile-link-email.js';
import type { ProfileLinkLimiter } from './profile-link-rate-limit.js';
import { ProfileLinkService } from './profile-link.service.js';

const MINUTE = 60_000;

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a failure');
}

/** The link's token from a caught email. */
function tokenOf(mail: { content: ProfileLinkEmail }): string {
  const match = /\/privacy\/([A-Za-z0-9_-]{43})/.exec(mail.content.text);
  if (!match) throw new Error(`no link in ${mail.content.text}`);
  return match[1]!;
}

describe('ProfileLinkService (PostgreSQL, injected clock)', () => {
  let t: TestOrm;
  let now = new Date('2026-11-26T10:00:00Z');
  const sent: { to: string; content: ProfileLinkEmail }[] = [];
  const limited = new Map<string, number>();
  // Counts like the real limiter (3 per customer) without the shared table, so this spec controls it.
  const limiter: ProfileLinkLimiter = {
    async consume(customerId) {
      const n = (limited.get(customerId) ?? 0) + 1;
      limited.set(customerId, n);
      if (n > 3) throw new RateLimitedError('too many', 60);
    },
  };
  const service = new ProfileLinkService({
    mailer: { send: async (_em, to, content) => void sent.push({ to, content }) },
    limiter,
    dashboardUrl: 'https://dash.example/',
    clock: () => now,
  });
  const em = (): EntityManager => t.orm.em.fork();
  let storeId: string;
  let otherStoreId: string;
  let ann: string;
  let ben: string;
  let stranger: string;

  beforeAll(async () => {
    t = await openTestOrm('boomerang_privacy_links');
    const e = em();
    storeId = await seedRow(e, 'store', { name: 'Bean There' });
    otherStoreId = await seedRow(e, 'store', { name: 'Other shop' });
    ann = await seedRow(e, 'customer', { store_id: storeId, email: 'ann@privacy.example', first_name: 'Ann', opted_in: true });
    ben = await seedRow(e, 'customer', { store_id: storeId, email: 'ben@privacy.example', first_name: 'Ben' });
    stranger = await seedRow(e, 'customer', { store_id: otherStoreId, email: 'ann@privacy.example', first_name: 'Other Ann' });
    const ruleId = await seedRow(e, 'retention_rule', { store_id: storeId, name: 'Coffee refill' });
    const orderId = await seedRow(e, 'store_order', { store_id: storeId, customer_id: ann, number: '#1001', total_cents: 4500, lines: '[]' });
    await e.execute(
      `insert into order_line (id, store_id, order_id, position, sku, name, quantity, price_minor, tags) values (gen_random_uuid(), ?, ?, 0, 'COFFEE-1KG', 'House blend 1kg', 2, 1850, '[]')`,
      [storeId, orderId],
    );
    const messageId = await seedRow(e, 'message', { store_id: storeId, rule_id: ruleId, customer_id: ann, to_email: 'ann@privacy.example', subject: 'Running low, Ann?', sent_at: now });
    await e.execute(
      `insert into message_event (id, store_id, message_id, source, event_key, type, url, occurred_at, payload, created_at)
       values (gen_random_uuid(), ?, ?, 'pixel', 'open-1', 'open', null, ?, '{}', ?)`,
      [storeId, messageId, now, now],
    );
    await seedRow(e, 'retention_enrollment', { store_id: storeId, rule_id: ruleId, customer_id: ann, state: 'armed' });
    await seedRow(e, 'direct_message', { store_id: storeId, request_id: crypto.randomUUID(), customer_id: ann, order_id: orderId, to_email: 'ann@privacy.example', subject: 'Your parcel', body: 'Hi Ann, it ships today.' });
    await seedRow(e, 'direct_message', { store_id: storeId, request_id: crypto.randomUUID(), customer_id: ben, to_email: 'ben@privacy.example', subject: 'For Ben only', body: 'Hi Ben' });
    // Another store's customer with the same address: its data must never show through Ann's link.
    await seedRow(e, 'store_order', { store_id: otherStoreId, customer_id: stranger, number: '#OTHER' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('sends a link to the address on file, valid for 15 minutes; only the token hash is stored', async () => {
    const result = await service.send(em(), storeId, ann);
    expect(result).toEqual({ sentTo: 'ann@privacy.example', expiresAt: new Date(now.getTime() + 15 * MINUTE) });
    const mail = sent.at(-1)!;
    expect(mail.to).toBe('ann@privacy.example');
    expect(mail.content.subject).toBe('Your data at Bean There');
    expect(mail.content.text).toContain('https://dash.example/privacy/');
    const token = tokenOf(mail);
    const stored = await em().execute<{ token_hash: string }[]>(`select token_hash from profile_link where customer_id = ?`, [ann]);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]!.token_hash).not.toContain(token);
  });

  it('works once: looking does not use it; the first open gives a page session, the second says used', async () => {
    await service.send(em(), storeId, ann);
    const token = tokenOf(sent.at(-1)!);
    expect(await service.peek(em(), token)).toMatchObject({ storeName: 'Bean There' });
    expect(await service.peek(em(), token)).toMatchObject({ storeName: 'Bean There' });
    const opened = await service.open(em(), { token });
    expect(opened.session).toMatch(/^bmp_[A-Za-z0-9_-]{43}$/);
    expect((await failure(service.open(em(), { token }))).code).toBe('token_used');
    expect((await failure(service.peek(em(), token))).code).toBe('token_used');

    const view = await service.view(em(), opened.session);
    expect(view.profile.email).toBe('ann@privacy.example');
    expect(view.orders).toEqual([expect.objectContaining({ number: '#1001', totalMinor: 4500, items: 2 })]);
    expect(view.messages).toEqual([expect.objectContaining({ subject: 'Running low, Ann?', opens: 0 })]);
  });

  it('two concurrent opens of one link: exactly one wins', async () => {
    await service.send(em(), storeId, ben);
    const token = tokenOf(sent.at(-1)!);
    const results = await Promise.allSettled([service.open(em(), { token }), service.open(em(), { token }), service.open(em(), { token })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as DomainError).code)).toEqual(['token_used', 'token_used']);
  });

  it('expires 15 minutes after it was sent (the clock moves, nothing sleeps); so does the page session', async () => {
    now = new Date('2026-11-26T11:00:00Z');
    limited.clear();
    await service.send(em(), storeId, ann);
    const unused = tokenOf(sent.at(-1)!);
    await service.send(em(), storeId, ann);
    const used = tokenOf(sent.at(-1)!);
    const { session } = await service.open(em(), { token: used });

    now = new Date(now.getTime() + 15 * MINUTE - 1);
    expect(await service.peek(em(), unused)).toBeDefined();
    expect((await service.view(em(), session)).profile.email).toBe('ann@privacy.example');

    now = new Date(now.getTime() + 1);
    expect((await failure(service.peek(em(), unused))).code).toBe('token_expired');
    expect((await failure(service.open(em(), { token: unused }))).code).toBe('token_expired');
    expect((await failure(service.view(em(), session))).code).toBe('unauthorized');
    expect((await failure(service.export(em(), session))).code).toBe('unauthorized');
  });

  it('refuses forged, garbled and foreign tokens, and a token resolves only to its own store and customer', async () => {
    now = new Date('2026-11-26T12:00:00Z');
    limited.clear();
    const forged = randomBytes(32).toString('base64url');
    expect((await failure(service.peek(em(), forged))).code).toBe('token_invalid');
    expect((await failure(service.open(em(), { token: forged }))).code).toBe('token_invalid');
    for (const garbled of ['', 'abc', `${forged}x`, forged.replace(/.$/, '!'), '../../etc/passwd']) {
      expect((await failure(service.open(em(), { token: garbled }))).code).toBe('token_invalid');
    }
    expect((await failure(service.open(em(), { token: 42 }))).code).toBe('validation_failed');
    // A session is not a link, a link is not a session.
    await service.send(em(), storeId, ben);
    const benToken = tokenOf(sent.at(-1)!);
    expect((await failure(service.view(em(), benToken))).code).toBe('unauthorized');
    expect((await failure(service.view(em(), `bmp_${forged}`))).code).toBe('unauthorized');
    expect((await failure(service.view(em(), undefined))).code).toBe('unauthorized');
    const { session } = await service.open(em(), { token: benToken });
    expect((await failure(service.open(em(), { token: session }))).code).toBe('token_invalid');
    // Ben's session shows Ben, never Ann nor the other store's customer with Ann's address.
    const view = await service.view(em(), session);
    expect(view.profile.email).toBe('ben@privacy.example');
    expect(view.orders).toEqual([]);
    const exported = await service.export(em(), session);
    expect(exported.profile?.id).toBe(ben);
    expect(exported.orders).toEqual([]);
    // A customer of another store is not found through this store.
    expect((await failure(service.send(em(), storeId, stranger))).code).toBe('not_found');
  });

  it('changes the subscription from the page (the customer row and its history, as the unsubscribe link does)', async () => {
    await service.send(em(), storeId, ann);
    const { session } = await service.open(em(), { token: tokenOf(sent.at(-1)!) });
    expect((await service.setSubscription(em(), session, { subscribed: false })).subscribed).toBe(false);
    const [row] = await em().execute<{ unsubscribed_at: Date | null }[]>(`select unsubscribed_at from customer where id = ?`, [ann]);
    expect(new Date(row!.unsubscribed_at!)).toEqual(now);
    expect((await service.setSubscription(em(), session, { subscribed: true })).subscribed).toBe(true);
    // Both changes are in the customer's subscription history, as the page's.
    const history = await em().execute<{ subscribed: boolean; source: string }[]>(
      `select subscribed, source from customer_subscription_event where customer_id = ? order by created_at, subscribed`,
      [ann],
    );
    expect(history.map((h) => [h.subscribed, h.source])).toEqual([
      [false, 'profile_page'],
      [true, 'profile_page'],
    ]);
    expect((await failure(service.setSubscription(em(), session, { subscribed: 'yes' }))).issues).toEqual([expect.objectContaining({ field: 'subscribed' })]);
  });

  it('exports profile, orders with lines, messages with their events, messages the merchant wrote and enrollments', async () => {
    await service.send(em(), storeId, ann);
    const { session } = await service.open(em(), { token: tokenOf(sent.at(-1)!) });
    const exported = await service.export(em(), session);
    expect(exported.format).toBe('boomerang.customer-export.v1');
    expect(exported.profile).toMatchObject({ id: ann, email: 'ann@privacy.example', firstName: 'Ann' });
    expect(exported.orders).toEqual([
      expect.objectContaining({ number: '#1001', totalMinor: 4500, lines: [expect.objectContaining({ sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 2, priceMinor: 1850 })] }),
    ]);
    expect(exported.messages).toEqual([
      expect.objectContaining({ subject: 'Running low, Ann?', ruleName: 'Coffee refill', events: [expect.objectContaining({ type: 'open', source: 'pixel' })] }),
    ]);
    expect(exported.directMessages).toEqual([expect.objectContaining({ subject: 'Your parcel', body: 'Hi Ann, it ships today.', status: 'sent' })]);
    expect(exported.retentionEnrollments).toEqual([expect.objectContaining({ ruleName: 'Coffee refill', state: 'armed' })]);
    expect(JSON.stringify(exported)).not.toContain('#OTHER');
    expect(JSON.stringify(exported)).not.toContain('For Ben only');
  });

  it('limits links per customer', async () => {
    limited.clear();
    for (let i = 0; i < 3; i++) await service.send(em(), storeId, ben);
    expect((await failure(service.send(em(), storeId, ben))).code).toBe('rate_limited');
  });
});
