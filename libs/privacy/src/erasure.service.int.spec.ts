import { findPersonalData, openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import type { EntityManager } from '@boomerang/persistence';
import { DataRequestService } from './data-request.service.js';
import { ErasureService, type WorkflowForgetter } from './erasure.service.js';
import { sha256 } from './secret-token.js';

const ANN = {
  email: 'zelphira.quondam@erasure.example',
  firstName: 'Zelphira',
  lastName: 'Quondamova',
  phone: '+1 555 0199 4242',
  street: '77 Wisteria Crescent',
};
const NEEDLES = [ANN.email, ANN.firstName, ANN.lastName, ANN.phone, ANN.street];

const address = (name: string) => JSON.stringify({ name, company: null, line1: ANN.street, line2: null, city: 'Portland', region: 'OR', postalCode: '97201', country: 'US', phone: ANN.phone });

describe('ErasureService (PostgreSQL): every table, statistics kept', () => {
  let t: TestOrm;
  const forgotten: { storeId: string; email: string; ruleIds: readonly string[] }[] = [];
  const workflows: WorkflowForgetter = {
    async forgetCustomer(cmd) {
      forgotten.push(cmd);
      return { terminated: 1, deleted: 1 };
    },
  };
  const erasure = new ErasureService(workflows);
  const em = (): EntityManager => t.orm.em.fork();
  let storeId: string;
  let otherStoreId: string;
  let ruleId: string;

  /** What the overview adds up: must not drop when a person is erased. */
  const stats = async (store: string) => {
    const [m] = await em().execute<Record<string, string>[]>(
      `select coalesce(sum(sent), 0) as sent, coalesce(sum(skipped), 0) as skipped, coalesce(sum(opens), 0) as opens, coalesce(sum(clicks), 0) as clicks from message_stat where store_id = ?`,
      [store],
    );
    const [c] = await em().execute<Record<string, string>[]>(
      `select coalesce(sum(conversions), 0) as conversions, coalesce(sum(revenue_minor), 0) as revenue from conversion_stat where store_id = ?`,
      [store],
    );
    return { ...m, ...c };
  };

  /** A customer with everything the product keeps about a person. */
  async function seedPerson(store: string, email: string, first: string) {
    const e = em();
    const customerId = await seedRow(e, 'customer', { store_id: store, email, first_name: first, last_name: ANN.lastName, phone: ANN.phone, company: 'Quondam Ltd', note: `VIP ${first}` });
    const orderId = await seedRow(e, 'store_order', { store_id: store, customer_id: customerId, total_cents: 4500, billing_address: address(`${first} ${ANN.lastName}`), shipping_address: address(`${first} ${ANN.lastName}`) });
    await e.execute(`insert into order_line (id, store_id, order_id, position, sku, name, quantity, price_minor, tags) values (gen_random_uuid(), ?, ?, 0, 'COFFEE-1KG', 'House blend', 2, 1850, '[]')`, [store, orderId]);
    // A tracking number the merchant added, its link naming the person.
    await e.execute(`insert into order_tracking (id, store_id, order_id, carrier, number, url, created_at) values (gen_random_uuid(), ?, ?, 'UPS', '1Z999AA10123456784', ?, now())`, [
      store,
      orderId,
      `https://track.example/?to=${encodeURIComponent(`${first} ${ANN.lastName}`)}`,
    ]);
    const messageId = await seedRow(e, 'message', { store_id: store, rule_id: ruleId, customer_id: customerId, to_email: email, subject: `Running low, ${first}?`, sent_at: new Date(), open_count: 1, click_count: 1, links: JSON.stringify([`https://shop.example/?email=${email}`]) });
    const skippedId = await seedRow(e, 'message', { store_id: store, rule_id: ruleId, customer_id: customerId, cycle: 2, status: 'failed', reason: `Postmark refused: invalid 'To' address ${email}`, to_email: email });
    void skippedId;
    await e.execute(
      `insert into message_event (id, store_id, message_id, source, event_key, type, url, occurred_at, payload, created_at)
       values (gen_random_uuid(), ?, ?, 'postmark', ?, 'click', ?, now(), ?, now())`,
      [store, messageId, `click-${messageId}`, `https://shop.example/?email=${email}`, JSON.stringify({ Recipient: email, RecordType: 'Click' })],
    );
    await seedRow(e, 'outbox_email', { store_id: store, message_id: messageId, to_address: email, subject: `Running low, ${first}?`, html: `<p>Hi ${first}</p>`, text: `Hi ${first}` });
    await seedRow(e, 'outbox_email', { store_id: null, message_id: crypto.randomUUID(), to_address: email, subject: 'Your data', html: `<p>Hi ${first}</p>`, text: `Hi ${first}`, headers: JSON.stringify({ 'X-Boomerang-Tag': 'privacy-profile-link' }) });
    // A message the merchant wrote to her from the order view, and the outbox's copy of it.
    const directId = await seedRow(e, 'direct_message', {
      store_id: store, request_id: crypto.randomUUID(), customer_id: customerId, order_id: orderId, sender_name: 'Bean There', sender_email: 'shop@bean.example',
      to_email: email, subject: `Your parcel, ${first}`, body: `Hi ${first} ${ANN.lastName}, it ships today.`, status: 'sent',
    });
    await seedRow(e, 'outbox_email', { store_id: store, message_id: directId, to_address: email, subject: `Your parcel, ${first}`, html: `<p>Hi ${first}</p>`, text: `Hi ${first}` });
    await seedRow(e, 'retention_enrollment', { store_id: store, rule_id: ruleId, customer_id: customerId, state: 'armed' });
    await e.execute(
      `insert into retention_dispatch (store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at) values (?, ?, ?, ?, ?, now(), 60, now())`,
      [store, ruleId, customerId, email, orderId],
    );
    await seedRow(e, 'conversion', { store_id: store, rule_id: ruleId, message_id: messageId, customer_id: customerId, order_id: orderId, revenue_cents: 4500 });
    await e.execute(`insert into suppression (id, store_id, email, reason, created_at) values (gen_random_uuid(), ?, ?, 'hard_bounce', now())`, [store, email]);
    await e.execute(
      `insert into inbox_event (id, store_id, platform, delivery_id, topic, format, body, ordering_key, received_at, state, next_attempt_at, projected_at, result)
       values (gen_random_uuid(), ?, 'custom', ?, null, 'raw', convert_to(?, 'UTF8'), ?, now(), 'projected', now(), now(), ?)`,
      [store, crypto.randomUUID(), JSON.stringify({ customer: { email, firstName: first, lastName: ANN.lastName, phone: ANN.phone }, billing: { line1: ANN.street } }), `email:${email}`, JSON.stringify({ kind: 'order', customerId, orderId })],
    );
    await e.execute(
      `insert into profile_link (id, store_id, customer_id, token_hash, created_at, expires_at) values (gen_random_uuid(), ?, ?, ?, now(), now())`,
      [store, customerId, sha256(crypto.randomUUID())],
    );
    return customerId;
  }

  beforeAll(async () => {
    t = await openTestOrm('boomerang_privacy_erasure');
    storeId = await seedRow(em(), 'store', { name: 'Bean There' });
    otherStoreId = await seedRow(em(), 'store', { name: 'Other shop' });
    ruleId = await seedRow(em(), 'retention_rule', { store_id: storeId });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('leaves no trace of the person in any column of any table, keeps the statistics, ends the workflows and records the erasure', async () => {
    const customerId = await seedPerson(storeId, ANN.email, ANN.firstName);
    // A data request made before: its stored export names the person too.
    await new DataRequestService().record(em(), storeId, ANN.email, { source: 'shopify', topic: 'customers/data_request' });
    const before = await stats(storeId);
    expect(Number(before.sent)).toBe(1);
    expect(Number(before.conversions)).toBe(1);
    expect((await findPersonalData(em(), NEEDLES)).length).toBeGreaterThan(10);

    const result = await erasure.eraseCustomer(em(), storeId, customerId, { source: 'merchant' });

    expect(await findPersonalData(em(), NEEDLES)).toEqual([]);
    expect(await stats(storeId)).toEqual(before);
    expect(forgotten.at(-1)).toEqual({ storeId, email: ANN.email, ruleIds: [ruleId] });
    expect(result.summary).toMatchObject({ customer: 1, order_tracking: 1, message: 2, message_event: 1, outbox_email: 3, direct_message: 1, retention_dispatch: 1, retention_enrollment: 1, suppression: 1, inbox_event: 1, profile_link: 1, privacy_request: 1 });
    const [record] = await em().execute<Record<string, unknown>[]>(`select store_id, kind, source, email_hash, customer_id from privacy_request where id = ?`, [result.requestId]);
    expect(record).toEqual({ store_id: storeId, kind: 'erasure', source: 'merchant', email_hash: sha256(ANN.email), customer_id: customerId });
    // Rows that carry statistics stay, without the person.
    expect(await em().execute(`select count(*)::int as n from message where customer_id = ?`, [customerId])).toEqual([{ n: 2 }]);
    expect(await em().execute(`select count(*)::int as n from conversion where customer_id = ?`, [customerId])).toEqual([{ n: 1 }]);
    expect(await em().execute(`select count(*)::int as n from order_line l join store_order o on o.id = l.order_id where o.customer_id = ?`, [customerId])).toEqual([{ n: 1 }]);
  });

  it('erases within its store only: the same address at another store stays', async () => {
    const shared = 'shared.person@erasure.example';
    const here = await seedPerson(storeId, shared, 'Sharedhere');
    const there = await seedPerson(otherStoreId, shared, 'Sharedthere');
    await erasure.eraseCustomer(em(), storeId, here, { source: 'merchant' });
    expect(await findPersonalData(em(), ['Sharedhere'])).toEqual([]);
    const rows = await em().execute<{ id: string }[]>(`select id from customer where email = ?`, [shared]);
    expect(rows.map((r) => r.id)).toEqual([there]);
    const remaining = await findPersonalData(em(), ['Sharedthere']);
    expect(remaining.map((h) => h.table)).toEqual(expect.arrayContaining(['customer', 'store_order', 'message', 'outbox_email', 'inbox_event']));
  });

  it('a platform request for an address we never projected still clears the inbox and suppression; a whole shop erases everyone', async () => {
    const e = em();
    await e.execute(`insert into suppression (id, store_id, email, reason, created_at) values (gen_random_uuid(), ?, 'ghost@erasure.example', 'hard_bounce', now())`, [otherStoreId]);
    const ghost = await erasure.eraseByEmail(em(), otherStoreId, ' Ghost@Erasure.example ', { source: 'shopify', topic: 'customers/redact' });
    expect(ghost.customerId).toBeNull();
    expect(await findPersonalData(em(), ['ghost@erasure.example'])).toEqual([]);

    await seedPerson(otherStoreId, 'second@erasure.example', 'Secondperson');
    const { customers } = await erasure.eraseShop(em(), otherStoreId, { source: 'shopify', topic: 'shop/redact' });
    expect(customers).toBe(2);
    expect(await findPersonalData(em(), ['Sharedthere', 'Secondperson', 'second@erasure.example'])).toEqual([]);
    expect(await em().execute(`select count(*)::int as n from customer where store_id = ?`, [otherStoreId])).toEqual([{ n: 0 }]);
  });

  it('when Temporal cannot be reached nothing is erased', async () => {
    const customerId = await seedPerson(storeId, 'kept@erasure.example', 'Keptperson');
    const down = new ErasureService({ forgetCustomer: async () => Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED')) });
    await expect(down.eraseCustomer(em(), storeId, customerId, { source: 'merchant' })).rejects.toThrow('UNAVAILABLE');
    expect(await em().execute(`select count(*)::int as n from customer where id = ?`, [customerId])).toEqual([{ n: 1 }]);
    await expect(erasure.eraseCustomer(em(), storeId, crypto.randomUUID(), { source: 'merchant' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
