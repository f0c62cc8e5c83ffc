import { ADMIN_API_KEY, API_URL, TEMPORAL_UI_URL } from '$app/env/private';

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
}

export function parseDashboardConfig(env: DashboardEnv): DashboardConfig {
  return {
    apiUrl: baseUrl('API_URL', env.API_URL || 'http://127.0.0.1:3000'),
    adminApiKey: env.ADMIN_API_KEY || 'dev-admin-key',
    temporalUiUrl: baseUrl('TEMPORAL_UI_URL', env.TEMPORAL_UI_URL || 'http://localhost:8233'),
  };
}

function baseUrl(name: string, value: string): string {
  if (!URL.canParse(value)) throw new Error(`${name} must be an absolute URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

export const config: DashboardConfig = parseDashboardConfig({ API_URL, ADMIN_API_KEY, TEMPORAL_UI_URL });
