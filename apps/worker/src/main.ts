import { existsSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import { openOrm, TableStatisticsKeeper } from '@boomerang/persistence';
import { RetentionLifecycle } from '@boomerang/temporal-client';
import { BUNDLE_PATH } from './bundle-path.js';
import { loadWorkerConfigOrExit } from './config.js';
import { createIntakeProjector, INTAKE_HOT_TABLES } from './intake-projector.js';
import { createRetentionWorker } from './retention-worker.js';
import { WebhookWaker } from '@boomerang/integrations';

const config = loadWorkerConfigOrExit();
const orm = await openOrm(config.databaseUrl);
const connection = await NativeConnection.connect({ address: config.temporalAddress });
const lifecycle = await RetentionLifecycle.connect({ address: config.temporalAddress, namespace: config.namespace });
const worker = await createRetentionWorker({
  connection,
  orm,
  lifecycle,
  settings: config,
  workflowBundle: existsSync(BUNDLE_PATH) ? { codePath: BUNDLE_PATH } : undefined,
});
console.log(
  `[worker] polling task queue "retention" on ${config.temporalAddress} (email: ${config.postmark ? 'postmark' : 'outbox in PostgreSQL'})`,
);
// The inbox projector: accepted webhooks, sync pages and imports into the model, then their retention signals.
const projector = createIntakeProjector({ orm, lifecycle, databaseUrl: config.databaseUrl, platforms: config });
projector.start();
console.log('[worker] projecting the intake inbox (LISTEN inbox_event)');
// Outgoing webhooks: each committed delivery wakes its endpoint's workflow (LISTEN webhook_delivery), plus a sweep.
const webhookWaker = new WebhookWaker({
  orm,
  listenUrl: config.databaseUrl,
  lifecycle: lifecycle.webhookDeliveries(),
  policy: config.webhooks,
  logger: { warn: (m) => console.warn(`[webhooks] ${m}`) },
});
webhookWaker.start();
// The tables the projector and the dispatcher query as they fill: their statistics kept current (see the keeper).
const statistics = new TableStatisticsKeeper(orm, INTAKE_HOT_TABLES);
statistics.start((err) => console.warn(`[worker] analyze failed: ${(err as Error).message}`));
// run() resolves after SIGINT/SIGTERM once in-flight tasks finish (the SDK installs the signal handlers).
await worker.run();
statistics.stop();
await webhookWaker.stop();
await projector.stop();
await lifecycle.close();
await connection.close();
await orm.close(true);
console.log('[worker] stopped');
