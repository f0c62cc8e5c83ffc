import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { MessageLogRepository } from './message-log.repository.js';

const DAY = 86_400_000;
const WEEKS = 26;
const CURRENCIES = ['USD', 'EUR', 'JPY'];

/**
 * The overview's figures computed from the rows themselves: the queries `stats` ran before the roll-up (kept here as
 * the reference the roll-up must equal).
 */
async function statsFromRows(em: EntityManager, storeId: string, ruleId?: string) {
  const byRule = ruleId ? ' and rule_id = ?' : '';
  const p = () => [storeId, ...(ruleId ? [ruleId] : [])];
  const [c] = await em.execute<Record<string, string>[]>(
    `select
       (select count(*) from retention_enrollment e join retention_rule r on r.id = e.rule_id
          where e.store_id = ? and e.state = 'armed' and r.status <> 'deleted'${ruleId ? ' and e.rule_id = ?' : ''}) as pending,
       m.sent, m.skipped, m.opens, m.clicks,
       (select count(*) from conversion where store_id = ?${byRule}) as conversions
     from (select count(*) filter (where status = 'sent') as sent,
                  count(*) filter (where status in ('skipped', 'failed')) as skipped,
                  coalesce(sum(open_count), 0) as opens,
                  coalesce(sum(click_count), 0) as clicks
           from message where store_id = ?${byRule}) m`,
    [...p(), ...p(), ...p()],
  );
  const revenue: Record<string, number> = {};
  for (const currency of CURRENCIES) {
    const [row] = await em.execute<{ minor: string }[]>(
      `select coalesce(sum(revenue_cents), 0) as minor from conversion where store_id = ? and currency = ?${byRule}`,
      [storeId, currency, ...(ruleId ? [ruleId] : [])],
    );
    revenue[currency] = Number(row!.minor);
  }
  const weeks = await em.execute<{ week: Date; sent: string | null }[]>(
    `with bounds as (select date_trunc('week', now() at time zone 'utc') - make_interval(weeks => ?) as first)
     select w.week, c.sent
     from bounds, generate_series(bounds.first, date_trunc('week', now() at time zone 'utc'), interval '1 week') as w(week)
     left join (
       select date_trunc('week', m.sent_at at time zone 'utc') as week, count(*) as sent
       from message m, bounds
       where m.store_id = ?${ruleId ? ' and m.rule_id = ?' : ''} and m.status = 'sent' and m.sent_at >= bounds.first at time zone 'utc'
       group by 1
     ) c on c.week = w.week
     order by w.week`,
    [WEEKS - 1, storeId, ...(ruleId ? [ruleId] : [])],
  );
  return {
    counts: Object.fromEntries(Object.entries(c!).map(([k, v]) => [k, Number(v)])),
    revenue,
    weekly: weeks.map((w) => ({ weekStart: new Date(w.week).toISOString().slice(0, 10), sent: Number(w.sent ?? 0) })),
  };
}

/** The same figures as the repository now reads them, from the roll-up. */
async function statsFromRollup(em: EntityManager, storeId: string, ruleId?: string) {
  const repository = new MessageLogRepository(em);
  const revenue: Record<string, number> = {};
  for (const currency of CURRENCIES) revenue[currency] = await repository.revenueIn(storeId, currency, ruleId);
  return {
    counts: { ...(await repository.counts(storeId, ruleId)) },
    revenue,
    weekly: await repository.sentPerWeek(storeId, WEEKS, ruleId),
  };
}

/** A small seeded generator, so a failure replays. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]! };
}

describe('message_stat roll-up (PostgreSQL triggers)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  const stores: { id: string; rules: string[] }[] = [];
  const messages: { id: string; store: string; rule: string }[] = [];
  const enrollments: string[] = [];
  const conversions: string[] = [];
  let cycle = 0;

  beforeAll(async () => {
    db = await openTestOrm('boomerang_rollup');
    orm = db.orm;
    const em = orm.em.fork();
    for (const rules of [4, 2]) {
      const store = await seedRow(em, 'store');
      const ids = [];
      for (let r = 0; r < rules; r++) ids.push(await seedRow(em, 'retention_rule', { store_id: store, name: `Rule ${r}` }));
      stores.push({ id: store, rules: ids });
    }
  });

  afterAll(async () => {
    await db?.close();
  });

  /** Every figure of every store, store-wide and per rule (deleted rules included), both ways. */
  async function expectRollupToEqualRows() {
    const em = orm.em.fork();
    let compared = 0;
    for (const store of stores) {
      for (const rule of [undefined, ...store.rules]) {
        const expected = await statsFromRows(em, store.id, rule);
        expect({ store: store.id, rule, ...(await statsFromRollup(em, store.id, rule)) }).toEqual({ store: store.id, rule, ...expected });
        compared++;
      }
    }
    return compared;
  }

  /** One random write as the application (or an operator) makes it. */
  async function randomWrite(em: EntityManager, rnd: ReturnType<typeof prng>) {
    const now = Date.now();
    const sentAt = () => (rnd.next() < 0.05 ? null : new Date(now - rnd.int(WEEKS + 8) * 7 * DAY + rnd.int(7 * DAY) - (rnd.next() < 0.05 ? -14 * DAY : 0)));
    const op = rnd.int(100);
    const store = rnd.pick(stores);
    const rule = rnd.pick(store.rules);
    if (op < 25 || messages.length < 5) {
      const status = rnd.pick(['scheduled', 'sending', 'sent', 'sent', 'sent', 'skipped', 'failed']);
      const id = await seedRow(em, 'message', {
        store_id: store.id, rule_id: rule, customer_id: randomUUID(), cycle: ++cycle, status,
        sent_at: status === 'sent' ? sentAt() : null, open_count: rnd.int(3), click_count: rnd.int(2),
      });
      messages.push({ id, store: store.id, rule });
    } else if (op < 45) {
      // A status transition: sending → sent (with its time), → failed, or a sent time corrected.
      const m = rnd.pick(messages);
      const kind = rnd.int(3);
      if (kind === 0) await em.execute(`update message set status = 'sent', sent_at = ? where id = ?`, [sentAt(), m.id]);
      else if (kind === 1) await em.execute(`update message set status = ?, reason = 'x' where id = ?`, [rnd.pick(['failed', 'skipped', 'sending']), m.id]);
      else await em.execute(`update message set sent_at = ? where id = ?`, [sentAt(), m.id]);
    } else if (op < 60) {
      // Opens and clicks, as the email events repository counts them.
      const m = rnd.pick(messages);
      const column = rnd.next() < 0.6 ? 'open_count' : 'click_count';
      await em.execute(`update message set ${column} = ${column} + 1 where id = ? and store_id = ?`, [m.id, m.store]);
    } else if (op < 70) {
      const m = rnd.pick(messages);
      conversions.push(
        await seedRow(em, 'conversion', {
          store_id: m.store, rule_id: m.rule, message_id: m.id, customer_id: randomUUID(), order_id: randomUUID(),
          revenue_cents: 1 + rnd.int(100_000), currency: rnd.pick(CURRENCIES),
        }),
      );
    } else if (op < 74 && conversions.length) {
      // A refund takes the conversion back (retention intake deletes it).
      await em.execute(`delete from conversion where id = ?`, [conversions.splice(rnd.int(conversions.length), 1)[0]]);
    } else if (op < 84) {
      enrollments.push(await seedRow(em, 'retention_enrollment', { store_id: store.id, rule_id: rule, customer_id: randomUUID(), state: rnd.pick(['armed', 'armed', 'waiting']) }));
    } else if (op < 92 && enrollments.length) {
      await em.execute(`update retention_enrollment set state = ? where id = ?`, [rnd.pick(['armed', 'waiting', 'sent', 'stopped']), rnd.pick(enrollments)]);
    } else if (op < 94 && enrollments.length) {
      await em.execute(`delete from retention_enrollment where id = ?`, [enrollments.splice(rnd.int(enrollments.length), 1)[0]]);
    } else if (op < 96) {
      // One statement over many rows: a rule's sending messages all sent now.
      await em.execute(`update message set status = 'sent', sent_at = now() where store_id = ? and rule_id = ? and status = 'sending'`, [store.id, rule]);
    } else if (op < 98) {
      // A multi-row insert: one statement, many counters.
      const rows = await em.execute<{ id: string }[]>(
        `insert into message (id, store_id, rule_id, customer_id, cycle, status, to_email, due_at, sent_at, created_at, open_count)
         select gen_random_uuid(), ?, ?, gen_random_uuid(), 1, case when g % 3 = 0 then 'skipped' else 'sent' end, 'c@example.com', now(),
                case when g % 3 = 0 then null else now() - make_interval(days => g * 5) end, now(), g % 2
         from generate_series(1, 20) g returning id`,
        [store.id, rule],
      );
      for (const r of rows) messages.push({ id: r.id, store: store.id, rule });
    } else if (messages.length > 10) {
      // An erasure removes a message.
      const [m] = messages.splice(rnd.int(messages.length), 1);
      await em.execute(`delete from message where id = ?`, [m!.id]);
    }
  }

  it('equals the figures computed from the rows after a random mix of writes from concurrent connections, rule deletion included', async () => {
    const writers = 6;
    const perWriter = 250;
    let deadlocks = 0;
    // Row locks of one writer's multi-statement transaction can meet a bulk statement's in the opposite order (with or
    // without the triggers); PostgreSQL aborts one, which is retried like an activity would be.
    const retryingDeadlocks = async (write: () => Promise<unknown>) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await write();
        } catch (err) {
          if ((err as { code?: string }).code !== '40P01' || attempt > 5) throw err;
          deadlocks++;
          const { detail, where } = err as { detail?: string; where?: string };
          console.log(`roll-up spec: deadlock retried: ${detail ?? ''} ${where ?? ''}`);
        }
      }
    };
    const settled = await Promise.allSettled(
      Array.from({ length: writers }, async (_, w) => {
        const rnd = prng(1000 + w);
        const em = orm.em.fork();
        for (let i = 0; i < perWriter; i++) {
          if (w === 0 && i === perWriter / 2) {
            // A rule deleted mid-way (as the rules service does): its messages and conversions keep counting, its pending sends stop.
            await em.execute(`update retention_rule set status = 'deleted', deleted_at = now() where id = ?`, [stores[0]!.rules[0]]);
          }
          if (rnd.next() < 0.15) {
            // A few writes in one transaction, as an activity that touches several rows does.
            const seed = rnd.int(1e9);
            await retryingDeadlocks(() =>
              em.fork().transactional(async (tx) => {
                const inner = prng(seed);
                for (let k = 0; k < 3; k++) await randomWrite(tx, inner);
              }),
            );
          } else {
            const seed = rnd.int(1e9);
            await retryingDeadlocks(() => randomWrite(em, prng(seed)));
          }
        }
      }),
    );
    // Every writer has stopped before anything is compared (or the next test migrates).
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
    const compared = await expectRollupToEqualRows();
    expect(compared).toBe(1 + 4 + 1 + 2);

    // The mix reached every figure, so the equality above is not between zeros.
    const em = orm.em.fork();
    const all = await statsFromRollup(em, stores[0]!.id);
    for (const figure of ['pending', 'sent', 'skipped', 'opens', 'clicks', 'conversions'] as const) expect(all.counts[figure]).toBeGreaterThan(0);
    for (const currency of CURRENCIES) expect(all.revenue[currency]).toBeGreaterThan(0);
    expect(all.weekly.filter((w) => w.sent > 0).length).toBeGreaterThan(WEEKS / 2);
    // The deleted rule keeps its sends but loses its pending ones, while its armed enrollments remain.
    const deleted = await statsFromRollup(em, stores[0]!.id, stores[0]!.rules[0]);
    expect(deleted.counts.sent).toBeGreaterThan(0);
    expect(deleted.counts.pending).toBe(0);
    const [armed] = await em.execute<{ n: string }[]>(`select count(*) as n from retention_enrollment where rule_id = ? and state = 'armed'`, [stores[0]!.rules[0]]);
    expect(Number(armed!.n)).toBeGreaterThan(0);
    // One rule's figures are spread over the shards.
    const [shards] = await em.execute<{ n: string }[]>(`select count(distinct shard) as n from message_stat where rule_id = ?`, [stores[0]!.rules[1]]);
    expect(Number(shards!.n)).toBeGreaterThan(4);
    expect(deadlocks).toBeLessThan(writers * perWriter * 0.01);
  }, 120_000);

  it('is rebuilt from the rows by the migration\'s back-fill', async () => {
    const em = orm.em.fork();
    await em.execute(`update message_stat set sent = sent + 1000`);
    // Only the roll-up's migration, wherever it stands in the list (later migrations leave the counters alone).
    const rollup = { migrations: ['Migration20261126050000_MessageStatRollup'] };
    expect((await orm.migrator.down(rollup)).map((m) => m.name)).toEqual(rollup.migrations);
    await orm.migrator.up(rollup);
    const [rows] = await em.execute<{ n: string }[]>(`select count(*) as n from message_stat`);
    expect(Number(rows!.n)).toBeGreaterThan(0);
    await expectRollupToEqualRows();
  }, 60_000);
});
