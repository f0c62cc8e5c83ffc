import { z } from 'zod';
import type { RetentionWorkerSettings } from './retention-worker.js';

// The same rules as apps/api/src/config.ts (apps do not import each other): empty means unset, one message names
// every bad variable, and NODE_ENV=production refuses the public development secrets.

/** Every variable the worker reads, parsed once. */
export interface WorkerConfig extends RetentionWorkerSettings {
  databaseUrl: string;
  temporalAddress: string;
}

export const DEV_UNSUBSCRIBE_SECRET = 'dev-unsubscribe-secret';

/** The exit code of a process that refuses its configuration (sysexits' EX_CONFIG): `npm start` does not restart it. */
export const CONFIG_EXIT_CODE = 78;

export class ConfigError extends Error {
  readonly issues: { variable: string; message: string }[];
  constructor(app: string, issues: { variable: string; message: string }[]) {
    super(`${app}: invalid configuration\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http:// or https:// URL')
  .transform((v) => v.replace(/\/+$/, ''));

// The value is never echoed: it carries the database password.
const postgresUrl = z
  .string({ error: 'is required (npm start sets it for you)' })
  .refine(
    (v) => URL.canParse(v) && /^postgres(ql)?:$/.test(new URL(v).protocol) && new URL(v).hostname !== '',
    'must be a postgres://user:password@host:port/database URL',
  );

const hostPort = z
  .string()
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')
  .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65_535, 'must be host:port with a port up to 65535');

// Postmark's requestHost is a bare host (optionally host:port), e.g. a fake server on loopback in tests.
const requestHost = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port');

const stream = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a Postmark message stream id');

const MIN_SECRET_LENGTH = 32;
const MIN_SECRET_BITS = 128;

/** Shannon entropy of the value's own characters times its length: catches `aaaa…` and `passwordpassword…`. */
export function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let perChar = 0;
  for (const c of counts.values()) perChar -= (c / n) * Math.log2(c / n);
  return perChar * n;
}

/** Why a secret is not fit for production, or null. Never includes the value. */
function weakSecret(value: string | undefined, devDefault?: string): string | null {
  if (value === undefined) return 'is required when NODE_ENV=production';
  if (devDefault !== undefined && value === devDefault) return 'is the public development default; set a secret of your own';
  if ([...value].length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters when NODE_ENV=production`;
  if (estimatedBits(value) < MIN_SECRET_BITS) {
    return `is too predictable (about ${Math.round(estimatedBits(value))} bits; at least ${MIN_SECRET_BITS} required, e.g. openssl rand -hex 32)`;
  }
  return null;
}

const workerEnv = z.object({
  NODE_ENV: optional(z.string()),
  DATABASE_URL: postgresUrl,
  TEMPORAL_ADDRESS: optional(hostPort),
  TEMPORAL_NAMESPACE: optional(z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a Temporal namespace name')),
  // Only to derive the default PUBLIC_URL, as the api does.
  API_PORT: optional(intIn(0, 65_535)),
  PUBLIC_URL: optional(httpUrl),
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
  WORKER_MAX_CACHED_WORKFLOWS: optional(intIn(1, 100_000)),
  POSTMARK_INDEX_DELAY_SECONDS: optional(intIn(1, 3_600)),
});

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = workerEnv.safeParse(env);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? 'environment'), message: i.message }));
  const e = parsed.success ? parsed.data : undefined;
  const raw = (name: string) => (env[name] === '' ? undefined : env[name]);
  if (env.NODE_ENV === 'production') {
    const why = weakSecret(raw('UNSUBSCRIBE_SECRET'), DEV_UNSUBSCRIBE_SECRET);
    if (why) issues.push({ variable: 'UNSUBSCRIBE_SECRET', message: why });
    // Links in every email point here; localhost would reach no customer.
    if (raw('PUBLIC_URL') === undefined) issues.push({ variable: 'PUBLIC_URL', message: 'is required when NODE_ENV=production (links in emails)' });
  }
  if (issues.length > 0 || !e) throw new ConfigError('worker', issues);

  return {
    databaseUrl: e.DATABASE_URL,
    temporalAddress: e.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: e.TEMPORAL_NAMESPACE ?? 'default',
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.API_PORT ?? 3000}`,
    unsubscribeSecret: e.UNSUBSCRIBE_SECRET ?? DEV_UNSUBSCRIBE_SECRET,
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
  };
}

/** For `main.ts`: the config, or one message naming every bad variable and exit code 78 (no stack trace). */
export function loadWorkerConfigOrExit(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  try {
    const config = loadWorkerConfig(env);
    if (env.UNSUBSCRIBE_SECRET === undefined) {
      console.warn('worker: using the development default UNSUBSCRIBE_SECRET (NODE_ENV=production refuses it)');
    }
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(CONFIG_EXIT_CODE);
  }
}
