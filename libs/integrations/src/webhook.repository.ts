import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boomerang/persistence';
import type { WebhookEventType } from './webhook-events.js';

/** `webhook`: signed POSTs to the merchant's URL; otherwise the app adapter of that kind (Slack, Mailchimp). */
export type EndpointKind = 'webhook' | 'slack' | 'mailchimp';

export interface EndpointRow {
  id: string;
  storeId: string;
  kind: EndpointKind;
  /** An app's configuration that may be shown (its secrets are in `secretSealed`); null for a webhook. */
  appSettings: Record<string, unknown> | null;
  url: string;
  description: string | null;
  eventTypes: WebhookEventType[];
  secretSealed: string;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Deliveries still owed. */
  pending: number;
}

/** `skipped`: an app found the event did not concern it; `failed`: the service refused this event for good (logged, the line moved on). */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'skipped', 'failed'] as const;

export interface DeliveryRow {
  id: string;
  seq: number;
  endpointId: string;
  eventId: string;
  eventType: string;
  subjectId: string | null;
  payload: Record<string, unknown>;
  status: (typeof DELIVERY_STATUSES)[number];
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
}

export interface AttemptRow {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface AttemptOutcome {
  deliveryId: string;
  at: Date;
  ok: boolean;
  /** Where the delivery stands after it (a skipped one records no attempt). */
  status: DeliveryRow['status'];
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface NewEvent {
  type: WebhookEventType;
  /** What it is about (order or customer id), for timelines. */
  subjectId: string | null;
  data: Record<string, unknown>;
}

const date = (v: unknown) => (v == null ? null : new Date(v as string));

const ENDPOINT_COLUMNS = `e.id, e.store_id, e.kind, e.app_settings, e.url, e.description, e.event_types, e.secret_sealed, e.status, e.disabled_reason, e.disabled_at,
  e.failing_since, e.created_at, e.updated_at,
  (select count(*) from webhook_delivery d where d.endpoint_id = e.id and d.status = 'pending')::int as pending`;

function endpoint(r: Record<string, unknown>): EndpointRow {
  return {
    id: r['id'] as string,
    storeId: r['store_id'] as string,
    kind: r['kind'] as EndpointKind,
    appSettings: (r['app_settings'] as Record<string, unknown> | null) ?? null,
    url: r['url'] as string,
    description: (r['description'] as string | null) ?? null,
    eventTypes: r['event_types'] as WebhookEventType[],
    secretSealed: r['secret_sealed'] as string,
    status: r['status'] as EndpointRow['status'],
    disabledReason: (r['disabled_reason'] as string | null) ?? null,
    disabledAt: date(r['disabled_at']),
    failingSince: date(r['failing_since']),
    createdAt: new Date(r['created_at'] as string),
    updatedAt: new Date(r['updated_at'] as string),
    pending: Number(r['pending'] ?? 0),
  };
}

const DELIVERY_COLUMNS = `id, seq, endpoint_id, event_id, event_type, subject_id, payload, status, attempts, last_status_code, last_error,
  last_duration_ms, created_at, last_attempt_at, delivered_at`;

function delivery(r: Record<string, unknown>): DeliveryRow {
  return {
    id: r['id'] as string,
    seq: Number(r['seq']),
    endpointId: r['endpoint_id'] as string,
    eventId: r['event_id'] as string,
    eventType: r['event_type'] as string,
    subjectId: (r['subject_id'] as string | null) ?? null,
    payload: r['payload'] as Record<string, unknown>,
    status: r['status'] as DeliveryRow['status'],
    attempts: Number(r['attempts']),
    lastStatusCode: r['last_status_code'] == null ? null : Number(r['last_status_code']),
    lastError: (r['last_error'] as string | null) ?? null,
    lastDurationMs: r['last_duration_ms'] == null ? null : Number(r['last_duration_ms']),
    createdAt: new Date(r['created_at'] as string),
    lastAttemptAt: date(r['last_attempt_at']),
    deliveredAt: date(r['delivered_at']),
  };
}

/** Outgoing webhook endpoints, the deliveries owed to them and their attempts. Every method takes the store id. */
export class WebhookRepository {
  constructor(private readonly em: EntityManager) {}

  async createEndpoint(
    storeId: string,
    e: { id: string; kind?: EndpointKind; appSettings?: Record<string, unknown> | null; url: string; description: string | null; eventTypes: string[]; secretSealed: string },
    now: Date,
  ): Promise<EndpointRow> {
    await this.em.execute(
      `insert into webhook_endpoint (id, store_id, kind, app_settings, url, description, event_types, secret_sealed, status, created_at, updated_at)
       values (?, ?, ?, cast(? as jsonb), ?, ?, cast(? as jsonb), ?, 'active', ?, ?)`,
      [e.id, storeId, e.kind ?? 'webhook', e.appSettings ? JSON.stringify(e.appSettings) : null, e.url, e.description, JSON.stringify(e.eventTypes), e.secretSealed, now, now],
    );
    return (await this.endpoint(storeId, e.id))!;
  }

  /** The store's webhook endpoints, or its app installations. */
  async endpoints(storeId: string, family: 'webhook' | 'app' = 'webhook'): Promise<EndpointRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select ${ENDPOINT_COLUMNS} from webhook_endpoint e where e.store_id = ? and (e.kind = 'webhook') = ? order by e.created_at, e.id`,
      [storeId, family === 'webhook'],
    );
    return rows.map(endpoint);
  }

  async countEndpoints(storeId: string, family: 'webhook' | 'app' = 'webhook'): Promise<number> {
    const [row] = await this.em.execute<{ n: number }[]>(`select count(*)::int as n from webhook_endpoint where store_id = ? and (kind = 'webhook') = ?`, [storeId, family === 'webhook']);
    return Number(row?.n ?? 0);
  }

  /** An app's new configuration: what is shown, the sealed secrets, its target and the event types fanned out to it. */
  async updateApp(storeId: string, id: string, app: { appSettings: Record<string, unknown>; secretSealed: string; url: string; eventTypes: string[] }, now: Date): Promise<void> {
    await this.em.execute(
      `update webhook_endpoint set app_settings = cast(? as jsonb), secret_sealed = ?, url = ?, event_types = cast(? as jsonb), updated_at = ? where store_id = ? and id = ? and kind <> 'webhook'`,
      [JSON.stringify(app.appSettings), app.secretSealed, app.url, JSON.stringify(app.eventTypes), now, storeId, id],
    );
  }

  async endpoint(storeId: string, id: string): Promise<EndpointRow | null> {
    const [row] = await this.em.execute<Record<string, unknown>[]>(`select ${ENDPOINT_COLUMNS} from webhook_endpoint e where e.store_id = ? and e.id = ?`, [storeId, id]);
    return row ? endpoint(row) : null;
  }

  async updateEndpoint(storeId: string, id: string, patch: { url?: string; description?: string | null; eventTypes?: string[]; status?: 'active' | 'disabled' }, now: Date): Promise<void> {
    const enabling = patch.status === 'active';
    await this.em.execute(
      `update webhook_endpoint set
         url = coalesce(?, url),
         description = case when ? then ? else description end,
         event_types = coalesce(cast(? as jsonb), event_types),
         status = coalesce(?, status),
         disabled_reason = case when ? then null when ? = 'disabled' and status = 'active' then 'disabled by the merchant' else disabled_reason end,
         disabled_at = case when ? then null when ? = 'disabled' and status = 'active' then ? else disabled_at end,
         failing_since = case when ? then null else failing_since end,
         updated_at = ?
       where store_id = ? and id = ?`,
      [
        patch.url ?? null,
        patch.description !== undefined, patch.description ?? null,
        patch.eventTypes ? JSON.stringify(patch.eventTypes) : null,
        patch.status ?? null,
        enabling, patch.status ?? null,
        enabling, patch.status ?? null, now,
        enabling,
        now,
        storeId, id,
      ],
    );
  }

  /** Wakes the endpoint's delivery workflow when this transaction commits (the worker LISTENs; see the migration). */
  async notify(storeId: string, id: string): Promise<void> {
    await this.em.execute(`select pg_notify('webhook_delivery', ?)`, [`${storeId}:${id}`]);
  }

  async deleteEndpoint(storeId: string, id: string): Promise<boolean> {
    await this.em.execute(`delete from webhook_attempt where store_id = ? and delivery_id in (select id from webhook_delivery where store_id = ? and endpoint_id = ?)`, [storeId, storeId, id]);
    await this.em.execute(`delete from webhook_delivery where store_id = ? and endpoint_id = ?`, [storeId, id]);
    const rows = await this.em.execute<{ id: string }[]>(`delete from webhook_endpoint where store_id = ? and id = ? returning id`, [storeId, id]);
    return rows.length > 0;
  }

  /** The start of the current run of failures (set now if none); the caller compares it with its limit. */
  async markFailing(storeId: string, id: string, now: Date): Promise<Date> {
    const [row] = await this.em.execute<{ failing_since: string }[]>(
      `update webhook_endpoint set failing_since = coalesce(failing_since, ?) where store_id = ? and id = ? returning failing_since`,
      [now, storeId, id],
    );
    return new Date(row!.failing_since);
  }

  async clearFailing(storeId: string, id: string): Promise<void> {
    await this.em.execute(`update webhook_endpoint set failing_since = null where store_id = ? and id = ? and failing_since is not null`, [storeId, id]);
  }

  async disable(storeId: string, id: string, reason: string, now: Date): Promise<void> {
    await this.em.execute(
      `update webhook_endpoint set status = 'disabled', disabled_reason = ?, disabled_at = ?, updated_at = ? where store_id = ? and id = ? and status = 'active'`,
      [reason, now, now, storeId, id],
    );
  }

  /**
   * The events, owed to every active endpoint of the store subscribed to their type, in the caller's transaction (in
   * the given order: one statement, `seq` follows it). Returns how many deliveries were queued.
   */
  /** Whether any endpoint of the store takes events now (the endpoints' `store_id` index). */
  async hasActiveEndpoint(storeId: string): Promise<boolean> {
    const [row] = await this.em.execute<{ found: boolean }[]>(
      `select exists (select 1 from webhook_endpoint where store_id = ? and status = 'active') as found`,
      [storeId],
    );
    return row?.found === true;
  }

  async publish(storeId: string, events: readonly NewEvent[], at: Date): Promise<number> {
    if (!events.length) return 0;
    const rows = await this.em.execute<{ n: number }[]>(
      `with queued as (
         insert into webhook_delivery (id, store_id, endpoint_id, event_id, event_type, subject_id, payload, status, created_at)
         select gen_random_uuid(), e.store_id, e.id, v.event_id, v.type, v.subject_id,
                jsonb_build_object('type', v.type, 'timestamp', cast(? as text), 'data', v.data), 'pending', ?
         from jsonb_to_recordset(cast(? as jsonb)) as v(n int, event_id uuid, type text, subject_id uuid, data jsonb)
         join webhook_endpoint e on e.store_id = ? and e.status = 'active' and e.event_types @> jsonb_build_array(v.type)
         order by v.n, e.id
         returning 1)
       select count(*)::int as n from queued`,
      [at.toISOString(), at, JSON.stringify(events.map((ev, n) => ({ n, event_id: randomUUID(), type: ev.type, subject_id: ev.subjectId, data: ev.data }))), storeId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** The oldest deliveries still owed to the endpoint, in order. */
  async pending(storeId: string, endpointId: string, limit: number): Promise<DeliveryRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select ${DELIVERY_COLUMNS} from webhook_delivery where store_id = ? and endpoint_id = ? and status = 'pending' order by seq limit ?`,
      [storeId, endpointId, limit],
    );
    return rows.map(delivery);
  }

  /** Records attempts (one statement for the attempts, one for the deliveries): a delivered one is done. */
  async recordAttempts(storeId: string, outcomes: readonly AttemptOutcome[]): Promise<void> {
    if (!outcomes.length) return;
    const json = JSON.stringify(
      outcomes.map((o) => ({ delivery_id: o.deliveryId, at: o.at.toISOString(), status: o.status, status_code: o.statusCode, error: o.error, duration_ms: o.durationMs })),
    );
    await this.em.execute(
      `insert into webhook_attempt (store_id, delivery_id, at, status_code, error, duration_ms)
       select ?, r.delivery_id, r.at, r.status_code, r.error, r.duration_ms
       from jsonb_to_recordset(cast(? as jsonb)) as r(delivery_id uuid, at timestamptz, status text, status_code int, error text, duration_ms int)
       where r.status <> 'skipped'`,
      [storeId, json],
    );
    // A skipped delivery keeps its reason in last_error and counts no attempt.
    await this.em.execute(
      `update webhook_delivery d set attempts = d.attempts + case when r.status = 'skipped' then 0 else 1 end, last_status_code = r.status_code, last_error = r.error,
              last_duration_ms = r.duration_ms, last_attempt_at = r.at, status = r.status, delivered_at = case when r.status = 'delivered' then r.at else d.delivered_at end
       from jsonb_to_recordset(cast(? as jsonb)) as r(delivery_id uuid, at timestamptz, status text, status_code int, error text, duration_ms int)
       where d.store_id = ? and d.id = r.delivery_id`,
      [json, storeId],
    );
  }

  /** The endpoint's deliveries, newest first; `before` is the `seq` to continue below. */
  async deliveries(storeId: string, endpointId: string, limit: number, before: number | null): Promise<DeliveryRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select ${DELIVERY_COLUMNS} from webhook_delivery where store_id = ? and endpoint_id = ? and (cast(? as bigint) is null or seq < cast(? as bigint))
       order by seq desc limit ?`,
      [storeId, endpointId, before, before, limit],
    );
    return rows.map(delivery);
  }

  async delivery(storeId: string, endpointId: string, id: string): Promise<DeliveryRow | null> {
    const [row] = await this.em.execute<Record<string, unknown>[]>(`select ${DELIVERY_COLUMNS} from webhook_delivery where store_id = ? and endpoint_id = ? and id = ?`, [storeId, endpointId, id]);
    return row ? delivery(row) : null;
  }

  async attempts(storeId: string, deliveryId: string): Promise<AttemptRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select at, status_code, error, duration_ms from webhook_attempt where store_id = ? and delivery_id = ? order by at, id`,
      [storeId, deliveryId],
    );
    return rows.map((r) => ({ at: new Date(r['at'] as string), statusCode: r['status_code'] == null ? null : Number(r['status_code']), error: (r['error'] as string | null) ?? null, durationMs: Number(r['duration_ms']) }));
  }

  /** A delivery sent again by hand: the same event (same `webhook-id` and body) queued at the end of the endpoint's line. */
  async resend(storeId: string, endpointId: string, deliveryId: string, now: Date): Promise<DeliveryRow | null> {
    const [row] = await this.em.execute<Record<string, unknown>[]>(
      `insert into webhook_delivery (id, store_id, endpoint_id, event_id, event_type, subject_id, payload, status, created_at)
       select gen_random_uuid(), store_id, endpoint_id, event_id, event_type, subject_id, payload, 'pending', ?
       from webhook_delivery where store_id = ? and endpoint_id = ? and id = ?
       returning ${DELIVERY_COLUMNS}`,
      [now, storeId, endpointId, deliveryId],
    );
    return row ? delivery(row) : null;
  }

  /** Active endpoints of any store with deliveries owed (the worker's sweep after a restart). */
  async endpointsOwed(limit: number): Promise<{ storeId: string; endpointId: string }[]> {
    const rows = await this.em.execute<{ store_id: string; id: string }[]>(
      `select e.store_id, e.id from webhook_endpoint e
       where e.status = 'active' and exists (select 1 from webhook_delivery d where d.endpoint_id = e.id and d.status = 'pending')
       limit ?`,
      [limit],
    );
    return rows.map((r) => ({ storeId: r.store_id, endpointId: r.id }));
  }

  /** The technical contact of the store's account (else the account owner's address), for alerts. */
  async alertAddress(storeId: string): Promise<{ storeName: string; email: string | null }> {
    const [row] = await this.em.execute<{ name: string; email: string | null }[]>(
      `select s.name, coalesce(a.technical_contact_email,
              (select u.email from app_user u where u.account_id = s.account_id order by u.created_at limit 1)) as email
       from store s left join account a on a.id = s.account_id where s.id = ?`,
      [storeId],
    );
    return { storeName: row?.name ?? 'your store', email: row?.email ?? null };
  }
}
