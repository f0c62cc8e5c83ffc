import type { RetentionLifecycle } from '@boomerang/temporal-client';
import { RetentionDispatchSchema, type MikroORM, type RetentionDispatch } from '@boomerang/persistence';

export interface DispatchLogger {
  warn(message: string): void;
}

/**
 * Delivers recorded purchases to Temporal. Called right after the webhook's transaction commits, and
 * by a sweep that retries anything left behind (Temporal down, process killed between commit and signal).
 * Delivery is at-least-once; the workflow ignores a purchase it already has.
 */
export class RetentionDispatcher {
  constructor(
    private readonly orm: MikroORM,
    private readonly lifecycle: RetentionLifecycle,
    private readonly logger: DispatchLogger,
  ) {}

  async deliver(ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const em = this.orm.em.fork();
    const rows = await em.find(RetentionDispatchSchema, { id: { $in: ids }, dispatchedAt: null });
    return this.send(rows);
  }

  /** Retries undelivered rows older than `minAgeMs` (younger ones are still being delivered by their request). */
  async sweep(limit = 500, minAgeMs = 5_000): Promise<number> {
    const em = this.orm.em.fork();
    const rows = await em.find(
      RetentionDispatchSchema,
      { dispatchedAt: null, createdAt: { $lt: new Date(Date.now() - minAgeMs) } },
      { orderBy: { id: 'asc' }, limit },
    );
    return this.send(rows);
  }

  private async send(rows: RetentionDispatch[]): Promise<number> {
    let delivered = 0;
    for (const row of rows) {
      try {
        const target = {
          storeId: row.storeId,
          ruleId: row.ruleId,
          customerId: row.customerId,
          email: row.email,
          windowSeconds: row.windowSeconds,
          orderId: row.orderId,
        };
        if (row.kind === 'revoke') await this.lifecycle.revokePurchase(target);
        else await this.lifecycle.recordPurchase({ ...target, purchasedAt: row.purchasedAt });
        await this.orm.em.fork().nativeUpdate(RetentionDispatchSchema, { id: row.id }, { dispatchedAt: new Date(), attempts: row.attempts + 1 });
        delivered++;
      } catch (err) {
        const message = (err as Error).message;
        this.logger.warn(`retention dispatch ${row.id} not delivered yet: ${message}`);
        await this.orm.em.fork().nativeUpdate(RetentionDispatchSchema, { id: row.id }, { attempts: row.attempts + 1, lastError: message });
      }
    }
    return delivered;
  }
}
