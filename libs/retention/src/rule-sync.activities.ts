import { Context } from '@temporalio/activity';
import { RetentionRuleSchema, type MikroORM, type RetentionRule } from '@boomerang/persistence';
import type { RetentionLifecycle } from '@boomerang/temporal-client';
import type { PurchaseSignal, RuleSyncActivities, RuleSyncInput } from '@boomerang/workflows';
import { MATCHING_ORDER_SQL, skuParams } from './matching-purchases.js';

export interface RuleSyncDeps {
  orm: MikroORM;
  lifecycle: RetentionLifecycle;
  pageSize?: number;
  /** Temporal calls in flight at once per page. */
  concurrency?: number;
}

interface CustomerRow {
  customer_id: string;
  email: string;
  order_id: string | null;
  placed_at: Date | null;
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!);
    }),
  );
}

export function createRuleSyncActivities(deps: RuleSyncDeps): RuleSyncActivities {
  const pageSize = deps.pageSize ?? 1000;
  const concurrency = deps.concurrency ?? 48;

  /** A page of the store's customers (by id) with their latest matching purchase, if any. */
  async function customersPage(rule: RetentionRule, cursor: string | null): Promise<CustomerRow[]> {
    return deps.orm.em.fork().execute<CustomerRow[]>(
      `select c.id as customer_id, c.email, o.id as order_id, o.placed_at
       from customer c
       left join lateral (
         select o.id, o.placed_at from store_order o
         where o.customer_id = c.id and ${MATCHING_ORDER_SQL}
         order by o.placed_at desc limit 1
       ) o on true
       where c.store_id = ? and c.id > cast(? as uuid)
       order by c.id limit ?`,
      [...skuParams(rule.skus), rule.storeId, cursor ?? '00000000-0000-0000-0000-000000000000', pageSize],
    );
  }

  /** Marks customers armed by their latest matching purchase: one statement for a whole page. */
  async function enroll(rule: RetentionRule, rows: CustomerRow[]): Promise<void> {
    if (!rows.length) return;
    const armed = rows.map((row) => {
      const placedAt = new Date(row.placed_at!);
      return { c: row.customer_id, o: row.order_id, p: placedAt.toISOString(), n: new Date(placedAt.getTime() + rule.windowSeconds * 1000).toISOString() };
    });
    await deps.orm.em.fork().execute(
      `insert into retention_enrollment (id, store_id, rule_id, customer_id, state, last_purchase_at, last_order_id, next_send_at, updated_at)
       select gen_random_uuid(), ?, ?, r.c, 'armed', r.p, r.o, r.n, now()
       from jsonb_to_recordset(cast(? as jsonb)) as r(c uuid, o uuid, p timestamptz, n timestamptz)
       on conflict (rule_id, customer_id) do update set state = 'armed', last_purchase_at = excluded.last_purchase_at,
         last_order_id = excluded.last_order_id, next_send_at = excluded.next_send_at, updated_at = now()`,
      [rule.storeId, rule.id, JSON.stringify(armed)],
    );
  }

  const target = (rule: RetentionRule, row: { customer_id: string; email: string }) => ({
    storeId: rule.storeId,
    ruleId: rule.id,
    customerId: row.customer_id,
    email: row.email,
    windowSeconds: rule.windowSeconds,
  });

  async function backfill(rule: RetentionRule, input: RuleSyncInput) {
    const rows = await customersPage(rule, input.cursor ?? null);
    const now = Date.now();
    const due = rows.filter(
      (r) => r.order_id && (input.includeOverdue || new Date(r.placed_at!).getTime() + rule.windowSeconds * 1000 > now),
    );
    // Temporal first: an enrollment row then means "scheduled in Temporal" (a retried page re-signals harmlessly).
    await inParallel(due, concurrency, async (row) => {
      await deps.lifecycle.schedulePurchase({ ...target(rule, row), orderId: row.order_id!, purchasedAt: new Date(row.placed_at!) });
      Context.current().heartbeat();
    });
    await enroll(rule, due);
    return { rows, processed: due.length };
  }

  async function refilter(rule: RetentionRule, input: RuleSyncInput) {
    const rows = await customersPage(rule, input.cursor ?? null);
    const enrolled = new Set(
      (
        await deps.orm.em.fork().execute<{ customer_id: string }[]>(
          `select customer_id from retention_enrollment where rule_id = ?
           and customer_id in (select cast(jsonb_array_elements_text(cast(? as jsonb)) as uuid))`,
          [rule.id, JSON.stringify(rows.map((r) => r.customer_id))],
        )
      ).map((r) => r.customer_id),
    );
    const affected = rows.filter((r) => r.order_id || enrolled.has(r.customer_id));
    await enroll(rule, affected.filter((row) => row.order_id));
    await inParallel(affected, concurrency, async (row) => {
      const purchases: PurchaseSignal[] = row.order_id ? [{ orderId: row.order_id, purchasedAt: new Date(row.placed_at!).toISOString() }] : [];
      if (!row.order_id) {
        await deps.orm.em.fork().execute(
          `update retention_enrollment set state = 'waiting', next_send_at = null, updated_at = now() where rule_id = ? and customer_id = ?`,
          [rule.id, row.customer_id],
        );
      }
      const change = { purchases, windowSeconds: rule.windowSeconds };
      if (purchases.length) await deps.lifecycle.replacePurchases({ ...target(rule, row), change });
      else await deps.lifecycle.ruleChanged({ ...target(rule, row), change });
      Context.current().heartbeat();
    });
    return { rows, processed: affected.length };
  }

  async function broadcast(rule: RetentionRule, input: RuleSyncInput) {
    const rows = await deps.orm.em.fork().execute<{ customer_id: string; email: string }[]>(
      `select e.customer_id, c.email from retention_enrollment e join customer c on c.id = e.customer_id
       where e.rule_id = ? and e.customer_id > cast(? as uuid) order by e.customer_id limit ?`,
      [rule.id, input.cursor ?? '00000000-0000-0000-0000-000000000000', pageSize],
    );
    await inParallel(rows, concurrency, async (row) => {
      await deps.lifecycle.ruleChanged({ ...target(rule, row), change: input.change ?? {} });
      Context.current().heartbeat();
    });
    return { rows, processed: rows.length };
  }

  return {
    async syncRulePage(input) {
      const rule = await deps.orm.em.fork().findOne(RetentionRuleSchema, { id: input.ruleId });
      if (!rule) return { nextCursor: null, processed: 0 };
      // A newer revision supersedes this walk, except deletes and broadcasts which must reach everyone.
      if (input.action !== 'broadcast' && rule.revision !== input.revision) return { nextCursor: null, processed: 0 };
      const run = input.action === 'backfill' ? backfill : input.action === 'refilter' ? refilter : broadcast;
      const { rows, processed } = await run(rule, input);
      return { nextCursor: rows.length === pageSize ? rows[rows.length - 1]!.customer_id : null, processed };
    },
  };
}
