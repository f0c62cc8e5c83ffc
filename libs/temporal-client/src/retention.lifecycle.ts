import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import {
  CUSTOMER_ATTRIBUTE,
  purchaseSignal,
  RETENTION_STATE_ATTRIBUTE,
  RETENTION_TASK_QUEUE,
  retentionSnapshotQuery,
  RULE_ID_ATTRIBUTE,
  STORE_ID_ATTRIBUTE,
  type RetentionSnapshot,
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
    await this.client.connection.withDeadline(deadline, () => this.signalWithStart(workflowId, cmd));
    return workflowId;
  }

  private signalWithStart(workflowId: string, cmd: RecordPurchaseCommand) {
    return this.client.workflow.signalWithStart('retentionWorkflow', {
      workflowId,
      taskQueue: RETENTION_TASK_QUEUE,
      args: [
        {
          storeId: cmd.storeId,
          ruleId: cmd.ruleId,
          customerId: cmd.customerId,
          email: cmd.email,
          windowSeconds: cmd.windowSeconds,
        },
      ],
      signal: purchaseSignal,
      signalArgs: [{ orderId: cmd.orderId, purchasedAt: cmd.purchasedAt.toISOString() }],
      typedSearchAttributes: [
        { key: STORE_ID_ATTRIBUTE, value: cmd.storeId },
        { key: RULE_ID_ATTRIBUTE, value: cmd.ruleId },
        { key: CUSTOMER_ATTRIBUTE, value: cmd.email },
        { key: RETENTION_STATE_ATTRIBUTE, value: 'waiting' },
      ],
    });
  }

  /** The running workflow's view, or null when there is none. */
  async snapshot(storeId: string, ruleId: string, email: string): Promise<RetentionSnapshot | null> {
    try {
      return await this.client.workflow.getHandle(retentionWorkflowId(storeId, ruleId, email)).query(retentionSnapshotQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}
