import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { FakePlatformServer, jsonBody, type FakeAnswer, type FakeRequest } from './fake-platform-server.js';

/**
 * Google's OAuth 2.0 token endpoint (JWT bearer grant for service accounts) and the GA4 Data API's `runReport`, on
 * loopback, speaking the documented formats:
 * - POST /token, form `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<RS256 JWT>`: the JWT's
 *   signature is checked against the registered service account's public key (by `kid`), and its iss, aud, scope, iat
 *   and exp (at most an hour); `{access_token, expires_in, token_type: "Bearer"}`, or `400 {error: "invalid_grant",
 *   error_description}` as Google answers.
 * - POST /v1beta/properties/{id}:runReport with `Authorization: Bearer`: evaluates the request (dateRanges,
 *   dimensions, metrics, dimensionFilter with stringFilter/andGroup/notExpression, orderBys, limit) over seeded rows;
 *   errors are `{error: {code, message, status}}` (401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 400 INVALID_ARGUMENT,
 *   429 RESOURCE_EXHAUSTED).
 * Metrics are summed over the rows a group holds (also `totalUsers`, which Google deduplicates: enough for tests).
 */

export const GA_SCOPE = 'https://www.googleapis.com/auth/analytics.readonly';

export const FAKE_GA_DIMENSIONS = ['date', 'sessionSource', 'sessionMedium', 'sessionDefaultChannelGroup', 'searchTerm', 'eventName', 'pagePath'] as const;
export const FAKE_GA_METRICS = ['sessions', 'totalUsers', 'eventCount', 'screenPageViews'] as const;
type Dimension = (typeof FAKE_GA_DIMENSIONS)[number];
type Metric = (typeof FAKE_GA_METRICS)[number];

/** One seeded fact: a day (YYYY-MM-DD), some dimension values, some metric values. */
export interface FakeGaRow {
  date: string;
  dimensions?: Partial<Record<Exclude<Dimension, 'date'>, string>>;
  metrics: Partial<Record<Metric, number>>;
}

/** A service account's JSON key file as Google issues it. */
export interface ServiceAccountKeyFile {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

/** A new service account key file: a fresh 2048-bit RSA key pair, the private half in PKCS#8 PEM as Google writes it. */
export function mintServiceAccountKey(name = 'boomerang-ga', project = 'beanthere-analytics'): { key: ServiceAccountKeyFile; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `${name}@${project}.iam.gserviceaccount.com`;
  return {
    publicKey,
    key: {
      type: 'service_account',
      project_id: project,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      client_id: String(100_000_000_000_000_000_000n + BigInt(randomBytes(6).readUIntBE(0, 6))),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
      universe_domain: 'googleapis.com',
    },
  };
}

const gaError = (code: number, status: string, message: string): FakeAnswer => ({ status: code, body: { error: { code, message, status } } });
const invalidGrant = (description: string): FakeAnswer => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });

const DAY = 86_400_000;
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

export class FakeGoogleAnalytics extends FakePlatformServer {
  /** Service accounts Google knows, by key id. */
  private readonly keys = new Map<string, { clientEmail: string; publicKey: KeyObject }>();
  /** Properties, with the rows they hold and the service accounts given access. */
  private readonly properties = new Map<string, { rows: FakeGaRow[]; readers: Set<string> }>();
  private readonly tokens = new Map<string, { clientEmail: string; expiresAt: number }>();
  /** Every runReport request body that got past auth, in order. */
  readonly reports: { propertyId: string; body: Record<string, unknown> }[] = [];
  tokenRequests = 0;
  /** While set, runReport answers this (a 429 RESOURCE_EXHAUSTED, a 503) after checking the token. */
  reportFault: { code: number; status: string; message: string } | null = null;
  /** Seconds a token lives. */
  tokenLifetimeSeconds = 3599;

  get tokenUrl(): string {
    return `${this.origin}/token`;
  }

  /** Google knows this key (the service account exists). */
  registerServiceAccount(key: Pick<ServiceAccountKeyFile, 'private_key_id' | 'client_email'>, publicKey: KeyObject): void {
    this.keys.set(key.private_key_id, { clientEmail: key.client_email, publicKey });
  }

  /** A GA4 property with its data; `readers` are the service accounts added to it (Viewer). */
  addProperty(propertyId: string, rows: FakeGaRow[], readers: string[] = []): void {
    this.properties.set(propertyId, { rows, readers: new Set(readers) });
  }

  grant(propertyId: string, clientEmail: string): void {
    this.properties.get(propertyId)?.readers.add(clientEmail);
  }

  /** Rows for one day `daysAgo` before today (UTC). */
  static day(daysAgo: number, dimensions: FakeGaRow['dimensions'], metrics: FakeGaRow['metrics']): FakeGaRow {
    return { date: isoDay(new Date(Date.now() - daysAgo * DAY)), dimensions, metrics };
  }

  protected errorBody(status: number, message: string): unknown {
    return { error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : status >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT' } };
  }

  protected handle(req: FakeRequest): FakeAnswer {
    if (req.method === 'POST' && req.path === '/token') return this.token(req);
    const report = /^\/v1beta\/properties\/([^/:]+):runReport$/.exec(req.path);
    if (req.method === 'POST' && report) return this.runReport(req, decodeURIComponent(report[1]!));
    return gaError(404, 'NOT_FOUND', `Requested entity was not found: ${req.method} ${req.path}`);
  }

  private token(req: FakeRequest): FakeAnswer {
    this.tokenRequests++;
    const form = new URLSearchParams(req.body);
    if (!/^application\/x-www-form-urlencoded/.test(String(req.headers['content-type'] ?? ''))) return { status: 400, body: { error: 'invalid_request', error_description: 'Bad Request' } };
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + (form.get('grant_type') ?? '') } };
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return invalidGrant('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
    let header: { alg?: string; kid?: string; typ?: string };
    let claims: { iss?: string; scope?: string; aud?: string; iat?: number; exp?: number };
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      return invalidGrant('Invalid JWT: could not be parsed.');
    }
    if (header.alg !== 'RS256') return invalidGrant('Invalid JWT Signature.');
    // Google looks the key up by kid, else tries the account's keys: a key it does not know cannot verify.
    const account = header.kid ? this.keys.get(header.kid) : [...this.keys.values()].find((k) => k.clientEmail === claims.iss);
    if (!account) return invalidGrant('Invalid grant: account not found');
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verify('sha256', signed, account.publicKey, Buffer.from(parts[2]!, 'base64url'))) return invalidGrant('Invalid JWT Signature.');
    if (claims.iss !== account.clientEmail) return invalidGrant('Invalid JWT Signature.');
    if (claims.aud !== this.tokenUrl) return invalidGrant(`Invalid JWT: Failed audience check. The right audience is ${this.tokenUrl}`);
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims;
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > 3600 || exp <= now || iat > now + 300) {
      return invalidGrant('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    if (!(claims.scope ?? '').split(' ').some((s) => s === GA_SCOPE || s === 'https://www.googleapis.com/auth/analytics')) {
      return { status: 400, body: { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' } };
    }
    const accessToken = `ya29.fake-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, { clientEmail: account.clientEmail, expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000 });
    return { status: 200, body: { access_token: accessToken, expires_in: this.tokenLifetimeSeconds, token_type: 'Bearer' } };
  }

  private runReport(req: FakeRequest, propertyId: string): FakeAnswer {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const token = bearer ? this.tokens.get(bearer) : undefined;
    if (!token || token.expiresAt <= Date.now()) {
      return gaError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    const property = this.properties.get(propertyId);
    if (!property || !property.readers.has(token.clientEmail)) {
      return gaError(403, 'PERMISSION_DENIED', `User does not have sufficient permissions for this property. To learn more about Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/property-id.`);
    }
    if (this.reportFault) return gaError(this.reportFault.code, this.reportFault.status, this.reportFault.message);
    const body = jsonBody(req);
    if (!body) return gaError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    this.reports.push({ propertyId, body });
    try {
      return { status: 200, body: evaluate(body, property.rows) };
    } catch (err) {
      return gaError(400, 'INVALID_ARGUMENT', (err as Error).message);
    }
  }
}

interface Filter {
  fieldName?: string;
  stringFilter?: { matchType?: string; value?: string; caseSensitive?: boolean };
  inListFilter?: { values?: string[] };
}
interface FilterExpression {
  filter?: Filter;
  andGroup?: { expressions?: FilterExpression[] };
  orGroup?: { expressions?: FilterExpression[] };
  notExpression?: FilterExpression;
}

/** Resolves "today", "yesterday", "NdaysAgo" and YYYY-MM-DD as the Data API does (the property's day; UTC here). */
function resolveDate(value: unknown): string {
  if (value === 'today') return isoDay(new Date());
  if (value === 'yesterday') return isoDay(new Date(Date.now() - DAY));
  const ago = /^(\d+)daysAgo$/.exec(String(value));
  if (ago) return isoDay(new Date(Date.now() - Number(ago[1]) * DAY));
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  throw new Error(`Invalid date: ${String(value)}. Expected YYYY-MM-DD, NdaysAgo, yesterday, or today.`);
}

const valueOf = (row: FakeGaRow, field: string): string => (field === 'date' ? row.date.replaceAll('-', '') : (row.dimensions?.[field as Exclude<Dimension, 'date'>] ?? '(not set)'));

function matches(row: FakeGaRow, expression: FilterExpression): boolean {
  if (expression.andGroup) return (expression.andGroup.expressions ?? []).every((e) => matches(row, e));
  if (expression.orGroup) return (expression.orGroup.expressions ?? []).some((e) => matches(row, e));
  if (expression.notExpression) return !matches(row, expression.notExpression);
  const filter = expression.filter;
  if (!filter?.fieldName || !(FAKE_GA_DIMENSIONS as readonly string[]).includes(filter.fieldName)) throw new Error(`Field ${filter?.fieldName ?? ''} is not a valid dimension.`);
  const actual = valueOf(row, filter.fieldName);
  if (filter.inListFilter) return (filter.inListFilter.values ?? []).includes(actual);
  const { matchType = 'EXACT', value = '', caseSensitive = false } = filter.stringFilter ?? {};
  const [a, v] = caseSensitive ? [actual, value] : [actual.toLowerCase(), value.toLowerCase()];
  switch (matchType) {
    case 'EXACT':
      return a === v;
    case 'BEGINS_WITH':
      return a.startsWith(v);
    case 'ENDS_WITH':
      return a.endsWith(v);
    case 'CONTAINS':
      return a.includes(v);
    default:
      throw new Error(`Unsupported matchType ${matchType}`);
  }
}

function evaluate(body: Record<string, unknown>, rows: FakeGaRow[]): unknown {
  const dimensions = ((body.dimensions as { name?: string }[] | undefined) ?? []).map((d) => String(d.name));
  const metrics = ((body.metrics as { name?: string }[] | undefined) ?? []).map((m) => String(m.name));
  for (const d of dimensions) if (!(FAKE_GA_DIMENSIONS as readonly string[]).includes(d)) throw new Error(`Field ${d} is not a valid dimension. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema`);
  if (metrics.length === 0) throw new Error('At least one metric is required.');
  for (const m of metrics) if (!(FAKE_GA_METRICS as readonly string[]).includes(m)) throw new Error(`Field ${m} is not a valid metric. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema`);
  const ranges = (body.dateRanges as { startDate?: string; endDate?: string }[] | undefined) ?? [];
  if (ranges.length !== 1) throw new Error('Exactly one date range is supported by this fake.');
  const start = resolveDate(ranges[0]!.startDate);
  const end = resolveDate(ranges[0]!.endDate);
  const filter = body.dimensionFilter as FilterExpression | undefined;
  const groups = new Map<string, { values: string[]; totals: number[] }>();
  for (const row of rows) {
    if (row.date < start || row.date > end) continue;
    if (filter && !matches(row, filter)) continue;
    const values = dimensions.map((d) => valueOf(row, d));
    const key = JSON.stringify(values);
    const group = groups.get(key) ?? { values, totals: metrics.map(() => 0) };
    metrics.forEach((m, i) => (group.totals[i]! += row.metrics[m as Metric] ?? 0));
    groups.set(key, group);
  }
  // A report without dimensions has one row when anything matched (Google omits it when every metric is zero).
  let result = [...groups.values()].filter((g) => g.totals.some((t) => t !== 0));
  for (const order of [...((body.orderBys as { metric?: { metricName?: string }; dimension?: { dimensionName?: string }; desc?: boolean }[] | undefined) ?? [])].reverse()) {
    const mi = order.metric?.metricName ? metrics.indexOf(order.metric.metricName) : -1;
    const di = order.dimension?.dimensionName ? dimensions.indexOf(order.dimension.dimensionName) : -1;
    if (mi < 0 && di < 0) throw new Error('orderBys names a field that is not in the request.');
    const sign = order.desc ? -1 : 1;
    result = [...result].sort((a, b) => sign * (mi >= 0 ? a.totals[mi]! - b.totals[mi]! : a.values[di]!.localeCompare(b.values[di]!)));
  }
  const rowCount = result.length;
  const offset = Number(body.offset ?? 0);
  const limit = body.limit === undefined ? 10_000 : Number(body.limit);
  result = result.slice(offset, offset + limit);
  return {
    dimensionHeaders: dimensions.map((name) => ({ name })),
    metricHeaders: metrics.map((name) => ({ name, type: 'TYPE_INTEGER' })),
    ...(result.length ? { rows: result.map((g) => ({ dimensionValues: g.values.map((value) => ({ value })), metricValues: g.totals.map((t) => ({ value: String(t) })) })) } : {}),
    ...(rowCount ? { rowCount } : {}),
    metadata: { currencyCode: 'USD', timeZone: 'Etc/UTC' },
    kind: 'analyticsData#runReport',
  };
}

/**
 * Ninety days of a coffee shop's traffic, for every suite: 295 sessions and 231 users in the 90 days (120 of them
 * from organic search), referrals from beanforum.example (55) and coffeeblog.example (40), 36 site searches
 * ("espresso beans" 22, "decaf" 14), and one older referral that no 90-day report may count.
 */
export function sampleAnalyticsRows(): FakeGaRow[] {
  const day = FakeGoogleAnalytics.day;
  const session = (source: string, medium: string, group: string) => ({ sessionSource: source, sessionMedium: medium, sessionDefaultChannelGroup: group });
  return [
    day(1, session('google', 'organic', 'Organic Search'), { sessions: 120, totalUsers: 90 }),
    day(3, session('coffeeblog.example', 'referral', 'Referral'), { sessions: 40, totalUsers: 30 }),
    day(20, session('beanforum.example', 'referral', 'Referral'), { sessions: 55, totalUsers: 41 }),
    day(30, session('(direct)', '(none)', 'Direct'), { sessions: 80, totalUsers: 70 }),
    day(2, { eventName: 'view_search_results', searchTerm: 'decaf' }, { eventCount: 14 }),
    day(5, { eventName: 'view_search_results', searchTerm: 'espresso beans' }, { eventCount: 22 }),
    day(120, session('old.example', 'referral', 'Referral'), { sessions: 999, totalUsers: 999 }),
  ];
}
