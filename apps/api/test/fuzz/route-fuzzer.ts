import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { signWebhook } from '@boomerang/stores';
import {
  CONTENT_ENCODINGS,
  CONTENT_TYPES,
  DATE_STRINGS,
  forgedCursor,
  hostileString,
  mutationOf,
  nodePaths,
  pct,
  QUERY_KEYS,
  RAW_BODIES,
  RAW_QUERIES,
  rawBody,
  toJson,
} from './arbitraries.js';
import { send } from './http.js';
import { fillPath, routeName, type AppRoute } from './routes.js';
import type { Tenant } from './tenant.js';
import { VALID_RULE } from './tenant.js';
import type { WriteLog } from './write-log.js';

export interface FuzzContext {
  baseUrl: string;
  adminKey: string;
  postmarkSecret: string;
  /** The store being fuzzed, with real data. */
  tenant: Tenant;
  /** Another store: its ids are valid UUIDs of resources the fuzzed store must not reach. */
  other: Tenant;
  /** A fresh draft rule of the fuzzed store, for this route only (so deleting or activating it spoils no other route). */
  ruleId: string;
  /** A fresh session of the fuzzed store's owner, for this route only (so signing out spoils no other route). */
  session: string;
}

export interface FuzzCase {
  method: string;
  /** Path and query exactly as sent (no URL normalisation: `..` and bad escapes reach the server as they are). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** How the body was made: `seed`, `mutation <op> <field>`, `json`, `raw <name>`, `none`. */
  bodyKind: string;
  /** The one field a seed mutation changed: a 400 must name it. */
  mutatedField?: string;
  mutationOp?: string;
}

export interface Failure {
  route: string;
  kind: string;
  detail: string;
  request: string;
}

export interface RouteReport {
  route: string;
  cases: number;
  statuses: Record<string, number>;
  fiveXX: number;
  failures: Failure[];
  failureCount: number;
  ms: number;
  /** Observations that are not failures (a write that became visible only after its 2xx). */
  notes: string[];
}

const HTML_PAGES = [/^GET \/api\/v1\/unsubscribe\/:token$/, /^POST \/api\/v1\/unsubscribe\/:token\/resubscribe$/];

function forge(token: string): string[] {
  const last = token.at(-1) === 'A' ? 'B' : 'A';
  return [`${token.slice(0, -1)}${last}`, `${token}.x`, token.split('.').slice(0, -1).join('.'), token.toUpperCase(), `${token}\u0000`];
}

function idArb(own: string[], others: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 16, arbitrary: fc.constantFrom(...own) },
    { weight: 1, arbitrary: fc.constantFrom(...others) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: hostileString },
  );
}

/** Generators for path parameters by name; any `…Id` parameter has a generic one. A parameter with none fails the suite. */
export function paramArbitrary(route: AppRoute, name: string, ctx: FuzzContext): fc.Arbitrary<string> {
  const { tenant, other } = ctx;
  const otherIds = [other.id, other.ruleId, other.emailId, other.messageId, other.customerId, other.orderId];
  const ownIds = [tenant.id, ctx.ruleId, tenant.emailId, tenant.messageId, tenant.customerId, tenant.orderId, tenant.sentRuleId];
  switch (name) {
    case 'storeId':
      return idArb([tenant.id], otherIds);
    case 'ruleId':
      return idArb([ctx.ruleId, ctx.ruleId, tenant.sentRuleId], otherIds);
    case 'emailId':
      return idArb([tenant.emailId], otherIds);
    case 'kind':
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom('pending', 'sent', 'skipped', 'conversions') }, { weight: 1, arbitrary: hostileString });
    case 'id':
      // A dead letter's id (a positive whole number): the store's own, another store's, out-of-range and hostile ones.
      return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(tenant.deadLetterId, other.deadLetterId) },
        { weight: 2, arbitrary: fc.constantFrom('0', '-1', '01', '1e3', '0x1', '1.5', '9007199254740993', '99999999999999999999999') },
        { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 15n }).map(String) },
        { weight: 1, arbitrary: hostileString },
      );
    case 'index':
      return fc.oneof(
        { weight: 4, arbitrary: fc.constant('0') },
        { weight: 2, arbitrary: fc.constantFrom('1', '2', '-1', '01', '1e3', '0x1', '99999999999999999999999') },
        { weight: 1, arbitrary: hostileString },
      );
    case 'file':
      // A store logo's file name (`<sha256>.<ext>`): the store's own, another's, wrong extensions, hostile ones.
      if (route.path.includes('/logos/')) {
        return fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...[tenant.logoFile, other.logoFile].filter((f): f is string => Boolean(f))) },
          { weight: 2, arbitrary: fc.tuple(fc.stringMatching(/^[0-9a-f]{64}$/), fc.constantFrom('png', 'jpg', 'gif', 'webp', 'svg', 'html', '')).map(([h, e]) => `${h}.${e}`) },
          { weight: 2, arbitrary: hostileString },
        );
      }
      return fc.oneof(
        { weight: 4, arbitrary: fc.constant(`${tenant.trackingToken}.gif`) },
        { weight: 3, arbitrary: fc.constantFrom(...forge(tenant.trackingToken), other.trackingToken).map((t) => `${t}.gif`) },
        { weight: 3, arbitrary: hostileString.map((s) => `${s}.gif`) },
        { weight: 1, arbitrary: hostileString },
      );
    case 'token': {
      const valid = route.path.includes('/unsubscribe/') ? tenant.unsubscribeToken : tenant.trackingToken;
      return fc.oneof(
        { weight: 4, arbitrary: fc.constant(valid) },
        { weight: 3, arbitrary: fc.constantFrom(...forge(valid), other.unsubscribeToken, tenant.trackingToken, tenant.unsubscribeToken) },
        { weight: 3, arbitrary: hostileString },
        {
          weight: 1,
          arbitrary: fc.tuple(hostileString, hostileString, hostileString, hostileString).map((parts) => parts.join('.')),
        },
      );
    }
  }
  if (/Id$/.test(name)) return idArb(ownIds, otherIds);
  throw new Error(`no generator for path parameter :${name} of ${routeName(route)}: add one to paramArbitrary`);
}

/** Valid bodies per route, each mutated one field at a time. A route with none is fuzzed with generic bodies only. */
export function seedBodies(route: AppRoute, ctx: FuzzContext): unknown[] {
  const now = new Date().toISOString();
  const { tenant } = ctx;
  const seeds: Record<string, unknown[]> = {
    'POST /api/v1/stores': [{ name: 'Fuzz New Store', platform: 'generic', timezone: 'Europe/Paris' }],
    'PATCH /api/v1/stores/:storeId': [
      {
        name: tenant.name,
        timezone: 'America/New_York',
        currency: 'USD',
        companyName: 'Fuzz LLC',
        street: '1 Fuzz Street',
        city: 'Portland',
        region: 'OR',
        postalCode: '97201',
        country: 'US',
        phone: '+1 503 555 0100',
        logoUrl: 'https://cdn.example/logo.png',
        socialLinks: { instagram: 'https://instagram.com/fuzz', facebook: 'https://facebook.com/fuzz' },
        sendingHours: { start: 8, end: 20 },
        smartSendingHours: 16,
      },
    ],
    'POST /api/v1/stores/:storeId/rules': [VALID_RULE],
    // A Slack app needs no call to save (a Mailchimp one would reach Mailchimp, which the fuzz stack has no fake of).
    'POST /api/v1/stores/:storeId/apps': [{ kind: 'slack', description: 'Fuzz', config: { webhookUrl: 'https://hooks.slack.com/services/T0FUZZ/B0FUZZ/fuzzfuzz', orderThresholdMinor: 5000, notifyConversions: true } }],
    'PATCH /api/v1/stores/:storeId/rules/:ruleId': [VALID_RULE],
    'POST /api/v1/stores/:storeId/rules/:ruleId/activate': [{ backfill: 'none' }],
    'POST /api/v1/stores/:storeId/rules/:ruleId/test-send': [{ to: 'fuzz.test@example.com', customerId: tenant.customerId }],
    'POST /api/v1/stores/:storeId/customers/:customerId/subscription': [{ subscribed: true, reason: 'Fuzz: asked by phone' }],
    'POST /api/v1/stores/:storeId/customers/:customerId/messages': [
      { requestId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', orderId: tenant.orderId, senderName: 'Fuzz Store', senderEmail: 'owner@fuzz.example', subject: 'About your order', body: 'Hello\n\nFuzz' },
    ],
    'POST /api/v1/stores/:storeId/rules/preview': [
      {
        name: VALID_RULE.name,
        subject: VALID_RULE.subject,
        bodyHtml: VALID_RULE.bodyHtml,
        bodyText: 'Hi {{customer.firstName}}',
        senderName: VALID_RULE.senderName,
        senderEmail: VALID_RULE.senderEmail,
        skus: ['FUZZ-SKU-1'],
        customerId: tenant.customerId,
      },
    ],
    'POST /api/v1/stores/:storeId/webhooks/orders': [
      {
        id: 'fuzz-order-1',
        status: 'completed',
        currency: 'USD',
        customer: { email: 'fuzz.buyer@example.com', firstName: 'Fuzz', lastName: 'Buyer', registered: false, optedIn: true },
        lineItems: [{ sku: 'FUZZ-SKU-1', name: 'Fuzz beans', quantity: 2, price: 18.5 }],
        totals: { subtotal: 37, tax: 3, shipping: 5, discount: 0, total: 45 },
        createdAt: now,
        updatedAt: now,
      },
    ],
    'POST /api/v1/stores/:storeId/orders/import': [
      [
        {
          id: 'fuzz-import-1',
          status: 'completed',
          currency: 'USD',
          customer: { email: 'fuzz.importer@example.com', firstName: 'Fuzz', optedIn: false },
          lineItems: [{ sku: 'FUZZ-SKU-2', name: 'Fuzz tea', quantity: 1, price: '9.50' }],
          totals: { total: '9.50' },
          createdAt: now,
        },
      ],
    ],
    'POST /api/v1/webhooks/postmark': postmarkSeeds(tenant.messageId, now),
    'POST /api/v1/auth/sign-up': [{ name: 'Fuzz Merchant', email: 'fuzz.merchant@merchant.example', password: 'fuzz merchant password' }],
    'POST /api/v1/auth/sign-in': [{ email: tenant.ownerEmail, password: tenant.ownerPassword }],
    'POST /api/v1/auth/verify': [{ token: 'fuzz-token-that-was-never-issued-0000000000' }],
    'POST /api/v1/auth/resend-verification': [{ email: tenant.ownerEmail }],
    'POST /api/v1/auth/forgot-password': [{ email: tenant.ownerEmail }],
    'POST /api/v1/auth/reset-password': [{ token: 'fuzz-token-that-was-never-issued-0000000000', password: 'fuzz new password' }],
    'PATCH /api/v1/account/profile': [{ name: 'Fuzz Owner', phone: '+1 503 555 0100', company: 'Fuzz LLC', street: '1 Fuzz Street', city: 'Portland', region: 'OR', postalCode: '97201', country: 'US' }],
    'POST /api/v1/account/password': [{ currentPassword: tenant.ownerPassword, newPassword: tenant.ownerPassword }],
    'PUT /api/v1/account/contacts': [{ marketing: { name: 'Fuzz Marketing', email: 'marketing@merchant.example' }, billing: null, technical: { name: 'Fuzz Tech', email: 'tech@merchant.example' } }],
    'POST /api/v1/account/stores': [{ name: 'Fuzz Second Store', domain: 'https://www.fuzz-second.example/', platform: 'custom', timezone: 'Europe/Paris', currency: 'EUR', country: 'FR' }],
  };
  return seeds[routeName(route)] ?? [];
}

function postmarkSeeds(messageId: string, at: string): unknown[] {
  const common = { MessageID: 'pm-fuzz-1', Metadata: { messageId, storeId: 'x' }, Recipient: 'fuzz.buyer@example.com', MessageStream: 'broadcast' };
  return [
    { RecordType: 'Delivery', ...common, DeliveredAt: at },
    { RecordType: 'Open', ...common, ReceivedAt: at },
    { RecordType: 'Click', ...common, ReceivedAt: at, OriginalLink: 'https://shop.example/p' },
    { RecordType: 'Bounce', ...common, ID: 42, Type: 'SoftBounce', BouncedAt: at, Inactive: false },
    { RecordType: 'SpamComplaint', ...common, ID: 43, BouncedAt: at },
    { RecordType: 'SubscriptionChange', ...common, ChangedAt: at, SuppressSending: false, SuppressionReason: null },
  ];
}

interface BodyChoice {
  bytes?: Buffer;
  kind: string;
  field?: string;
  op?: string;
  gzip?: boolean;
}

function bodyArbitrary(seeds: unknown[]): fc.Arbitrary<BodyChoice> {
  const validStrings = new Set(seeds.flatMap((s) => nodePaths(s).map((p) => p.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], s))).filter((v): v is string => typeof v === 'string'));
  const generic: fc.WeightedArbitrary<BodyChoice>[] = [
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ bytes: Buffer.from(toJson(v)), kind: 'json' })) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.oneof(fc.constantFrom('name', 'id', 'to', 'RecordType', 'backfill', 'status'), fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 2 })).map((v) => ({
        bytes: Buffer.from(toJson(v)),
        kind: 'json object',
      })),
    },
    { weight: 1, arbitrary: rawBody.map((name) => ({ bytes: RAW_BODIES[name]!(), kind: `raw ${name}`, gzip: name.includes('gzip') })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' }) },
  ];
  if (!seeds.length) return fc.oneof(...generic);
  return fc.oneof(
    ...generic,
    { weight: 1, arbitrary: fc.constantFrom(...seeds).map((s) => ({ bytes: Buffer.from(toJson(s)), kind: 'seed' })) },
    {
      weight: 10,
      arbitrary: fc
        .constantFrom(...seeds)
        .chain((s) => mutationOf(s, validStrings))
        .map((m) => ({ bytes: Buffer.from(toJson(m.body)), kind: `mutation ${m.op} ${m.field}`, field: m.field, op: m.op })),
    },
  );
}

// Half the cases carry no query, so that most reach the body's validation (a bad query value is refused first).
const query = fc.oneof(
  { weight: 5, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }),
          fc.oneof(fc.constantFrom(...DATE_STRINGS), hostileString, forgedCursor, fc.constantFrom('1', '0', '1000', '1001', '-1', '1.5', '50')),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((pairs) => `?${pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERIES) },
);

/** Raw path segments a URL library would never produce. */
const RAW_SEGMENTS = ['%', '%E0%A4%A', '%ED%A0%80', '%00', '%2F', '..', '%2e%2e', '%FF%FE'];

/** One request against `route`: its params, query, headers and body all drawn from the generators above. */
export function caseArbitrary(route: AppRoute, ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const params = Object.fromEntries(
    route.params.map((name) => [
      name,
      fc.oneof({ weight: 20, arbitrary: paramArbitrary(route, name, ctx).map(pct) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) }),
    ]),
  );
  const isOrderWebhook = /\/webhooks\/orders$/.test(route.path);
  const isPostmark = /\/webhooks\/postmark$/.test(route.path);
  const auth = fc.oneof(
    { weight: 9, arbitrary: fc.constant(`Bearer ${ctx.tenant.apiKey}`) },
    { weight: 9, arbitrary: fc.constant(`Bearer ${ctx.adminKey}`) },
    { weight: 9, arbitrary: fc.constant(`Bearer ${ctx.session}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(undefined, '', 'Bearer ', `Bearer ${ctx.other.apiKey}`, `Bearer ${ctx.other.session}`, 'Bearer bms_', `Basic ${Buffer.from('a:b').toString('base64')}`),
    },
  );
  const contentType = fc.oneof({ weight: 12, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) });
  const encoding = fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_ENCODINGS) });
  const accept = fc.constantFrom(undefined, undefined, undefined, 'text/html', 'application/json', '*/*');
  const signature = fc.oneof(
    { weight: 12, arbitrary: fc.constant('valid') },
    { weight: 1, arbitrary: fc.constantFrom('none', 'other store', 'sha256=00', 'decompressed') },
  );
  return fc
    .record({ params: fc.record(params), query, auth, contentType, encoding, accept, body: bodyArbitrary(seedBodies(route, ctx)), signature })
    .map((c) => {
      const headers: Record<string, string> = {};
      if (c.auth !== undefined) headers.authorization = c.auth;
      if (c.accept) headers.accept = c.accept;
      let bytes = c.body.bytes;
      if (bytes && c.contentType) headers['content-type'] = c.contentType;
      if (bytes && c.body.gzip) headers['content-encoding'] = 'gzip';
      else if (bytes && c.encoding) {
        headers['content-encoding'] = c.encoding;
        if (c.encoding === 'gzip') bytes = gzipSync(bytes);
      }
      if (isOrderWebhook && c.signature !== 'none') {
        const signed = c.signature === 'decompressed' ? (c.body.bytes ?? Buffer.alloc(0)) : (bytes ?? Buffer.alloc(0));
        headers['x-boomerang-signature'] =
          c.signature === 'sha256=00' ? 'sha256=00' : signWebhook(c.signature === 'other store' ? ctx.other.webhookSecret : ctx.tenant.webhookSecret, signed);
      }
      if (isPostmark && c.signature !== 'none') headers['x-postmark-webhook-secret'] = c.signature === 'valid' ? ctx.postmarkSecret : 'wrong-secret';
      return {
        method: route.method,
        path: `${fillPath(route, c.params)}${c.query}`,
        headers,
        body: bytes,
        bodyKind: c.body.kind,
        mutatedField: c.body.field,
        mutationOp: c.body.op,
      };
    });
}

/** A valid request for `route` (the store's own ids, its key or signature) carrying `body`. */
export function caseFor(route: AppRoute, ctx: FuzzContext, body: Buffer): FuzzCase {
  const own: Record<string, string> = {
    storeId: ctx.tenant.id,
    ruleId: ctx.ruleId,
    emailId: ctx.tenant.emailId,
    kind: 'sent',
    index: '0',
    file: route.path.includes('/logos/') ? (ctx.tenant.logoFile ?? `${'0'.repeat(64)}.png`) : `${ctx.tenant.trackingToken}.gif`,
    token: route.path.includes('/unsubscribe/') ? ctx.tenant.unsubscribeToken : ctx.tenant.trackingToken,
  };
  const params = Object.fromEntries(route.params.map((p) => [p, pct(own[p] ?? ctx.tenant.id)]));
  // Account routes take the owner's session; store routes the store's key.
  const key = /^\/api\/v1\/(account|auth)\b/.test(route.path) ? ctx.session : ctx.tenant.apiKey;
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  if (/\/webhooks\/orders$/.test(route.path)) headers['x-boomerang-signature'] = signWebhook(ctx.tenant.webhookSecret, body);
  if (/\/webhooks\/postmark$/.test(route.path)) headers['x-postmark-webhook-secret'] = ctx.postmarkSecret;
  return { method: route.method, path: fillPath(route, params), headers, body, bodyKind: 'prototype-named key' };
}

function preview(buf: Buffer | undefined, max = 400): string {
  if (!buf) return '(no body)';
  const text = buf.toString('utf8');
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…(${buf.length} bytes)` : text);
}

export function describeCase(c: FuzzCase): string {
  const path = c.path.length > 300 ? `${c.path.slice(0, 300)}…(${c.path.length} chars)` : c.path;
  return `${c.method} ${path} headers=${JSON.stringify(c.headers).slice(0, 300)} body[${c.bodyKind.slice(0, 80)}]=${preview(c.body)}`;
}

/**
 * Whether a 400's issues name the mutated field: the same field, one inside it, or the object holding it; an
 * issue about the whole body (`(body)` or ``) counts only if its message names the field (an unknown key).
 */
function namesField(issues: { field?: unknown; message?: unknown }[], field: string, op: string): boolean {
  const parent = (f: string) => f.split('.').slice(0, -1).join('.');
  const last = field.split('.').at(-1) ?? field;
  return issues.some((i) => {
    const f = String(i.field ?? '') === '(body)' ? '' : String(i.field ?? '');
    // A body-level issue names the problem when it says the field, or when a top-level entry was removed (an array
    // emptied by removing its only element is a problem of the body, as a removed sibling is of its parent).
    if (f === '') return String(i.message ?? '').includes(last) || (op === 'remove' && parent(field) === '');
    if (f === field || f.startsWith(`${field}.`) || field.startsWith(`${f}.`)) return true;
    // A removed field may be one of a pair (`window` or `windowDays`): naming its sibling names the problem; a field
    // given another valid value may select another variant, whose own fields are then named.
    return (op === 'remove' && parent(f) === parent(field)) || op === 'replace-valid';
  });
}

/** A request refused for its path or query first: its body may never have been read. */
function aboutPathOrQuery(c: FuzzCase, issues: { field?: unknown }[]): boolean {
  const query = new Set([...new URLSearchParams(c.path.split('?')[1] ?? '').keys()]);
  return issues.some((i) => typeof i.field === 'string' && (/^\((path|query)\)$/.test(i.field) || query.has(i.field) || query.has(i.field.split('.')[0]!)));
}

/**
 * Whether an issue names a body field that still holds one of the tenant's own ids while the path addresses another
 * store (the admin key passes the guard there): the api rightly refuses the reference (`customerId` "is not a customer
 * of this store") whatever else the mutation changed.
 */
function aboutForeignReference(c: FuzzCase, issues: { field?: unknown }[], ctx: FuzzContext): boolean {
  const storeInPath = /\/stores\/([^/?]+)/.exec(c.path)?.[1];
  if (!storeInPath || storeInPath === ctx.tenant.id || !c.body) return false;
  let body: Record<string, unknown>;
  try {
    const bytes = c.headers['content-encoding'] === 'gzip' ? gunzipSync(c.body) : c.body;
    body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return false;
  }
  const own = new Set([ctx.tenant.customerId, ctx.tenant.orderId, ctx.tenant.messageId, ctx.tenant.emailId, ctx.ruleId, ctx.tenant.sentRuleId]);
  return issues.some((i) => typeof i.field === 'string' && own.has(body?.[i.field] as string));
}

/** Whether the api parsed the body as JSON (a mutation's field can only be named then). */
function sentAsJson(c: FuzzCase): boolean {
  const type = c.headers['content-type'] ?? '';
  const encoding = c.headers['content-encoding'];
  return /^application\/json(; charset=utf-8)?$/.test(type) && (encoding === undefined || encoding === 'gzip' || encoding === 'identity');
}

/**
 * Runs `runs` cases against one route, sequentially (so each request's writes are its own), and checks each:
 * no 5xx, a 4xx with a JSON `{ error }` (a 400 validation_failed with issues that name the mutated field), and
 * nothing written by a rejected request.
 */
export async function fuzzRoute(route: AppRoute, ctx: FuzzContext, log: WriteLog, options: { runs: number; seed: number }): Promise<RouteReport> {
  const name = routeName(route);
  const report: RouteReport = { route: name, cases: 0, statuses: {}, fiveXX: 0, failures: [], failureCount: 0, ms: 0, notes: [] };
  const started = performance.now();
  const fail = (kind: string, detail: string, c: FuzzCase) => {
    report.failureCount++;
    // Keep a few of each kind: enough to reproduce, short enough to read.
    if (report.failures.filter((f) => f.kind === kind).length < 3) report.failures.push({ route: name, kind, detail, request: describeCase(c) });
  };
  const arb = caseArbitrary(route, ctx);
  const target = new URL(ctx.baseUrl);
  let mark = await log.mark();
  // The case before, in case a write of its transaction commits only after its answer was sent.
  let previous: { c: FuzzCase; status: number; sentAt: number } | null = null;
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      report.cases++;
      let status: number;
      let contentType: string;
      let text: string;
      const sentAt = Date.now();
      try {
        ({ status, contentType, text } = await send(target, c));
      } catch (err) {
        // Node's HTTP parser answers a request line over its 16 KB header limit with 431, or resets the socket
        // while the client is still writing it: either way before any of our code runs.
        if (c.path.length > 16_000 && /ECONNRESET|EPIPE/.test((err as Error).message)) {
          report.statuses['reset-over-16KB'] = (report.statuses['reset-over-16KB'] ?? 0) + 1;
          return;
        }
        fail('no answer', `${(err as Error).name}: ${(err as Error).message}`, c);
        report.statuses.error = (report.statuses.error ?? 0) + 1;
        return;
      }
      report.statuses[status] = (report.statuses[status] ?? 0) + 1;
      const { writes: all, mark: next } = await log.since(mark);
      mark = next;
      // PostgreSQL and this process read the same machine's clock: a transaction that began before this request was sent is not its.
      const late = all.filter((w) => previous && w.xactAt < sentAt);
      const writes = all.filter((w) => !late.includes(w));
      if (late.length && previous && previous.status >= 400) {
        fail('rejected request wrote (committed after its answer)', late.slice(0, 3).map((w) => `${w.op} ${w.tbl} ${w.row}`).join(' | '), previous.c);
      }
      if (late.length) {
        report.statuses['late-commit'] = (report.statuses['late-commit'] ?? 0) + 1;
        // Not a failure of a 2xx, but an answer sent before its write was visible: worth knowing.
        if (report.notes.length < 3) report.notes.push(`committed after its ${previous!.status} answer: ${late.map((w) => `${w.op} ${w.tbl} ${w.row}`).join(' | ').slice(0, 300)} — ${describeCase(previous!.c).slice(0, 300)}`);
      }
      const before = previous;
      previous = { c, status, sentAt };
      if (status >= 500) {
        report.fiveXX++;
        fail(`${status}`, text.slice(0, 200), c);
        return;
      }
      if (status < 400) return;
      if (writes.length) {
        const timing = `(request sent at ${sentAt}, write's transaction began at ${writes[0]!.xactAt}; the case before: ${before ? `${before.status}, sent at ${before.sentAt}` : 'none'})`;
        fail('rejected request wrote', `${writes.slice(0, 3).map((w) => `${w.op} ${w.tbl} ${w.row}`).join(' | ')} ${timing}`, c);
      }
      // Node's HTTP parser refuses a request line or headers over 16 KB before any of our code runs.
      if (status === 431 && text === '') return;
      if (HTML_PAGES.some((p) => p.test(name)) && contentType.startsWith('text/html')) return;
      let body: { error?: unknown; message?: unknown; issues?: { field?: unknown; message?: unknown }[] } | null = null;
      try {
        body = contentType.includes('json') ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      if (!body || typeof body.error !== 'string' || typeof body.message !== 'string') {
        fail('4xx without a JSON error', `${status} ${contentType} ${text.slice(0, 200)}`, c);
        return;
      }
      if (status === 413 && body.error !== 'payload_too_large') fail('413 without payload_too_large', text.slice(0, 200), c);
      if (body.error === 'validation_failed') {
        const issues = body.issues;
        if (!Array.isArray(issues) || !issues.length || !issues.every((i) => typeof i.field === 'string' && typeof i.message === 'string')) {
          fail('validation_failed without issues naming fields', text.slice(0, 300), c);
        } else if (
          c.mutatedField &&
          sentAsJson(c) &&
          !aboutPathOrQuery(c, issues) &&
          !aboutForeignReference(c, issues, ctx) &&
          !namesField(issues, c.mutatedField, c.mutationOp ?? '')
        ) {
          fail('validation_failed does not name the mutated field', `mutated ${c.mutatedField}; issues ${JSON.stringify(issues).slice(0, 300)}`, c);
        }
      }
    }),
    { numRuns: options.runs, seed: options.seed, endOnFailure: true },
  );
  report.ms = Math.round(performance.now() - started);
  return report;
}
