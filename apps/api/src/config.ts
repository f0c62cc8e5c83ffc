import {
  ConfigError,
  DEV_SECRETS,
  envHostPort,
  envHttpUrl,
  envIntIn,
  envEmailTransport,
  envOptional as optional,
  envPort as port,
  envPostmarkRequestHost,
  envPostmarkStream,
  envTimeoutSeconds,
  envPostgresUrl,
  envTemporalNamespace,
  loadConfigOrExit,
  parseEnvironment,
  platformEnvironment,
  platformProductionIssues,
  platformSettings,
  webhookEnvironment,
  webhookProductionIssues,
  weakSecret,
} from '@boomerang/validation';
import { DEFAULT_AUTH_RATE_LIMITS, type AuthRateLimitSettings, type RateLimitName } from '@boomerang/accounts';
import type { PostmarkSettings } from '@boomerang/email';
import { MAILCHIMP_BASE_URL } from '@boomerang/integrations';
import type { PlatformEndpoints } from '@boomerang/stores';
import { z } from 'zod';

export { ConfigError, DEV_SECRETS };

/** Account emails: stored in the outbox (development, tests) or sent through Postmark's transactional stream. */
export type ApiEmailConfig = { transport: 'outbox'; from: string } | { transport: 'postmark'; from: string; postmark: PostmarkSettings };

/** Express's `trust proxy`: whose X-Forwarded-For names the client (rate limits count per client IP). */
export type TrustProxy = boolean | number | string;

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
  /** The dashboard's public URL: links in account emails point at its pages. */
  dashboardUrl: string;
  trustProxy: TrustProxy;
  email: ApiEmailConfig;
  authRateLimits: AuthRateLimitSettings;
  /** Seals store credentials at rest (AES-256-GCM): 32 bytes, base64. */
  credentialsKey: string;
  /** Where the platforms' APIs are: the real ones unless tests point them at fakes on loopback. */
  platformEndpoints: PlatformEndpoints;
  /** Outgoing webhook endpoints may point at private, loopback or link-local addresses (tests; never production). */
  webhookAllowPrivateAddresses: boolean;
  /** Google Analytics: where Google's token endpoint and the GA4 Data API are (fakes on loopback in tests), and the report cache's life. */
  googleAnalytics: { tokenUrl: string; dataApiUrl: string; cacheTtlMs: number };
  /** The Mailchimp app's API base, `{dc}` for the key's datacenter (a fake's in tests). */
  mailchimpBaseUrl: string;
  /** Google Maps Embed API key: with it the order detail embeds a map of the shipping address, without it links to OpenStreetMap. */
  googleMapsEmbedKey: string | null;
}

const RATE_LIMIT_NAMES = Object.keys(DEFAULT_AUTH_RATE_LIMITS) as RateLimitName[];

/** `sign-in-address=10/900,sign-up-ip=20/3600`: overrides of the defaults, `points/seconds` each. */
const rateLimitOverrides = z.string().transform((value, ctx) => {
  const overrides: Partial<AuthRateLimitSettings> = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z-]+)=(\d{1,9})\/(\d{1,9})$/.exec(part);
    const name = match?.[1] as RateLimitName | undefined;
    if (!match || !name || !RATE_LIMIT_NAMES.includes(name) || Number(match[2]) < 1 || Number(match[3]) < 1) {
      ctx.addIssue({ code: 'custom', message: `must be name=points/seconds pairs separated by commas, names among ${RATE_LIMIT_NAMES.join(', ')}` });
      return z.NEVER;
    }
    overrides[name] = { points: Number(match[2]), seconds: Number(match[3]) };
  }
  return overrides;
});

/** `loopback` (default), `true`/`false`, a hop count, or comma-separated addresses, CIDR ranges and Express's names. */
const trustProxy = z.string().transform((value, ctx): TrustProxy => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const parts = value.split(',').map((p) => p.trim());
  if (parts.every((p) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(p))) return parts.join(',');
  ctx.addIssue({ code: 'custom', message: 'must be loopback, true, false, a hop count, or addresses/CIDR ranges separated by commas' });
  return z.NEVER;
});

const apiEnv = z.object({
  NODE_ENV: optional(z.string()),
  API_PORT: optional(port),
  PORT: optional(port),
  API_HOST: optional(z.string()),
  DATABASE_URL: envPostgresUrl,
  TEMPORAL_ADDRESS: optional(envHostPort),
  TEMPORAL_NAMESPACE: optional(envTemporalNamespace),
  ADMIN_API_KEY: optional(z.string()),
  PUBLIC_URL: optional(envHttpUrl),
  UNSUBSCRIBE_SECRET: optional(z.string()),
  // 100 ms keeps the sweep from spinning; an hour is far past any sane interval (an accepted order waits that long).
  DISPATCH_SWEEP_MS: optional(envIntIn(100, 3_600_000)),
  // Kept apart from `optional`: empty means "no header secret" (basic auth only).
  POSTMARK_WEBHOOK_SECRET: z.string().optional(),
  POSTMARK_WEBHOOK_USER: optional(z.string()),
  POSTMARK_WEBHOOK_PASSWORD: optional(z.string()),
  DASHBOARD_URL: optional(envHttpUrl),
  TRUST_PROXY: optional(trustProxy),
  // Unset: Postmark when POSTMARK_SERVER_TOKEN is set (as the worker decides), else the outbox.
  EMAIL_TRANSPORT: optional(envEmailTransport),
  EMAIL_FROM: optional(z.string().max(320, 'must be at most 320 characters').regex(/@/, 'must be an address, e.g. Boomerang <hello@example.com>')),
  POSTMARK_SERVER_TOKEN: optional(z.string()),
  POSTMARK_REQUEST_HOST: optional(envPostmarkRequestHost),
  POSTMARK_BROADCAST_STREAM: optional(envPostmarkStream),
  POSTMARK_TRANSACTIONAL_STREAM: optional(envPostmarkStream),
  POSTMARK_TIMEOUT_SECONDS: optional(envTimeoutSeconds),
  AUTH_RATE_LIMITS: optional(rateLimitOverrides),
  GOOGLE_MAPS_EMBED_KEY: optional(z.string().max(200, 'must be at most 200 characters').regex(/^[\w-]+$/, 'must be an API key (letters, digits, - and _)')),
  GOOGLE_OAUTH_TOKEN_URL: optional(envHttpUrl),
  GOOGLE_ANALYTICS_DATA_API_URL: optional(envHttpUrl),
  // A minute at least (Google's hourly quotas), a day at most (the widgets say "last 90 days").
  GOOGLE_ANALYTICS_CACHE_SECONDS: optional(envIntIn(60, 86_400)),
  ...platformEnvironment,
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: webhookEnvironment.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
  MAILCHIMP_API_BASE_URL: webhookEnvironment.MAILCHIMP_API_BASE_URL,
});

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const { values: e, issues } = parseEnvironment(apiEnv, env);
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
    issues.push(...platformProductionIssues(env), ...webhookProductionIssues(env));
  }
  // From the raw value too, so a bad variable elsewhere does not hide a missing token.
  const requested = raw('EMAIL_TRANSPORT');
  const transport = requested === 'postmark' || requested === 'outbox' ? requested : raw('POSTMARK_SERVER_TOKEN') ? 'postmark' : 'outbox';
  if (transport === 'postmark' && !raw('POSTMARK_SERVER_TOKEN')) {
    issues.push({ variable: 'POSTMARK_SERVER_TOKEN', message: 'is required when EMAIL_TRANSPORT=postmark' });
  }
  if (production) {
    if (raw('DASHBOARD_URL') === undefined) issues.push({ variable: 'DASHBOARD_URL', message: 'is required when NODE_ENV=production (links in account emails)' });
    if (transport === 'postmark' && raw('EMAIL_FROM') === undefined) {
      issues.push({ variable: 'EMAIL_FROM', message: 'is required with Postmark when NODE_ENV=production (a verified sender signature)' });
    }
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
    dashboardUrl: e.DASHBOARD_URL ?? 'http://localhost:5173',
    trustProxy: e.TRUST_PROXY ?? 'loopback',
    email: emailConfig(transport, e),
    authRateLimits: { ...DEFAULT_AUTH_RATE_LIMITS, ...e.AUTH_RATE_LIMITS },
    googleMapsEmbedKey: e.GOOGLE_MAPS_EMBED_KEY ?? null,
    googleAnalytics: {
      tokenUrl: e.GOOGLE_OAUTH_TOKEN_URL ?? 'https://oauth2.googleapis.com/token',
      dataApiUrl: e.GOOGLE_ANALYTICS_DATA_API_URL ?? 'https://analyticsdata.googleapis.com',
      cacheTtlMs: (e.GOOGLE_ANALYTICS_CACHE_SECONDS ?? 3_600) * 1000,
    },
    ...platformSettings(e),
    webhookAllowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE_ADDRESSES ?? false,
    mailchimpBaseUrl: e.MAILCHIMP_API_BASE_URL ?? MAILCHIMP_BASE_URL,
  };
}

function emailConfig(transport: 'outbox' | 'postmark', e: z.infer<typeof apiEnv>): ApiEmailConfig {
  const from = e.EMAIL_FROM ?? 'Boomerang <no-reply@boomerang.localhost>';
  if (transport === 'outbox') return { transport, from };
  return {
    transport,
    from,
    postmark: {
      serverToken: e.POSTMARK_SERVER_TOKEN!,
      requestHost: e.POSTMARK_REQUEST_HOST,
      broadcastStream: e.POSTMARK_BROADCAST_STREAM ?? 'broadcast',
      transactionalStream: e.POSTMARK_TRANSACTIONAL_STREAM ?? 'outbound',
      timeoutSeconds: e.POSTMARK_TIMEOUT_SECONDS ?? 30,
    },
  };
}

/** For `main.ts`: the config, or one message naming every bad variable and exit code 78 (no stack trace). */
export function loadApiConfigOrExit(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return loadConfigOrExit(
    () => loadApiConfig(env),
    () => {
      const defaults = (Object.keys(DEV_SECRETS) as (keyof typeof DEV_SECRETS)[]).filter((name) => env[name] === undefined);
      return defaults.length > 0 ? `api: using development default secrets for ${defaults.join(', ')} (NODE_ENV=production refuses them)` : null;
    },
  );
}
