import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { SyncRunRepository } from './sync-run.repository.js';

describe('SyncRunRepository (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let a = '';
  let b = '';
  const runs = () => new SyncRunRepository(orm.em.fork());
  const at = (minutes: number) => new Date(Date.UTC(2026, 10, 26, 6, minutes));

  beforeAll(async () => {
    db = await openTestOrm('boomerang_sync_run_repo');
    orm = db.orm;
    a = await seedRow(orm.em.fork(), 'store');
    b = await seedRow(orm.em.fork(), 'store');
  });

  afterAll(async () => {
    await db?.close();
  });

  it('opens a run once whoever records it first (api or workflow), keeping the platform once known', async () => {
    const id = randomUUID();
    await runs().open(a, id, at(0));
    await runs().open(a, id, at(5), 'shopify');
    await runs().open(a, id, at(9));
    expect(await runs().latest(a)).toMatchObject({ id, storeId: a, state: 'running', platform: 'shopify', fetched: 0, total: null, startedAt: at(0) });
  });

  it("answers each store's latest run only, never another store's", async () => {
    const older = randomUUID();
    const newer = randomUUID();
    await runs().open(b, older, at(10));
    await runs().open(b, newer, at(20));
    expect((await runs().latest(b))?.id).toBe(newer);
    const elsewhere = await seedRow(orm.em.fork(), 'store');
    expect(await runs().latest(elsewhere)).toBeNull();
    // An id of store B's run, updated as if it were store A's: nothing moves.
    await runs().progress(a, newer, 999, 999);
    await runs().finish(a, newer, 999, null);
    expect(await runs().latest(b)).toMatchObject({ id: newer, state: 'running', fetched: 0, total: null });
  });

  it('writes absolute counts (a retried page repeats them), keeps a known total, and never moves a finished run', async () => {
    const id = randomUUID();
    await runs().open(a, id, at(30));
    await runs().progress(a, id, 100, 250);
    await runs().progress(a, id, 100, 250);
    await runs().progress(a, id, 200, null);
    expect(await runs().latest(a)).toMatchObject({ fetched: 200, total: 250 });
    await runs().finish(a, id, 250, null);
    await runs().progress(a, id, 10, 10);
    const done = await runs().latest(a);
    expect(done).toMatchObject({ state: 'completed', fetched: 250, total: 250, error: null });
    expect(done?.finishedAt).toBeInstanceOf(Date);
  });

  it('records a failure with its reason, and a completed run without a total counts what it fetched', async () => {
    const failed = randomUUID();
    await runs().open(a, failed, at(40));
    await runs().progress(a, failed, 40, 90);
    await runs().finish(a, failed, 40, 'bigcommerce answered 403: token revoked');
    expect(await runs().latest(a)).toMatchObject({ state: 'failed', fetched: 40, total: 90, error: 'bigcommerce answered 403: token revoked' });

    const uncounted = randomUUID();
    await runs().open(a, uncounted, at(50));
    await runs().finish(a, uncounted, 75, null);
    expect(await runs().latest(a)).toMatchObject({ state: 'completed', fetched: 75, total: 75 });
  });
});
