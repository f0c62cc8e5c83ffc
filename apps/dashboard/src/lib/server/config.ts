import { building } from '$app/environment';
import { ADMIN_API_KEY, API_URL, NODE_ENV, TEMPORAL_UI_URL } from '$app/env/private';
import { parseDashboardConfig, type DashboardConfig } from './dashboard-config.js';

export type { DashboardConfig } from './dashboard-config.js';

/**
 * Parsed once; src/hooks.server.ts loads it at start-up, so a bad value stops the server before its first request.
 * `vite build` also loads server modules, with NODE_ENV=production and no secrets: the production rules wait for a run.
 */
export const config: DashboardConfig = parseDashboardConfig({ API_URL, ADMIN_API_KEY, TEMPORAL_UI_URL, NODE_ENV: building ? undefined : NODE_ENV });
