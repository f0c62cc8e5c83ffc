import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { RetentionDispatchRepository } from './retention-dispatch.repository.js';

const CLAIM = { claimSecs: 60, graceSecs: 5, batch: 100 };

describe('RetentionDispatchRepository (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  // Each spec's rows belong to store A; store B holds the same kinds of rows, so a query that forgets the store shows B's.
  let storeA = '';
  let storeB = '';
  const repository = () => new RetentionDispatchRepository(orm.em.fork());

  beforeAll(async () => {
    db = await openTestOrm('boomerang_dispatch_repo');
    orm = db.orm;
    em = orm.em.fork();
    storeA = await seedRow(em, 'store');
    storeB = await seedRow(em, 'store');
  });

  afterAll(async () => {
    await db?.close();
  });

  beforeEach(async () => {
    await em.execute(`delete from retention_dispatch`);
  });

  /** One outbox row, due a minute ago and past the grace period unless told otherwise; its id. */
  async function dispatch(storeId: string, values: Record<string, unknown> = {}): Promise<number> {
    const row: Record<string, unknown> = {
      store_id: storeId,
      rule_id: randomUUID(),
      customer_id: randomUUID(),
      email: 'jane@example.com',
      order_id: randomUUID(),
      purchased_at: new Date('2026-11-01T10:00:00Z'),
      window_seconds: 3600,
      created_at: new Date(Date.now() - 60_000),
      next_attempt_at: new Date(Date.now() - 60_000),
      ...values,
    };
    const columns = Object.keys(row);
    const [{ id }] = await em.execute<{ id: string }[]>(
      `insert into retention_dispatch (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')}) returning id`,
      columns.map((c) => row[c]),
    );
    return Number(id);
  }

  async function raw(id: number) {
    const [row] = await em.execute<Record<string, unknown>[]>(
      `select attempts, last_error, dispatched_at, dead_at from retention_dispatch where id = ?`,
      [id],
    );
    return row!;
  }

  async function secondsUntil(id: number): Promise<number> {
    const [{ s }] = await em.execute<{ s: string }[]>(`select extract(epoch from next_attempt_at - now()) as s from retention_dispatch where id = ?`, [id]);
    return Number(s);
  }

  describe('claimWritten (right after a projector round)', () => {
    it('returns the store\'s rows among the ids that are neither delivered nor parked, mapped', async () => {
      const rule = randomUUID();
      const pending = await dispatch(storeA, { rule_id: rule, kind: 'revoke', email: 'joe@a.example', window_seconds: 7200, attempts: 2 });
      const delivered = await dispatch(storeA, { dispatched_at: new Date() });
      const dead = await dispatch(storeA, { dead_at: new Date() });
      const otherStore = await dispatch(storeB);

      const rows = await repository().claimWritten(storeA, [pending, delivered, dead, otherStore], 60);
      expect(rows).toEqual([
        {
          id: pending,
          kind: 'revoke',
          storeId: storeA,
          ruleId: rule,
          customerId: expect.any(String),
          email: 'joe@a.example',
          orderId: expect.any(String),
          purchasedAt: new Date('2026-11-01T10:00:00Z'),
          windowSeconds: 7200,
          attempts: 2,
        },
      ]);
      expect((await repository().claimWritten(storeB, [pending, otherStore], 60)).map((r) => r.id)).toEqual([otherStore]);
      expect(await repository().claimWritten(storeA, [], 60)).toEqual([]);
      // Claimed: neither a second claimWritten nor the sweep takes the row again until the claim expires.
      expect(await repository().claimWritten(storeA, [pending], 60)).toEqual([]);
      expect(await repository().claimDue(CLAIM)).toEqual([]);
      expect(await secondsUntil(pending)).toBeGreaterThan(50);
    });
  });

  describe('a customer\'s signals in the order they were written', () => {
    it('holds back a later row of the same customer and rule while an earlier one is owed, on both paths; other customers and rules go ahead', async () => {
      const rule = randomUUID();
      const customer = randomUUID();
      const purchase = await dispatch(storeA, { rule_id: rule, customer_id: customer, next_attempt_at: new Date(Date.now() + 60_000) });
      const revoke = await dispatch(storeA, { rule_id: rule, customer_id: customer, kind: 'revoke' });
      const otherRule = await dispatch(storeA, { rule_id: randomUUID(), customer_id: customer });
      const otherCustomer = await dispatch(storeA, { rule_id: rule, customer_id: randomUUID() });
      // The purchase is backing off (or claimed by another process): its revocation waits, whoever asks.
      expect((await repository().claimWritten(storeA, [revoke, otherRule], 60)).map((r) => r.id)).toEqual([otherRule]);
      expect((await repository().claimDue(CLAIM)).map((r) => r.id)).toEqual([otherCustomer]);
      // Delivered, the purchase no longer holds it back.
      await repository().markDelivered(storeA, purchase);
      expect((await repository().claimDue(CLAIM)).map((r) => r.id)).toEqual([revoke]);
    });

    it('a parked row holds nothing back', async () => {
      const rule = randomUUID();
      const customer = randomUUID();
      await dispatch(storeA, { rule_id: rule, customer_id: customer, dead_at: new Date() });
      const later = await dispatch(storeA, { rule_id: rule, customer_id: customer });
      expect((await repository().claimWritten(storeA, [later], 60)).map((r) => r.id)).toEqual([later]);
    });

    it('a sweep batch takes only the earliest owed row of each customer and rule', async () => {
      const rule = randomUUID();
      const customer = randomUUID();
      const first = await dispatch(storeA, { rule_id: rule, customer_id: customer, next_attempt_at: new Date(Date.now() - 120_000) });
      await dispatch(storeA, { rule_id: rule, customer_id: customer, next_attempt_at: new Date(Date.now() - 180_000) });
      expect((await repository().claimDue(CLAIM)).map((r) => r.id)).toEqual([first]);
    });
  });

  describe('claimDue (the sweep)', () => {
    it('claims every store\'s due rows, longest due first, and returns them in id order', async () => {
      const minutesAgo = (m: number) => ({ next_attempt_at: new Date(Date.now() - m * 60_000) });
      const a1 = await dispatch(storeA, minutesAgo(1));
      const a3 = await dispatch(storeA, minutesAgo(3));
      const b2 = await dispatch(storeB, minutesAgo(2));
      const a4 = await dispatch(storeA, minutesAgo(4));

      // A batch of 3 leaves the row due most recently (a1) for the next tick.
      const claimed = await repository().claimDue({ ...CLAIM, batch: 3 });
      expect(claimed.map((r) => r.id)).toEqual([a3, b2, a4]);
      expect(claimed.map((r) => r.storeId)).toEqual([storeA, storeB, storeA]);
      expect((await repository().claimDue(CLAIM)).map((r) => r.id)).toEqual([a1]);
    });

    it('moves the claimed rows\' next attempt past the claim, so the next tick does not take them again', async () => {
      const id = await dispatch(storeA);
      expect((await repository().claimDue({ ...CLAIM, claimSecs: 120 })).map((r) => r.id)).toEqual([id]);
      const wait = await secondsUntil(id);
      expect(wait).toBeGreaterThan(100);
      expect(wait).toBeLessThanOrEqual(120);
      expect(await repository().claimDue(CLAIM)).toEqual([]);
      expect(await raw(id)).toMatchObject({ attempts: 0, dispatched_at: null, dead_at: null });
    });

    it('leaves delivered, parked, not yet due and too recent rows alone', async () => {
      await dispatch(storeA, { dispatched_at: new Date() });
      await dispatch(storeA, { dead_at: new Date(), last_error: 'refused' });
      await dispatch(storeA, { next_attempt_at: new Date(Date.now() + 60_000) });
      // Written a second ago: still the request's own row while the grace period lasts.
      const fresh = await dispatch(storeA, { created_at: new Date(Date.now() - 1_000) });
      expect(await repository().claimDue(CLAIM)).toEqual([]);
      expect((await repository().claimDue({ ...CLAIM, graceSecs: 0 })).map((r) => r.id)).toEqual([fresh]);
    });

    it('never gives one row to two concurrent claims', async () => {
      const ids = [];
      for (let i = 0; i < 60; i++) ids.push(await dispatch(i % 2 ? storeA : storeB));
      // Four sweepers at once, each on its own connection, each asking for more than its share.
      const claims = await Promise.all(Array.from({ length: 4 }, () => repository().claimDue({ ...CLAIM, batch: 40 })));
      const claimed = claims.flatMap((c) => c.map((r) => r.id));
      expect(claimed).toHaveLength(60);
      expect(new Set(claimed).size).toBe(60);
      expect(new Set(claimed)).toEqual(new Set(ids));
    });

    it('skips rows another transaction holds, instead of waiting for them', async () => {
      const held = await dispatch(storeA);
      const free = await dispatch(storeB);
      let release!: () => void;
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holder = orm.em.fork().transactional(async (tx) => {
        await tx.execute(`select id from retention_dispatch where id = ? for update`, [held]);
        locked();
        await new Promise<void>((r) => (release = r));
      });
      await isLocked;
      const claim = repository().claimDue(CLAIM);
      // A guard against a hang, not a timing assertion: a claim that waits for the lock only returns after the release.
      const first = await Promise.race([claim, new Promise<'waited for the lock'>((r) => setTimeout(() => r('waited for the lock'), 5_000))]);
      release();
      await holder;
      await claim;
      expect(first === 'waited for the lock' ? first : first.map((r) => r.id)).toEqual([free]);
      expect((await repository().claimDue(CLAIM)).map((r) => r.id)).toEqual([held]);
    });
  });

  describe('after an attempt', () => {
    it('releaseClaims makes claimed rows due again after the delay, without counting an attempt', async () => {
      const ids = [await dispatch(storeA), await dispatch(storeB)];
      await repository().claimDue(CLAIM);
      await repository().releaseClaims(ids, 0);
      expect((await repository().claimDue(CLAIM)).map((r) => r.id)).toEqual(ids);
      await repository().releaseClaims(ids, 30);
      for (const id of ids) {
        expect(await raw(id)).toMatchObject({ attempts: 0 });
        expect(await secondsUntil(id)).toBeGreaterThan(20);
      }
      await repository().releaseClaims([], 0);
    });

    it('markDelivered stamps the store\'s row and counts the attempt; another store\'s id changes nothing', async () => {
      const id = await dispatch(storeA, { attempts: 1 });
      await repository().markDelivered(storeB, id);
      expect(await raw(id)).toMatchObject({ dispatched_at: null, attempts: 1 });
      await repository().markDelivered(storeA, id);
      const row = await raw(id);
      expect(row.dispatched_at).not.toBeNull();
      expect(row.attempts).toBe(2);
      expect(await repository().claimWritten(storeA, [id], 60)).toEqual([]);
    });

    it('backOff counts the attempt, keeps the reason and delays the row; the row due first is claimed first', async () => {
      const long = await dispatch(storeA);
      const short = await dispatch(storeA);
      const due = await dispatch(storeA);
      await repository().backOff(storeB, long, 5, 'wrong store', 600);
      expect(await raw(long)).toMatchObject({ attempts: 0, last_error: null });
      await repository().backOff(storeA, long, 3, 'Temporal said no', 600);
      await repository().backOff(storeA, short, 1, 'Temporal said no', 300);
      expect(await raw(long)).toMatchObject({ attempts: 3, last_error: 'Temporal said no', dead_at: null });
      expect(await secondsUntil(long)).toBeGreaterThan(500);
      // Only the row that did not fail is due; the failed ones come back in the order of their backoff.
      expect((await repository().claimDue(CLAIM)).map((r) => r.id)).toEqual([due]);
      await em.execute(`update retention_dispatch set next_attempt_at = next_attempt_at - interval '1 hour' where id in (?, ?)`, [long, short]);
      expect((await repository().claimDue({ ...CLAIM, batch: 1 })).map((r) => r.id)).toEqual([short]);
      expect((await repository().claimDue({ ...CLAIM, batch: 1 })).map((r) => r.id)).toEqual([long]);
    });

    it('waitForTemporal keeps the reason and delays the row without counting an attempt', async () => {
      const id = await dispatch(storeA, { attempts: 2 });
      await repository().waitForTemporal(storeB, id, 'wrong store', 60);
      expect(await raw(id)).toMatchObject({ attempts: 2, last_error: null });
      await repository().waitForTemporal(storeA, id, 'connection refused', 60);
      expect(await raw(id)).toMatchObject({ attempts: 2, last_error: 'connection refused' });
      expect(await secondsUntil(id)).toBeGreaterThan(50);
    });
  });

  describe('dead letters', () => {
    it('park takes the store\'s row out of the sweep and claimWritten, into the store\'s list only', async () => {
      const id = await dispatch(storeA);
      await repository().park(storeB, id, 9, 'wrong store');
      expect(await raw(id)).toMatchObject({ dead_at: null, attempts: 0 });
      await repository().park(storeA, id, 10, 'workflow id too long');
      expect(await raw(id)).toMatchObject({ attempts: 10, last_error: 'workflow id too long' });
      expect(await repository().claimDue(CLAIM)).toEqual([]);
      expect(await repository().claimWritten(storeA, [id], 60)).toEqual([]);
      expect((await repository().deadLetters(storeA, 10)).items.map((d) => d.id)).toEqual([id]);
      expect(await repository().deadLetters(storeB, 10)).toEqual({ items: [], total: 0 });
    });

    it('lists the store\'s parked rows, most recently parked first, with the order\'s external id and the total', async () => {
      const customer = await seedRow(em, 'customer', { store_id: storeA });
      const order = await seedRow(em, 'store_order', { store_id: storeA, customer_id: customer, external_id: '#1001' });
      const t = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
      // Two rows parked at the same instant: the id breaks the tie.
      const tie = t(10);
      const oldest = await dispatch(storeA, { dead_at: t(30), attempts: 10, last_error: 'gave up' });
      const tieLow = await dispatch(storeA, { dead_at: tie, order_id: order, email: 'jane@a.example', kind: 'revoke' });
      const tieHigh = await dispatch(storeA, { dead_at: tie });
      await dispatch(storeA); // pending, not listed
      await dispatch(storeA, { dispatched_at: new Date() }); // delivered, not listed
      await dispatch(storeB, { dead_at: t(1) });

      const page = await repository().deadLetters(storeA, 2);
      expect(page.total).toBe(3);
      expect(page.items.map((d) => d.id)).toEqual([tieHigh, tieLow]);
      expect(page.items[1]).toEqual({
        id: tieLow,
        kind: 'revoke',
        orderId: order,
        orderExternalId: '#1001',
        ruleId: expect.any(String),
        customerId: expect.any(String),
        email: 'jane@a.example',
        attempts: 0,
        lastError: null,
        createdAt: expect.any(Date),
        deadAt: tie,
      });
      const all = await repository().deadLetters(storeA, 10);
      expect(all.items.map((d) => d.id)).toEqual([tieHigh, tieLow, oldest]);
      expect(all.items[2]).toMatchObject({ orderExternalId: null, attempts: 10, lastError: 'gave up' });
    });

    it('revive takes only the store\'s parked row back, with fresh attempts, due at once', async () => {
      const id = await dispatch(storeA, { dead_at: new Date(), attempts: 10, last_error: 'gave up', next_attempt_at: new Date(Date.now() + 3_600_000) });
      const pending = await dispatch(storeA);
      expect(await repository().revive(storeB, id)).toBeNull();
      expect(await repository().revive(storeA, pending)).toBeNull();
      expect((await raw(id)).dead_at).not.toBeNull();

      const revived = await repository().revive(storeA, id);
      expect(revived).toMatchObject({ id, storeId: storeA, attempts: 0 });
      expect(await repository().state(storeA, id)).toEqual({ attempts: 0, lastError: 'gave up', dispatchedAt: null, deadAt: null });
      expect((await repository().claimDue(CLAIM)).map((r) => r.id)).toEqual([id, pending]);
      expect(await repository().revive(storeA, id)).toBeNull(); // no longer parked
    });

    it('state reads the store\'s row only', async () => {
      const id = await dispatch(storeA, { dead_at: new Date('2026-11-02T00:00:00Z'), attempts: 4, last_error: 'refused' });
      expect(await repository().state(storeA, id)).toEqual({
        attempts: 4,
        lastError: 'refused',
        dispatchedAt: null,
        deadAt: new Date('2026-11-02T00:00:00Z'),
      });
      expect(await repository().state(storeB, id)).toBeNull();
    });
  });
});
