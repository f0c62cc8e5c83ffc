import { building } from '$app/env';
import { API_URL, COOKIE_SECURE, NODE_ENV, TEMPORAL_NAMESPACE, TEMPORAL_UI_URL } from '$app/env/private';
import { parseDashboardConfig, type DashboardConfig } from './dashboard-config.js';

export type { DashboardConfig } from './dashboard-config.js';

/** Exit code of an app that refuses its configuration (sysexits' EX_CONFIG): `npm start` does not restart it. */
const CONFIG_EXIT_CODE = 78;

function load(): DashboardConfig {
  try {
    // `vite build` also loads server modules with NODE_ENV=production: the production rules wait for a run.
    return parseDashboardConfig({ API_URL, TEMPORAL_UI_URL, TEMPORAL_NAMESPACE, COOKIE_SECURE, NODE_ENV: building ? undefined : NODE_ENV });
  } catch (err) {
    if (building) throw err;
    // The hooks import this module when the server starts, so a bad value stops it before its first request.
    console.error(err instanceof Error ? err.message : err);
    process.exit(CONFIG_EXIT_CODE);
  }
}

/** Parsed once, when the server starts. */
export const config: DashboardConfig = load();
