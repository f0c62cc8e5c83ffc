import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { MessageLogRepository, type LogFilter, type LogKind } from './message-log.repository.js';
import { MessageLogService } from './message-log.service.js';

const DAY = 86_400_000;

describe('MessageLogRepository (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  let repository: MessageLogRepository;
  // Store A holds the rows under test; store B mirrors them, so any query that forgets the store shows B's rows.
  const a = { store: '', rule: '', otherRule: '', deletedRule: '', customer: '', secondCustomer: '' };
  const b = { store: '', rule: '', customer: '' };
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY);

  beforeAll(async () => {
    db = await openTestOrm('boomerang_reporting');
    orm = db.orm;
    em = orm.em.fork();
    repository = new MessageLogRepository(em);

    for (const s of [a, b]) {
      s.store = await seedRow(em, 'store');
      s.rule = await seedRow(em, 'retention_rule', { store_id: s.store, name: 'Coffee' });
      s.customer = await seedRow(em, 'customer', { store_id: s.store, email: `jane@${s === a ? 'a' : 'b'}.example` });
    }
    a.otherRule = await seedRow(em, 'retention_rule', { store_id: a.store, name: 'Tea' });
    a.deletedRule = await seedRow(em, 'retention_rule', { store_id: a.store, name: 'Gone', status: 'deleted' });
    a.secondCustomer = await seedRow(em, 'customer', { store_id: a.store, email: 'joe@a.example' });
  });

  afterAll(async () => {
    await db?.close();
  });

  /** All pages of a log, following `next` the way the service builds its cursor. */
  async function allPages(storeId: string, kind: LogKind, filter: Omit<LogFilter, 'after'>) {
    const pages = [];
    let after: LogFilter['after'];
    for (;;) {
      const page = await repository.logPage(storeId, kind, { ...filter, after });
      pages.push(page.items);
      if (!page.next) return pages;
      after = { time: new Date(page.next.time), id: page.next.id };
    }
  }

  describe('sent log, outbox and counts', () => {
    const sentIds: string[] = [];
    let otherStoreMessage = '';

    beforeAll(async () => {
      // Five sent messages of rule "Coffee" on days 5..1 ago, two of them at the same instant (the id breaks the tie).
      const days = [5, 4, 3, 3, 1];
      for (const [cycle, d] of days.entries()) {
        sentIds.push(
          await seedRow(em, 'message', {
            store_id: a.store, rule_id: a.rule, customer_id: a.customer, cycle: cycle + 1, to_email: 'jane@a.example',
            status: 'sent', sent_at: at(d), open_count: cycle, click_count: 1, first_opened_at: cycle ? at(d) : null,
          }),
        );
      }
      await seedRow(em, 'message', { store_id: a.store, rule_id: a.otherRule, customer_id: a.customer, status: 'sent', sent_at: at(2), open_count: 7 });
      await seedRow(em, 'message', { store_id: a.store, rule_id: a.rule, customer_id: a.secondCustomer, status: 'skipped', reason: 'unsubscribed', created_at: at(2) });
      await seedRow(em, 'message', { store_id: a.store, rule_id: a.rule, customer_id: a.secondCustomer, cycle: 2, status: 'failed', reason: 'template_error', created_at: at(1) });
      await seedRow(em, 'message', { store_id: a.store, rule_id: a.rule, customer_id: a.secondCustomer, cycle: 3, status: 'sending' });
      otherStoreMessage = await seedRow(em, 'message', { store_id: b.store, rule_id: b.rule, customer_id: b.customer, status: 'sent', sent_at: at(1), open_count: 100 });
    });

    it('lists one store\'s sent messages newest first, and pages through them without gaps or repeats', async () => {
      // Newest first: days 1, 2 (Tea), 3, 3, 4, 5. Three a page puts the page break between the two day-3 messages.
      const pages = await allPages(a.store, 'sent', { limit: 3 });
      expect(pages.map((p) => p.length)).toEqual([3, 3]);
      const ids = pages.flat().map((m) => m.messageId);
      expect(new Set(ids).size).toBe(6);
      expect(ids).not.toContain(otherStoreMessage);
      const times = pages.flat().map((m) => Date.parse(m.sentAt as string));
      expect(times).toEqual([...times].sort((x, y) => y - x));
      expect(pages[0]![0]).toMatchObject({ messageId: sentIds[4], ruleName: 'Coffee', email: 'jane@a.example', status: 'sent', opens: 4, opened: true });
    });

    it('filters the sent log by rule and by a [from, to) range on the sent time', async () => {
      const coffee = await repository.logPage(a.store, 'sent', { ruleId: a.rule, limit: 100 });
      expect(coffee.items.map((m) => m.messageId).sort()).toEqual([...sentIds].sort());
      expect(coffee.next).toBeNull();
      const range = await repository.logPage(a.store, 'sent', { from: at(4), to: at(1), limit: 100 });
      // Days 4, 3, 3 and the Tea message of day 2; day 5 is before `from`, day 1 not before `to`.
      expect(range.items.map((m) => m.ruleName)).toEqual(['Tea', 'Coffee', 'Coffee', 'Coffee']);
      expect(range.items.map((m) => m.messageId)).toEqual(expect.arrayContaining([sentIds[1], sentIds[2], sentIds[3]]));
    });

    it('exports a whole log through the cursor pages, cut at the row limit with a last marker, filters kept', async () => {
      const service = new MessageLogService();
      const rows = async (max: number, query = {}) => {
        const out = [];
        for await (const row of service.exportRows(em, 'sent', a.store, query, max)) out.push(row);
        return out;
      };
      const all = await rows(100);
      expect(all.map((r) => (r as { sentAt: string }).sentAt)).toEqual((await repository.logPage(a.store, 'sent', { limit: 100 })).items.map((m) => m.sentAt));
      expect(all).toHaveLength(6);
      // Exactly at the limit: nothing left out, no marker.
      expect(await rows(6)).toHaveLength(6);
      const cut = await rows(4);
      expect(cut).toHaveLength(5);
      expect(cut.at(-1)).toEqual({ truncated: true });
      expect(await rows(100, { ruleId: a.otherRule })).toHaveLength(1);
      expect(await rows(100, { from: at(4), to: at(1) })).toHaveLength(4);
    });

    it('names each pending row\'s workflow with the id function it is given', async () => {
      const service = new MessageLogService({ workflowIdOf: (store, rule, email) => `wf/${store}/${rule}/${email}` });
      const e = await seedRow(em, 'retention_enrollment', { store_id: b.store, rule_id: b.rule, customer_id: b.customer, next_send_at: at(-1) });
      const page = await service.log(em, 'pending', b.store, { limit: 10 });
      expect(page.items).toEqual([expect.objectContaining({ workflowId: `wf/${b.store}/${b.rule}/jane@b.example` })]);
      // Other logs carry no workflow id.
      expect((await service.log(em, 'sent', b.store, { limit: 10 })).items[0]).not.toHaveProperty('workflowId');
      await em.execute(`delete from retention_enrollment where id = ?`, [e]);
    });

    it('lists skipped and failed messages (not sending ones) in the skipped log', async () => {
      const { items } = await repository.logPage(a.store, 'skipped', { limit: 100 });
      expect(items.map((m) => [m.status, m.reason])).toEqual([
        ['failed', 'template_error'],
        ['skipped', 'unsubscribed'],
      ]);
      expect(await repository.logPage(b.store, 'skipped', { limit: 100 })).toEqual({ items: [], next: null });
    });

    it('counts one store\'s messages, per rule or for all rules', async () => {
      expect(await repository.counts(a.store)).toMatchObject({ sent: 6, skipped: 2, opens: 0 + 1 + 2 + 3 + 4 + 7, clicks: 5 });
      expect(await repository.counts(a.store, a.rule)).toMatchObject({ sent: 5, skipped: 2, opens: 10 });
      expect(await repository.counts(b.store)).toMatchObject({ sent: 1, skipped: 0, opens: 100 });
      // A rule id of another store counts nothing in this store.
      expect(await repository.counts(a.store, b.rule)).toEqual({ pending: 0, sent: 0, skipped: 0, opens: 0, clicks: 0, conversions: 0 });
    });

    it('counts sent messages per ISO week, oldest first, with empty weeks as 0', async () => {
      const weeks = await repository.sentPerWeek(a.store, 3);
      expect(weeks).toHaveLength(3);
      expect(weeks.map((w) => new Date(`${w.weekStart}T00:00:00Z`).getUTCDay())).toEqual([1, 1, 1]);
      expect(weeks.map((w) => w.weekStart)).toEqual([...weeks.map((w) => w.weekStart)].sort());
      expect(weeks.reduce((sum, w) => sum + w.sent, 0)).toBe(6); // all sent within the last 5 days
      expect((await repository.sentPerWeek(a.store, 12, a.otherRule)).reduce((sum, w) => sum + w.sent, 0)).toBe(1);
      expect((await repository.sentPerWeek(b.store, 12)).reduce((sum, w) => sum + w.sent, 0)).toBe(1);
    });

    it('reads the outbox of one store only, newest first', async () => {
      const first = await seedRow(em, 'outbox_email', { store_id: a.store, message_id: sentIds[0], created_at: at(5) });
      const second = await seedRow(em, 'outbox_email', { store_id: a.store, message_id: sentIds[1], created_at: at(4) });
      const foreign = await seedRow(em, 'outbox_email', { store_id: b.store, message_id: otherStoreMessage });
      expect((await repository.outbox(a.store, 10)).map((e) => e.id)).toEqual([second, first]);
      expect((await repository.outbox(a.store, 1)).map((e) => e.id)).toEqual([second]);
      expect((await repository.outboxEmail(a.store, first))?.id).toBe(first);
      expect(await repository.outboxEmail(a.store, foreign)).toBeNull();
    });
  });

  describe('pending log', () => {
    it('lists armed enrollments of live rules, soonest first, and pages through them in that order', async () => {
      await seedRow(em, 'retention_enrollment', { store_id: a.store, rule_id: a.rule, customer_id: a.customer, next_send_at: at(-1), last_purchase_at: at(20) });
      await seedRow(em, 'retention_enrollment', { store_id: a.store, rule_id: a.otherRule, customer_id: a.customer, next_send_at: at(-3) });
      await seedRow(em, 'retention_enrollment', { store_id: a.store, rule_id: a.rule, customer_id: a.secondCustomer, next_send_at: at(-2) });
      // Not pending: done, or of a deleted rule, or another store's.
      await seedRow(em, 'retention_enrollment', { store_id: a.store, rule_id: a.otherRule, customer_id: a.secondCustomer, state: 'done', next_send_at: at(-1) });
      await seedRow(em, 'retention_enrollment', { store_id: a.store, rule_id: a.deletedRule, customer_id: a.customer, next_send_at: at(-1) });
      await seedRow(em, 'retention_enrollment', { store_id: b.store, rule_id: b.rule, customer_id: b.customer, next_send_at: at(-1) });

      const pages = await allPages(a.store, 'pending', { limit: 2 });
      const items = pages.flat();
      expect(items.map((e) => [e.ruleName, e.email])).toEqual([
        ['Coffee', 'jane@a.example'],
        ['Coffee', 'joe@a.example'],
        ['Tea', 'jane@a.example'],
      ]);
      expect(items[0]).toMatchObject({ scheduledFor: at(-1).toISOString(), lastPurchaseAt: at(20).toISOString() });
      expect((await repository.logPage(a.store, 'pending', { ruleId: a.otherRule, limit: 10 })).items).toHaveLength(1);
      expect((await repository.counts(a.store)).pending).toBe(3);
      expect((await repository.counts(a.store, a.rule)).pending).toBe(2);
      expect((await repository.counts(b.store)).pending).toBe(1);
    });
  });

  describe('conversions', () => {
    it('lists conversions with their order and message, revenue in each currency\'s own minor units', async () => {
      const message = await seedRow(em, 'message', { store_id: a.store, rule_id: a.rule, customer_id: a.customer, cycle: 40, subject: 'Back in stock', sent_at: at(3) });
      const usdOrder = await seedRow(em, 'store_order', { store_id: a.store, customer_id: a.customer, external_id: '1001', currency: 'USD', total_cents: 1999 });
      const jpyOrder = await seedRow(em, 'store_order', { store_id: a.store, customer_id: a.customer, external_id: '1002', currency: 'JPY', total_cents: 1500 });
      await seedRow(em, 'conversion', { store_id: a.store, rule_id: a.rule, message_id: message, customer_id: a.customer, order_id: usdOrder, revenue_cents: 1999, currency: 'USD', occurred_at: at(2) });
      await seedRow(em, 'conversion', { store_id: a.store, rule_id: a.rule, message_id: message, customer_id: a.customer, order_id: jpyOrder, revenue_cents: 1500, currency: 'JPY', occurred_at: at(1) });
      const bMessage = await seedRow(em, 'message', { store_id: b.store, rule_id: b.rule, customer_id: b.customer, cycle: 40, sent_at: at(3) });
      const bOrder = await seedRow(em, 'store_order', { store_id: b.store, customer_id: b.customer, currency: 'USD' });
      await seedRow(em, 'conversion', { store_id: b.store, rule_id: b.rule, message_id: bMessage, customer_id: b.customer, order_id: bOrder, revenue_cents: 500_00, currency: 'USD' });

      const { items } = await repository.logPage(a.store, 'conversions', { limit: 10 });
      expect(items).toEqual([
        expect.objectContaining({ orderId: jpyOrder, orderNumber: '1002', revenue: 1500, currency: 'JPY', messageId: message, messageSubject: 'Back in stock' }),
        expect.objectContaining({ orderId: usdOrder, orderNumber: '1001', revenue: 19.99, currency: 'USD', email: 'jane@a.example', ruleName: 'Coffee' }),
      ]);
      // Revenue in one currency only: the store's USD total leaves the JPY order out instead of adding 1500 to it.
      expect(await repository.revenueIn(a.store, 'USD')).toBe(1999);
      expect(await repository.revenueIn(a.store, 'JPY')).toBe(1500);
      expect(await repository.revenueIn(a.store, 'EUR')).toBe(0);
      expect(await repository.revenueIn(a.store, 'USD', a.otherRule)).toBe(0);
      expect(await repository.revenueIn(b.store, 'USD')).toBe(500_00);
      expect((await repository.counts(a.store)).conversions).toBe(2);
    });
  });
});
