import { createPrivateKey, sign } from 'node:crypto';
import { FakeGoogleAnalytics, GA_SCOPE, mintServiceAccountKey, sampleAnalyticsRows } from './fake-google-analytics.js';

/** The fake must refuse what Google refuses, or the tests built on it prove nothing. */
describe('FakeGoogleAnalytics: the token exchange and runReport as Google documents them', () => {
  const google = new FakeGoogleAnalytics();
  const account = mintServiceAccountKey('fake-check');
  const PROPERTY = '123456789';

  beforeAll(async () => {
    await google.start();
    google.registerServiceAccount(account.key, account.publicKey);
    google.addProperty(PROPERTY, sampleAnalyticsRows(), [account.key.client_email]);
  });
  afterAll(() => google.stop());

  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const jwt = (claims: Record<string, unknown>, key = account.key.private_key, kid = account.key.private_key_id) => {
    const head = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`;
    return `${head}.${sign('sha256', Buffer.from(head), createPrivateKey(key)).toString('base64url')}`;
  };
  const now = () => Math.floor(Date.now() / 1000);
  const good = () => ({ iss: account.key.client_email, scope: GA_SCOPE, aud: google.tokenUrl, iat: now(), exp: now() + 3600 });
  const exchange = async (assertion: string) => {
    const res = await fetch(google.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const report = (token: string, body: unknown, property = PROPERTY) =>
    fetch(`${google.origin}/v1beta/properties/${property}:runReport`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('grants a token for a JWT signed by the registered key, and refuses forged, expired, long-lived, mis-addressed or unscoped ones', async () => {
    const granted = await exchange(jwt(good()));
    expect(granted).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 3599, access_token: expect.any(String) } });
    expect(await exchange(jwt(good(), mintServiceAccountKey().key.private_key))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } });
    expect((await exchange(jwt({ ...good(), iat: now() - 7200, exp: now() - 3600 }))).body.error).toBe('invalid_grant');
    expect((await exchange(jwt({ ...good(), exp: now() + 7200 }))).body.error).toBe('invalid_grant');
    expect((await exchange(jwt({ ...good(), aud: 'https://oauth2.googleapis.com/token' }))).body.error_description).toMatch(/audience/);
    expect((await exchange(jwt({ ...good(), scope: 'https://www.googleapis.com/auth/drive' }))).body.error).toBe('invalid_scope');
    expect((await exchange(jwt(good(), account.key.private_key, 'feedface'))).body.error).toBe('invalid_grant');
  });

  it('answers runReport only with a valid token for a property the account reads, and evaluates filters, order and limit', async () => {
    const token = String((await exchange(jwt(good()))).body.access_token);
    expect((await report('ya29.forged', { metrics: [{ name: 'sessions' }], dateRanges: [{ startDate: '90daysAgo', endDate: 'today' }] })).status).toBe(401);
    const denied = await report(token, { metrics: [{ name: 'sessions' }], dateRanges: [{ startDate: '90daysAgo', endDate: 'today' }] }, '999');
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { status: string } }).error.status).toBe('PERMISSION_DENIED');
    const bad = await report(token, { metrics: [{ name: 'visits' }], dateRanges: [{ startDate: '90daysAgo', endDate: 'today' }] });
    expect(bad.status).toBe(400);

    const top = await report(token, {
      dateRanges: [{ startDate: '90daysAgo', endDate: 'today' }],
      dimensions: [{ name: 'sessionSource' }],
      metrics: [{ name: 'sessions' }],
      dimensionFilter: { filter: { fieldName: 'sessionMedium', stringFilter: { matchType: 'EXACT', value: 'referral' } } },
      orderBys: [{ metric: { metricName: 'sessions' }, desc: true }],
      limit: 1,
    });
    expect(await top.json()).toMatchObject({
      dimensionHeaders: [{ name: 'sessionSource' }],
      metricHeaders: [{ name: 'sessions' }],
      rows: [{ dimensionValues: [{ value: 'beanforum.example' }], metricValues: [{ value: '55' }] }],
      rowCount: 2,
    });

    google.reportFault = { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Exhausted property tokens per hour for this property.' };
    const limited = await report(token, { metrics: [{ name: 'sessions' }], dateRanges: [{ startDate: '7daysAgo', endDate: 'today' }] });
    google.reportFault = null;
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Exhausted property tokens per hour for this property.' } });
  });
});
