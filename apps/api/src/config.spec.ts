import { DEFAULT_AUTH_RATE_LIMITS } from '@boomerang/accounts';
import { ConfigError, DEV_SECRETS, loadApiConfig } from './config.js';

const DATABASE_URL = 'postgres://boomerang:boomerang@127.0.0.1:54329/boomerang';
// Each printed by `openssl rand -hex 32`.
const SECRETS = [
  '3bbce1f52d085b067707029c4677ea260335bed1c0387926bcfea17ff107857b',
  'b86d97c735605d8aafeba0fa74bc615c17249d37b377f788001b20a60bcdedd8',
  '1e10f4fc617b5094f33018e0dce5caf64a905a3e099f69d8237dd3cd7c05287b',
  '95eca26afd864d2139a30c5f1b5130eb7e73341757c68e725474ebcb632bc25a',
];

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL,
  ADMIN_API_KEY: SECRETS[0],
  UNSUBSCRIBE_SECRET: SECRETS[1],
  POSTMARK_WEBHOOK_SECRET: SECRETS[2],
  PUBLIC_URL: 'https://mail.example.com',
  DASHBOARD_URL: 'https://app.example.com',
  // Printed by `openssl rand -base64 32`.
  CREDENTIALS_KEY: 'O8/JKfz8R7uealHP2hB045bMSoXX9F6Y3HpT75l/h4Q=',
};

function issuesOf(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    loadApiConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return Object.fromEntries((err as ConfigError).issues.map((i) => [i.variable, i.message]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadApiConfig', () => {
  it('points Google Analytics where the variables say, and refuses a cache outside a minute to a day', () => {
    const config = loadApiConfig({ DATABASE_URL, GOOGLE_OAUTH_TOKEN_URL: 'http://127.0.0.1:9/token', GOOGLE_ANALYTICS_DATA_API_URL: 'http://127.0.0.1:9', GOOGLE_ANALYTICS_CACHE_SECONDS: '600' });
    expect(config.googleAnalytics).toEqual({ tokenUrl: 'http://127.0.0.1:9/token', dataApiUrl: 'http://127.0.0.1:9', cacheTtlMs: 600_000 });
    expect(() => loadApiConfig({ DATABASE_URL, GOOGLE_ANALYTICS_CACHE_SECONDS: '5' })).toThrow(/GOOGLE_ANALYTICS_CACHE_SECONDS/);
    expect(() => loadApiConfig({ DATABASE_URL, GOOGLE_OAUTH_TOKEN_URL: 'file:///etc/passwd' })).toThrow(/GOOGLE_OAUTH_TOKEN_URL/);
  });

  it('works on a fresh machine with only DATABASE_URL (what npm start passes)', () => {
    expect(loadApiConfig({ DATABASE_URL })).toEqual({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: DATABASE_URL,
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      adminApiKey: 'dev-admin-key',
      publicUrl: 'http://localhost:3000',
      unsubscribeSecret: 'dev-unsubscribe-secret',
      dispatchSweepMs: 5000,
      postmarkWebhookSecret: 'dev-postmark-webhook-secret',
      postmarkWebhookBasicAuth: null,
      dashboardUrl: 'http://localhost:5173',
      trustProxy: 'loopback',
      email: { transport: 'outbox', from: 'Boomerang <no-reply@boomerang.localhost>' },
      authRateLimits: DEFAULT_AUTH_RATE_LIMITS,
      credentialsKey: DEV_SECRETS.CREDENTIALS_KEY,
      platformEndpoints: { shopifyOrigin: null, bigcommerceOrigin: 'https://api.bigcommerce.com', allowInsecureSiteUrls: false },
      webhookAllowPrivateAddresses: false,
      mailchimpBaseUrl: 'https://{dc}.api.mailchimp.com/3.0',
      googleMapsEmbedKey: null,
      googleAnalytics: { tokenUrl: 'https://oauth2.googleapis.com/token', dataApiUrl: 'https://analyticsdata.googleapis.com', cacheTtlMs: 3_600_000 },
    });
  });

  it('reads the Google Maps Embed key and names a malformed one', () => {
    expect(loadApiConfig({ DATABASE_URL, GOOGLE_MAPS_EMBED_KEY: 'AIza-test_key' }).googleMapsEmbedKey).toBe('AIza-test_key');
    expect(issuesOf({ DATABASE_URL, GOOGLE_MAPS_EMBED_KEY: 'a key&x=1' })).toHaveProperty('GOOGLE_MAPS_EMBED_KEY');
  });

  it('reads the platform variables: the credentials key and where the platforms\' APIs are', () => {
    const config = loadApiConfig({
      DATABASE_URL,
      CREDENTIALS_KEY: PRODUCTION.CREDENTIALS_KEY,
      SHOPIFY_API_ORIGIN: 'http://127.0.0.1:4100/',
      BIGCOMMERCE_API_ORIGIN: 'http://127.0.0.1:4200',
      ALLOW_INSECURE_PLATFORM_URLS: 'true',
    });
    expect(config).toMatchObject({
      credentialsKey: PRODUCTION.CREDENTIALS_KEY,
      platformEndpoints: { shopifyOrigin: 'http://127.0.0.1:4100', bigcommerceOrigin: 'http://127.0.0.1:4200', allowInsecureSiteUrls: true },
    });
  });

  it.each([
    ['CREDENTIALS_KEY', 'c2hvcnQ='],
    ['CREDENTIALS_KEY', 'not base64 at all, and long enough to be 44 chars!'],
    ['SHOPIFY_API_ORIGIN', 'http://127.0.0.1:4100/admin'],
    ['BIGCOMMERCE_API_ORIGIN', 'ftp://api.bigcommerce.com'],
    ['ALLOW_INSECURE_PLATFORM_URLS', 'yes'],
  ])('refuses %s=%s', (variable, value) => {
    expect(Object.keys(issuesOf({ DATABASE_URL, [variable]: value }))).toEqual([variable]);
  });

  it('reads the accounts variables: dashboard URL, trusted proxies, email transport and rate-limit overrides', () => {
    const config = loadApiConfig({
      DATABASE_URL,
      DASHBOARD_URL: 'https://app.example.com/',
      TRUST_PROXY: '10.0.0.0/8, loopback',
      POSTMARK_SERVER_TOKEN: 'server-token',
      POSTMARK_REQUEST_HOST: '127.0.0.1:9999',
      EMAIL_FROM: 'Boomerang <hello@example.com>',
      AUTH_RATE_LIMITS: 'sign-in-address=3/60, sign-up-ip=7/120',
    });
    expect(config).toMatchObject({
      dashboardUrl: 'https://app.example.com',
      trustProxy: '10.0.0.0/8,loopback',
      // A Postmark token alone selects Postmark, as in the worker.
      email: { transport: 'postmark', from: 'Boomerang <hello@example.com>', postmark: { serverToken: 'server-token', requestHost: '127.0.0.1:9999', transactionalStream: 'outbound' } },
      authRateLimits: { ...DEFAULT_AUTH_RATE_LIMITS, 'sign-in-address': { points: 3, seconds: 60 }, 'sign-up-ip': { points: 7, seconds: 120 } },
    });
    expect(loadApiConfig({ DATABASE_URL, TRUST_PROXY: 'false', POSTMARK_SERVER_TOKEN: 'x', EMAIL_TRANSPORT: 'outbox' })).toMatchObject({ trustProxy: false, email: { transport: 'outbox' } });
    expect(loadApiConfig({ DATABASE_URL, TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('names bad accounts variables', () => {
    const issues = issuesOf({ DATABASE_URL, TRUST_PROXY: 'everyone', EMAIL_TRANSPORT: 'postmark', AUTH_RATE_LIMITS: 'sign-in=1/1', DASHBOARD_URL: 'ftp://x' });
    expect(Object.keys(issues).sort()).toEqual(['AUTH_RATE_LIMITS', 'DASHBOARD_URL', 'POSTMARK_SERVER_TOKEN', 'TRUST_PROXY']);
    expect(issues.POSTMARK_SERVER_TOKEN).toMatch(/EMAIL_TRANSPORT=postmark/);
  });

  it('reads every variable', () => {
    const config = loadApiConfig({
      DATABASE_URL,
      API_PORT: '0',
      API_HOST: '127.0.0.1',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'boomerang',
      PUBLIC_URL: 'https://mail.example.com/',
      DISPATCH_SWEEP_MS: '500',
      POSTMARK_WEBHOOK_SECRET: '',
      POSTMARK_WEBHOOK_USER: 'postmark',
      POSTMARK_WEBHOOK_PASSWORD: 'pw',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'boomerang',
      publicUrl: 'https://mail.example.com',
      dispatchSweepMs: 500,
      postmarkWebhookSecret: null,
      postmarkWebhookBasicAuth: { username: 'postmark', password: 'pw' },
    });
  });

  it('falls back to PORT, and treats an empty variable as unset', () => {
    expect(loadApiConfig({ DATABASE_URL, PORT: '8080', ADMIN_API_KEY: '' })).toMatchObject({ port: 8080, adminApiKey: 'dev-admin-key' });
  });

  it('names every bad variable in one error', () => {
    const issues = issuesOf({
      DATABASE_URL: 'mysql://root@db/boomerang',
      API_PORT: 'abc',
      DISPATCH_SWEEP_MS: '-1',
      PUBLIC_URL: 'localhost:3000',
      TEMPORAL_ADDRESS: 'temporal',
    });
    expect(Object.keys(issues).sort()).toEqual(['API_PORT', 'DATABASE_URL', 'DISPATCH_SWEEP_MS', 'PUBLIC_URL', 'TEMPORAL_ADDRESS']);
  });

  it.each([
    ['API_PORT', '70000'],
    ['API_PORT', '3000.5'],
    ['PORT', 'x'],
    ['DISPATCH_SWEEP_MS', '0'],
    ['DISPATCH_SWEEP_MS', '1e3'],
    ['PUBLIC_URL', 'javascript:alert(1)'],
    ['DATABASE_URL', 'not a url'],
    ['TEMPORAL_ADDRESS', '127.0.0.1:99999'],
    ['TEMPORAL_NAMESPACE', 'a b'],
  ])('refuses %s=%s', (variable, value) => {
    expect(Object.keys(issuesOf({ DATABASE_URL, [variable]: value }))).toEqual([variable]);
  });

  it('requires DATABASE_URL and never echoes its value', () => {
    expect(issuesOf({}).DATABASE_URL).toMatch(/required/);
    expect(issuesOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' }).DATABASE_URL).not.toContain('hunter2');
  });

  it('refuses half of the Postmark basic auth pair', () => {
    expect(Object.keys(issuesOf({ DATABASE_URL, POSTMARK_WEBHOOK_USER: 'postmark' }))).toEqual(['POSTMARK_WEBHOOK_PASSWORD']);
  });

  describe('with NODE_ENV=production', () => {
    it('starts with real secrets', () => {
      expect(loadApiConfig(PRODUCTION)).toMatchObject({ adminApiKey: PRODUCTION.ADMIN_API_KEY, publicUrl: 'https://mail.example.com' });
    });

    it.each(Object.entries(DEV_SECRETS))('refuses the development default %s', (variable, devDefault) => {
      const issues = issuesOf({ ...PRODUCTION, [variable]: devDefault });
      expect(Object.keys(issues)).toEqual([variable]);
      expect(issues[variable]).toMatch(/development default/);
    });

    it('refuses insecure platform URLs', () => {
      expect(issuesOf({ ...PRODUCTION, ALLOW_INSECURE_PLATFORM_URLS: 'true' }).ALLOW_INSECURE_PLATFORM_URLS).toMatch(/production/);
      expect(loadApiConfig({ ...PRODUCTION, ALLOW_INSECURE_PLATFORM_URLS: 'false' }).platformEndpoints.allowInsecureSiteUrls).toBe(false);
    });

    it.each(['ADMIN_API_KEY', 'UNSUBSCRIBE_SECRET', 'POSTMARK_WEBHOOK_SECRET', 'PUBLIC_URL', 'DASHBOARD_URL', 'CREDENTIALS_KEY'])('refuses a missing %s', (variable) => {
      const env: NodeJS.ProcessEnv = { ...PRODUCTION };
      delete env[variable];
      expect(issuesOf(env)[variable]).toMatch(/required/);
    });

    it.each([
      ['short', 'Xk9#mQ2$vL7!'],
      ['predictable', 'passwordpasswordpasswordpasswordpassword'],
      ['one character', 'a'.repeat(64)],
    ])('refuses a %s secret without echoing it', (_, value) => {
      const issues = issuesOf({ ...PRODUCTION, ADMIN_API_KEY: value, UNSUBSCRIBE_SECRET: value });
      expect(Object.keys(issues).sort()).toEqual(['ADMIN_API_KEY', 'UNSUBSCRIBE_SECRET']);
      expect(JSON.stringify(issues)).not.toContain(value);
    });

    it('accepts basic auth instead of the header secret, but not neither', () => {
      const basic = { ...PRODUCTION, POSTMARK_WEBHOOK_SECRET: '', POSTMARK_WEBHOOK_USER: 'postmark', POSTMARK_WEBHOOK_PASSWORD: SECRETS[3] };
      expect(loadApiConfig(basic)).toMatchObject({ postmarkWebhookSecret: null, postmarkWebhookBasicAuth: { username: 'postmark' } });
      expect(Object.keys(issuesOf({ ...PRODUCTION, POSTMARK_WEBHOOK_SECRET: '' }))).toEqual(['POSTMARK_WEBHOOK_SECRET']);
      expect(Object.keys(issuesOf({ ...basic, POSTMARK_WEBHOOK_PASSWORD: 'pw' }))).toEqual(['POSTMARK_WEBHOOK_PASSWORD']);
    });

    it('reports a bad value and a default secret together', () => {
      expect(Object.keys(issuesOf({ ...PRODUCTION, API_PORT: 'abc', ADMIN_API_KEY: 'dev-admin-key' })).sort()).toEqual(['ADMIN_API_KEY', 'API_PORT']);
    });
  });
});
