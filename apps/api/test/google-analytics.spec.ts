import { FakeGoogleAnalytics, mintServiceAccountKey, sampleAnalyticsRows } from '@boomerang/testing';
import { api, createReadyStore, startStack, type Stack } from './harness.js';

/**
 * Issue 13, point 2 on the whole stack: the merchant connects a GA4 property with a service account's JSON key;
 * Google (the fake on loopback, reached by configuration only) is asked before anything is stored; the store
 * dashboard shows the GA widgets from a report cached in PostgreSQL; the key is never returned.
 */
describe('Google Analytics on the whole stack', () => {
  let stack: Stack;
  let store: { id: string; apiKey: string };
  const google = new FakeGoogleAnalytics();
  const account = mintServiceAccountKey('boomerang');
  const PROPERTY = '398765432';
  const merchant = (method: string, path: string, body?: unknown) => api(stack, method, `/api/v1/stores/${store.id}${path}`, body, store.apiKey);
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => stack.orm.em.fork().execute<T[]>(query, params);
  const stored = async () => Number((await sql<{ n: string }>(`select count(*) as n from google_analytics_connection`))[0]!.n);

  beforeAll(async () => {
    await google.start();
    google.registerServiceAccount(account.key, account.publicKey);
    google.addProperty(PROPERTY, sampleAnalyticsRows(), [account.key.client_email]);
    stack = await startStack({ worker: false, projector: false, env: { GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl, GOOGLE_ANALYTICS_DATA_API_URL: google.origin } });
    store = await createReadyStore(stack, 'Analytics Beans');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await google.stop();
  });

  it('shows the GA widgets\' empty state while Google Analytics is not connected', async () => {
    expect((await merchant('GET', '/google-analytics')).body).toEqual({ connection: null });
    const { body } = await merchant('GET', '/dashboard');
    expect(body.analytics).toMatchObject({ state: 'not_connected', days: 90, visits: { sessions: null, empty: 'analytics_not_connected' }, topSearchTerms: { items: [], empty: 'analytics_not_connected' } });
  });

  it('refuses a bad file (400), a forged key and a property out of reach (422 naming Google\'s answer), storing nothing', async () => {
    const shape = await merchant('PUT', '/google-analytics', { propertyId: PROPERTY, serviceAccountKey: { type: 'service_account', client_email: 'x@example.com' } });
    expect(shape.status).toBe(400);
    expect(shape.body.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['serviceAccountKey.private_key_id', 'serviceAccountKey.private_key', 'serviceAccountKey.client_email']));

    const forged = await merchant('PUT', '/google-analytics', { propertyId: PROPERTY, serviceAccountKey: { ...account.key, private_key: mintServiceAccountKey().key.private_key } });
    expect(forged.status).toBe(422);
    expect(forged.body).toMatchObject({ error: 'unprocessable', issues: [{ field: 'serviceAccountKey', message: expect.stringContaining('invalid_grant (Invalid JWT Signature.)') }] });

    const stranger = mintServiceAccountKey('stranger');
    google.registerServiceAccount(stranger.key, stranger.publicKey);
    const denied = await merchant('PUT', '/google-analytics', { propertyId: PROPERTY, serviceAccountKey: stranger.key });
    expect(denied.status).toBe(422);
    expect(denied.body.issues).toEqual([{ field: 'propertyId', message: expect.stringContaining('403 PERMISSION_DENIED') }]);
    expect(await stored()).toBe(0);
  });

  it('connects, never returns the key, and fills every GA widget from one cached report', async () => {
    const connected = await merchant('PUT', '/google-analytics', { propertyId: PROPERTY, serviceAccountKey: account.key });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({ propertyId: PROPERTY, clientEmail: account.key.client_email, status: 'connected', lastRefreshAt: null });
    expect(JSON.stringify(connected.body)).not.toMatch(/PRIVATE KEY|private_key/);
    const got = await merchant('GET', '/google-analytics');
    expect(JSON.stringify(got.body)).not.toMatch(/PRIVATE KEY|private_key/);
    const [row] = await sql<{ key_sealed: string }>(`select key_sealed from google_analytics_connection where store_id = ?`, [store.id]);
    expect(row!.key_sealed).not.toContain('PRIVATE KEY');

    const before = google.reports.length;
    const { body } = await merchant('GET', '/dashboard');
    expect(body.analytics).toMatchObject({
      state: 'fresh',
      error: null,
      visits: { sessions: 295, empty: null },
      visitors: { users: 231, organicSearchSessions: 120, siteSearches: 36, empty: null },
      topReferrals: { items: [{ source: 'beanforum.example', sessions: 55 }, { source: 'coffeeblog.example', sessions: 40 }], empty: null },
      topSearchTerms: { items: [{ term: 'espresso beans', searches: 22 }, { term: 'decaf', searches: 14 }], empty: null },
    });
    expect(google.reports.length - before).toBe(5);
    // Cached: the next view asks Google nothing.
    expect((await merchant('GET', '/dashboard')).body.analytics).toEqual(body.analytics);
    expect(google.reports.length - before).toBe(5);
  });

  it('serves the last report marked stale with Google\'s 429 once the cache is old, and disconnects', async () => {
    await sql(`update google_analytics_connection set report_fetched_at = report_fetched_at - interval '2 hours' where store_id = ?`, [store.id]);
    google.reportFault = { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Exhausted property tokens per hour for this property.' };
    const { body } = await merchant('GET', '/dashboard');
    google.reportFault = null;
    expect(body.analytics).toMatchObject({ state: 'stale', error: expect.stringContaining('429 RESOURCE_EXHAUSTED'), visits: { sessions: 295, empty: null } });

    expect((await merchant('DELETE', '/google-analytics')).status).toBe(204);
    expect((await merchant('DELETE', '/google-analytics')).status).toBe(404);
    expect((await merchant('GET', '/dashboard')).body.analytics.state).toBe('not_connected');
    expect(await stored()).toBe(0);
  });
});
