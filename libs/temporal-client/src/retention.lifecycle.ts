import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { snapshotBeforeFirstTask, type HistoryReader } from './delayed-snapshot.js';
import {
  CUSTOMER_ATTRIBUTE,
  purchaseSignal,
  RETENTION_WORKFLOW_VERSION,
  retentionSnapshotQuery,
  revokePurchaseSignal,
  ruleChangedSignal,
  RETENTION_STATE_ATTRIBUTE,
  RETENTION_TASK_QUEUE,
  RULES_TASK_QUEUE,
  RULE_ID_ATTRIBUTE,
  STORE_ID_ATTRIBUTE,
  type RetentionSnapshot,
  type RetentionState,
  type RetentionWorkflowInput,
  type RuleChangedSignal,
  type RuleSyncInput,
  type TestSendInput,
  type TestSendResult,
  directMessageWorkflowId,
  type DirectMessageInput,
  type DirectMessageOutcome,
} from '@boomerang/workflows';
import { HistoricalSyncLifecycle, type StartHistoricalSync } from './historical-sync.lifecycle.js';
import { retentionWorkflowId } from './retention-ids.js';
import { WebhookDeliveryLifecycle } from './webhook-delivery.lifecycle.js';

export interface TemporalSettings {
  address: string;
  namespace: string;
  callTimeoutMs?: number;
}

/**
 * Below this, a new workflow starts at once; above it, the server holds the start until the purchase falls due.
 * A held workflow costs no workflow task, no timer and no worker memory until then, which is what lets a
 * back-fill schedule 100,000 customers at the server's start rate. Any signal-with-start (a newer purchase, a
 * refund, a rule change) wakes it early.
 */
const START_DELAY_THRESHOLD_MS = 2_000;

/** Which customer's workflow a call is about. */
export interface RetentionTarget {
  storeId: string;
  ruleId: string;
  customerId: string;
  email: string;
  windowSeconds: number;
}

export interface RecordPurchaseCommand {
  storeId: string;
  ruleId: string;
  customerId: string;
  email: string;
  windowSeconds: number;
  orderId: string;
  purchasedAt: Date;
}

/**
 * The one door to Temporal: speaks in retention intents and owns workflow ids and search attributes.
 * Nothing else in the codebase imports @temporalio/client.
 */
export class RetentionLifecycle {
  private constructor(
    private readonly client: Client,
    private readonly connection: Connection | null,
    /** Bounds each call so a webhook never hangs on an unreachable server; the outbox retries later. */
    private readonly callTimeoutMs = 5_000,
  ) {}

  static async connect(settings: TemporalSettings): Promise<RetentionLifecycle> {
    const connection = await Connection.connect({ address: settings.address });
    return new RetentionLifecycle(new Client({ connection, namespace: settings.namespace }), connection, settings.callTimeoutMs);
  }

  /**
   * Connects on the first call instead of at start-up, so the api starts, and keeps accepting webhooks into its
   * outbox, while Temporal is unreachable. Reconnection backoff is capped so calls resume soon after it is back.
   */
  static lazy(settings: TemporalSettings): RetentionLifecycle {
    const connection = Connection.lazy({ address: settings.address, channelArgs: { 'grpc.max_reconnect_backoff_ms': 5_000 } });
    return new RetentionLifecycle(new Client({ connection, namespace: settings.namespace }), connection, settings.callTimeoutMs);
  }

  /** Outgoing webhooks' intents, on the same connection. */
  webhookDeliveries(): WebhookDeliveryLifecycle {
    return new WebhookDeliveryLifecycle(this.client);
  }

  /** For tests and the worker process, which already hold a client. */
  static fromClient(client: Client): RetentionLifecycle {
    return new RetentionLifecycle(client, null);
  }

  /** Arms (or re-arms) the customer's timer for a rule: starts the workflow if it is not running. */
  async recordPurchase(cmd: RecordPurchaseCommand): Promise<string> {
    const workflowId = retentionWorkflowId(cmd.storeId, cmd.ruleId, cmd.email);
    const deadline = Date.now() + this.callTimeoutMs;
    await this.client.connection.withDeadline(deadline, () => this.signalWithStart(cmd));
    return workflowId;
  }

  /**
   * Schedules a customer found by a back-fill: one plain start, held until the send falls due, carrying the
   * purchase in its input (cheaper for the server than a signal). A workflow that already runs (the customer
   * bought meanwhile) gets the purchase as a signal instead.
   */
  async schedulePurchase(cmd: RecordPurchaseCommand): Promise<string> {
    const options = this.startOptions(cmd);
    const purchase = { orderId: cmd.orderId, purchasedAt: cmd.purchasedAt.toISOString() };
    try {
      await this.client.workflow.start('retentionWorkflow', {
        ...options,
        args: [{ ...options.args[0], purchases: [purchase] }],
        ...this.heldUntilDue(cmd.purchasedAt, cmd.windowSeconds),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await this.signalWithStart(cmd);
    }
    return options.workflowId;
  }

  /** `state` is what the workflow will enter on its first task; it adopts it without an upsert. */
  private startOptions(cmd: RetentionTarget, state: RetentionState = 'armed', startedBy: 'purchase' | 'control' = 'purchase') {
    return {
      workflowId: retentionWorkflowId(cmd.storeId, cmd.ruleId, cmd.email),
      taskQueue: RETENTION_TASK_QUEUE,
      args: [
        {
          storeId: cmd.storeId,
          ruleId: cmd.ruleId,
          customerId: cmd.customerId,
          email: cmd.email,
          windowSeconds: cmd.windowSeconds,
          startState: state,
          version: RETENTION_WORKFLOW_VERSION,
          startedBy,
        },
      ] as [RetentionWorkflowInput],
      typedSearchAttributes: [
        { key: STORE_ID_ATTRIBUTE, value: cmd.storeId },
        { key: RULE_ID_ATTRIBUTE, value: cmd.ruleId },
        { key: CUSTOMER_ATTRIBUTE, value: cmd.email },
        { key: RETENTION_STATE_ATTRIBUTE, value: state },
      ],
    };
  }

  private signalWithStart(cmd: RecordPurchaseCommand) {
    return this.client.workflow.signalWithStart('retentionWorkflow', {
      ...this.startOptions(cmd),
      ...this.heldUntilDue(cmd.purchasedAt, cmd.windowSeconds),
      signal: purchaseSignal,
      signalArgs: [{ orderId: cmd.orderId, purchasedAt: cmd.purchasedAt.toISOString() }],
    });
  }

  /** A new workflow whose purchase falls due later is held by the server until then (ignored when it exists). */
  private heldUntilDue(purchasedAt: Date, windowSeconds: number): { startDelay?: number } {
    const delayMs = purchasedAt.getTime() + windowSeconds * 1000 - Date.now();
    return delayMs > START_DELAY_THRESHOLD_MS ? { startDelay: delayMs } : {};
  }

  /** The order that armed a timer was cancelled or refunded. A workflow that is not running has nothing to revoke. */
  async revokePurchase(cmd: RetentionTarget & { orderId: string }): Promise<void> {
    await this.client.connection.withDeadline(Date.now() + this.callTimeoutMs, () =>
      this.control(cmd, revokePurchaseSignal, { orderId: cmd.orderId }),
    );
  }

  /** Tells one customer's running workflow that its rule changed; returns false when none runs. */
  async ruleChanged(cmd: RetentionTarget & { change: RuleChangedSignal }): Promise<boolean> {
    return this.control(cmd, ruleChangedSignal, cmd.change);
  }

  /**
   * Signals a running workflow and wakes it if the server still holds its start (a plain signal would wait for
   * the start delay). A run that ended is not revived: REJECT_DUPLICATE answers "already started" for it. When no
   * run ever existed, the run this creates has nothing to count from and ends on its first task.
   */
  private async control<T>(target: RetentionTarget, signal: SignalDefinition<[T]>, arg: T): Promise<boolean> {
    try {
      await this.client.workflow.signalWithStart('retentionWorkflow', {
        ...this.startOptions(target, 'waiting', 'control'),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        signal,
        signalArgs: [arg],
      });
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    }
  }

  /** After a product-filter change: replaces the customer's purchase history, starting the workflow if needed. */
  async replacePurchases(cmd: RetentionTarget & { change: RuleChangedSignal }): Promise<void> {
    const times = (cmd.change.purchases ?? []).map((p) => Date.parse(p.purchasedAt));
    const latest = times.length ? new Date(Math.max(...times)) : null;
    await this.client.workflow.signalWithStart('retentionWorkflow', {
      ...this.startOptions(cmd),
      ...(latest ? this.heldUntilDue(latest, cmd.windowSeconds) : {}),
      signal: ruleChangedSignal,
      signalArgs: [cmd.change],
    });
  }

  /**
   * What a customer's workflow knows: its `snapshot` query, or, while the server still holds its start (nothing has
   * run yet, so nothing can answer a query), the same view read from its history.
   */
  async snapshot(target: { storeId: string; ruleId: string; email: string }): Promise<RetentionSnapshot> {
    const handle = this.client.workflow.getHandle(retentionWorkflowId(target.storeId, target.ruleId, target.email));
    const description = await handle.describe();
    // Held: its execution time (the due time) is still ahead. Woken early, its history shows tasks and the query answers.
    const held = description.status.name === 'RUNNING' && (description.executionTime?.getTime() ?? 0) > Date.now();
    if (held) {
      const history = await handle.fetchHistory();
      const before = snapshotBeforeFirstTask(history as HistoryReader, this.client.options.loadedDataConverter.payloadConverter);
      if (before) return before;
    }
    return handle.query(retentionSnapshotQuery);
  }

  /** Starts the durable walk over a rule's customers; one per (rule, revision), a second start is a no-op. */
  async syncRule(input: RuleSyncInput): Promise<string> {
    const workflowId = `rule-sync/${input.ruleId}/${input.revision}/${input.action}`;
    try {
      await this.client.workflow.start('ruleSyncWorkflow', {
        workflowId,
        taskQueue: RULES_TASK_QUEUE,
        args: [input],
        typedSearchAttributes: [
          { key: STORE_ID_ATTRIBUTE, value: input.storeId },
          { key: RULE_ID_ATTRIBUTE, value: input.ruleId },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return workflowId;
  }

  /** Renders a rule with one customer's data and sends it to `to`, on the worker; waits for the result. */
  async testSend(input: TestSendInput): Promise<TestSendResult> {
    return this.client.workflow.execute('testSendWorkflow', {
      workflowId: `test-send/${input.ruleId}/${Date.now().toString(36)}`,
      taskQueue: RULES_TASK_QUEUE,
      args: [input],
      workflowExecutionTimeout: '2 minutes',
    });
  }

  /**
   * Hands a merchant's message to the worker (one workflow per request id: the same request twice is one email) and
   * waits up to `waitMs` for the outcome; still sending after that, it answers `sending` and the workflow carries on.
   */
  async sendDirectMessage(input: DirectMessageInput, waitMs = 10_000): Promise<DirectMessageOutcome | { messageId: string; status: 'sending' }> {
    const workflowId = directMessageWorkflowId(input.storeId, input.requestId);
    const handle = await this.client.connection.withDeadline(Date.now() + this.callTimeoutMs, async () => {
      try {
        return await this.client.workflow.start('directMessageWorkflow', {
          workflowId,
          taskQueue: RULES_TASK_QUEUE,
          args: [input],
          // A completed message is never sent again for the same request, however late the repeat comes.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        return this.client.workflow.getHandle(workflowId);
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
    try {
      const outcome = await Promise.race([handle.result() as Promise<DirectMessageOutcome>, late]);
      return outcome ?? { messageId: input.messageId, status: 'sending' };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts the store's historical sync; `started: false` when one already runs. */
  async startHistoricalSync(input: StartHistoricalSync): Promise<{ workflowId: string; started: boolean }> {
    // Bounded like every request-path call: an unreachable Temporal fails the request instead of holding it.
    return this.client.connection.withDeadline(Date.now() + this.callTimeoutMs, () => new HistoricalSyncLifecycle(this.client).start(input));
  }

  /** The running (or last) historical sync's progress from its query; null when the store never had one. */
  async describeHistoricalSync(storeId: string) {
    return new HistoricalSyncLifecycle(this.client).describe(storeId);
  }

  /**
   * GDPR erasure: ends the customer's retention workflow of every rule of the store and deletes those executions
   * (every run, with its history and search attributes, which hold the address) from Temporal. Terminated first, so
   * nothing runs by the time this returns; the deletion itself completes on the server shortly after. A workflow that
   * does not exist is success. Answers how many executions it terminated and asked the server to delete.
   */
  async forgetCustomer(cmd: { storeId: string; email: string; ruleIds: readonly string[] }): Promise<{ terminated: number; deleted: number }> {
    // Bounded like the request path's other calls (a few per rule): an unreachable Temporal fails the erasure, which is retried.
    const deadline = Date.now() + this.callTimeoutMs * Math.max(2, Math.min(cmd.ruleIds.length, 20));
    return this.client.connection.withDeadline(deadline, () => this.forget(cmd));
  }

  private async forget(cmd: { storeId: string; email: string; ruleIds: readonly string[] }): Promise<{ terminated: number; deleted: number }> {
    let terminated = 0;
    const executions = new Map<string, { workflowId: string; runId?: string }>();
    for (const ruleId of cmd.ruleIds) {
      const workflowId = retentionWorkflowId(cmd.storeId, ruleId, cmd.email);
      try {
        await this.client.workflow.getHandle(workflowId).terminate('customer erased (GDPR)');
        terminated++;
      } catch (err) {
        if (!isGone(err)) throw err;
      }
      executions.set(workflowId, { workflowId });
    }
    // Earlier runs (continued-as-new, or ended and started again) are found through the customer's search attribute.
    if (!/["'\\]/.test(cmd.email)) {
      const query = `${STORE_ID_ATTRIBUTE.name} = '${cmd.storeId}' AND ${CUSTOMER_ATTRIBUTE.name} = '${cmd.email}'`;
      for await (const run of this.client.workflow.list({ query })) {
        executions.set(`${run.workflowId}/${run.runId}`, { workflowId: run.workflowId, runId: run.runId });
        if (run.status.name === 'RUNNING') {
          await this.client.workflow.getHandle(run.workflowId, run.runId).terminate('customer erased (GDPR)').then(() => terminated++, (err) => { if (!isGone(err)) throw err; });
        }
      }
    }
    let deleted = 0;
    for (const execution of executions.values()) {
      try {
        await this.client.workflowService.deleteWorkflowExecution({
          namespace: this.client.options.namespace,
          workflowExecution: { workflowId: execution.workflowId, runId: execution.runId },
        });
        deleted++;
      } catch (err) {
        if (!isNotFoundStatus(err)) throw err;
      }
    }
    return { terminated, deleted };
  }

  /**
   * Whether the server answers a cheap call (`getSystemInfo`) within `timeoutMs`: for the health route, and to tell
   * an outage from one request that times out.
   */
  async reachable(timeoutMs = 1_000): Promise<boolean> {
    try {
      await this.client.connection.withDeadline(Date.now() + timeoutMs, () => this.client.workflowService.getSystemInfo({}));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}

/** Terminating a workflow that does not exist, or has already ended, leaves nothing to do. */
function isGone(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  return isNotFoundStatus(err);
}

/** gRPC NOT_FOUND (5), on the error or its cause. */
function isNotFoundStatus(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (e.code === 5) return true;
  }
  return false;
}
