// docker-compose.yml, checked without a Docker engine: parsed as YAML and interpolated the way compose does
// (`${VAR:?err}`, `${VAR?err}`, `${VAR:-default}`, `$$`), then read for secrets, production mode and published ports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const COMPOSE = readFileSync(join(import.meta.dirname, '..', 'docker-compose.yml'), 'utf8');
const DEV_SECRETS = ['dev-admin-key', 'dev-unsubscribe-secret', 'dev-postmark-webhook-secret', 'Ym9vbWVyYW5nLWRldi1jcmVkZW50aWFscy1rZXktMzI='];
const SECRETS = {
  ADMIN_API_KEY: '3bbce1f52d085b067707029c4677ea260335bed1c0387926bcfea17ff107857b',
  UNSUBSCRIBE_SECRET: 'b86d97c735605d8aafeba0fa74bc615c17249d37b377f788001b20a60bcdedd8',
  POSTMARK_WEBHOOK_SECRET: '1e10f4fc617b5094f33018e0dce5caf64a905a3e099f69d8237dd3cd7c05287b',
  CREDENTIALS_KEY: '+PjErMxGsvyEy8wNWqrJ2Sjy6klzReyjwdwarbb3X+g=',
  POSTGRES_PASSWORD: '95eca26afd864d2139a30c5f1b5130eb7e73341757c68e725474ebcb632bc25a',
  PUBLIC_URL: 'https://mail.example.com',
  DASHBOARD_URL: 'https://app.example.com',
};

/** Compose's interpolation of one string; unset or (with `:`) empty required variables are collected in `missing`. */
function interpolate(text, env, missing) {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (match, name, colon, op, arg) => {
    if (match === '$$') return '$';
    const value = env[name];
    const unset = value === undefined || (colon === ':' && value === '');
    if (op === '?' && unset) missing.add(name);
    if (op === '-' && unset) return arg;
    return value ?? '';
  });
}

function deepInterpolate(node, env, missing) {
  if (typeof node === 'string') return interpolate(node, env, missing);
  if (Array.isArray(node)) return node.map((item) => deepInterpolate(item, env, missing));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deepInterpolate(v, env, missing)]));
  return node;
}

function compose(env) {
  const missing = new Set();
  const config = deepInterpolate(parse(COMPOSE, { merge: true }), env, missing);
  return { config, missing: [...missing].sort() };
}

/** `"127.0.0.1:8233:8080"` → { host: '127.0.0.1', published: '8233' }; `"3000:3000"` → all interfaces. */
function published(port) {
  const parts = String(port).split(':');
  return parts.length === 3 ? { host: parts[0], published: parts[1] } : { host: '0.0.0.0', published: parts[0] };
}

describe('docker-compose.yml', () => {
  it('refuses to start without each secret', () => {
    expect(compose({}).missing).toEqual(['ADMIN_API_KEY', 'CREDENTIALS_KEY', 'DASHBOARD_URL', 'POSTGRES_PASSWORD', 'POSTMARK_WEBHOOK_SECRET', 'PUBLIC_URL', 'UNSUBSCRIBE_SECRET']);
    expect(compose(SECRETS).missing).toEqual([]);
    // Set but empty, as in a .env copied from .env.example and not filled in.
    expect(compose({ ...SECRETS, ADMIN_API_KEY: '', POSTMARK_WEBHOOK_SECRET: '' }).missing).toEqual(['ADMIN_API_KEY', 'POSTMARK_WEBHOOK_SECRET']);
  });

  it('carries no development default secret', () => {
    for (const secret of DEV_SECRETS) expect(COMPOSE).not.toContain(secret);
  });

  it('runs the api, the worker and the dashboard with NODE_ENV=production and the secrets given', () => {
    const { services } = compose(SECRETS).config;
    for (const name of ['api', 'worker', 'dashboard']) expect([name, services[name].environment.NODE_ENV]).toEqual([name, 'production']);
    expect(services.api.environment).toMatchObject({
      ADMIN_API_KEY: SECRETS.ADMIN_API_KEY,
      UNSUBSCRIBE_SECRET: SECRETS.UNSUBSCRIBE_SECRET,
      POSTMARK_WEBHOOK_SECRET: SECRETS.POSTMARK_WEBHOOK_SECRET,
      PUBLIC_URL: SECRETS.PUBLIC_URL,
      DATABASE_URL: `postgres://boomerang:${SECRETS.POSTGRES_PASSWORD}@postgresql:5432/boomerang`,
    });
    expect(services.worker.environment.UNSUBSCRIBE_SECRET).toBe(SECRETS.UNSUBSCRIBE_SECRET);
    // The worker opens stored credentials too (historical sync), with the api's key.
    expect(services.worker.environment.CREDENTIALS_KEY).toBe(SECRETS.CREDENTIALS_KEY);
    expect(services.api.environment.CREDENTIALS_KEY).toBe(SECRETS.CREDENTIALS_KEY);
    // The dashboard signs merchants in with their own accounts: it never holds the admin key.
    expect(services.dashboard.environment.ADMIN_API_KEY).toBeUndefined();
    expect(services.dashboard.environment.ORIGIN).toBe(SECRETS.DASHBOARD_URL);
    expect(services.api.environment.DASHBOARD_URL).toBe(SECRETS.DASHBOARD_URL);
    expect(services.postgresql.environment.POSTGRES_PASSWORD).toBe(SECRETS.POSTGRES_PASSWORD);
    expect(services.temporal.environment.POSTGRES_PWD).toBe(SECRETS.POSTGRES_PASSWORD);
  });

  it('publishes the api and the dashboard to other machines; Temporal and its UI on loopback; PostgreSQL not at all', () => {
    const { services } = compose(SECRETS).config;
    const ports = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, (s.ports ?? []).map(published)]));
    expect(ports).toEqual({
      postgresql: [],
      temporal: [{ host: '127.0.0.1', published: '7233' }],
      'temporal-ui': [{ host: '127.0.0.1', published: '8233' }],
      'temporal-search-attributes': [],
      migrate: [],
      api: [{ host: '0.0.0.0', published: '3000' }],
      worker: [],
      dashboard: [{ host: '0.0.0.0', published: '5173' }],
    });
  });
});
