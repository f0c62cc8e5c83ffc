import type { RetentionWorkerSettings } from '@boomerang/retention';

/** Every variable the worker reads, parsed once. */
export interface WorkerConfig extends RetentionWorkerSettings {
  databaseUrl: string;
  temporalAddress: string;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required (npm start sets it for you)');
  return {
    databaseUrl: env.DATABASE_URL,
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.API_PORT ?? 3000}`).replace(/\/$/, ''),
    unsubscribeSecret: env.UNSUBSCRIBE_SECRET ?? 'dev-unsubscribe-secret',
    postmark: env.POSTMARK_SERVER_TOKEN
      ? {
          serverToken: env.POSTMARK_SERVER_TOKEN,
          requestHost: env.POSTMARK_REQUEST_HOST || undefined,
          broadcastStream: env.POSTMARK_BROADCAST_STREAM ?? 'broadcast',
          transactionalStream: env.POSTMARK_TRANSACTIONAL_STREAM ?? 'outbound',
          timeoutSeconds: Number(env.POSTMARK_TIMEOUT_SECONDS ?? 30),
        }
      : null,
    tuning: {
      maxCachedWorkflows: positiveInt(env, 'WORKER_MAX_CACHED_WORKFLOWS'),
      providerIndexDelayMs: positiveInt(env, 'POSTMARK_INDEX_DELAY_SECONDS', 1000),
    },
  };
}

/** An optional positive integer variable (times `scale`); unset means the worker's default. */
function positiveInt(env: NodeJS.ProcessEnv, name: string, scale = 1): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value * scale;
}
