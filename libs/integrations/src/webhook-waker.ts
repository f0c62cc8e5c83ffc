import type { MikroORM } from '@boomerang/persistence';
import type { WebhookEndpointInput } from '@boomerang/workflows';
import pg from 'pg';
import { WebhookRepository } from './webhook.repository.js';

export interface WebhookWakePort {
  wake(input: WebhookEndpointInput): Promise<void>;
}

export interface WebhookWakerPolicy {
  /** The endpoint workflow's own look without a wake-up. */
  idlePollMs: number;
  maxRetryIntervalMs: number;
  /** How often every endpoint with deliveries owed is woken (covers notifications lost while disconnected). */
  sweepMs: number;
}

export interface WebhookWakerDeps {
  orm: MikroORM;
  listenUrl: string;
  lifecycle: WebhookWakePort;
  policy: WebhookWakerPolicy;
  logger?: { warn(message: string): void };
}

/**
 * In the worker: LISTENs `webhook_delivery` (a delivery row committed, or an endpoint enabled or deleted) and wakes
 * that endpoint's delivery workflow, at most one signal in flight per endpoint (more notifications meanwhile make one
 * more). A sweep at start and every `sweepMs` wakes every endpoint with deliveries owed.
 */
export class WebhookWaker {
  private listener: pg.Client | null = null;
  private running = false;
  private sweepTimer?: NodeJS.Timeout;
  private readonly queued = new Map<string, string>();
  private readonly inFlight = new Set<string>();
  private readonly again = new Set<string>();

  constructor(private readonly deps: WebhookWakerDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.listen();
    void this.sweep();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.sweepTimer);
    const listener = this.listener;
    this.listener = null;
    if (!listener) return;
    // A connection the server already dropped may never answer `end()`: give it a second, then cut the socket.
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      listener.end().then(() => true, () => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1_000))),
    ]);
    clearTimeout(timer);
    if (!ended) (listener as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }

  /** `storeId:endpointId` (the notification's payload). */
  wakeFromPayload(payload: string | undefined): void {
    const [storeId, endpointId] = (payload ?? '').split(':');
    if (storeId && endpointId) this.wake(storeId, endpointId);
  }

  wake(storeId: string, endpointId: string): void {
    if (this.inFlight.has(endpointId)) {
      this.again.add(endpointId);
      return;
    }
    this.inFlight.add(endpointId);
    void this.deps.lifecycle
      .wake({ storeId, endpointId, idlePollMs: this.deps.policy.idlePollMs, maxRetryIntervalMs: this.deps.policy.maxRetryIntervalMs })
      .catch((err: Error) => this.deps.logger?.warn(`waking webhook endpoint ${endpointId} failed (the sweep retries): ${err.message}`))
      .finally(() => {
        this.inFlight.delete(endpointId);
        if (this.again.delete(endpointId) && this.running) this.wake(storeId, endpointId);
      });
  }

  private async sweep(): Promise<void> {
    try {
      for (const owed of await new WebhookRepository(this.deps.orm.em.fork()).endpointsOwed(1_000)) this.wake(owed.storeId, owed.endpointId);
      if (!this.listener) void this.listen();
    } catch (err) {
      this.deps.logger?.warn(`webhook sweep failed: ${(err as Error).message}`);
    } finally {
      if (this.running) {
        this.sweepTimer = setTimeout(() => void this.sweep(), this.deps.policy.sweepMs);
        this.sweepTimer.unref();
      }
    }
  }

  private connecting = false;

  private async listen(): Promise<void> {
    if (this.listener || this.connecting || !this.running) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: this.deps.listenUrl });
    try {
      client.on('error', () => {
        if (this.listener === client) this.listener = null;
        void client.end().catch(() => undefined);
      });
      client.on('notification', (n) => this.wakeFromPayload(n.payload));
      await client.connect();
      await client.query('listen webhook_delivery');
      if (this.running) this.listener = client;
      else await client.end();
    } catch {
      // Unreachable: the sweep reconnects.
      await client.end().catch(() => undefined);
    } finally {
      this.connecting = false;
    }
  }
}
