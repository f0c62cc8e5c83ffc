import {
  ConfigError,
  DEV_SECRETS,
  envHostPort,
  envHttpUrl,
  envIntIn,
  envOptional as optional,
  envPort as port,
  envPostgresUrl,
  envTemporalNamespace,
  loadConfigOrExit,
  parseEnvironment,
  weakSecret,
} from '@boomerang/validation';
import { z } from 'zod';

export { ConfigError, DEV_SECRETS };

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
  return loadConfigOrExit(
    () => loadApiConfig(env),
    () => {
      const defaults = (Object.keys(DEV_SECRETS) as (keyof typeof DEV_SECRETS)[]).filter((name) => env[name] === undefined);
      return defaults.length > 0 ? `api: using development default secrets for ${defaults.join(', ')} (NODE_ENV=production refuses them)` : null;
    },
  );
}
