import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { SegmentEvaluator } from './segment-evaluator.js';
import { SegmentMembershipRepository } from './segment-membership.repository.js';

export interface SegmentSchedulerPolicy {
  /** The longest sleep between two looks at the queue (backs up the timer and the projector's wake-ups, and serves other replicas' marks). */
  pollMs: number;
  /** Due checks claimed per transaction. */
  batch: number;
}

export const DEFAULT_SEGMENT_SCHEDULER_POLICY: SegmentSchedulerPolicy = { pollMs: 1_000, batch: 1_000 };

export interface SegmentSchedulerDeps {
  orm: MikroORM;
  clock?: () => Date;
  policy?: Partial<SegmentSchedulerPolicy>;
  logger?: { warn(message: string): void };
}

/** The customers a projection round touched, per store. */
export interface TouchedCustomers {
  storeId: string;
  customerIds: string[];
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Keeps segment membership current in the worker. A projection round marks the customers it touched as due (in its
 * own transaction: `recordTouched`) and wakes the scheduler when it commits (`committed`); each evaluation leaves the
 * next instant a time-relative criterion can flip as the pair's due time, and the scheduler sleeps exactly until the
 * earliest one (at most `pollMs`), so a customer leaves "ordered within the last 60 days" when the 60 days end. Due
 * checks and segments to evaluate in full are claimed with `FOR UPDATE SKIP LOCKED`: any number of worker replicas
 * share the queue, and a pair is never evaluated by two at once.
 */
export class SegmentScheduler {
  private readonly policy: SegmentSchedulerPolicy;
  private readonly clock: () => Date;
  private readonly evaluator = new SegmentEvaluator();
  private running = false;
  private timer?: NodeJS.Timeout;
  private current: Promise<void> | null = null;
  private again = false;

  constructor(private readonly deps: SegmentSchedulerDeps) {
    this.policy = { ...DEFAULT_SEGMENT_SCHEDULER_POLICY, ...deps.policy };
    this.clock = deps.clock ?? (() => new Date());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    while (this.current) await this.current;
  }

  /** In a projection round's transaction: its customers are due for every segment of their store. */
  async recordTouched(em: EntityManager, touched: readonly TouchedCustomers[]): Promise<void> {
    const memberships = new SegmentMembershipRepository(em);
    const now = this.clock();
    for (const t of [...touched].sort((a, b) => a.storeId.localeCompare(b.storeId))) await memberships.markDue(t.storeId, t.customerIds, now);
  }

  /** The round committed: evaluate its customers now. */
  committed(): void {
    this.wake();
  }

  /** Runs now (or right after the run in progress). */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.current = (async () => {
      let delay = this.policy.pollMs;
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again && this.running);
        delay = await this.untilNextDue();
      } catch (err) {
        this.deps.logger?.warn(`segment evaluation failed (retried in ${this.policy.pollMs} ms): ${message(err)}`);
      } finally {
        this.current = null;
      }
      if (this.running) {
        this.timer = setTimeout(() => this.wake(), delay);
        this.timer.unref();
      }
    })();
  }

  /** Evaluates everything due now: edited segments in full, then due checks until none is left. */
  async drain(): Promise<{ segments: number; checks: number; entered: number; left: number }> {
    const total = { segments: 0, checks: 0, entered: 0, left: 0 };
    for (;;) {
      const full = await this.deps.orm.em.fork().transactional((em) => this.evaluator.evaluateNextSegment(em, this.clock()));
      if (!full) break;
      total.segments++;
      total.entered += full.entered;
      total.left += full.left;
    }
    for (;;) {
      const due = await this.deps.orm.em.fork().transactional((em) => this.evaluator.evaluateDue(em, this.clock(), this.policy.batch));
      total.checks += due.claimed;
      total.entered += due.entered;
      total.left += due.left;
      if (due.claimed < this.policy.batch) break;
    }
    return total;
  }

  /** Milliseconds until the earliest future check (1 ms past it), at most `pollMs`. */
  private async untilNextDue(): Promise<number> {
    const next = await new SegmentMembershipRepository(this.deps.orm.em.fork()).nextDueAt();
    if (!next) return this.policy.pollMs;
    return Math.min(this.policy.pollMs, Math.max(1, next.getTime() - this.clock().getTime() + 1));
  }
}
