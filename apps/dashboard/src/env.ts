import { defineEnvVars } from '@sveltejs/kit/env';

// SvelteKit 3 exposes only declared variables through `$app/env/private`. All are optional here;
// src/lib/server/dashboard-config.ts applies the defaults and validates them together, once.
const optional = (value: string | undefined) => value;

export const variables = defineEnvVars({
  API_URL: { schema: optional, description: 'Base URL of the Boomerang API (default http://127.0.0.1:3000).' },
  TEMPORAL_UI_URL: { schema: optional, description: 'Temporal Web UI that pending messages link to (default http://localhost:8233).' },
  TEMPORAL_NAMESPACE: { schema: optional, description: 'Temporal namespace of the retention workflows (default `default`).' },
  COOKIE_SECURE: { schema: optional, description: '`false` drops the Secure flag of the session cookie (refused with NODE_ENV=production).' },
  NODE_ENV: { schema: optional, description: '`production` refuses insecure cookies.' },
});
