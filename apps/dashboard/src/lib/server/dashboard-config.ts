import { z } from 'zod';

/** Every setting the dashboard reads, parsed once. Defaults work on a fresh machine with `npm start`. */
export interface DashboardConfig {
  apiUrl: string;
  temporalUiUrl: string;
  temporalNamespace: string;
  /** The session cookie's Secure flag. Browsers accept Secure cookies from http://localhost, so it stays on in development. */
  secureCookies: boolean;
}

export interface DashboardEnv {
  API_URL?: string;
  TEMPORAL_UI_URL?: string;
  TEMPORAL_NAMESPACE?: string;
  COOKIE_SECURE?: string;
  NODE_ENV?: string;
}

const baseUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http:// or https:// URL')
  .transform((v) => v.replace(/\/+$/, ''));

// An empty variable counts as unset.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const dashboardEnv = z.object({
  API_URL: optional(baseUrl),
  TEMPORAL_UI_URL: optional(baseUrl),
  TEMPORAL_NAMESPACE: optional(z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a Temporal namespace name')),
  COOKIE_SECURE: optional(z.enum(['true', 'false'], { message: 'must be true or false' })),
  NODE_ENV: optional(z.string()),
});

/** The config, or an Error whose message names every bad variable. */
export function parseDashboardConfig(env: DashboardEnv): DashboardConfig {
  const parsed = dashboardEnv.safeParse(env);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
  if (env.NODE_ENV === 'production' && env.COOKIE_SECURE === 'false') {
    issues.push('  COOKIE_SECURE: must not be false when NODE_ENV=production (sessions would travel over plain http)');
  }
  if (issues.length > 0 || !parsed.success) throw new Error(`dashboard: invalid configuration\n${issues.join('\n')}`);
  return {
    apiUrl: parsed.data.API_URL ?? 'http://127.0.0.1:3000',
    temporalUiUrl: parsed.data.TEMPORAL_UI_URL ?? 'http://localhost:8233',
    temporalNamespace: parsed.data.TEMPORAL_NAMESPACE ?? 'default',
    secureCookies: parsed.data.COOKIE_SECURE !== 'false',
  };
}
