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

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const port = Number(env.API_PORT ?? env.PORT ?? 3000);
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required (npm start sets it for you)`);
    return value;
  };
  return {
    port,
    host: env.API_HOST ?? '0.0.0.0',
    databaseUrl: required('DATABASE_URL'),
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    adminApiKey: env.ADMIN_API_KEY ?? 'dev-admin-key',
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    unsubscribeSecret: env.UNSUBSCRIBE_SECRET ?? 'dev-unsubscribe-secret',
    dispatchSweepMs: Number(env.DISPATCH_SWEEP_MS ?? 5_000),
    postmarkWebhookSecret: env.POSTMARK_WEBHOOK_SECRET === '' ? null : (env.POSTMARK_WEBHOOK_SECRET ?? 'dev-postmark-webhook-secret'),
    postmarkWebhookBasicAuth:
      env.POSTMARK_WEBHOOK_USER && env.POSTMARK_WEBHOOK_PASSWORD
        ? { username: env.POSTMARK_WEBHOOK_USER, password: env.POSTMARK_WEBHOOK_PASSWORD }
        : null,
  };
}
