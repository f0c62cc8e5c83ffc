import { z } from 'zod';

/**
 * What every app's configuration parser shares: the variable schemas, the production secret rule, and one error that
 * names every bad variable (never a value: some carry passwords).
 */

/** The exit code of a process that refuses its configuration (sysexits' EX_CONFIG): `npm start` does not restart it. */
export const CONFIG_EXIT_CODE = 78;

/**
 * Development defaults: public (they are in this repository), so `NODE_ENV=production` refuses them. One place, so the
 * api and the worker agree on the unsubscribe secret that signs and checks tokens.
 */
export const DEV_SECRETS = {
  ADMIN_API_KEY: 'dev-admin-key',
  UNSUBSCRIBE_SECRET: 'dev-unsubscribe-secret',
  POSTMARK_WEBHOOK_SECRET: 'dev-postmark-webhook-secret',
  /** 32 bytes, base64: the ASCII text `boomerang-dev-credentials-key-32`. */
  CREDENTIALS_KEY: 'Ym9vbWVyYW5nLWRldi1jcmVkZW50aWFscy1rZXktMzI=',
} as const;

export interface ConfigIssue {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(app: string, issues: ConfigIssue[]) {
    super(`${app}: invalid configuration\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** An empty variable counts as unset, as in most shells' `VAR= cmd`. */
export const envOptional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const envIntIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

export const envPort = envIntIn(0, 65_535);

export const envHttpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http:// or https:// URL')
  .transform((v) => v.replace(/\/+$/, ''));

export const envPostgresUrl = z
  .string({ error: 'is required (npm start sets it for you)' })
  .refine(
    (v) => URL.canParse(v) && /^postgres(ql)?:$/.test(new URL(v).protocol) && new URL(v).hostname !== '',
    'must be a postgres://user:password@host:port/database URL',
  );

export const envHostPort = z
  .string()
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')
  .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65_535, 'must be host:port with a port up to 65535');

export const envTemporalNamespace = z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a Temporal namespace name');

/** Postmark's requestHost: a bare host, optionally host:port (a fake server on loopback in tests). */
export const envPostmarkRequestHost = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port');

export const envPostmarkStream = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a Postmark message stream id');

export const envTimeoutSeconds = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds above 0, at most 600')
  .transform(Number)
  .refine((n) => n > 0 && n <= 600, 'must be a number of seconds above 0, at most 600');

/** Which email transport an app sends through: the development outbox (PostgreSQL) or Postmark. */
export const envEmailTransport = z.enum(['outbox', 'postmark'], { error: 'must be outbox or postmark' });

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

/** The environment through `schema`, with every problem as a named issue; the caller adds its own, then throws. */
export function parseEnvironment<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): { values?: z.infer<T>; issues: ConfigIssue[] } {
  const parsed = schema.safeParse(env);
  if (parsed.success) return { values: parsed.data, issues: [] };
  return { issues: parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? 'environment'), message: i.message })) };
}

/** For an app's `main.ts`: the config, or one message naming every bad variable and exit code 78 (no stack trace). */
export function loadConfigOrExit<C>(load: () => C, warnings: () => string | null = () => null): C {
  try {
    const config = load();
    const warning = warnings();
    if (warning) console.warn(warning);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(CONFIG_EXIT_CODE);
  }
}

/** `true` or `false`, nothing else (a typo must not silently mean either). */
export const envBoolean = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** An http(s) origin only: scheme, host and port, no path (a platform API's base). */
export const envHttpOrigin = envHttpUrl.refine((v) => new URL(v).origin === v, 'must be an origin only (scheme://host[:port]), no path');

/** AES-256 key: exactly 32 bytes, base64 (standard or URL-safe), e.g. `openssl rand -base64 32`. */
export const envCredentialsKey = z
  .string()
  .refine((v) => /^[A-Za-z0-9+/_-]{43}=?$/.test(v) && Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64, e.g. openssl rand -base64 32');

/**
 * The variables of store connections (issue 12), shared by the api and the worker: the key that seals stored
 * credentials, and where the platforms' APIs are (the real ones by default; the fakes on loopback in tests).
 */
export const platformEnvironment = {
  CREDENTIALS_KEY: envOptional(envCredentialsKey),
  SHOPIFY_API_ORIGIN: envOptional(envHttpOrigin),
  BIGCOMMERCE_API_ORIGIN: envOptional(envHttpOrigin),
  ALLOW_INSECURE_PLATFORM_URLS: envOptional(envBoolean),
};

export interface PlatformSettings {
  credentialsKey: string;
  platformEndpoints: { shopifyOrigin: string | null; bigcommerceOrigin: string; allowInsecureSiteUrls: boolean };
}

/** Production refuses the public development key and insecure platform URLs; reads the raw environment. */
export function platformProductionIssues(env: NodeJS.ProcessEnv): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const key = env.CREDENTIALS_KEY === '' ? undefined : env.CREDENTIALS_KEY;
  if (key === undefined) issues.push({ variable: 'CREDENTIALS_KEY', message: 'is required when NODE_ENV=production (openssl rand -base64 32)' });
  else if (key === DEV_SECRETS.CREDENTIALS_KEY) issues.push({ variable: 'CREDENTIALS_KEY', message: 'is the public development default; set a key of your own (openssl rand -base64 32)' });
  if (env.ALLOW_INSECURE_PLATFORM_URLS === 'true') {
    issues.push({ variable: 'ALLOW_INSECURE_PLATFORM_URLS', message: 'must not be true when NODE_ENV=production (credentials would travel over plain http)' });
  }
  return issues;
}

export function platformSettings(e: { CREDENTIALS_KEY?: string; SHOPIFY_API_ORIGIN?: string; BIGCOMMERCE_API_ORIGIN?: string; ALLOW_INSECURE_PLATFORM_URLS?: boolean }): PlatformSettings {
  return {
    credentialsKey: e.CREDENTIALS_KEY ?? DEV_SECRETS.CREDENTIALS_KEY,
    platformEndpoints: {
      shopifyOrigin: e.SHOPIFY_API_ORIGIN ?? null,
      bigcommerceOrigin: e.BIGCOMMERCE_API_ORIGIN ?? 'https://api.bigcommerce.com',
      allowInsecureSiteUrls: e.ALLOW_INSECURE_PLATFORM_URLS ?? false,
    },
  };
}

/**
 * Outgoing webhooks (issue 13, point 6), shared by the api (which refuses private IP literals when an endpoint is
 * saved) and the worker (which delivers): receivers on private, loopback or link-local addresses are refused unless
 * WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true (tests, a receiver on this machine; never in production).
 */
export const webhookEnvironment = {
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: envOptional(envBoolean),
  WEBHOOK_TIMEOUT_SECONDS: envOptional(envIntIn(1, 120)),
  WEBHOOK_DISABLE_AFTER_SECONDS: envOptional(envIntIn(1, 30 * 86_400)),
  WEBHOOK_RETRY_MAX_SECONDS: envOptional(envIntIn(1, 86_400)),
  WEBHOOK_IDLE_POLL_SECONDS: envOptional(envIntIn(1, 3_600)),
  WEBHOOK_SWEEP_SECONDS: envOptional(envIntIn(1, 3_600)),
  /** The Mailchimp app's Marketing API base, `{dc}` for the API key's datacenter (a fake's address in tests). */
  MAILCHIMP_API_BASE_URL: envOptional(envHttpUrl.refine((v) => v.includes('{dc}'), 'must contain {dc} where the API key’s datacenter goes')),
};

export interface WebhookSettings {
  allowPrivateAddresses: boolean;
  timeoutMs: number;
  /** A receiver failing this long is disabled (a day). */
  disableAfterMs: number;
  /** The longest wait between attempts (backoff doubles from 1 s). */
  maxRetryIntervalMs: number;
  /** An endpoint workflow's look without a wake-up. */
  idlePollMs: number;
  /** The worker's sweep of endpoints with deliveries owed. */
  sweepMs: number;
  /** Mailchimp's Marketing API base with `{dc}` (default https://{dc}.api.mailchimp.com/3.0). */
  mailchimpBaseUrl: string;
}

export function webhookProductionIssues(env: NodeJS.ProcessEnv): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES === 'true') {
    issues.push({ variable: 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES', message: 'must not be true when NODE_ENV=production (webhooks and apps could reach internal services)' });
  }
  if (env.MAILCHIMP_API_BASE_URL && !env.MAILCHIMP_API_BASE_URL.startsWith('https://')) {
    issues.push({ variable: 'MAILCHIMP_API_BASE_URL', message: 'must be https:// when NODE_ENV=production (it carries the API key)' });
  }
  return issues;
}

export function webhookSettings(e: {
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES?: boolean;
  WEBHOOK_TIMEOUT_SECONDS?: number;
  WEBHOOK_DISABLE_AFTER_SECONDS?: number;
  WEBHOOK_RETRY_MAX_SECONDS?: number;
  WEBHOOK_IDLE_POLL_SECONDS?: number;
  WEBHOOK_SWEEP_SECONDS?: number;
  MAILCHIMP_API_BASE_URL?: string;
}): WebhookSettings {
  return {
    allowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE_ADDRESSES ?? false,
    timeoutMs: (e.WEBHOOK_TIMEOUT_SECONDS ?? 10) * 1_000,
    disableAfterMs: (e.WEBHOOK_DISABLE_AFTER_SECONDS ?? 86_400) * 1_000,
    maxRetryIntervalMs: (e.WEBHOOK_RETRY_MAX_SECONDS ?? 600) * 1_000,
    idlePollMs: (e.WEBHOOK_IDLE_POLL_SECONDS ?? 60) * 1_000,
    sweepMs: (e.WEBHOOK_SWEEP_SECONDS ?? 60) * 1_000,
    mailchimpBaseUrl: e.MAILCHIMP_API_BASE_URL ?? 'https://{dc}.api.mailchimp.com/3.0',
  };
}
