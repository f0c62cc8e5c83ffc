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
  };
}
