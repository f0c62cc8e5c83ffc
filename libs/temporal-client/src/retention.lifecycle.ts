import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import {
  CUSTOMER_ATTRIBUTE,
  purchaseSignal,
  revokePurchaseSignal,
  ruleChangedSignal,
  RETENTION_STATE_ATTRIBUTE,
  RETENTION_TASK_QUEUE,
  RULES_TASK_QUEUE,
  RULE_ID_ATTRIBUTE,
  STORE_ID_ATTRIBUTE,
  type RetentionState,
  type RetentionWorkflowInput,
  type RuleChangedSignal,
  type RuleSyncInput,
  type TestSendInput,
  type TestSendResult,
} from '@boomerang/workflows';
import { retentionWorkflowId } from './retention-ids.js';

export interface TemporalSettings {
  address: string;
  namespace: string;
  callTimeoutMs?: number;
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

  /** `state` is what the workflow will enter on its first task; it adopts it without an upsert. */
  private startOptions(cmd: Omit<RecordPurchaseCommand, 'orderId' | 'purchasedAt'>, state: RetentionState = 'armed') {
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
      signal: purchaseSignal,
      signalArgs: [{ orderId: cmd.orderId, purchasedAt: cmd.purchasedAt.toISOString() }],
    });
  }

  /** The order that armed a timer was cancelled or refunded. A workflow that is not running has nothing to revoke. */
  async revokePurchase(cmd: { storeId: string; ruleId: string; email: string; orderId: string }): Promise<void> {
    await this.ignoreMissing(() =>
      this.client.connection.withDeadline(Date.now() + this.callTimeoutMs, () =>
        this.client.workflow.getHandle(retentionWorkflowId(cmd.storeId, cmd.ruleId, cmd.email)).signal(revokePurchaseSignal, { orderId: cmd.orderId }),
      ),
    );
  }

  /** Tells one customer's running workflow that its rule changed; returns false when none runs. */
  async ruleChanged(cmd: { storeId: string; ruleId: string; email: string; change: RuleChangedSignal }): Promise<boolean> {
    const signalled = await this.ignoreMissing(async () => {
      await this.client.workflow.getHandle(retentionWorkflowId(cmd.storeId, cmd.ruleId, cmd.email)).signal(ruleChangedSignal, cmd.change);
      return true;
    });
    return signalled ?? false;
  }

  /** After a product-filter change: replaces the customer's purchase history, starting the workflow if needed. */
  async replacePurchases(cmd: Omit<RecordPurchaseCommand, 'orderId' | 'purchasedAt'> & { change: RuleChangedSignal }): Promise<void> {
    await this.client.workflow.signalWithStart('retentionWorkflow', {
      ...this.startOptions(cmd),
      signal: ruleChangedSignal,
      signalArgs: [cmd.change],
    });
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

  private async ignoreMissing<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}
