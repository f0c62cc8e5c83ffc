import { defineEnvVars } from '@sveltejs/kit/env';

// SvelteKit 3 exposes only declared variables through `$app/env/private`. All are optional here;
// src/lib/server/dashboard-config.ts applies the defaults and validates them together, once.
const optional = (value: string | undefined) => value;

export const variables = defineEnvVars({
  API_URL: { schema: optional, description: 'Base URL of the Boomerang API (default http://127.0.0.1:3000).' },
  ADMIN_API_KEY: { schema: optional, description: 'Admin key sent as `Authorization: Bearer …` (default dev-admin-key).' },
  TEMPORAL_UI_URL: { schema: optional, description: 'Temporal Web UI linked from the nav (default http://localhost:8233).' },
  NODE_ENV: { schema: optional, description: '`production` refuses a missing or development ADMIN_API_KEY.' },
});
