import type { RetentionWorkerSettings } from './retention-worker.js';

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
  };
}
