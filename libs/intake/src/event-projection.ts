import { normalizeEmail, type NormalizedEvent, type NormalizedLineItem, type NormalizedOrder, type OrderStatus, type Platform, type PrivacyTopic } from '@boomerang/domain';
import type { Customer, EntityManager, Order, OrderLineRecord } from '@boomerang/persistence';
import { RetentionRoundCache, type RetentionIntakeService } from '@boomerang/retention';
import { platformAdapters, ProductCatalogRepository, type PlatformAdapter, type PlatformClient } from '@boomerang/stores';
import type { ClaimedEvent } from './inbox.repository.js';
import { OrderProjectionRepository, skuLines, type ProjectedOrder } from './order-projection.repository.js';

/** How the projector reaches a store's platform API for light payloads (`order_ref`); null: the store has no connection. */
export type PlatformClientPort = (storeId: string) => Promise<PlatformClient | null>;

/** An event that can never be projected as it is: parked at once with this reason. */
export class PermanentProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentProjectionError';
  }
}

interface CatalogEntry {
  items: readonly NormalizedLineItem[];
  seenAt: Date;
  previous: readonly OrderLineRecord[] | null;
  lines: readonly OrderLineRecord[];
  placedAt: Date;
}

/**
 * What the events of one projector round share, when `batched`: the stores' active rules, read once; the round's
 * full-payload orders written together before the events are gone through (`prepare`: customers, orders and lines
 * with one statement each per store rather than per order); and the catalogue writes of its orders (products,
 * variants, sold SKUs), made together by `flush` just before the commit. Popular products are in many orders: written
 * per order, their rows stay locked from the first order of a round to its commit, and every other round naming them
 * waits; written at the end, they are locked for one statement. Not batched, each event does all of it alone.
 */
export class ProjectionRound {
  readonly rules: RetentionRoundCache;
  private readonly catalog = new Map<string, CatalogEntry[]>();
  /** Orders `prepare` wrote, by the normalized order they came from. */
  readonly prepared = new Map<NormalizedOrder, ProjectedOrder>();
  /** Applied order writes whose outgoing events `flush` raises, one statement per store instead of one per order. */
  private readonly orderWrites = new Map<string, OrderWrite[]>();
  private orderEvents: OrderEventsPort | null = null;

  constructor(readonly batched = true) {
    this.rules = new RetentionRoundCache(batched);
  }

  /**
   * Writes the customers, orders and lines of a round's full-payload orders, store by store: within a store, one
   * order per email and per order id (a round holds one event per ordering key, so a repeat is rare; it is projected
   * on its own afterwards, in its turn). Orders without an email are left to their event, which parks them.
   */
  async prepare(em: EntityManager, orders: readonly { storeId: string; order: NormalizedOrder }[]): Promise<void> {
    const byStore = new Map<string, NormalizedOrder[]>();
    for (const { storeId, order } of orders) {
      if (!order.customer.email) continue;
      const held = byStore.get(storeId) ?? [];
      held.push(order);
      byStore.set(storeId, held);
    }
    for (const storeId of [...byStore.keys()].sort()) {
      const emails = new Set<string>();
      const ids = new Set<string>();
      const chosen = byStore.get(storeId)!.filter((o) => {
        const email = normalizeEmail(o.customer.email!);
        if (emails.has(email) || ids.has(o.externalId)) return false;
        emails.add(email);
        ids.add(o.externalId);
        return true;
      });
      const repository = new OrderProjectionRepository(em);
      const customers = await repository.upsertCustomers(
        storeId,
        chosen.map((o) => ({ email: normalizeEmail(o.customer.email!), customer: o.customer, sourceUpdatedAt: new Date(o.updatedAt) })),
      );
      const projected = await repository.upsertOrders(
        storeId,
        chosen.map((o) => ({ customer: customers.get(normalizeEmail(o.customer.email!))!, order: o })),
      );
      for (const o of chosen) this.prepared.set(o, projected.get(o.externalId)!);
      await repository.replaceLinesOf(
        storeId,
        chosen.flatMap((o) => {
          const p = this.prepared.get(o)!;
          return p.applied ? [{ orderId: p.order.id, items: o.lineItems, isNew: p.previousLines === null }] : [];
        }),
      );
    }
  }

  async recordOrderWrite(em: EntityManager, port: OrderEventsPort, storeId: string, write: OrderWrite): Promise<void> {
    if (!this.batched) return port.onOrders(em, storeId, [write]);
    this.orderEvents = port;
    const writes = this.orderWrites.get(storeId) ?? [];
    writes.push(write);
    this.orderWrites.set(storeId, writes);
  }

  async recordCatalog(em: EntityManager, storeId: string, entry: CatalogEntry): Promise<void> {
    if (!this.batched) return writeCatalog(em, storeId, [entry]);
    const entries = this.catalog.get(storeId) ?? [];
    entries.push(entry);
    this.catalog.set(storeId, entries);
  }

  /**
   * The deferred writes, store by store in id order (so two rounds lock rows in one order): the catalogue, the
   * outgoing events of the orders, then retention's arms and signals. Answers the ids of the signals it wrote, per store, to deliver after the commit.
   */
  async flush(em: EntityManager): Promise<{ storeId: string; ids: number[] }[]> {
    for (const storeId of [...this.catalog.keys()].sort()) await writeCatalog(em, storeId, this.catalog.get(storeId)!);
    this.catalog.clear();
    for (const storeId of [...this.orderWrites.keys()].sort()) await this.orderEvents!.onOrders(em, storeId, this.orderWrites.get(storeId)!);
    this.orderWrites.clear();
    return this.rules.flush(em);
  }
}

async function writeCatalog(em: EntityManager, storeId: string, entries: readonly CatalogEntry[]): Promise<void> {
  await new OrderProjectionRepository(em).recordProductsOf(storeId, entries);
  // The products picker reads the sold SKUs from here, in the same transaction as the orders.
  await new ProductCatalogRepository(em).recordOrders(storeId, entries);
}

export interface Projection {
  /** What the inbox row records as its result. */
  result: Record<string, unknown>;
  /** Retention signals owed to Temporal written by this event (a batched round writes its own at `flush`). */
  dispatchIds: number[];
}

/**
 * Where a platform's privacy request goes (erasure, data request; libs/privacy implements it, the worker wires it):
 * run in the projection's transaction, its answer recorded as the event's result. A failure leaves the event pending.
 */
export interface PrivacyRequestPort {
  handle(em: EntityManager, storeId: string, request: { topic: PrivacyTopic; customerEmail: string | null }): Promise<Record<string, unknown>>;
}

/**
 * Where an applied order write raises its outgoing events (libs/integrations implements it, the worker wires it):
 * rows written in the projection's transaction, so an event exists exactly when its order write does.
 */
export interface OrderEventsPort {
  /** The applied order writes of one store, in the order they were projected. */
  onOrders(em: EntityManager, storeId: string, writes: readonly OrderWrite[]): Promise<void>;
}

export interface OrderWrite {
  order: Order;
  customer: Customer;
  previousStatus: OrderStatus | null;
}

export interface EventProjectionDeps {
  retention: RetentionIntakeService;
  platformClient: PlatformClientPort;
  /** Without it privacy requests are only kept in the inbox, as received. */
  privacy?: PrivacyRequestPort;
  /** Outgoing webhooks; without it orders raise none. */
  orderEvents?: OrderEventsPort;
  adapters?: Readonly<Record<Platform, PlatformAdapter>>;
}

/** Turns one inbox event into the model, inside the caller's transaction (a savepoint per event). */
export class EventProjection {
  private readonly adapters: Readonly<Record<Platform, PlatformAdapter>>;

  constructor(private readonly deps: EventProjectionDeps) {
    this.adapters = deps.adapters ?? platformAdapters;
  }

  /** The stored body as a normalized event (a platform's raw bytes go through its adapter). */
  normalize(event: Pick<ClaimedEvent, 'platform' | 'format' | 'topic' | 'body'>): NormalizedEvent {
    if (event.format === 'normalized') return JSON.parse(event.body.toString('utf8')) as NormalizedEvent;
    const adapter = this.adapters[event.platform as Platform];
    if (!adapter) throw new PermanentProjectionError(`unknown platform ${event.platform}`);
    // Adapters get the text as received, so platform ids never pass through a JavaScript number.
    return adapter.normalize(event.topic, event.body.toString('utf8'), { adminBaseUrl: null });
  }

  /**
   * A round's shared writes and reads, before its events are gone through: its full-payload orders (customers, orders,
   * lines) and the attribution touches of those applied. Nothing, when the round is not batched.
   */
  async prepareRound(em: EntityManager, orders: readonly { storeId: string; order: NormalizedOrder }[], round: ProjectionRound): Promise<void> {
    if (!round.batched) return;
    await round.prepare(em, orders);
    const applied = [...round.prepared.values()].filter((p) => p.applied).map((p) => ({ order: p.order, customer: p.customer }));
    await this.deps.retention.prefetchTouches(em, applied, round.rules);
  }

  /**
   * Projects one event in the caller's transaction. `round` is what the events of one projector round share; without
   * it the event reads its own rules and writes its catalogue rows at once.
   */
  async project(em: EntityManager, storeId: string, event: NormalizedEvent, round: ProjectionRound = new ProjectionRound(false)): Promise<Projection> {
    switch (event.kind) {
      case 'order':
        return this.projectOrder(em, storeId, event.order, round);
      case 'order_ref': {
        const client = await this.deps.platformClient(storeId);
        if (!client) throw new PermanentProjectionError('no connection: the store has no platform connection to fetch the order from');
        const order = await client.fetchOrder(event.externalId);
        if (!order) throw new PermanentProjectionError(`order ${event.externalId} was not found on the platform`);
        return this.projectOrder(em, storeId, order, round);
      }
      case 'customer': {
        if (!event.customer.email) throw new PermanentProjectionError('customer has no email address');
        const repository = new OrderProjectionRepository(em);
        const customer = await repository.upsertCustomer(storeId, normalizeEmail(event.customer.email), event.customer, new Date(event.updatedAt), {
          onlyIfNewer: true,
        });
        return { result: { kind: 'customer', customerId: customer?.id ?? null, applied: customer !== null }, dispatchIds: [] };
      }
      case 'privacy':
        if (!this.deps.privacy) return { result: { kind: 'privacy', topic: event.topic }, dispatchIds: [] };
        return { result: await this.deps.privacy.handle(em, storeId, { topic: event.topic, customerEmail: event.customerEmail }), dispatchIds: [] };
      case 'ignored':
        return { result: { kind: 'ignored', reason: event.reason }, dispatchIds: [] };
    }
  }

  private async projectOrder(em: EntityManager, storeId: string, o: NormalizedOrder, round: ProjectionRound): Promise<Projection> {
    if (!o.customer.email) throw new PermanentProjectionError(`order ${o.externalId} has no customer email`);
    let projected = round.prepared.get(o);
    if (!projected) {
      const repository = new OrderProjectionRepository(em);
      const customer = (await repository.upsertCustomer(storeId, normalizeEmail(o.customer.email), o.customer, new Date(o.updatedAt)))!;
      projected = await repository.upsertOrder(storeId, customer, o);
      if (projected.applied) await repository.replaceLines(storeId, projected.order.id, o.lineItems, { isNew: projected.previousLines === null });
    }
    const { customer } = projected;
    let signals = { dispatchIds: [] as number[], count: 0 };
    if (projected.applied) {
      await round.recordCatalog(em, storeId, {
        items: o.lineItems,
        seenAt: new Date(o.updatedAt),
        previous: projected.previousLines,
        lines: skuLines(o),
        placedAt: projected.order.placedAt,
      });
      signals = await this.deps.retention.onOrder(em, projected.order, customer, projected.previousStatus, round.rules);
      if (this.deps.orderEvents) {
        await round.recordOrderWrite(em, this.deps.orderEvents, storeId, { order: projected.order, customer, previousStatus: projected.previousStatus });
      }
    }
    return {
      result: {
        kind: 'order',
        orderId: projected.order.id,
        customerId: customer.id,
        status: projected.order.status,
        applied: projected.applied,
        rulesArmed: signals.count,
      },
      dispatchIds: signals.dispatchIds,
    };
  }
}
