import { z } from 'zod';

/** Every variable the api reads, parsed once at start-up. Defaults work on a fresh machine with `npm start`. */
export interface ApiConfig {
  port: number;
  host: string;
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  adminApiKey: string;
  publicUrl: string;
  unsubscribeSecret: string;
  dispatchSweepMs: number;
  /** Postmark webhooks must carry this in `X-Postmark-Webhook-Secret` (a custom header set on the webhook) ... */
  postmarkWebhookSecret: string | null;
  /** ... or these as basic auth (`https://user:password@host/api/v1/webhooks/postmark`). Both unset: secret only. */
  postmarkWebhookBasicAuth: { username: string; password: string } | null;
}

/** Development defaults: public (they are in this repository), so `NODE_ENV=production` refuses them. */
export const DEV_SECRETS = {
  ADMIN_API_KEY: 'dev-admin-key',
  UNSUBSCRIBE_SECRET: 'dev-unsubscribe-secret',
  POSTMARK_WEBHOOK_SECRET: 'dev-postmark-webhook-secret',
} as const;

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

// An empty variable counts as unset, as in most shells' `VAR= cmd`; the one exception is POSTMARK_WEBHOOK_SECRET.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a whole number from 0 to 65535')
  .transform(Number)
  .refine((n) => n <= 65_535, 'must be a whole number from 0 to 65535');

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
export function weakSecret(value: string | undefined, devDefault?: string): string | null {
  if (value === undefined) return 'is required when NODE_ENV=production';
  if (devDefault !== undefined && value === devDefault) return 'is the public development default; set a secret of your own';
  if ([...value].length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters when NODE_ENV=production`;
  if (estimatedBits(value) < MIN_SECRET_BITS) {
    return `is too predictable (about ${Math.round(estimatedBits(value))} bits; at least ${MIN_SECRET_BITS} required, e.g. openssl rand -hex 32)`;
  }
  return null;
}

const apiEnv = z.object({
  NODE_ENV: optional(z.string()),
  API_PORT: optional(port),
  PORT: optional(port),
  API_HOST: optional(z.string()),
  DATABASE_URL: postgresUrl,
  TEMPORAL_ADDRESS: optional(hostPort),
  TEMPORAL_NAMESPACE: optional(z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a Temporal namespace name')),
  ADMIN_API_KEY: optional(z.string()),
  PUBLIC_URL: optional(httpUrl),
  UNSUBSCRIBE_SECRET: optional(z.string()),
  // 100 ms keeps the sweep from spinning; an hour is far past any sane interval (an accepted order waits that long).
  DISPATCH_SWEEP_MS: optional(intIn(100, 3_600_000)),
  // Kept apart from `optional`: empty means "no header secret" (basic auth only).
  POSTMARK_WEBHOOK_SECRET: z.string().optional(),
  POSTMARK_WEBHOOK_USER: optional(z.string()),
  POSTMARK_WEBHOOK_PASSWORD: optional(z.string()),
});

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = apiEnv.safeParse(env);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? 'environment'), message: i.message }));
  const e = parsed.success ? parsed.data : undefined;
  const production = (e?.NODE_ENV ?? env.NODE_ENV) === 'production';

  // Secrets are checked from the raw environment so a bad port does not hide a bad key in the same message.
  const raw = (name: string) => (env[name] === '' ? undefined : env[name]);
  const webhookSecret = env.POSTMARK_WEBHOOK_SECRET;
  const basicUser = raw('POSTMARK_WEBHOOK_USER');
  const basicPassword = raw('POSTMARK_WEBHOOK_PASSWORD');
  if (Boolean(basicUser) !== Boolean(basicPassword)) {
    issues.push({
      variable: basicUser ? 'POSTMARK_WEBHOOK_PASSWORD' : 'POSTMARK_WEBHOOK_USER',
      message: 'POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD are set together or not at all',
    });
  }
  if (production) {
    const check = (variable: string, value: string | undefined, devDefault?: string) => {
      const why = weakSecret(value, devDefault);
      if (why) issues.push({ variable, message: why });
    };
    check('ADMIN_API_KEY', raw('ADMIN_API_KEY'), DEV_SECRETS.ADMIN_API_KEY);
    check('UNSUBSCRIBE_SECRET', raw('UNSUBSCRIBE_SECRET'), DEV_SECRETS.UNSUBSCRIBE_SECRET);
    if (webhookSecret === undefined) {
      issues.push({
        variable: 'POSTMARK_WEBHOOK_SECRET',
        message: 'is required when NODE_ENV=production (or set it empty and use POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD)',
      });
    } else if (webhookSecret !== '') {
      check('POSTMARK_WEBHOOK_SECRET', webhookSecret, DEV_SECRETS.POSTMARK_WEBHOOK_SECRET);
    } else if (!basicUser || !basicPassword) {
      issues.push({ variable: 'POSTMARK_WEBHOOK_SECRET', message: 'is empty and no basic auth is set: nothing would authenticate Postmark webhooks' });
    }
    if (basicPassword) check('POSTMARK_WEBHOOK_PASSWORD', basicPassword);
    // Links in every email point here; localhost would reach no customer.
    if (raw('PUBLIC_URL') === undefined) issues.push({ variable: 'PUBLIC_URL', message: 'is required when NODE_ENV=production (links in emails)' });
  }
  if (issues.length > 0 || !e) throw new ConfigError('api', issues);

  const listenPort = e.API_PORT ?? e.PORT ?? 3000;
  return {
    port: listenPort,
    host: e.API_HOST ?? '0.0.0.0',
    databaseUrl: e.DATABASE_URL,
    temporalAddress: e.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: e.TEMPORAL_NAMESPACE ?? 'default',
    adminApiKey: e.ADMIN_API_KEY ?? DEV_SECRETS.ADMIN_API_KEY,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${listenPort}`,
    unsubscribeSecret: e.UNSUBSCRIBE_SECRET ?? DEV_SECRETS.UNSUBSCRIBE_SECRET,
    dispatchSweepMs: e.DISPATCH_SWEEP_MS ?? 5_000,
    postmarkWebhookSecret: webhookSecret === '' ? null : (webhookSecret ?? DEV_SECRETS.POSTMARK_WEBHOOK_SECRET),
    postmarkWebhookBasicAuth: basicUser && basicPassword ? { username: basicUser, password: basicPassword } : null,
  };
}

/** For `main.ts`: the config, or one message naming every bad variable and exit code 78 (no stack trace). */
export function loadApiConfigOrExit(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  try {
    const config = loadApiConfig(env);
    const defaults = (Object.keys(DEV_SECRETS) as (keyof typeof DEV_SECRETS)[]).filter((name) => env[name] === undefined);
    if (defaults.length > 0) console.warn(`api: using development default secrets for ${defaults.join(', ')} (NODE_ENV=production refuses them)`);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(CONFIG_EXIT_CODE);
  }
}
