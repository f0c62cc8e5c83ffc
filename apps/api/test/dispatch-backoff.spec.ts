import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { openOrm, type MikroORM } from '@boomerang/persistence';
import { DEFAULT_DISPATCH_POLICY, RetentionDispatcher } from '@boomerang/retention';
import { RetentionLifecycle } from '@boomerang/temporal-client';
import { createTestDatabase, startTemporal, type TestDatabase } from '@boomerang/testing';

// The dispatcher alone on real PostgreSQL and Temporal (no api, so no other sweep), with a fast policy.
describe('a dispatch row that keeps failing', () => {
  let db: TestDatabase;
  let env: TestWorkflowEnvironment;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase('boomerang_dispatch');
    env = await startTemporal();
    orm = await openOrm(db.url);
  });

  afterAll(async () => {
    await orm?.close(true);
    await env?.teardown();
    await db?.drop();
  });

  it('backs off on its own, never holds up the row behind it, and is parked after the last attempt', async () => {
    const storeId = '00000000-0000-4000-8000-0000000000a1';
    const ruleId = '00000000-0000-4000-8000-0000000000a2';
    // A purchase time the signal cannot carry: every attempt fails in our own code, not at Temporal.
    const insert = (email: string, purchasedAt: string) =>
      orm.em.fork().execute<{ id: string }[]>(
        `insert into retention_dispatch (store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at, next_attempt_at)
         values (?, ?, gen_random_uuid(), ?, gen_random_uuid(), ${purchasedAt}, 3600, now() - interval '1 minute', now() - interval '1 minute') returning id`,
        [storeId, ruleId, email],
      );
    const [{ id: poison }] = await insert('poison@x.example', `'infinity'`);
    const [{ id: good }] = await insert('good@x.example', 'now()');
    const warnings: string[] = [];
    const dispatcher = new RetentionDispatcher(orm, RetentionLifecycle.fromClient(env.client), { warn: (m) => warnings.push(m) }, {
      ...DEFAULT_DISPATCH_POLICY,
      graceMs: 0,
      backoffMs: 1_000,
      maxAttempts: 4,
    });
    const row = async (id: string) =>
      (await orm.em.fork().execute(`select attempts, last_error, dead_at, dispatched_at, next_attempt_at from retention_dispatch where id = ?`, [id]))[0]!;

    expect(await dispatcher.sweep()).toEqual({ claimed: 2, delivered: 1 });
    expect((await row(good)).dispatched_at).not.toBeNull();
    const first = await row(poison);
    expect(first).toMatchObject({ attempts: 1, dead_at: null, dispatched_at: null });
    expect(first.last_error).toMatch(/Invalid time value/);
    // Not due again at once: the next sweep finds nothing to do.
    expect(await dispatcher.sweep()).toEqual({ claimed: 0, delivered: 0 });

    const gaps: number[] = [];
    let previous = first;
    while (!(await row(poison)).dead_at) {
      await new Promise((r) => setTimeout(r, 100));
      await dispatcher.sweep();
      const now = await row(poison);
      if (now.attempts !== previous.attempts) {
        gaps.push(new Date(now.next_attempt_at).getTime() - new Date(previous.next_attempt_at).getTime());
        previous = now;
      }
      if (gaps.length > 5) throw new Error('never parked');
    }
    const parked = await row(poison);
    expect(parked).toMatchObject({ attempts: 4, dispatched_at: null });
    expect(parked.last_error).toMatch(/Invalid time value/);
    // Each wait roughly doubles (backoff 1 s × 2^n, ±20 % jitter).
    expect(gaps[1]!).toBeGreaterThan(gaps[0]!);
    expect(warnings.at(-1)).toMatch(/parked in the dead-letter list after 4 attempt/);
    // Parked: no sweep takes it again.
    expect(await dispatcher.sweep()).toEqual({ claimed: 0, delivered: 0 });
  });
});
