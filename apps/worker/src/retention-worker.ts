import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { OutboxTransport, PostmarkTransport, TemplateCompiler, type EmailTransport, type PostmarkSettings, type SystemMailer } from '@boomerang/email';
import { PreparedStatements, type MikroORM } from '@boomerang/persistence';
import type { RetentionLifecycle } from '@boomerang/temporal-client';
import { INTEGRATIONS_TASK_QUEUE, RETENTION_TASK_QUEUE, RULES_TASK_QUEUE, STORE_SYNC_TASK_QUEUE } from '@boomerang/workflows';
import { UnsubscribeTokens } from '@boomerang/engagement';
import {
  createDirectMessageActivities,
  createRetentionActivities,
  createRetentionBackfill,
  createRuleSyncActivities,
  createTestSendActivities,
} from '@boomerang/retention';
import { IntakeService } from '@boomerang/intake';
import { createSyncActivities, CredentialsCipher, type SyncIntakePort, type SyncSourcePort } from '@boomerang/stores';
import { createAppRegistry, createWebhookActivities, EmailWebhookAlerts, WebhookSender } from '@boomerang/integrations';
import { workerConnections } from './store-connections.js';
import { webhookSettings, type PlatformSettings, type WebhookSettings } from '@boomerang/validation';

const require = createRequire(import.meta.url);

/** The worker opens stored credentials (CREDENTIALS_KEY) to read the platforms' APIs: historical sync. */
export interface RetentionWorkerSettings extends PlatformSettings {
  namespace: string;
  publicUrl: string;
  unsubscribeSecret: string;
  postmark: PostmarkSettings | null;
  /** Optional tuning; the defaults below are the measured ones (tests shrink the cache to force evictions). */
  tuning?: RetentionWorkerTuning;
  /** Outgoing webhooks (default: a day's retries, private receivers refused). */
  webhooks?: WebhookSettings;
  /** Where a disabled endpoint's alert comes from and links to. */
  alerts?: { from: string; dashboardUrl: string };
}

export interface RetentionWorkerTuning {
  /** Workflows kept in memory (default 100); the customer queue's task slots never exceed it. */
  maxCachedWorkflows?: number;
  /** How long Postmark takes to list a message in its search (default five minutes). */
  providerIndexDelayMs?: number;
}

/** The compiled workflow entry of @boomerang/workflows, resolved the way Node resolves the package. */
export function compiledWorkflowsPath(): string {
  return require.resolve('@boomerang/workflows').replace(/index\.js$/, 'workflows.js');
}

function isSystemMailer(transport: EmailTransport): transport is EmailTransport & SystemMailer {
  return typeof (transport as Partial<SystemMailer>).sendSystem === 'function';
}

export function transportFor(settings: RetentionWorkerSettings): EmailTransport {
  return settings.postmark ? new PostmarkTransport(settings.postmark) : new OutboxTransport();
}

export interface RetentionWorkerParts {
  connection: NativeConnection;
  orm: MikroORM;
  /** The client facade rule-sync activities use to reach each customer's workflow. */
  lifecycle: RetentionLifecycle;
  settings: RetentionWorkerSettings;
  /** A prebuilt bundle (production, tests); without one the SDK bundles the compiled workflows at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  transport?: EmailTransport;
  /** Where historical syncs read a store's orders (default: its connection) and hand them (default: intake). */
  sync?: { sources?: SyncSourcePort; intake?: SyncIntakePort };
}

/** A store's orders come from its platform, through the client its stored connection opens. */
function connectionSyncSources(orm: MikroORM, settings: RetentionWorkerSettings): SyncSourcePort {
  const connections = workerConnections(orm, settings);
  return (storeId) => connections.platformClientFor(orm.em.fork(), storeId);
}

/** The worker process's pollers: customers' retention workflows, rule-wide operations, historical syncs and outgoing webhooks. */
export interface RetentionWorkers {
  run(): Promise<void>;
  shutdown(): void;
}

export async function createRetentionWorker(parts: RetentionWorkerParts): Promise<RetentionWorkers> {
  const statements = PreparedStatements.forOrm(parts.orm);
  const sendDeps = {
    orm: parts.orm,
    statements,
    transport: parts.transport ?? transportFor(parts.settings),
    templates: new TemplateCompiler(),
    unsubscribe: new UnsubscribeTokens(parts.settings.unsubscribeSecret),
    publicUrl: parts.settings.publicUrl,
    providerIndexDelayMs: parts.settings.tuning?.providerIndexDelayMs,
  };
  const cached = parts.settings.tuning?.maxCachedWorkflows ?? 100;
  const slots = Math.min(100, cached);
  const common = {
    connection: parts.connection,
    namespace: parts.settings.namespace,
    ...(parts.workflowBundle ? { workflowBundle: parts.workflowBundle } : { workflowsPath: compiledWorkflowsPath() }),
  };
  const customers = await Worker.create({
    ...common,
    taskQueue: RETENTION_TASK_QUEUE,
    // Most retention workflows sleep for weeks: keep few in memory and replay the rest when a timer fires. At least
    // the task slots below (the SDK requires it); 100 rather than 250 cut the worker's CPU per send in the due
    // minute (8.4 ms against 9.6–10.3 ms; a smaller heap to collect) and its peak memory.
    maxCachedWorkflows: cached,
    // When many sends fall due at once the server has a backlog: more polls and task slots keep tasks matched to
    // a waiting poll instead of queued on the server (due-minute ceiling: less idle time, p99 lower; see README).
    maxConcurrentWorkflowTaskPolls: Math.min(20, slots),
    maxConcurrentWorkflowTaskExecutions: slots,
    activities: createRetentionActivities(sendDeps),
  });
  const rules = await Worker.create({
    ...common,
    taskQueue: RULES_TASK_QUEUE,
    maxCachedWorkflows: 50,
    activities: {
      ...createTestSendActivities(sendDeps),
      ...createDirectMessageActivities(sendDeps),
      ...createRuleSyncActivities({ orm: parts.orm, lifecycle: parts.lifecycle }),
    },
  });
  const webhooks = parts.settings.webhooks ?? webhookSettings({});
  const sender = new WebhookSender({ allowPrivateAddresses: webhooks.allowPrivateAddresses, timeoutMs: webhooks.timeoutMs });
  const alerts = parts.settings.alerts ?? { from: 'Boomerang <no-reply@boomerang.localhost>', dashboardUrl: 'http://localhost:5173' };
  const integrations = await Worker.create({
    ...common,
    taskQueue: INTEGRATIONS_TASK_QUEUE,
    maxCachedWorkflows: 100,
    activities: createWebhookActivities({
      orm: parts.orm,
      sealer: CredentialsCipher.fromBase64(parts.settings.credentialsKey),
      sender,
      // Apps deliver through their service's API; loopback services only where private receivers are allowed (tests).
      apps: createAppRegistry({ allowLoopback: webhooks.allowPrivateAddresses, timeoutMs: webhooks.timeoutMs, mailchimpBaseUrl: webhooks.mailchimpBaseUrl }),
      disableAfterMs: webhooks.disableAfterMs,
      // Both transports send system email (the outbox stores it, Postmark sends it on the transactional stream).
      alerts: isSystemMailer(sendDeps.transport) ? new EmailWebhookAlerts(sendDeps.transport, alerts.from, alerts.dashboardUrl) : undefined,
    }),
  });
  const sync = await Worker.create({
    ...common,
    taskQueue: STORE_SYNC_TASK_QUEUE,
    maxCachedWorkflows: 20,
    activities: createSyncActivities({
      orm: parts.orm,
      sources: parts.sync?.sources ?? connectionSyncSources(parts.orm, parts.settings),
      // Sync pages go through the inbox like webhooks: one projection path, in order with them per customer.
      intake: parts.sync?.intake ?? new IntakeService(parts.orm),
      backfill: createRetentionBackfill({ orm: parts.orm, lifecycle: parts.lifecycle }),
    }),
  });
  return {
    async run() {
      try {
        await Promise.all([customers.run(), rules.run(), sync.run(), integrations.run()]);
      } finally {
        sender.close();
        await statements.close();
      }
    },
    shutdown() {
      customers.shutdown();
      rules.shutdown();
      sync.shutdown();
      integrations.shutdown();
    },
  };
}
