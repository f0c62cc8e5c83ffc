import { DEV_SECRETS } from '@boomerang/validation';
import { ConfigError, loadWorkerConfig } from './config.js';

const DATABASE_URL = 'postgres://boomerang:boomerang@127.0.0.1:54329/boomerang';
// Printed by `openssl rand -hex 32`.
const SECRET = '3bbce1f52d085b067707029c4677ea260335bed1c0387926bcfea17ff107857b';
// Printed by `openssl rand -base64 32`.
const CREDENTIALS_KEY = 'bfOIVL5N1ZHAk1Qjw20jrDiRFwj3S5dGONRIUd0HrmQ=';
const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL, UNSUBSCRIBE_SECRET: SECRET, PUBLIC_URL: 'https://mail.example.com', CREDENTIALS_KEY };

function issuesOf(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    loadWorkerConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return Object.fromEntries((err as ConfigError).issues.map((i) => [i.variable, i.message]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadWorkerConfig', () => {
  it('works on a fresh machine with what npm start passes', () => {
    expect(loadWorkerConfig({ DATABASE_URL, TEMPORAL_ADDRESS: '127.0.0.1:7233', API_PORT: '3000' })).toEqual({
      databaseUrl: DATABASE_URL,
      temporalAddress: '127.0.0.1:7233',
      namespace: 'default',
      publicUrl: 'http://localhost:3000',
      unsubscribeSecret: 'dev-unsubscribe-secret',
      postmark: null,
      tuning: { maxCachedWorkflows: undefined, providerIndexDelayMs: undefined },
      credentialsKey: DEV_SECRETS.CREDENTIALS_KEY,
      platformEndpoints: { shopifyOrigin: null, bigcommerceOrigin: 'https://api.bigcommerce.com', allowInsecureSiteUrls: false },
      webhooks: { allowPrivateAddresses: false, timeoutMs: 10_000, disableAfterMs: 86_400_000, maxRetryIntervalMs: 600_000, idlePollMs: 60_000, sweepMs: 60_000, mailchimpBaseUrl: 'https://{dc}.api.mailchimp.com/3.0' },
      alerts: { from: 'Boomerang <no-reply@boomerang.localhost>', dashboardUrl: 'http://localhost:5173' },
    });
  });

  it('reads the outgoing webhook variables, and refuses private receivers in production', () => {
    const config = loadWorkerConfig({ DATABASE_URL, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOK_DISABLE_AFTER_SECONDS: '3', WEBHOOK_RETRY_MAX_SECONDS: '1' });
    expect(config.webhooks).toMatchObject({ allowPrivateAddresses: true, disableAfterMs: 3_000, maxRetryIntervalMs: 1_000 });
    expect(Object.keys(issuesOf({ DATABASE_URL, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'yes' }))).toEqual(['WEBHOOK_ALLOW_PRIVATE_ADDRESSES']);
    expect(Object.keys(issuesOf({ ...PRODUCTION, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }))).toContain('WEBHOOK_ALLOW_PRIVATE_ADDRESSES');
  });

  it('reads the platform variables the api reads, and refuses in production what the api refuses', () => {
    const config = loadWorkerConfig({ DATABASE_URL, CREDENTIALS_KEY, SHOPIFY_API_ORIGIN: 'http://127.0.0.1:4100', ALLOW_INSECURE_PLATFORM_URLS: 'true' });
    expect(config).toMatchObject({ credentialsKey: CREDENTIALS_KEY, platformEndpoints: { shopifyOrigin: 'http://127.0.0.1:4100', allowInsecureSiteUrls: true } });
    expect(Object.keys(issuesOf({ DATABASE_URL, CREDENTIALS_KEY: 'c2hvcnQ=' }))).toEqual(['CREDENTIALS_KEY']);
    expect(Object.keys(issuesOf({ ...PRODUCTION, CREDENTIALS_KEY: DEV_SECRETS.CREDENTIALS_KEY, ALLOW_INSECURE_PLATFORM_URLS: 'true' })).sort()).toEqual([
      'ALLOW_INSECURE_PLATFORM_URLS',
      'CREDENTIALS_KEY',
    ]);
  });

  it('reads the tuning knobs the fault tests use, and names a bad one', () => {
    const config = loadWorkerConfig({ DATABASE_URL, WORKER_MAX_CACHED_WORKFLOWS: '40', POSTMARK_INDEX_DELAY_SECONDS: '3' });
    expect(config.tuning).toEqual({ maxCachedWorkflows: 40, providerIndexDelayMs: 3_000 });
    expect(() => loadWorkerConfig({ DATABASE_URL, WORKER_MAX_CACHED_WORKFLOWS: '0' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS: must be a whole number from 1 to 100000/);
  });

  it('reads the Postmark settings', () => {
    const config = loadWorkerConfig({
      DATABASE_URL,
      PUBLIC_URL: 'https://mail.example.com/',
      POSTMARK_SERVER_TOKEN: 'token',
      POSTMARK_REQUEST_HOST: '127.0.0.1:4010',
      POSTMARK_BROADCAST_STREAM: 'retention-broadcast',
      POSTMARK_TIMEOUT_SECONDS: '0.5',
    });
    expect(config.publicUrl).toBe('https://mail.example.com');
    expect(config.postmark).toEqual({
      serverToken: 'token',
      requestHost: '127.0.0.1:4010',
      broadcastStream: 'retention-broadcast',
      transactionalStream: 'outbound',
      timeoutSeconds: 0.5,
    });
  });

  it('names every bad variable in one error', () => {
    const issues = issuesOf({
      DATABASE_URL: 'http://db/boomerang',
      TEMPORAL_ADDRESS: 'temporal',
      PUBLIC_URL: 'ftp://example.com',
      POSTMARK_TIMEOUT_SECONDS: '-1',
      POSTMARK_REQUEST_HOST: 'http://127.0.0.1:4010',
    });
    expect(Object.keys(issues).sort()).toEqual(['DATABASE_URL', 'POSTMARK_REQUEST_HOST', 'POSTMARK_TIMEOUT_SECONDS', 'PUBLIC_URL', 'TEMPORAL_ADDRESS']);
  });

  it.each([
    ['API_PORT', 'abc'],
    ['POSTMARK_TIMEOUT_SECONDS', '0'],
    ['POSTMARK_TIMEOUT_SECONDS', 'soon'],
    ['POSTMARK_BROADCAST_STREAM', 'two words'],
    ['TEMPORAL_NAMESPACE', 'a/b'],
  ])('refuses %s=%s', (variable, value) => {
    expect(Object.keys(issuesOf({ DATABASE_URL, [variable]: value }))).toEqual([variable]);
  });

  it('requires DATABASE_URL', () => {
    expect(issuesOf({}).DATABASE_URL).toMatch(/required/);
  });

  describe('with NODE_ENV=production', () => {
    it('starts with a real secret', () => {
      expect(loadWorkerConfig(PRODUCTION).unsubscribeSecret).toBe(SECRET);
    });

    it('refuses the development default UNSUBSCRIBE_SECRET', () => {
      const issues = issuesOf({ ...PRODUCTION, UNSUBSCRIBE_SECRET: 'dev-unsubscribe-secret' });
      expect(Object.keys(issues)).toEqual(['UNSUBSCRIBE_SECRET']);
      expect(issues.UNSUBSCRIBE_SECRET).toMatch(/development default/);
    });

    it.each(['UNSUBSCRIBE_SECRET', 'PUBLIC_URL'])('refuses a missing %s', (variable) => {
      const env: NodeJS.ProcessEnv = { ...PRODUCTION };
      delete env[variable];
      expect(Object.keys(issuesOf(env))).toEqual([variable]);
    });

    it.each([
      ['short', 'Xk9#mQ2$vL7!'],
      ['predictable', 'unsubscribeunsubscribeunsubscribe'],
    ])('refuses a %s secret without echoing it', (_, value) => {
      const issues = issuesOf({ ...PRODUCTION, UNSUBSCRIBE_SECRET: value });
      expect(Object.keys(issues)).toEqual(['UNSUBSCRIBE_SECRET']);
      expect(issues.UNSUBSCRIBE_SECRET).not.toContain(value);
    });
  });
});
