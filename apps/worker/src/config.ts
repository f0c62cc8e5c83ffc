import {
  ConfigError,
  DEV_SECRETS,
  envHostPort,
  envHttpUrl,
  envIntIn,
  envOptional as optional,
  envPostgresUrl,
  envTemporalNamespace,
  loadConfigOrExit,
  parseEnvironment,
  platformEnvironment,
  platformProductionIssues,
  platformSettings,
  weakSecret,
  webhookEnvironment,
  webhookProductionIssues,
  webhookSettings,
  type WebhookSettings,
} from '@boomerang/validation';
import { z } from 'zod';
import type { RetentionWorkerSettings } from './retention-worker.js';

// The rules every app shares (`@boomerang/validation`'s environment module): empty means unset, one message names
// every bad variable, and NODE_ENV=production refuses the public development secrets.

/** Every variable the worker reads, parsed once. */
export interface WorkerConfig extends RetentionWorkerSettings {
  databaseUrl: string;
  temporalAddress: string;
  webhooks: WebhookSettings;
  alerts: { from: string; dashboardUrl: string };
}

export { ConfigError };

// Postmark's requestHost is a bare host (optionally host:port), e.g. a fake server on loopback in tests.
const requestHost = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port');

const stream = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a Postmark message stream id');

const workerEnv = z.object({
  NODE_ENV: optional(z.string()),
  DATABASE_URL: envPostgresUrl,
  TEMPORAL_ADDRESS: optional(envHostPort),
  TEMPORAL_NAMESPACE: optional(envTemporalNamespace),
  // Only to derive the default PUBLIC_URL, as the api does.
  API_PORT: optional(envIntIn(0, 65_535)),
  PUBLIC_URL: optional(envHttpUrl),
  UNSUBSCRIBE_SECRET: optional(z.string()),
  POSTMARK_SERVER_TOKEN: optional(z.string()),
  POSTMARK_REQUEST_HOST: optional(requestHost),
  POSTMARK_BROADCAST_STREAM: optional(stream),
  POSTMARK_TRANSACTIONAL_STREAM: optional(stream),
  POSTMARK_TIMEOUT_SECONDS: optional(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds above 0, at most 600')
      .transform(Number)
      .refine((n) => n > 0 && n <= 600, 'must be a number of seconds above 0, at most 600'),
  ),
  // Tuning, unset in production: tests shrink the cache to force evictions and shorten Postmark's index delay.
  WORKER_MAX_CACHED_WORKFLOWS: optional(envIntIn(1, 100_000)),
  POSTMARK_INDEX_DELAY_SECONDS: optional(envIntIn(1, 3_600)),
  // Store connections: the worker opens stored credentials to call the platforms (historical sync, light webhooks).
  ...platformEnvironment,
  // Outgoing webhooks: what the worker delivers, and where a disabled endpoint's alert comes from and links to.
  ...webhookEnvironment,
  EMAIL_FROM: optional(z.string().max(320, 'must be at most 320 characters').regex(/@/, 'must be an address, e.g. Boomerang <hello@example.com>')),
  DASHBOARD_URL: optional(envHttpUrl),
});

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const { values: e, issues } = parseEnvironment(workerEnv, env);
  const raw = (name: string) => (env[name] === '' ? undefined : env[name]);
  if (env.NODE_ENV === 'production') {
    const why = weakSecret(raw('UNSUBSCRIBE_SECRET'), DEV_SECRETS.UNSUBSCRIBE_SECRET);
    if (why) issues.push({ variable: 'UNSUBSCRIBE_SECRET', message: why });
    // Links in every email point here; localhost would reach no customer.
    if (raw('PUBLIC_URL') === undefined) issues.push({ variable: 'PUBLIC_URL', message: 'is required when NODE_ENV=production (links in emails)' });
    issues.push(...platformProductionIssues(env), ...webhookProductionIssues(env));
  }
  if (issues.length > 0 || !e) throw new ConfigError('worker', issues);

  return {
    databaseUrl: e.DATABASE_URL,
    temporalAddress: e.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: e.TEMPORAL_NAMESPACE ?? 'default',
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.API_PORT ?? 3000}`,
    unsubscribeSecret: e.UNSUBSCRIBE_SECRET ?? DEV_SECRETS.UNSUBSCRIBE_SECRET,
    postmark: e.POSTMARK_SERVER_TOKEN
      ? {
          serverToken: e.POSTMARK_SERVER_TOKEN,
          requestHost: e.POSTMARK_REQUEST_HOST,
          broadcastStream: e.POSTMARK_BROADCAST_STREAM ?? 'broadcast',
          transactionalStream: e.POSTMARK_TRANSACTIONAL_STREAM ?? 'outbound',
          timeoutSeconds: e.POSTMARK_TIMEOUT_SECONDS ?? 30,
        }
      : null,
    tuning: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      providerIndexDelayMs: e.POSTMARK_INDEX_DELAY_SECONDS === undefined ? undefined : e.POSTMARK_INDEX_DELAY_SECONDS * 1000,
    },
    ...platformSettings(e),
    webhooks: webhookSettings(e),
    alerts: { from: e.EMAIL_FROM ?? 'Boomerang <no-reply@boomerang.localhost>', dashboardUrl: e.DASHBOARD_URL ?? 'http://localhost:5173' },
  };
}

/** For `main.ts`: the config, or one message naming every bad variable and exit code 78 (no stack trace). */
export function loadWorkerConfigOrExit(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return loadConfigOrExit(
    () => loadWorkerConfig(env),
    () => {
      const defaults = (['UNSUBSCRIBE_SECRET', 'CREDENTIALS_KEY'] as const).filter((name) => env[name] === undefined);
      return defaults.length > 0 ? `worker: using the development default ${defaults.join(', ')} (NODE_ENV=production refuses them)` : null;
    },
  );
}
