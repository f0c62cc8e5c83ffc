import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { RetentionRuleRepository } from './retention-rule.repository.js';

const DAY = 86_400_000;

describe('RetentionRuleRepository (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let em: EntityManager;
  const a = { store: '', draft: '', active: '', paused: '', deleted: '' };
  const b = { store: '', active: '' };
  const repository = () => new RetentionRuleRepository(orm.em.fork());

  beforeAll(async () => {
    db = await openTestOrm('boomerang_rule_repo');
    orm = db.orm;
    em = orm.em.fork();
    a.store = await seedRow(em, 'store');
    b.store = await seedRow(em, 'store');
    const rule = (store: string, status: string, daysAgo: number) =>
      seedRow(em, 'retention_rule', { store_id: store, status, name: status, created_at: new Date(Date.now() - daysAgo * DAY) });
    a.active = await rule(a.store, 'active', 1);
    a.draft = await rule(a.store, 'draft', 3);
    a.paused = await rule(a.store, 'paused', 2);
    a.deleted = await rule(a.store, 'deleted', 4);
    b.active = await rule(b.store, 'active', 5);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('find returns the store\'s rule, deleted ones included, and nothing for another store\'s id', async () => {
    expect((await repository().find(a.store, a.active))?.name).toBe('active');
    expect((await repository().find(a.store, a.deleted))?.status).toBe('deleted');
    expect(await repository().find(a.store, b.active)).toBeNull();
  });

  it('list returns the store\'s rules that are not deleted, oldest first', async () => {
    expect((await repository().list(a.store)).map((r) => r.id)).toEqual([a.draft, a.paused, a.active]);
    expect((await repository().list(b.store)).map((r) => r.id)).toEqual([b.active]);
  });

  it('active returns the store\'s active rules only; byIds the store\'s rules among the ids', async () => {
    expect((await repository().active(a.store)).map((r) => r.id)).toEqual([a.active]);
    expect((await repository().byIds(a.store, [a.paused, a.deleted, b.active])).map((r) => r.id).sort()).toEqual([a.paused, a.deleted].sort());
  });

  it('rescheduleArmed moves the armed enrollments of the store\'s rule to purchase + window, and no others', async () => {
    const purchase = new Date('2026-11-01T00:00:00Z');
    const enroll = async (store: string, rule: string, state: string) =>
      seedRow(em, 'retention_enrollment', {
        store_id: store, rule_id: rule, customer_id: await seedRow(em, 'customer', { store_id: store }), state,
        last_purchase_at: purchase, next_send_at: state === 'armed' ? purchase : null,
      });
    const armed = await enroll(a.store, a.active, 'armed');
    const waiting = await enroll(a.store, a.active, 'waiting');
    const otherRule = await enroll(a.store, a.paused, 'armed');
    // A row naming A's rule under store B cannot happen (enrollments carry their rule's store); it shows the filter.
    const otherStore = await enroll(b.store, a.active, 'armed');

    await repository().rescheduleArmed(a.store, a.active, 7 * 86_400);
    const due = async (id: string) => {
      const [r] = await em.execute(`select extract(epoch from next_send_at) * 1000 as t from retention_enrollment where id = ?`, [id]);
      return r!.t === null ? null : Number(r!.t);
    };
    expect(await due(armed)).toBe(purchase.getTime() + 7 * DAY);
    expect(await due(waiting)).toBeNull();
    expect(await due(otherRule)).toBe(purchase.getTime());
    expect(await due(otherStore)).toBe(purchase.getTime());
  });
});
