import { z } from 'zod';

/** Every setting the dashboard reads, parsed once. Defaults work on a fresh machine with `npm start`. */
export interface DashboardConfig {
  apiUrl: string;
  adminApiKey: string;
  temporalUiUrl: string;
}

export interface DashboardEnv {
  API_URL?: string;
  ADMIN_API_KEY?: string;
  TEMPORAL_UI_URL?: string;
  NODE_ENV?: string;
}

/** The api's development default (apps/api/src/config.ts); the api refuses it with NODE_ENV=production, and so do we. */
export const DEV_ADMIN_API_KEY = 'dev-admin-key';

const baseUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http:// or https:// URL')
  .transform((v) => v.replace(/\/+$/, ''));

// An empty variable counts as unset.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const dashboardEnv = z.object({
  API_URL: optional(baseUrl),
  ADMIN_API_KEY: optional(z.string()),
  TEMPORAL_UI_URL: optional(baseUrl),
  NODE_ENV: optional(z.string()),
});

/** The config, or an Error whose message names every bad variable (never a secret's value). */
export function parseDashboardConfig(env: DashboardEnv): DashboardConfig {
  const parsed = dashboardEnv.safeParse(env);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
  if (env.NODE_ENV === 'production') {
    const key = env.ADMIN_API_KEY || undefined;
    if (key === undefined) issues.push('  ADMIN_API_KEY: is required when NODE_ENV=production');
    else if (key === DEV_ADMIN_API_KEY) issues.push('  ADMIN_API_KEY: is the public development default; set the api\'s real key');
  }
  if (issues.length > 0 || !parsed.success) throw new Error(`dashboard: invalid configuration\n${issues.join('\n')}`);
  return {
    apiUrl: parsed.data.API_URL ?? 'http://127.0.0.1:3000',
    adminApiKey: parsed.data.ADMIN_API_KEY ?? DEV_ADMIN_API_KEY,
    temporalUiUrl: parsed.data.TEMPORAL_UI_URL ?? 'http://localhost:8233',
  };
}
