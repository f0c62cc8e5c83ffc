import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { FakeGoogleAnalytics, mintServiceAccountKey, openTestOrm, sampleAnalyticsRows, seedRow, type TestOrm } from '@boomerang/testing';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '@boomerang/domain';
import type { SecretSealer } from '../webhook-endpoints.service.js';
import { GoogleAnalyticsService } from './google-analytics.service.js';

const PROPERTY = '412345678';

/** AES-256-GCM bound to the context, as the api's CredentialsCipher (which this library may not import). */
const cipherKey = randomBytes(32);
const cipher: SecretSealer = {
  seal(plain, context) {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', cipherKey, iv).setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v1.${iv.toString('base64url')}.${Buffer.concat([body, c.getAuthTag()]).toString('base64url')}`;
  },
  open(sealed, context) {
    const [, iv, data] = sealed.split('.');
    const raw = Buffer.from(data!, 'base64url');
    const d = createDecipheriv('aes-256-gcm', cipherKey, Buffer.from(iv!, 'base64url')).setAAD(Buffer.from(context));
    d.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([d.update(raw.subarray(0, raw.length - 16)), d.final()]).toString('utf8');
  },
};


describe('Google Analytics: connect and the dashboard report (PostgreSQL, the fake GA4 Data API on loopback)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  const em = (): EntityManager => orm.em.fork();
  const google = new FakeGoogleAnalytics();
  let now = new Date();
  let service: GoogleAnalyticsService;
  let storeId = '';
  let otherStore = '';
  const account = mintServiceAccountKey('dashboards');
  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => em().execute<T[]>(q, params);
  const rowCount = async () => (await sql<{ n: string }>(`select count(*) as n from google_analytics_connection`))[0]!.n;

  beforeAll(async () => {
    db = await openTestOrm('boomerang_google_analytics');
    orm = db.orm;
    await google.start();
    google.registerServiceAccount(account.key, account.publicKey);
    google.addProperty(PROPERTY, sampleAnalyticsRows(), [account.key.client_email]);
    service = new GoogleAnalyticsService({
      sealer: cipher,
      settings: { tokenUrl: google.tokenUrl, dataApiUrl: google.origin, cacheTtlMs: 3_600_000, refreshLeaseMs: 60_000, timeoutMs: 5_000 },
      clock: () => now,
    });
    storeId = await seedRow(em(), 'store');
    otherStore = await seedRow(em(), 'store');
  });

  afterAll(async () => {
    await google.stop();
    await db?.close();
  });

  const refusal = async (promise: Promise<unknown>) => {
    const err = await promise.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  };

  it('refuses a malformed key file with the field named, asking Google nothing', async () => {
    const before = google.tokenRequests;
    const notService = await refusal(service.connect(em(), storeId, { propertyId: PROPERTY, serviceAccountKey: { ...account.key, type: 'authorized_user' } }));
    expect(notService.code).toBe('validation_failed');
    expect(notService.issues).toEqual([expect.objectContaining({ field: 'serviceAccountKey.type' })]);
    const badPem = await refusal(service.connect(em(), storeId, { propertyId: PROPERTY, serviceAccountKey: { ...account.key, private_key: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n' } }));
    expect(badPem.issues).toEqual([expect.objectContaining({ field: 'serviceAccountKey.private_key', message: 'is not a readable RSA private key' })]);
    const measurementId = await refusal(service.connect(em(), storeId, { propertyId: 'G-ABC123', serviceAccountKey: account.key }));
    expect(measurementId.issues).toEqual([expect.objectContaining({ field: 'propertyId' })]);
    expect(google.tokenRequests).toBe(before);
    expect(await rowCount()).toBe('0');
  });

  it('refuses a forged key (Google: invalid_grant, Invalid JWT Signature.) with a 422 naming it, storing nothing', async () => {
    // The real account's address and key id, signed with another key: what Google sees from a forged file.
    const forged = { ...account.key, private_key: mintServiceAccountKey().key.private_key };
    const err = await refusal(service.connect(em(), storeId, { propertyId: PROPERTY, serviceAccountKey: forged }));
    expect(err.code).toBe('unprocessable');
    expect(err.issues).toEqual([expect.objectContaining({ field: 'serviceAccountKey', message: expect.stringContaining('invalid_grant (Invalid JWT Signature.)') })]);
    expect(await rowCount()).toBe('0');
  });

  it('refuses a key without access to the property (PERMISSION_DENIED) with a 422 on propertyId, storing nothing', async () => {
    const stranger = mintServiceAccountKey('stranger');
    google.registerServiceAccount(stranger.key, stranger.publicKey);
    const err = await refusal(service.connect(em(), storeId, { propertyId: PROPERTY, serviceAccountKey: stranger.key }));
    expect(err.code).toBe('unprocessable');
    expect(err.issues).toEqual([expect.objectContaining({ field: 'propertyId', message: expect.stringMatching(/403 PERMISSION_DENIED.*add stranger@.* as a Viewer of property 412345678/) })]);
    expect(await rowCount()).toBe('0');
  });

  it('connects with a good key, seals it, and never hands it back', async () => {
    const status = await service.connect(em(), storeId, { propertyId: `properties/${PROPERTY}`, serviceAccountKey: account.key });
    expect(status).toEqual({ propertyId: PROPERTY, clientEmail: account.key.client_email, status: 'connected', lastError: null, connectedAt: now, lastRefreshAt: null });
    expect(JSON.stringify(status)).not.toContain('PRIVATE KEY');
    const [row] = await sql<{ key_sealed: string }>(`select key_sealed from google_analytics_connection where store_id = ?`, [storeId]);
    expect(row!.key_sealed).toMatch(/^v1\./);
    expect(row!.key_sealed).not.toContain('PRIVATE');
    expect(JSON.parse(cipher.open(row!.key_sealed, `google-analytics:${storeId}`)).private_key).toBe(account.key.private_key);
    // The key was proved by a token exchange and one minimal report.
    expect(google.reports.at(-1)).toMatchObject({ propertyId: PROPERTY, body: { metrics: [{ name: 'sessions' }], limit: 1 } });
    expect(await service.status(em(), otherStore)).toBeNull();
    expect((await service.widgets(em(), otherStore)).state).toBe('not_connected');
  });

  it('reads the widgets for the last 90 days, then serves them from PostgreSQL for an hour without asking Google', async () => {
    const tokensBefore = google.tokenRequests;
    const reportsBefore = google.reports.length;
    const first = await service.widgets(em(), storeId);
    expect(first).toMatchObject({ state: 'fresh', propertyId: PROPERTY, error: null });
    expect(first.report).toEqual({
      visits: 295,
      visitors: 231,
      organicSearchSessions: 120,
      siteSearches: 36,
      topReferrers: [{ source: 'beanforum.example', sessions: 55 }, { source: 'coffeeblog.example', sessions: 40 }],
      topSearchTerms: [{ term: 'espresso beans', searches: 22 }, { term: 'decaf', searches: 14 }],
    });
    expect(google.reports.length - reportsBefore).toBe(5);
    // The access token from connecting is still good: no new exchange.
    expect(google.tokenRequests).toBe(tokensBefore);

    now = new Date(now.getTime() + 59 * 60_000);
    const again = await service.widgets(em(), storeId);
    expect(again).toEqual(first);
    expect(google.reports.length - reportsBefore).toBe(5);
    expect((await service.status(em(), storeId))!.lastRefreshAt).toEqual(first.fetchedAt);
  });

  it('shares one refresh between concurrent views once the hour has passed', async () => {
    now = new Date(now.getTime() + 2 * 60_000);
    const before = google.reports.length;
    const views = await Promise.all([service.widgets(em(), storeId), service.widgets(em(), storeId), service.widgets(em(), storeId)]);
    expect(views.map((v) => v.state)).toEqual(['fresh', 'fresh', 'fresh']);
    expect(google.reports.length - before).toBe(5);
  });

  it('serves the last report marked stale, with Google\'s error, when Google answers 429 or 503; asks again only after the lease', async () => {
    now = new Date(now.getTime() + 61 * 60_000);
    google.reportFault = { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Exhausted property tokens per hour for this property.' };
    const stale = await service.widgets(em(), storeId);
    expect(stale.state).toBe('stale');
    expect(stale.error).toContain('429 RESOURCE_EXHAUSTED');
    expect(stale.report!.visits).toBe(295);
    const requests = google.requests.length;
    // Within the lease: the stored error, Google left alone.
    expect((await service.widgets(em(), storeId)).error).toContain('RESOURCE_EXHAUSTED');
    expect(google.requests.length).toBe(requests);
    expect((await service.status(em(), storeId))!.status).toBe('connected');

    now = new Date(now.getTime() + 61_000);
    google.reportFault = { code: 503, status: 'UNAVAILABLE', message: 'The service is currently unavailable.' };
    expect(await service.widgets(em(), storeId)).toMatchObject({ state: 'stale', error: expect.stringContaining('503 UNAVAILABLE') });

    now = new Date(now.getTime() + 61_000);
    google.reportFault = null;
    expect(await service.widgets(em(), storeId)).toMatchObject({ state: 'fresh', error: null });
  });

  it('gives up on a Google that does not answer within the timeout and serves the last report, stale', async () => {
    const impatient = new GoogleAnalyticsService({
      sealer: cipher,
      settings: { tokenUrl: google.tokenUrl, dataApiUrl: google.origin, cacheTtlMs: 3_600_000, refreshLeaseMs: 60_000, timeoutMs: 500 },
      clock: () => now,
    });
    now = new Date(now.getTime() + 2 * 3_600_000);
    // The first request (a token exchange: this instance has no token yet) hangs.
    google.hangNext(1);
    const started = Date.now();
    const view = await impatient.widgets(em(), storeId);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(view).toMatchObject({ state: 'stale', error: expect.stringContaining('timed out') });
    expect(view.report!.visits).toBe(295);
    now = new Date(now.getTime() + 61_000);
    expect(await impatient.widgets(em(), storeId)).toMatchObject({ state: 'fresh', error: null });
  });

  it('names the error when there is no report to fall back on, and marks a revoked key as an error', async () => {
    const fresh = await seedRow(em(), 'store');
    const revoked = mintServiceAccountKey('revoked');
    google.registerServiceAccount(revoked.key, revoked.publicKey);
    google.grant(PROPERTY, revoked.key.client_email);
    await service.connect(em(), fresh, { propertyId: PROPERTY, serviceAccountKey: revoked.key });
    // Access removed after connecting: the next read is refused.
    google.addProperty(PROPERTY, sampleAnalyticsRows(), [account.key.client_email]);
    const view = await service.widgets(em(), fresh);
    expect(view).toMatchObject({ state: 'unavailable', report: null, error: expect.stringContaining('403 PERMISSION_DENIED') });
    expect(await service.status(em(), fresh)).toMatchObject({ status: 'error', lastError: expect.stringContaining('PERMISSION_DENIED') });
  });

  it('answers 503 (nothing stored) when Google cannot be reached while connecting, and disconnects', async () => {
    const third = await seedRow(em(), 'store');
    google.reportFault = { code: 500, status: 'INTERNAL', message: 'Internal error encountered.' };
    const err = await refusal(service.connect(em(), third, { propertyId: PROPERTY, serviceAccountKey: account.key }));
    google.reportFault = null;
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('nothing was saved');
    expect(await service.status(em(), third)).toBeNull();

    await service.disconnect(em(), storeId);
    expect((await service.widgets(em(), storeId)).state).toBe('not_connected');
    expect((await refusal(service.disconnect(em(), storeId))).code).toBe('not_found');
  });
});
