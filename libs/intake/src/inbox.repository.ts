import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boomerang/persistence';

export type InboxFormat = 'raw' | 'normalized';
export type InboxState = 'pending' | 'projected' | 'parked';

export interface NewInboxEvent {
  deliveryId: string;
  topic: string | null;
  format: InboxFormat;
  body: Buffer;
  orderingKey: string;
  /**
   * A light payload (`order_ref`: "order 250 changed") carries no state, so two changes of one order in the same second
   * can arrive as the same delivery (BigCommerce's key is scope, second and a hash of `{ type, id }`). Its repeat
   * after projection puts the event back in the queue: projecting it again fetches the order again, which changes
   * nothing when the order did not change.
   */
  refetchOnRepeat?: boolean;
}

export interface Acceptance {
  eventId: string;
  duplicate: boolean;
}

/** A claimed event: what the projector needs, read in the claiming transaction. */
export interface ClaimedEvent {
  id: string;
  seq: number;
  storeId: string;
  platform: string;
  topic: string | null;
  format: InboxFormat;
  body: Buffer;
  attempts: number;
  orderingKey: string;
}

export interface InboxDeadLetter {
  eventId: string;
  platform: string;
  deliveryId: string;
  topic: string | null;
  receivedAt: Date;
  attempts: number;
  lastError: string | null;
  parkedAt: Date;
}

export interface InboxEventState {
  eventId: string;
  state: InboxState;
  attempts: number;
  lastError: string | null;
  result: Record<string, unknown> | null;
}

interface AcceptedRow {
  id: string | null;
  delivery_id: string;
  duplicate: boolean;
}

/** Runs one fixed SQL text with `?` placeholders (PreparedStatements: parsed and planned once per connection). */
export type StatementRunner = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** Acceptance's one statement; see `insert`. A fixed text, so it can be a named prepared statement. */
const INSERT_SQL = `with ins as (
         insert into inbox_event (id, store_id, platform, delivery_id, topic, format, body, ordering_key, received_at, next_attempt_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, now(), now())
         on conflict (store_id, platform, delivery_id) do nothing
         returning id),
       again as (
         update inbox_event set state = 'pending', attempts = 0, next_attempt_at = now(), last_error = null
         where cast(? as boolean) and store_id = ? and platform = ? and delivery_id = ? and state = 'projected'
           and not exists (select 1 from ins)
         returning id)
       select id, false as duplicate from ins
       union all
       select id, true from inbox_event
       where store_id = ? and platform = ? and delivery_id = ? and not exists (select 1 from ins)`;

/**
 * The SQL of the inbox (`inbox_event`). Acceptance is one INSERT … ON CONFLICT DO NOTHING; the projector's claim is
 * one SELECT … FOR UPDATE SKIP LOCKED inside its batch transaction. Every method that reads or writes one store's
 * events takes the store id; only the claim spans stores (it is the projectors' shared queue).
 */
export class InboxRepository {
  /**
   * `statements`, when given, runs acceptance's INSERT as a prepared statement with the body as a binary parameter:
   * MikroORM inlines every parameter into the SQL text, which turned each 6 KiB body into a 13 KiB hex literal for
   * the api to write and PostgreSQL to parse.
   */
  constructor(
    private readonly em: EntityManager,
    private readonly statements?: StatementRunner,
  ) {}

  /**
   * One statement: the event's id, and whether that delivery was already stored (then nothing changed, except that a
   * projected `refetchOnRepeat` event is queued again). That update waits for a projector holding the row, so the
   * repeat is never lost to a projection that fetched the order before the change.
   */
  async insert(storeId: string, platform: string, event: NewInboxEvent): Promise<Acceptance> {
    const params = [
      randomUUID(), storeId, platform, event.deliveryId, event.topic, event.format, event.body, event.orderingKey,
      event.refetchOnRepeat === true, storeId, platform, event.deliveryId,
      storeId, platform, event.deliveryId,
    ];
    const rows = this.statements ? await this.statements<AcceptedRow>(INSERT_SQL, params) : await this.em.execute<AcceptedRow[]>(INSERT_SQL, params);
    if (rows[0]?.id) return { eventId: rows[0].id, duplicate: rows[0].duplicate };
    // The first delivery committed while this statement ran (its snapshot could not see it): read it now.
    return { eventId: await this.idOf(storeId, platform, event.deliveryId), duplicate: true };
  }

  /** One multi-row INSERT, in the given order; a delivery id given twice is stored once. */
  async insertMany(storeId: string, platform: string, events: NewInboxEvent[]): Promise<Acceptance[]> {
    if (!events.length) return [];
    const first = new Map<string, NewInboxEvent>();
    for (const e of events) if (!first.has(e.deliveryId)) first.set(e.deliveryId, e);
    const rows = [...first.values()].map((e, ord) => ({
      id: randomUUID(),
      ord,
      delivery_id: e.deliveryId,
      topic: e.topic,
      format: e.format,
      body: e.body.toString('base64'),
      ordering_key: e.orderingKey,
    }));
    // Lists travel as JSON text: the driver would expand a bound array into a list of values.
    const accepted = await this.em.execute<AcceptedRow[]>(
      `with r as (
         select * from jsonb_to_recordset(cast(? as jsonb))
           as r(id uuid, ord int, delivery_id text, topic text, format text, body text, ordering_key text)),
       ins as (
         insert into inbox_event (id, store_id, platform, delivery_id, topic, format, body, ordering_key, received_at, next_attempt_at)
         select r.id, ?, ?, r.delivery_id, r.topic, r.format, decode(r.body, 'base64'), r.ordering_key, now(), now()
         from r order by r.ord
         on conflict (store_id, platform, delivery_id) do nothing
         returning id, delivery_id)
       select coalesce(ins.id, e.id) as id, r.delivery_id, ins.id is null as duplicate
       from r
       left join ins on ins.delivery_id = r.delivery_id
       left join inbox_event e on ins.id is null and e.store_id = ? and e.platform = ? and e.delivery_id = r.delivery_id
       order by r.ord`,
      [JSON.stringify(rows), storeId, platform, storeId, platform],
    );
    const byDelivery = new Map<string, Acceptance>();
    for (const row of accepted) {
      byDelivery.set(row.delivery_id, { eventId: row.id ?? (await this.idOf(storeId, platform, row.delivery_id)), duplicate: row.duplicate });
    }
    // A delivery id repeated within the call is the same event, a duplicate after its first mention.
    const seen = new Set<string>();
    return events.map((e) => {
      const a = byDelivery.get(e.deliveryId)!;
      const repeated = seen.has(e.deliveryId);
      seen.add(e.deliveryId);
      return repeated ? { eventId: a.eventId, duplicate: true } : a;
    });
  }

  /** How many of the store's accepted events wait for projection (a historical sync back-fills once this is 0). */
  async unprojected(storeId: string): Promise<number> {
    const [row] = await this.em.execute<{ n: string }[]>(
      `select count(*) as n from inbox_event where store_id = ? and state = 'pending'`,
      [storeId],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Claims up to `limit` due events, oldest first, each the earliest pending event of its ordering key (so one key's
   * events project one at a time, in order). Rows another projector holds are skipped; the claim lasts as long as the
   * caller's transaction.
   */
  async claim(limit: number): Promise<ClaimedEvent[]> {
    const rows = await this.em.execute<
      { id: string; seq: string; store_id: string; platform: string; topic: string | null; format: InboxFormat; body: Buffer; attempts: number; ordering_key: string }[]
    >(
      `select e.id, e.seq, e.store_id, e.platform, e.topic, e.format, e.body, e.attempts, e.ordering_key
       from inbox_event e
       where e.state = 'pending' and e.next_attempt_at <= now()
         and not exists (
           select 1 from inbox_event p
           where p.state = 'pending' and p.store_id = e.store_id and p.ordering_key = e.ordering_key and p.seq < e.seq)
       order by e.seq
       limit ?
       for update of e skip locked`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      seq: Number(r.seq),
      storeId: r.store_id,
      platform: r.platform,
      topic: r.topic,
      format: r.format,
      body: r.body,
      attempts: r.attempts,
      orderingKey: r.ordering_key,
    }));
  }

  /** Marks a round's projected events in one statement, each with what its projection did. */
  async markProjected(outcomes: { storeId: string; id: string; result: Record<string, unknown> }[]): Promise<void> {
    if (!outcomes.length) return;
    await this.em.execute(
      `update inbox_event e set state = 'projected', projected_at = now(), attempts = e.attempts + 1, last_error = null, result = r.result
       from jsonb_to_recordset(cast(? as jsonb)) as r(id uuid, store_id uuid, result jsonb)
       where e.id = r.id and e.store_id = r.store_id`,
      [JSON.stringify(outcomes.map((o) => ({ id: o.id, store_id: o.storeId, result: o.result })))],
    );
  }

  /** A failed attempt that may succeed later: tried again after `retryInMs`. */
  async markFailed(storeId: string, id: string, error: string, retryInMs: number): Promise<void> {
    await this.em.execute(
      `update inbox_event set attempts = attempts + 1, last_error = ?, next_attempt_at = now() + cast(? as interval)
       where id = ? and store_id = ?`,
      [error, `${Math.max(0, Math.round(retryInMs))} milliseconds`, id, storeId],
    );
  }

  /** Parks the event in the store's dead-letter list with its reason. */
  async park(storeId: string, id: string, reason: string): Promise<void> {
    await this.em.execute(
      `update inbox_event set state = 'parked', parked_at = now(), attempts = attempts + 1, last_error = ?
       where id = ? and store_id = ?`,
      [reason, id, storeId],
    );
  }

  async deadLetters(storeId: string, limit: number): Promise<{ items: InboxDeadLetter[]; total: number }> {
    const rows = await this.em.execute<
      { id: string; platform: string; delivery_id: string; topic: string | null; received_at: Date; attempts: number; last_error: string | null; parked_at: Date }[]
    >(
      `select id, platform, delivery_id, topic, received_at, attempts, last_error, parked_at
       from inbox_event where store_id = ? and state = 'parked'
       order by parked_at desc, seq desc limit ?`,
      [storeId, limit],
    );
    const [{ total }] = await this.em.execute<{ total: string }[]>(
      `select count(*) as total from inbox_event where store_id = ? and state = 'parked'`,
      [storeId],
    );
    return {
      items: rows.map((r) => ({
        eventId: r.id,
        platform: r.platform,
        deliveryId: r.delivery_id,
        topic: r.topic,
        receivedAt: new Date(r.received_at),
        attempts: r.attempts,
        lastError: r.last_error,
        parkedAt: new Date(r.parked_at),
      })),
      total: Number(total),
    };
  }

  /** Takes a parked event back into the queue with a fresh set of attempts; false when it is not parked. */
  async revive(storeId: string, id: string): Promise<boolean> {
    const rows = await this.em.execute<{ id: string }[]>(
      `update inbox_event set state = 'pending', attempts = 0, next_attempt_at = now(), parked_at = null
       where id = ? and store_id = ? and state = 'parked' returning id`,
      [id, storeId],
    );
    if (rows.length) await this.em.execute(`select pg_notify('inbox_event', '')`);
    return rows.length > 0;
  }

  async state(storeId: string, id: string): Promise<InboxEventState | null> {
    const [row] = await this.em.execute<{ id: string; state: InboxState; attempts: number; last_error: string | null; result: Record<string, unknown> | null }[]>(
      `select id, state, attempts, last_error, result from inbox_event where id = ? and store_id = ?`,
      [id, storeId],
    );
    return row ? { eventId: row.id, state: row.state, attempts: row.attempts, lastError: row.last_error, result: row.result } : null;
  }

  private async idOf(storeId: string, platform: string, deliveryId: string): Promise<string> {
    const [row] = await this.em.execute<{ id: string }[]>(
      `select id from inbox_event where store_id = ? and platform = ? and delivery_id = ?`,
      [storeId, platform, deliveryId],
    );
    if (!row) throw new Error(`inbox event ${platform}/${deliveryId} vanished`);
    return row.id;
  }
}
