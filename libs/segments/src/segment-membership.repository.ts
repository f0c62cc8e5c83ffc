import type { EntityManager } from '@boomerang/persistence';
import type { CompiledSegment } from './segment-compiler.js';
import { boundQuery } from './sql.js';

export type MembershipCause = 'transaction' | 'time' | 'definition';

/** Which customers an evaluation looks at: some (a projection round's, due checks) or every customer of the store. */
export type EvaluationScope = { customerIds: readonly string[] } | 'all';

export interface EvaluationResult {
  evaluated: number;
  entered: number;
  left: number;
}

export interface DueCheck {
  storeId: string;
  segmentId: string;
  customerId: string;
  cause: MembershipCause;
}

export interface MemberRow {
  customerId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  enteredAt: Date;
}

export interface CustomerMembershipRow {
  segmentId: string;
  name: string;
  enteredAt: Date;
}

export interface MembershipEventRow {
  segmentId: string;
  segmentName: string;
  kind: 'entered' | 'left';
  at: Date;
  cause: MembershipCause;
}

/** The customers in scope, one row each with `columns`. Params: the store id, then the ids when not the whole store. */
function selection(storeId: string, scope: EvaluationScope, columns: string): { sql: string; params: unknown[] } {
  if (scope === 'all') return { sql: `select ${columns} from customer c where c.store_id = ?`, params: [storeId] };
  return { sql: `select ${columns} from customer c where c.store_id = ? and c.id = any(cast(? as uuid[]))`, params: [storeId, scope.customerIds] };
}

/**
 * Segment membership: evaluation of a compiled definition into `segment_membership` (with its history and the next
 * time-driven check), the due checks the worker claims, and the reads of members. Every method takes the store id.
 */
export class SegmentMembershipRepository {
  constructor(private readonly em: EntityManager) {}

  /** Count and first page of the customers a definition selects now, without saving anything (the builder's "Next"). */
  async preview(storeId: string, compiled: CompiledSegment, limit: number): Promise<{ count: number; members: Omit<MemberRow, 'enteredAt'>[] }> {
    const base = selection(storeId, 'all', 'c.id, c.email, c.first_name, c.last_name');
    const rows = await boundQuery<{ id: string; email: string; first_name: string | null; last_name: string | null; total: number }>(
      this.em,
      `select m.*, count(*) over ()::int as total from (${base.sql} and ${compiled.filter.sql}) m order by m.email limit ?`,
      [...base.params, ...compiled.filter.params, limit],
    );
    let count = rows[0]?.total ?? 0;
    if (rows.length === 0) count = 0;
    return { count, members: rows.map((r) => ({ customerId: r.id, email: r.email, firstName: r.first_name, lastName: r.last_name })) };
  }

  /**
   * Evaluates the customers in scope against the segment in one statement: who now matches enters (with an
   * `entered` event), who no longer does leaves (`left`), and each gets its next time-driven check (or none).
   */
  async evaluate(storeId: string, segment: { id: string; name: string }, compiled: CompiledSegment, scope: EvaluationScope, now: Date, cause: MembershipCause): Promise<EvaluationResult> {
    const next = compiled.nextCheck ?? { sql: 'cast(null as timestamptz)', params: [] };
    const base = selection(storeId, scope, `c.id as customer_id, ${compiled.predicate.sql} as hit, ${next.sql} as next_at`);
    // Placeholders in text order: the selection's columns (predicate, next) come before its FROM/WHERE.
    const evalParams = [...compiled.predicate.params, ...next.params, ...base.params];
    const [row] = await boundQuery<EvaluationResult>(
      this.em,
      `with eval as (${base.sql}),
       gone as (
         delete from segment_membership m using eval e
         where m.store_id = ? and m.segment_id = ? and m.customer_id = e.customer_id and not e.hit
         returning m.customer_id),
       came as (
         insert into segment_membership (store_id, segment_id, customer_id, entered_at)
         select cast(? as uuid), cast(? as uuid), e.customer_id, cast(? as timestamptz) from eval e where e.hit order by e.customer_id
         on conflict (segment_id, customer_id) do nothing
         returning customer_id),
       history as (
         insert into segment_membership_event (store_id, segment_id, segment_name, customer_id, kind, at, cause)
         select cast(? as uuid), cast(? as uuid), cast(? as text), customer_id, 'entered', cast(? as timestamptz), cast(? as text) from came
         union all
         select cast(? as uuid), cast(? as uuid), cast(? as text), customer_id, 'left', cast(? as timestamptz), cast(? as text) from gone),
       due as (
         insert into segment_check (store_id, segment_id, customer_id, due_at, cause)
         select cast(? as uuid), cast(? as uuid), e.customer_id, e.next_at, 'time' from eval e where e.next_at is not null order by e.customer_id
         on conflict (segment_id, customer_id) do update set due_at = excluded.due_at, cause = 'time'),
       done as (
         delete from segment_check k using eval e
         where k.store_id = ? and k.segment_id = ? and k.customer_id = e.customer_id and e.next_at is null)
       select (select count(*) from eval)::int as evaluated, (select count(*) from came)::int as entered, (select count(*) from gone)::int as "left"`,
      [
        ...evalParams,
        storeId, segment.id,
        storeId, segment.id, now,
        storeId, segment.id, segment.name, now, cause,
        storeId, segment.id, segment.name, now, cause,
        storeId, segment.id,
        storeId, segment.id,
      ],
    );
    return row!;
  }

  /**
   * A projection round touched these customers: each of their store's segments checks them as soon as the round
   * commits (in the round's transaction, so a crash between commit and evaluation loses nothing). Rows in key order.
   */
  async markDue(storeId: string, customerIds: readonly string[], at: Date): Promise<number> {
    if (!customerIds.length) return 0;
    const rows = await boundQuery<{ n: number }>(
      this.em,
      `with marked as (
         insert into segment_check (store_id, segment_id, customer_id, due_at, cause)
         select s.store_id, s.id, x.id, cast(? as timestamptz), 'transaction' from segment s cross join unnest(cast(? as uuid[])) as x(id)
         where s.store_id = ? order by s.id, x.id
         on conflict (segment_id, customer_id) do update set due_at = least(segment_check.due_at, excluded.due_at), cause = 'transaction'
         returning 1)
       select count(*)::int as n from marked`,
      [at, [...new Set(customerIds)].sort(), storeId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Claims up to `limit` due checks (any store: the worker's queue), locked for the caller's transaction; others skip them. */
  async claimDue(now: Date, limit: number): Promise<DueCheck[]> {
    const rows = await boundQuery<{ store_id: string; segment_id: string; customer_id: string; cause: MembershipCause }>(
      this.em,
      `select store_id, segment_id, customer_id, cause from segment_check where due_at <= cast(? as timestamptz) order by due_at limit ? for update skip locked`,
      [now, limit],
    );
    return rows.map((r) => ({ storeId: r.store_id, segmentId: r.segment_id, customerId: r.customer_id, cause: r.cause }));
  }

  /** Drops checks of a segment that no longer exists (deleted between marking and claiming). */
  async dropChecks(storeId: string, segmentId: string, customerIds: readonly string[]): Promise<void> {
    await boundQuery(this.em, `delete from segment_check where store_id = ? and segment_id = ? and customer_id = any(cast(? as uuid[]))`, [storeId, segmentId, customerIds]);
  }

  /** The earliest check not yet due, any store (the scheduler's timer). */
  async nextDueAt(): Promise<Date | null> {
    const [row] = await boundQuery<{ due_at: Date | string | null }>(this.em, `select min(due_at) as due_at from segment_check`, []);
    return row?.due_at ? new Date(row.due_at) : null;
  }

  /** Everything of a deleted segment except its history. */
  async removeSegment(storeId: string, segmentId: string): Promise<void> {
    await boundQuery(this.em, `delete from segment_membership where store_id = ? and segment_id = ?`, [storeId, segmentId]);
    await boundQuery(this.em, `delete from segment_check where store_id = ? and segment_id = ?`, [storeId, segmentId]);
  }

  async members(storeId: string, segmentId: string, limit: number, offset: number): Promise<{ total: number; members: MemberRow[] }> {
    const [count] = await boundQuery<{ n: number }>(this.em, `select count(*)::int as n from segment_membership where store_id = ? and segment_id = ?`, [storeId, segmentId]);
    const rows = await boundQuery<{ customer_id: string; email: string; first_name: string | null; last_name: string | null; entered_at: Date | string }>(
      this.em,
      `select m.customer_id, c.email, c.first_name, c.last_name, m.entered_at
       from segment_membership m join customer c on c.id = m.customer_id and c.store_id = m.store_id
       where m.store_id = ? and m.segment_id = ? order by m.entered_at desc, m.customer_id limit ? offset ?`,
      [storeId, segmentId, limit, offset],
    );
    return {
      total: count?.n ?? 0,
      members: rows.map((r) => ({ customerId: r.customer_id, email: r.email, firstName: r.first_name, lastName: r.last_name, enteredAt: new Date(r.entered_at) })),
    };
  }

  /** Member counts of the store's segments. */
  async counts(storeId: string): Promise<Map<string, number>> {
    const rows = await boundQuery<{ segment_id: string; n: number }>(
      this.em,
      `select segment_id, count(*)::int as n from segment_membership where store_id = ? group by segment_id`,
      [storeId],
    );
    return new Map(rows.map((r) => [r.segment_id, r.n]));
  }

  async isMember(storeId: string, segmentId: string, customerId: string): Promise<boolean> {
    const rows = await boundQuery(this.em, `select 1 from segment_membership where store_id = ? and segment_id = ? and customer_id = ?`, [storeId, segmentId, customerId]);
    return rows.length > 0;
  }

  async ofCustomer(storeId: string, customerId: string): Promise<CustomerMembershipRow[]> {
    const rows = await boundQuery<{ segment_id: string; name: string; entered_at: Date | string }>(
      this.em,
      `select m.segment_id, s.name, m.entered_at from segment_membership m join segment s on s.id = m.segment_id and s.store_id = m.store_id
       where m.store_id = ? and m.customer_id = ? order by s.name, s.id`,
      [storeId, customerId],
    );
    return rows.map((r) => ({ segmentId: r.segment_id, name: r.name, enteredAt: new Date(r.entered_at) }));
  }

  /** The customer's entering and leaving, newest first (at most `limit`). */
  async historyOf(storeId: string, customerId: string, limit = 200): Promise<MembershipEventRow[]> {
    const rows = await boundQuery<{ segment_id: string; segment_name: string; kind: 'entered' | 'left'; at: Date | string; cause: MembershipCause }>(
      this.em,
      `select segment_id, segment_name, kind, at, cause from segment_membership_event
       where store_id = ? and customer_id = ? order by at desc, id desc limit ?`,
      [storeId, customerId, limit],
    );
    return rows.map((r) => ({ segmentId: r.segment_id, segmentName: r.segment_name, kind: r.kind, at: new Date(r.at), cause: r.cause }));
  }
}
