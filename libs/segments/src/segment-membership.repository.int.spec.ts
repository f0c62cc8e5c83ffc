import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { parseOrThrow } from '@boomerang/validation';
import { compileSegment } from './segment-compiler.js';
import { segmentDefinitionSchema } from './segment-definition.js';
import { SegmentEvaluator } from './segment-evaluator.js';
import { SegmentMembershipRepository } from './segment-membership.repository.js';
import { SegmentRepository } from './segment.repository.js';
import { SegmentScheduler } from './segment-scheduler.js';

const DAY = 86_400_000;

async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe('segment membership (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  const a = { store: '', big: '', small: '', none: '' };
  const b = { store: '', big: '' };
  const fork = () => orm.em.fork();
  const definition = (conditions: unknown[]) => parseOrThrow(segmentDefinitionSchema, { match: 'all', conditions });
  const rows = <T>(sql: string, params: unknown[] = []) => fork().execute<T[]>(sql, params);

  beforeAll(async () => {
    db = await openTestOrm('boomerang_segment_membership');
    orm = db.orm;
    em = orm.em.fork();
    a.store = await seedRow(em, 'store');
    b.store = await seedRow(em, 'store');
    a.big = await seedRow(em, 'customer', { store_id: a.store, email: 'big@example.com' });
    a.small = await seedRow(em, 'customer', { store_id: a.store, email: 'small@example.com' });
    a.none = await seedRow(em, 'customer', { store_id: a.store, email: 'none@example.com' });
    b.big = await seedRow(em, 'customer', { store_id: b.store, email: 'big@example.com' });
    await seedRow(em, 'store_order', { store_id: a.store, customer_id: a.big, total_cents: 60_000, placed_at: new Date(Date.now() - 3 * DAY) });
    await seedRow(em, 'store_order', { store_id: a.store, customer_id: a.small, total_cents: 1_000, placed_at: new Date(Date.now() - 90 * DAY) });
    await seedRow(em, 'store_order', { store_id: b.store, customer_id: b.big, total_cents: 90_000 });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('creates the four defaults with every store, each a valid definition', async () => {
    const segments = await new SegmentRepository(fork()).list(a.store);
    expect(segments.map((s) => [s.defaultKey, s.name])).toEqual([
      ['amazon', 'Amazon'],
      ['new_customers', 'New Customers'],
      ['ordered_60_days', 'Ordered Within 60 Days'],
      ['vip', 'VIP Customers'],
    ]);
    for (const s of segments) expect(() => parseOrThrow(segmentDefinitionSchema, s.definition)).not.toThrow();
  });

  it('evaluates a segment: who matches enters with an event, who stops matching leaves with one, and nothing of store B moves', async () => {
    const repo = new SegmentRepository(fork());
    const segment = await repo.create(a.store, 'Big spenders', definition([{ criterion: 'total_spent', qualifier: 'gt', value: 500 }]), new Date());
    const now = new Date();
    const compiled = compileSegment(segment.definition as never, { currency: 'USD', now });
    expect(await new SegmentMembershipRepository(fork()).evaluate(a.store, segment, compiled, 'all', now, 'definition')).toEqual({ evaluated: 3, entered: 1, left: 0 });
    const memberships = new SegmentMembershipRepository(fork());
    expect(await memberships.isMember(a.store, segment.id, a.big)).toBe(true);
    expect(await memberships.isMember(b.store, segment.id, b.big)).toBe(false);
    expect((await memberships.members(a.store, segment.id, 10, 0)).members.map((m) => m.email)).toEqual(['big@example.com']);
    expect((await memberships.members(b.store, segment.id, 10, 0)).total).toBe(0);
    // The same evaluation again changes nothing.
    expect(await fork().transactional((tx) => new SegmentMembershipRepository(tx).evaluate(a.store, segment, compiled, { customerIds: [a.big, a.small] }, now, 'transaction'))).toEqual({ evaluated: 2, entered: 0, left: 0 });
    // Big's order is refunded: a batch evaluation of just that customer moves them out.
    await fork().execute(`update store_order set status = 'refunded' where customer_id = ?`, [a.big]);
    const later = new Date();
    expect(await new SegmentMembershipRepository(fork()).evaluate(a.store, segment, compileSegment(segment.definition as never, { currency: 'USD', now: later }), { customerIds: [a.big] }, later, 'transaction')).toEqual({ evaluated: 1, entered: 0, left: 1 });
    const history = await new SegmentMembershipRepository(fork()).historyOf(a.store, a.big);
    expect(history.filter((h) => h.segmentId === segment.id).map((h) => [h.kind, h.cause])).toEqual([['left', 'transaction'], ['entered', 'definition']]);
    expect(await new SegmentMembershipRepository(fork()).historyOf(b.store, a.big)).toEqual([]);
    await fork().execute(`update store_order set status = 'completed' where customer_id = ?`, [a.big]);
  });

  it('records when a time-relative criterion can next flip, for members and non-members', async () => {
    const segment = await new SegmentRepository(fork()).create(a.store, 'Recent', definition([{ criterion: 'last_order_date', qualifier: 'within_last', value: { amount: 60, unit: 'days' } }]), new Date());
    const now = new Date();
    await new SegmentMembershipRepository(fork()).evaluate(a.store, segment, compileSegment(segment.definition as never, { currency: 'USD', now }), 'all', now, 'definition');
    const checks = await rows<{ customer_id: string; due_at: Date; placed_at: Date }>(
      `select k.customer_id, k.due_at, o.placed_at from segment_check k join store_order o on o.customer_id = k.customer_id where k.segment_id = ?`,
      [segment.id],
    );
    // Big ordered 3 days ago: due when that order is 60 days old. Small's order is already older (no flip by time); None never ordered.
    expect(checks.map((c) => c.customer_id)).toEqual([a.big]);
    expect(new Date(checks[0]!.due_at).getTime()).toBe(new Date(checks[0]!.placed_at).getTime() + 60 * DAY);
  });

  it('marks touched customers due for every segment of their store, and claims skip what another transaction holds', async () => {
    const marked = await new SegmentMembershipRepository(fork()).markDue(a.store, [a.small, a.none, a.small], new Date());
    const segments = (await new SegmentRepository(fork()).list(a.store)).length;
    expect(marked).toBe(2 * segments);
    // One transaction claims three and holds them; another (started outside it) claims meanwhile.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let claimedFirst!: (n: number) => void;
    const firstClaim = new Promise<number>((r) => (claimedFirst = r));
    const outer = fork().transactional(async (tx) => {
      claimedFirst((await new SegmentMembershipRepository(tx).claimDue(new Date(), 3)).length);
      await held;
    });
    expect(await firstClaim).toBe(3);
    const inside = await fork().transactional(async (other) => (await new SegmentMembershipRepository(other).claimDue(new Date(), 1_000)).length);
    release();
    await outer;
    // Big's time check of 'Recent' is not due yet, so only the marks count.
    expect(inside).toBe(2 * segments - 3);
  });

  it('the scheduler evaluates due checks and edited segments, and a member leaves when "within the last N seconds" runs out, with no event', async () => {
    // Finish what earlier tests left due.
    const scheduler = new SegmentScheduler({ orm, policy: { pollMs: 1_000 } });
    await scheduler.drain();
    const customer = await seedRow(em, 'customer', { store_id: a.store, email: 'fleeting@example.com' });
    const placedAt = new Date();
    await seedRow(em, 'store_order', { store_id: a.store, customer_id: customer, total_cents: 500, placed_at: placedAt });
    const segment = await new SegmentRepository(fork()).create(a.store, 'Last 3 seconds', definition([{ criterion: 'last_order_date', qualifier: 'within_last', value: { amount: 3, unit: 'seconds' } }]), new Date());
    scheduler.start();
    try {
      // Created: evaluated in full by the scheduler.
      await eventually(() => new SegmentMembershipRepository(fork()).isMember(a.store, segment.id, customer), 2_000);
      // Nothing happens to the customer; the scheduler's timer alone takes them out when the 3 seconds end.
      const [left] = await eventually(
        () => rows<{ at: Date; cause: string }>(`select at, cause from segment_membership_event where segment_id = ? and customer_id = ? and kind = 'left'`, [segment.id, customer]).then((r) => r.length && r),
        6_000,
      );
      expect(left!.cause).toBe('time');
      const late = new Date(left!.at).getTime() - (placedAt.getTime() + 3_000);
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(1_000);
      expect(await new SegmentMembershipRepository(fork()).isMember(a.store, segment.id, customer)).toBe(false);
    } finally {
      await scheduler.stop();
    }
  });

  it('evaluateDue evaluates only the claimed customers, one statement per segment', async () => {
    const segment = await new SegmentRepository(fork()).create(a.store, 'Any order', definition([{ criterion: 'orders_count', qualifier: 'gt', value: 0 }]), new Date());
    await fork().transactional((tx) => new SegmentMembershipRepository(tx).markDue(a.store, [a.none], new Date()));
    const result = await fork().transactional((tx) => new SegmentEvaluator().evaluateDue(tx, new Date(), 1_000));
    expect(result.evaluated).toBe(result.claimed);
    // The new segment was never evaluated in full: only None was looked at, and None has no order.
    expect((await new SegmentMembershipRepository(fork()).members(a.store, segment.id, 10, 0)).total).toBe(0);
  });
});
