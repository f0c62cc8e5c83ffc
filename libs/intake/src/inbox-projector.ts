import { DomainError, type NormalizedEvent } from '@boomerang/domain';
import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { PlatformError } from '@boomerang/stores';
import pg from 'pg';
import { EventProjection, PermanentProjectionError, ProjectionRound } from './event-projection.js';
import { InboxRepository, type ClaimedEvent } from './inbox.repository.js';

export interface ProjectorPolicy {
  /** Events claimed (and projected in one transaction) per round. */
  batch: number;
  /** The poll that backs up LISTEN/NOTIFY: due retries, and wake-ups lost while disconnected. */
  pollMs: number;
  /** Backoff after the first failure, doubling per attempt up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Failed attempts after which an event is parked with its last error. */
  maxAttempts: number;
  /** Rounds run at once by one projector (each claims its own events): one projects while another waits on PostgreSQL. */
  loops: number;
  /** Retention signals handed to one delivery at most (the rounds that committed meanwhile go together). */
  deliveryBatch: number;
}

export const DEFAULT_PROJECTOR_POLICY: ProjectorPolicy = {
  batch: 100,
  pollMs: 1_000,
  backoffMs: 1_000,
  maxBackoffMs: 5 * 60_000,
  maxAttempts: 10,
  loops: 2,
  deliveryBatch: 500,
};

export interface ProjectorLogger {
  warn(message: string): void;
}

/** Delivers the retention signals a projection recorded (RetentionDispatcher); the api's sweep retries the rest. */
export interface SignalDelivery {
  /** In id order per customer and rule, several customers at once. */
  deliverBatch(groups: { storeId: string; ids: number[] }[]): Promise<number>;
}

/**
 * Told which customers each round touched (orders and customer updates): segments re-evaluate them. `recordTouched`
 * runs in the round's transaction (so the mark commits with the orders), `committed` after it; the projector starts
 * and stops it with itself.
 */
export interface CustomerChanges {
  recordTouched(em: EntityManager, touched: readonly { storeId: string; customerIds: string[] }[]): Promise<void>;
  committed(): void;
  start(): void;
  stop(): Promise<void>;
}

export interface InboxProjectorDeps {
  orm: MikroORM;
  projection: EventProjection;
  signals: SignalDelivery;
  /** Segment membership (SegmentScheduler); without it nothing is told. */
  customers?: CustomerChanges;
  /** Where to LISTEN for new events; without it the projector only polls. */
  listenUrl?: string;
  logger?: ProjectorLogger;
  policy?: Partial<ProjectorPolicy>;
  /** Test seam: awaited after each event of a round, before the round commits. */
  afterEvent?: (event: ClaimedEvent) => Promise<void>;
}

export interface RoundResult {
  claimed: number;
  projected: number;
  retried: number;
  parked: number;
}

/** An event of a round failed: the round rolls back and runs again, recording this event's failure instead. */
class EventFailed extends Error {
  constructor(
    readonly eventId: string,
    readonly error: unknown,
  ) {
    super(message(error));
  }
}

/** A statement written for the whole round failed: the round runs again with each event writing its own rows. */
class BatchFailed extends Error {}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2_000);

/** Errors that retrying cannot fix: the event is parked at once. */
function isPermanent(err: unknown): boolean {
  if (err instanceof PermanentProjectionError || err instanceof DomainError) return true;
  if (err instanceof PlatformError) return !err.retryable;
  return err instanceof SyntaxError;
}

/** The customers a round's projected events name (orders and customer updates), per store. */
function touchedCustomers(projected: readonly { storeId: string; result: Record<string, unknown> }[]): { storeId: string; customerIds: string[] }[] {
  const byStore = new Map<string, Set<string>>();
  for (const p of projected) {
    const id = p.result['customerId'];
    if (typeof id !== 'string') continue;
    const ids = byStore.get(p.storeId) ?? new Set<string>();
    ids.add(id);
    byStore.set(p.storeId, ids);
  }
  return [...byStore].map(([storeId, ids]) => ({ storeId, customerIds: [...ids] }));
}

/** One event's retention signals, handed to the dispatcher after its round committed. */
interface Delivery {
  storeId: string;
  ids: number[];
}

/**
 * Projects the inbox: claims due events (`FOR UPDATE SKIP LOCKED`, the earliest pending event of each ordering key
 * only), projects them in the round's transaction, records the outcome on the rows, commits, then delivers the
 * retention signals. Events share the round's transaction without savepoints (two statements fewer each), and the
 * round's orders are written with one statement per table (ProjectionRound); when an event fails, the round rolls
 * back and runs again with that event's failure recorded (retried later or parked) instead of its projection, so a
 * failing event costs its round one more try and the others are projected all the same. When a round-wide statement
 * fails, the round runs again with each event writing its own rows. Any number of projectors (worker replicas) share
 * the queue: a key's events are never projected by two at once, nor out of order. A round that dies before its commit (crash, lost connection)
 * changes nothing, and its events are claimed again. Wakes on NOTIFY from the inbox's insert trigger, and polls.
 */
export class InboxProjector {
  private readonly policy: ProjectorPolicy;
  private running = false;
  private readonly loops = new Set<Promise<void>>();
  private again = false;
  private timer?: NodeJS.Timeout;
  private listener: pg.Client | null = null;
  private connecting = false;
  private readonly deliveryQueue: Delivery[] = [];
  /** The one delivery in flight: rounds hand over in commit order, so a customer's signals never overtake each other. */
  private delivering: Promise<void> | null = null;

  constructor(private readonly deps: InboxProjectorDeps) {
    this.policy = { ...DEFAULT_PROJECTOR_POLICY, ...deps.policy };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => {
      void this.listen();
      this.wake();
    }, this.policy.pollMs);
    this.timer.unref();
    this.deps.customers?.start();
    void this.listen();
    this.wake();
  }

  /** Stops claiming; resolves once the current round has committed (or failed) and its signals are handed over. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    while (this.loops.size) await Promise.allSettled([...this.loops]);
    await this.settled();
    await this.deps.customers?.stop();
  }

  /** Every signal handed over so far has been attempted. */
  private async settled(): Promise<void> {
    while (this.delivering) await this.delivering;
  }

  /** Rounds until nothing is due (tests and the bench; the running projector does this on every wake-up). */
  async drain(): Promise<RoundResult> {
    const total: RoundResult = { claimed: 0, projected: 0, retried: 0, parked: 0 };
    for (;;) {
      const round = await this.round();
      for (const k of Object.keys(total) as (keyof RoundResult)[]) total[k] += round[k];
      if (round.claimed === 0) break;
    }
    await this.settled();
    return total;
  }

  /** Starts rounds on up to `loops` loops; a loop ends when a round finds nothing due and no wake-up came meanwhile. */
  private wake(): void {
    if (!this.running) return;
    this.again = true;
    while (this.loops.size < this.policy.loops) {
      const loop: Promise<void> = (async () => {
        try {
          do {
            this.again = false;
            while (this.running && (await this.round()).claimed > 0);
          } while (this.running && this.again);
        } catch (err) {
          this.deps.logger?.warn(`projection round failed (retried on the next wake-up): ${message(err)}`);
        }
      })().finally(() => this.loops.delete(loop));
      this.loops.add(loop);
    }
  }

  /** One claimed batch, projected and committed; each event that fails costs the round one more try (at most `batch`). */
  async round(): Promise<RoundResult> {
    const failed = new Map<string, unknown>();
    let batched = true;
    for (;;) {
      try {
        return await this.attempt(failed, batched);
      } catch (err) {
        if (err instanceof BatchFailed && batched) {
          this.deps.logger?.warn(`a round's batched writes failed; the round runs again event by event: ${err.message}`);
          batched = false;
        } else if (err instanceof EventFailed && !failed.has(err.eventId)) {
          failed.set(err.eventId, err.error);
        } else {
          throw err;
        }
      }
    }
  }

  private async attempt(failed: ReadonlyMap<string, unknown>, batched: boolean): Promise<RoundResult> {
    const result: RoundResult = { claimed: 0, projected: 0, retried: 0, parked: 0 };
    const deliveries: Delivery[] = [];
    const projected: { storeId: string; id: string; result: Record<string, unknown> }[] = [];
    await this.deps.orm.em.fork().transactional(async (em) => {
      const inbox = new InboxRepository(em);
      const round = new ProjectionRound(batched);
      const events = await inbox.claim(this.policy.batch);
      result.claimed = events.length;
      // Every event read first (one that cannot be fails alone, before anything is written), then the round's orders
      // written together, then each event's own work in arrival order.
      const normalized = new Map<string, NormalizedEvent>();
      for (const event of events) {
        if (failed.has(event.id)) continue;
        try {
          normalized.set(event.id, this.deps.projection.normalize(event));
        } catch (err) {
          throw new EventFailed(event.id, err);
        }
      }
      try {
        await this.deps.projection.prepareRound(
          em,
          events.flatMap((e) => {
            const n = normalized.get(e.id);
            return n?.kind === 'order' ? [{ storeId: e.storeId, order: n.order }] : [];
          }),
          round,
        );
      } catch (err) {
        throw new BatchFailed(message(err));
      }
      for (const event of events) {
        try {
          if (failed.has(event.id)) throw failed.get(event.id);
          let outcome: Awaited<ReturnType<EventProjection['project']>>;
          try {
            outcome = await this.deps.projection.project(em, event.storeId, normalized.get(event.id)!, round);
          } catch (err) {
            // The failed statement may have aborted the transaction: the round starts again without this event.
            throw new EventFailed(event.id, err);
          }
          projected.push({ storeId: event.storeId, id: event.id, result: outcome.result });
          if (outcome.dispatchIds.length) deliveries.push({ storeId: event.storeId, ids: outcome.dispatchIds });
          result.projected++;
        } catch (err) {
          if (err instanceof EventFailed) throw err;
          const attempts = event.attempts + 1;
          if (isPermanent(err)) {
            await inbox.park(event.storeId, event.id, message(err));
            result.parked++;
          } else if (attempts >= this.policy.maxAttempts) {
            await inbox.park(event.storeId, event.id, `failed ${attempts} times; last error: ${message(err)}`);
            result.parked++;
          } else {
            const backoff = Math.min(this.policy.maxBackoffMs, this.policy.backoffMs * 2 ** (attempts - 1));
            await inbox.markFailed(event.storeId, event.id, message(err), backoff);
            result.retried++;
          }
        }
        await this.deps.afterEvent?.(event);
      }
      try {
        // Its signals were written after every event's own (a revocation's): they go out after them, as they were written.
        deliveries.push(...(await round.flush(em)));
      } catch (err) {
        throw new BatchFailed(message(err));
      }
      await inbox.markProjected(projected);
      if (this.deps.customers) {
        const touched = touchedCustomers(projected);
        if (touched.length) await this.deps.customers.recordTouched(em, touched);
      }
    });
    if (projected.length) this.deps.customers?.committed();
    this.deliver(deliveries);
    return result;
  }

  /**
   * Signals go out after the commit without holding up the next round: one delivery at a time, taking every round
   * that committed meanwhile (up to `deliveryBatch` signals), so a customer's signals keep their order (a refund's
   * revocation never overtakes the purchase it revokes). Within a delivery the dispatcher runs customers side by
   * side. Across processes its claim keeps that order (an earlier row still owed holds back a later one).
   */
  private deliver(deliveries: Delivery[]): void {
    this.deliveryQueue.push(...deliveries);
    if (this.delivering || !this.deliveryQueue.length) return;
    const batch: Delivery[] = [];
    for (let n = 0; this.deliveryQueue.length && (n === 0 || n + this.deliveryQueue[0]!.ids.length <= this.policy.deliveryBatch); ) {
      const next = this.deliveryQueue.shift()!;
      batch.push(next);
      n += next.ids.length;
    }
    this.delivering = this.deps.signals
      .deliverBatch(batch)
      .then(
        () => undefined,
        (err) => this.deps.logger?.warn(`signal delivery failed (the dispatch sweep retries it): ${message(err)}`),
      )
      .finally(() => {
        this.delivering = null;
        this.deliver([]);
      });
  }

  private async listen(): Promise<void> {
    if (!this.deps.listenUrl || this.listener || this.connecting || !this.running) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: this.deps.listenUrl });
    try {
      client.on('error', () => {
        if (this.listener === client) this.listener = null;
        void client.end().catch(() => undefined);
      });
      client.on('notification', () => this.wake());
      await client.connect();
      await client.query('listen inbox_event');
      if (this.running) this.listener = client;
      else await client.end();
    } catch {
      // The database is unreachable: the poll retries the connection.
      await client.end().catch(() => undefined);
    } finally {
      this.connecting = false;
    }
  }
}
