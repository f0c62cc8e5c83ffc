import { createHmac } from 'node:crypto';
import { signWebhook } from '@boomerang/stores';
import { ADMIN_KEY, eventually, order, postAndProject, startStack, type Stack } from './harness.js';
import { send, sendRawBytes, type RawRequest, type RawResponse } from './fuzz/http.js';
import { toJson } from './fuzz/arbitraries.js';
import { seedBodies } from './fuzz/route-fuzzer.js';
import { appRoutes, fillPath, routeName, type AppRoute } from './fuzz/routes.js';
import { createTenant, signInOwner, type Tenant } from './fuzz/tenant.js';

const POSTMARK_SECRET = 'cross-tenant-postmark-secret';
const UNSUBSCRIBE_SECRET = 'cross-tenant-unsubscribe-secret';

/**
 * Routes that take no store key by design, and what authorizes them instead. Each is still called with forged
 * credentials for store A's resources, and must refuse them; the rest need a store's key (or the admin key).
 */
const PUBLIC_ROUTES: Record<string, string> = {
  'GET /api/v1/health': 'database reachability for load balancers; carries no store data',
  'GET /api/v1/starter-templates': 'static template content shared by every store',
  'POST /api/v1/stores/:storeId/webhooks/orders': 'the store platform calls it; authorized by the HMAC signature under the store’s webhook secret',
  'POST /api/v1/webhooks/postmark': 'Postmark calls it; authorized by the shared webhook secret header or basic auth',
  'POST /api/v1/webhooks/shopify/:storeId': 'Shopify calls it; authorized by X-Shopify-Hmac-Sha256 under the connection’s app secret; answers only an event id',
  'POST /api/v1/webhooks/woocommerce/:storeId': 'WooCommerce calls it; authorized by X-WC-Webhook-Signature under the secret we registered; answers only an event id',
  'POST /api/v1/webhooks/bigcommerce/:storeId': 'BigCommerce calls it; authorized by the secret header we registered the hook with; answers only an event id',
  'POST /api/v1/unsubscribe/:token': 'one-click unsubscribe from a mail client (RFC 8058); authorized by the signed token',
  'GET /api/v1/unsubscribe/:token': 'the footer link in the email; authorized by the signed token',
  'POST /api/v1/unsubscribe/:token/resubscribe': 'the button on the unsubscribe page; authorized by the signed token',
  'GET /api/v1/t/o/:file': 'open pixel loaded by mail clients; authorized by the signed tracking token',
  'GET /api/v1/t/c/:token/:index': 'click redirect from the email; authorized by the signed tracking token',
  'GET /api/v1/logos/:storeId/:file': 'a store logo as mail clients load it (they send no credentials); named by the sha256 of its bytes, carries no customer data, and only the current logo answers',
  'POST /api/v1/auth/sign-up': 'creating an account needs no account; rate-limited per address and IP, and answers the same whether the address exists',
  'POST /api/v1/auth/verify': 'authorized by the single-use token emailed to the address',
  'POST /api/v1/auth/resend-verification': 'anyone may ask; the link goes only to the address, and the answer never says whether it has an account',
  'POST /api/v1/auth/sign-in': 'authorized by the password; rate-limited per address and IP',
  'POST /api/v1/auth/forgot-password': 'anyone may ask; the link goes only to the address, and the answer never says whether it has an account',
  'POST /api/v1/auth/reset-password': 'authorized by the single-use token emailed to the address',
};
/** Whole subtrees that are public by design, with why; every route under them is still checked for A's data. */
const PUBLIC_SUBTREES: Record<string, string> = {
  'GET /api/docs': 'the API reference (the OpenAPI document and its page), generated from code; carries no store data',
  'GET /api/v1/dev/outbox': 'the development outbox of account emails (verification, reset): exists only with EMAIL_TRANSPORT=outbox, never with Postmark; holds no store data',
};
const isPublic = (name: string) =>
  name in PUBLIC_ROUTES || Object.keys(PUBLIC_SUBTREES).some((prefix) => name === prefix || name.startsWith(`${prefix}/`));

interface Attempt {
  route: string;
  who: string;
  request: RawRequest;
  raw?: boolean;
  /** B reading its own store: a 2xx is fine, A's data in it is not. */
  mayAnswer?: boolean;
}

function changeOneChar(s: string): string {
  const i = Math.floor(s.length / 2);
  return `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
}

/** What identifies store A's data in a response: ids, emails, names, secrets. */
function markers(a: Tenant): string[] {
  return [a.id, a.ruleId, a.sentRuleId, a.segmentId, a.customerId, a.customerEmail, a.customerFirstName, a.customerLastName, a.orderId, a.orderExternalId, a.messageId, a.emailId, a.name, a.webhookSecret, a.apiKey];
}

/** What identifies A's merchant account: checked everywhere but the development outbox, which lists account emails by design. */
function accountMarkers(a: Tenant): string[] {
  return [a.accountId, a.ownerEmail, a.session];
}

describe('cross-tenant: store B, account B, no key or a malformed key never reaches store A', () => {
  let stack: Stack;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    stack = await startStack({ env: { POSTMARK_WEBHOOK_SECRET: POSTMARK_SECRET, UNSUBSCRIBE_SECRET } });
    // A has real data: rules (one active, one draft), orders, a customer, a sent message with its outbox email.
    a = await createTenant(stack, 'Alpha', { keepSending: true });
    b = await createTenant(stack, 'Bravo');
    const second = await postAndProject(stack, a.id, a.webhookSecret, JSON.stringify(order({ id: `${a.orderExternalId}-2`, customer: { email: a.customerEmail, firstName: a.customerFirstName } })));
    expect(second.status).toBe(202);
    // The second purchase re-arms A's one-second rule: its second message (skipped by smart sending) is recorded before anything is attempted.
    await eventually(async () => {
      const [row] = await stack.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from message where store_id = ? and status <> 'sending'`, [a.id]);
      return Number(row?.n) >= 2;
    }, 60_000);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  async function fingerprintOfA(): Promise<string> {
    const em = stack.orm.em.fork();
    const tables = ['store', 'retention_rule', 'customer', 'store_order', 'inbox_event', 'order_line', 'message', 'message_event', 'outbox_email', 'suppression', 'retention_enrollment', 'conversion', 'account', 'app_user'];
    const parts: string[] = [];
    for (const t of tables) {
      const [column, id] = t === 'store' ? ['id', a.id] : t === 'account' ? ['id', a.accountId] : t === 'app_user' ? ['account_id', a.accountId] : ['store_id', a.id];
      const [row] = await em.execute<{ h: string | null }[]>(`select md5(string_agg(t::text, ',' order by t::text)) as h from "${t}" t where ${column} = ?`, [id]);
      parts.push(`${t}:${row?.h}`);
    }
    return parts.join(' ');
  }

  it('answers every route for store A with B’s key, no key or a malformed key without a 2xx or any of A’s data', async () => {
    const target = new URL(stack.baseUrl);
    const routes = appRoutes(stack.app);
    const names = routes.map(routeName);
    // The public list names real routes only, so it cannot silently go stale.
    expect(Object.keys(PUBLIC_ROUTES).filter((r) => !names.includes(r))).toEqual([]);
    // A session of A's owner that was signed out, and a session of B kept for B's own sign-out (which revokes it).
    const signedOut = await signInOwner(stack, a);
    const signOut = await send(target, { method: 'POST', path: '/api/v1/auth/sign-out', headers: { authorization: `Bearer ${signedOut}` } });
    expect(signOut.status).toBe(204);
    const bSignOut = await signInOwner(stack, b);
    // A's own sends settle first (the second order re-arms its one-second rule); after that nothing may change A.
    let before = await fingerprintOfA();
    await eventually(async () => {
      await new Promise((r) => setTimeout(r, 2000));
      const now = await fingerprintOfA();
      const stable = now === before;
      before = now;
      return stable;
    }, 60_000);
    const aMarkers = markers(a);
    const aAccount = accountMarkers(a);

    const attempts: Attempt[] = [];
    const forgedUnsubscribe = (secret: string) => {
      const issued = Math.floor(Date.now() / 1000).toString(36);
      const mac = createHmac('sha256', secret).update(`unsubscribe:${a.id}:${a.customerId}:${issued}`).digest('base64url');
      return `${a.id}.${a.customerId}.${issued}.${mac}`;
    };
    const forgedTracking = (secret: string) =>
      `${a.messageId}.${createHmac('sha256', secret).update(`track:${a.messageId}`).digest().subarray(0, 16).toString('base64url')}`;
    const forgedTokens = {
      unsubscribe: [
        forgedUnsubscribe('dev-unsubscribe-secret'),
        forgedUnsubscribe(''),
        changeOneChar(a.unsubscribeToken),
        `${a.id}.${a.customerId}.${b.unsubscribeToken.split('.').slice(2).join('.')}`,
        `${a.unsubscribeToken}.x`,
      ],
      tracking: [forgedTracking('dev-unsubscribe-secret'), changeOneChar(a.trackingToken), `${a.messageId}.${b.trackingToken.split('.')[1]}`, a.messageId],
    };

    for (const route of routes) {
      const name = routeName(route);
      const ctx = { baseUrl: stack.baseUrl, adminKey: ADMIN_KEY, postmarkSecret: POSTMARK_SECRET, tenant: a, other: b, ruleId: a.ruleId, session: a.session };
      // A valid body, so that a request that got past authorization would do what it says.
      const seed = seedBodies(route, ctx)[0];
      const body = Buffer.from(seed === undefined ? '{}' : toJson(seed));
      const json = { 'content-type': 'application/json' };
      if (isPublic(name)) {
        for (const request of publicAttempts(route, a, b, body, forgedTokens)) attempts.push({ route: name, who: request.who, request: request.request });
        continue;
      }
      // Store A's resources in every parameter, with each wrong credential.
      for (const path of pathsFor(route, a, a)) {
        const keys: [string, Record<string, string>, boolean?][] = [
          ["B's key", { authorization: `Bearer ${b.apiKey}` }],
          ["B's key as x-api-key", { 'x-api-key': b.apiKey }],
          ['no key', {}],
          ['empty key', { authorization: '' }],
          ['"Bearer "', { authorization: 'Bearer ' }],
          ['very long key', { authorization: `Bearer ${'k'.repeat(8000)}` }],
          ['NUL key', { authorization: `Bearer ${a.apiKey}\u0000` }, true],
          ['NUL key alone', { authorization: 'Bearer \u0000' }, true],
          ["A's key with one character changed", { authorization: `Bearer ${changeOneChar(a.apiKey)}` }],
          ["A's key truncated", { authorization: `Bearer ${a.apiKey.slice(0, -1)}` }],
          ["A's key, basic scheme", { authorization: `Basic ${Buffer.from(`${a.apiKey}:`).toString('base64')}` }],
          ["another deployment's admin key", { authorization: 'Bearer dev-admin-key' }],
          ["another deployment's admin key (2)", { authorization: 'Bearer another-deployment-admin-key' }],
          ['admin key with one character changed', { authorization: `Bearer ${changeOneChar(ADMIN_KEY)}` }],
          ["A's session, signed out", { authorization: `Bearer ${signedOut}` }],
          ["A's session with one character changed", { authorization: `Bearer ${changeOneChar(a.session)}` }],
          ["A's session truncated", { authorization: `Bearer ${a.session.slice(0, -1)}` }],
          ['the session prefix alone', { authorization: 'Bearer bms_' }],
          ["A's store key as a session", { authorization: `Bearer bms_${a.apiKey}` }],
        ];
        for (const [who, headers, raw] of keys) attempts.push({ route: name, who, raw, request: { method: route.method, path, headers: { ...json, ...headers }, body } });
        // Account B's session: on A's store it must be "not found"; elsewhere (B's own account) it may answer, never with A's data.
        const own = !route.params.includes('storeId');
        const session = name === 'POST /api/v1/auth/sign-out' ? bSignOut : b.session;
        attempts.push({ route: name, who: "B's session", mayAnswer: own, request: { method: route.method, path, headers: { ...json, authorization: `Bearer ${session}` }, body } });
        if (!own) attempts.push({ route: name, who: "B's session as x-api-key", request: { method: route.method, path, headers: { ...json, 'x-api-key': b.session }, body } });
      }
      if (!route.params.includes('storeId')) continue;
      const asB = { ...json, authorization: `Bearer ${b.apiKey}` };
      const asBSession = { ...json, authorization: `Bearer ${b.session}` };
      // B's own store with A's sub-resources in the path and B's key (or B's session): A's rule or email is not found under B.
      if (route.params.some((p) => p !== 'storeId' && p !== 'kind')) {
        for (const path of pathsFor(route, b, a)) {
          attempts.push({ route: name, who: "B's key, B's store, A's sub-resource", request: { method: route.method, path, headers: asB, body } });
          attempts.push({ route: name, who: "B's session, B's store, A's sub-resource", request: { method: route.method, path, headers: asBSession, body } });
        }
      }
      // B's own store and rule with one of A's ids in the body (a test send rendered with A's customer).
      if ([a.id, a.ruleId, a.sentRuleId, a.customerId, a.orderId, a.messageId, a.emailId].some((id) => body.toString('utf8').includes(id))) {
        for (const path of pathsFor(route, b, b)) attempts.push({ route: name, who: "B's key, B's store, A's id in the body", request: { method: route.method, path, headers: asB, body } });
      }
      // B's own store filtered by A's rule: B may read its own (empty) page, never A's rows.
      if (route.method === 'GET') {
        for (const path of pathsFor(route, b, b)) {
          attempts.push({ route: name, who: "B's key, B's store, ?ruleId of A", mayAnswer: true, request: { method: 'GET', path: `${path}?ruleId=${a.sentRuleId}`, headers: asB } });
          attempts.push({ route: name, who: "B's session, B's store, ?ruleId of A", mayAnswer: true, request: { method: 'GET', path: `${path}?ruleId=${a.sentRuleId}`, headers: asBSession } });
        }
      }
    }

    const breaches: string[] = [];
    const leaks: string[] = [];
    /** Account B's session on A's store must read as "no such store", exactly like an unknown id. */
    const notHidden: string[] = [];
    const statuses: Record<string, number> = {};
    for (const attempt of attempts) {
      const res: RawResponse = attempt.raw ? await sendRawBytes(target, attempt.request) : await send(target, attempt.request);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const asked = `${attempt.request.path} ${JSON.stringify(attempt.request.headers)} ${attempt.request.body?.toString('utf8') ?? ''}`;
      const watched = attempt.route.startsWith('GET /api/v1/dev/outbox') ? aMarkers : [...aMarkers, ...aAccount];
      const leaked = watched.filter((m) => res.text.includes(m) && !asked.includes(m));
      const where = `${attempt.route} [${attempt.who}] ${attempt.request.method} ${attempt.request.path.slice(0, 200)}`;
      if (leaked.length) leaks.push(`${where} → ${res.status} carries ${leaked.join(', ')}: ${res.text.slice(0, 200)}`);
      // Routes that answer anyone with content that is no store's: health, starter templates, the API reference.
      const harmless =
        attempt.mayAnswer ||
        attempt.route === 'GET /api/v1/health' ||
        attempt.route === 'GET /api/v1/starter-templates' ||
        (isPublic(attempt.route) && !(attempt.route in PUBLIC_ROUTES));
      if (res.status >= 200 && res.status < 400 && !harmless) breaches.push(`${where} → ${res.status}: ${res.text.slice(0, 200)}`);
      if (attempt.who === "B's session" && !attempt.mayAnswer && res.status !== 404) notHidden.push(`${where} → ${res.status}: ${res.text.slice(0, 120)}`);
      if (res.status >= 500 || res.status === 0) breaches.push(`${where} → ${res.status} (expected a 4xx): ${res.text.slice(0, 200)}`);
    }
    const after = await fingerprintOfA();
    console.log(
      [
        `cross-tenant: ${routes.length} routes (${routes.filter((r) => !isPublic(routeName(r))).length} keyed, ${routes.filter((r) => isPublic(routeName(r))).length} public by design), ${attempts.length} attempts`,
        `  statuses: ${Object.entries(statuses).map(([s, n]) => `${s}:${n}`).join(' ')}`,
        `  accepted (2xx/3xx): ${breaches.length}, responses carrying A's data: ${leaks.length}, A's rows changed: ${before !== after}`,
        ...Object.entries({ ...PUBLIC_ROUTES, ...PUBLIC_SUBTREES }).map(([r, why]) => `  public: ${r} (${why})`),
      ].join('\n'),
    );
    expect(leaks).toEqual([]);
    expect(breaches).toEqual([]);
    expect(notHidden).toEqual([]);
    expect(after).toBe(before);
  });
});

/** Paths for `route` with `store`'s id as storeId and `owner`'s resources in every other parameter (each kind of log, both rules). */
function pathsFor(route: AppRoute, store: Tenant, owner: Tenant): string[] {
  const values: Record<string, string[]> = {
    storeId: [store.id],
    ruleId: [owner.ruleId, owner.sentRuleId],
    segmentId: [owner.segmentId],
    emailId: [owner.emailId],
    id: [owner.deadLetterId],
    kind: ['pending', 'sent', 'skipped', 'conversions'],
    token: [owner.trackingToken],
    file: [`${owner.trackingToken}.gif`],
    index: ['0'],
  };
  let combos: Record<string, string>[] = [{}];
  for (const p of route.params) {
    const options = values[p] ?? (/Id$/.test(p) ? [owner.customerId, owner.orderId, owner.messageId, owner.emailId, owner.ruleId] : null);
    if (!options) throw new Error(`no value for :${p} of ${routeName(route)}: add one to pathsFor`);
    combos = combos.flatMap((c) => options.map((o) => ({ ...c, [p]: encodeURIComponent(o) })));
  }
  return combos.map((c) => fillPath(route, c));
}

/** Forged credentials for the routes that are public by design, each aimed at store A. */
function publicAttempts(
  route: AppRoute,
  a: Tenant,
  b: Tenant,
  body: Buffer,
  forged: { unsubscribe: string[]; tracking: string[] },
): { who: string; request: RawRequest }[] {
  const name = routeName(route);
  const json = { 'content-type': 'application/json' };
  const out: { who: string; request: RawRequest }[] = [];
  const withToken = (who: string, token: string) => {
    const params: Record<string, string> = { token: encodeURIComponent(token), file: `${encodeURIComponent(token)}.gif`, index: '0' };
    out.push({ who, request: { method: route.method, path: fillPath(route, params), headers: { ...json, authorization: `Bearer ${b.apiKey}` } } });
  };
  if (name.includes('/unsubscribe/')) forged.unsubscribe.forEach((t, i) => withToken(`forged unsubscribe token ${i}`, t));
  else if (name.includes('/t/')) forged.tracking.forEach((t, i) => withToken(`forged tracking token ${i}`, t));
  else if (name.endsWith('/webhooks/orders')) {
    const path = fillPath(route, { storeId: a.id });
    const signatures: [string, Record<string, string>][] = [
      ['no signature', {}],
      ["signed with B's secret", { 'x-boomerang-signature': signWebhook(b.webhookSecret, body) }],
      ['signed with a dev default', { 'x-boomerang-signature': signWebhook('dev-webhook-secret', body) }],
      ['signature of another body', { 'x-boomerang-signature': signWebhook(a.webhookSecret, Buffer.from(`${body.toString()} `)) }],
      ['bare hex signature', { 'x-boomerang-signature': createHmac('sha256', b.webhookSecret).update(body).digest('hex') }],
      ["B's api key instead of a signature", { authorization: `Bearer ${b.apiKey}` }],
      ['admin key instead of a signature', { authorization: `Bearer ${ADMIN_KEY}` }],
    ];
    for (const [who, headers] of signatures) out.push({ who, request: { method: 'POST', path, headers: { ...json, ...headers }, body } });
  } else if (name.startsWith('GET /api/v1/logos/')) {
    // A's logo is public by its exact name; any other name under A's id (B's file, a replaced or made-up hash) is not found.
    const names: [string, string][] = [
      ["B's logo file under A's id", b.logoFile],
      ["A's logo hash, another extension", a.logoFile.replace(/\.png$/, '.gif')],
      ['a made-up hash', `${'0'.repeat(64)}.png`],
      ["A's hash without extension", a.logoFile.replace(/\.png$/, '')],
    ];
    for (const [who, file] of names) out.push({ who, request: { method: 'GET', path: fillPath(route, { storeId: a.id, file: encodeURIComponent(file) }), headers: { authorization: `Bearer ${b.apiKey}` } } });
  } else if (name.endsWith('/webhooks/postmark')) {
    // A bounce for A's message: accepted, it would suppress A's customer.
    const bounce = Buffer.from(
      JSON.stringify({ RecordType: 'Bounce', MessageID: 'pm-forged', Metadata: { messageId: a.messageId }, ID: 7, Type: 'HardBounce', BouncedAt: new Date().toISOString(), Inactive: true }),
    );
    const secrets: [string, Record<string, string>][] = [
      ['no secret', {}],
      ['wrong secret', { 'x-postmark-webhook-secret': 'wrong' }],
      ['dev default secret', { 'x-postmark-webhook-secret': 'dev-postmark-webhook-secret' }],
      ['empty secret', { 'x-postmark-webhook-secret': '' }],
      ["B's api key", { authorization: `Bearer ${b.apiKey}` }],
      ['basic auth, no user configured', { authorization: `Basic ${Buffer.from('postmark:postmark').toString('base64')}` }],
    ];
    for (const [who, headers] of secrets) out.push({ who, request: { method: 'POST', path: route.path, headers: { ...json, ...headers }, body: bounce } });
  } else {
    // health, starter templates: no credentials at all; checked for A's data only.
    out.push({ who: "B's key", request: { method: route.method, path: route.path, headers: { authorization: `Bearer ${b.apiKey}` } } });
    out.push({ who: 'no key', request: { method: route.method, path: route.path, headers: {} } });
  }
  if (!out.length) throw new Error(`no forged credentials for public route ${name}`);
  return out;
}
