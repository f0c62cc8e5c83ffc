import { createHash } from 'node:crypto';
import { FakePostmark } from '@boomerang/testing';
import { ADMIN_KEY, startStack, type Stack } from './harness.js';
import { VALID_RULE } from './fuzz/tenant.js';

const DASHBOARD_URL = 'https://dash.test';

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** A request as the dashboard sends it: the session (or a key) as a bearer token, the browser's address forwarded. */
async function call(stack: Stack, method: string, path: string, body?: unknown, opts: { token?: string; ip?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack.baseUrl}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

describe('merchant accounts on the whole stack', () => {
  let stack: Stack;
  const password = 'alpha password 1';
  let alice = '';
  let bob = '';
  let store: { id: string; apiKey: string } = { id: '', apiKey: '' };

  beforeAll(async () => {
    stack = await startStack({
      // The resend limit is made small so the spec reaches it quickly; sign-in keeps its production limit (10 per address).
      env: { DASHBOARD_URL, AUTH_RATE_LIMITS: 'resend-verification-address=2/3600,resend-verification-ip=3/3600' },
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** The newest account email to an address, read through the development outbox routes. */
  async function lastEmail(to: string) {
    const list = await call(stack, 'GET', `/dev/outbox?to=${encodeURIComponent(to)}`);
    expect(list.status).toBe(200);
    const [newest] = list.body.emails;
    if (!newest) throw new Error(`no email to ${to}`);
    const email = await call(stack, 'GET', `/dev/outbox/${newest.id}`);
    expect(email.status).toBe(200);
    return email.body as { id: string; to: string; from: string; subject: string; html: string; text: string };
  }

  function linkToken(text: string, page: string): string {
    const match = new RegExp(`${DASHBOARD_URL.replace(/\./g, '\\.')}/${page}\\?token=([A-Za-z0-9_-]+)`).exec(text);
    if (!match) throw new Error(`no ${page} link in ${text}`);
    return match[1]!;
  }

  async function signUpAndVerify(name: string, email: string, ip: string): Promise<string> {
    expect((await call(stack, 'POST', '/auth/sign-up', { name, email, password }, { ip })).status).toBe(201);
    const verified = await call(stack, 'POST', '/auth/verify', { token: linkToken((await lastEmail(email)).text, 'verify') });
    expect(verified.status).toBe(200);
    return verified.body.session.token;
  }

  const rows = async (table: string) => Number((await stack.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from "${table}"`))[0]!.n);

  it('signs up, verifies by the emailed link, signs in, and adds the first store with a 30-day trial', async () => {
    alice = 'alice@alpha.example';
    const signUp = await call(stack, 'POST', '/auth/sign-up', { name: 'Alice', email: 'Alice@Alpha.example', password }, { ip: '203.0.113.10' });
    expect(signUp).toMatchObject({ status: 201, body: { email: alice, verificationSent: true } });

    const mail = await lastEmail(alice);
    expect(mail.subject).toBe('Confirm your email address for Boomerang');
    const token = linkToken(mail.text, 'verify');
    expect(mail.html).toContain(`${DASHBOARD_URL}/verify?token=${token}`);

    // The address is not verified yet: the right password says so, a wrong one does not.
    expect(await call(stack, 'POST', '/auth/sign-in', { email: alice, password })).toMatchObject({ status: 403, body: { error: 'email_unverified' } });
    expect(await call(stack, 'POST', '/auth/sign-in', { email: alice, password: 'not the password' })).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });

    const verified = await call(stack, 'POST', '/auth/verify', { token });
    expect(verified.status).toBe(200);
    expect(verified.body.session.token).toMatch(/^bms_/);
    expect(verified.body.user).toMatchObject({ name: 'Alice', email: alice, phone: null });
    const expiresIn = Date.parse(verified.body.session.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(29 * 86_400_000);

    const signIn = await call(stack, 'POST', '/auth/sign-in', { email: alice, password });
    expect(signIn.status).toBe(200);
    const session = signIn.body.session.token as string;

    const empty = await call(stack, 'GET', '/account', undefined, { token: session });
    expect(empty).toMatchObject({ status: 200, body: { user: { email: alice }, account: { trial: null }, stores: [] } });
    expect(empty.body.account.contacts.marketing).toEqual({ name: 'Alice', email: alice, isOwner: true });

    const created = await call(stack, 'POST', '/account/stores', { name: 'Alpha Beans', domain: 'https://www.Alpha-Beans.example/shop' }, { token: session });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Alpha Beans', domain: 'alpha-beans.example', platform: 'custom', currency: 'USD', timezone: 'UTC' });
    expect(created.body.apiKey).toMatch(/^bk_/);
    expect(created.body.trial).toMatchObject({ daysLeft: 30, active: true });
    expect(Date.parse(created.body.trial.endsAt) - Date.parse(created.body.trial.startedAt)).toBe(30 * 86_400_000);
    store = { id: created.body.id, apiKey: created.body.apiKey };

    const listed = await call(stack, 'GET', '/account/stores', undefined, { token: session });
    expect(listed.body.stores).toEqual([expect.objectContaining({ id: store.id, domain: 'alpha-beans.example', trial: expect.objectContaining({ daysLeft: 30 }) })]);
    expect((await call(stack, 'GET', '/account', undefined, { token: session })).body.account.trial).toMatchObject({ daysLeft: 30, active: true });
    // The account's session opens its store's routes.
    expect((await call(stack, 'GET', `/stores/${store.id}`, undefined, { token: session })).status).toBe(200);
    expect((await call(stack, 'GET', `/stores/${store.id}/stats`, undefined, { token: session })).status).toBe(200);
  });

  it("gives another account no trial on the same domain, and answers its session 404 on every kind of route of the first account's store", async () => {
    bob = 'bob@bravo.example';
    const bobSession = await signUpAndVerify('Bob', bob, '203.0.113.20');
    const copy = await call(stack, 'POST', '/account/stores', { name: 'Bravo Copy', domain: 'alpha-beans.example' }, { token: bobSession });
    expect(copy.status).toBe(201);
    expect(copy.body.trial).toBeNull();
    expect((await call(stack, 'GET', '/account', undefined, { token: bobSession })).body.account.trial).toBeNull();

    const before = await stack.orm.em.fork().execute(`select name, timezone from store where id = ?`, [store.id]);
    const attempts: [string, string, unknown?][] = [
      ['GET', `/stores/${store.id}`],
      ['PATCH', `/stores/${store.id}`, { name: 'Taken over' }],
      ['GET', `/stores/${store.id}/stats`],
      ['GET', `/stores/${store.id}/rules`],
      ['POST', `/stores/${store.id}/rules`, VALID_RULE],
      ['GET', `/stores/${store.id}/outbox`],
      ['GET', `/stores/${store.id}/logs/sent`],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await call(stack, method, path, body, { token: bobSession });
      expect({ route: `${method} ${path}`, status: answer.status, error: answer.body?.error }).toEqual({ route: `${method} ${path}`, status: 404, error: 'not_found' });
      expect(JSON.stringify(answer.body)).not.toContain('Alpha');
    }
    // A store that does not exist answers the same.
    expect((await call(stack, 'GET', '/stores/00000000-0000-4000-8000-000000000000', undefined, { token: bobSession })).status).toBe(404);
    expect(await stack.orm.em.fork().execute(`select name, timezone from store where id = ?`, [store.id])).toEqual(before);
    expect(await rows('retention_rule')).toBe(0);

    // The store's own key and the admin key still open it; a made-up session does not.
    expect((await call(stack, 'GET', `/stores/${store.id}/stats`, undefined, { token: store.apiKey })).status).toBe(200);
    expect((await call(stack, 'GET', `/stores/${store.id}`, undefined, { token: ADMIN_KEY })).status).toBe(200);
    expect(await call(stack, 'GET', `/stores/${store.id}`, undefined, { token: 'bms_made-up' })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    // Store keys do not open account routes.
    expect((await call(stack, 'GET', '/account', undefined, { token: store.apiKey })).status).toBe(401);
    expect((await call(stack, 'GET', '/account', undefined, { token: ADMIN_KEY })).status).toBe(401);
  });

  it('signs out (the session stops working everywhere), resets a forgotten password, and revokes the old sessions', async () => {
    const first = (await call(stack, 'POST', '/auth/sign-in', { email: alice, password })).body.session.token as string;
    const second = (await call(stack, 'POST', '/auth/sign-in', { email: alice, password })).body.session.token as string;
    expect((await call(stack, 'POST', '/auth/sign-out', undefined, { token: first })).status).toBe(204);
    expect((await call(stack, 'GET', '/account', undefined, { token: first })).status).toBe(401);
    expect((await call(stack, 'GET', `/stores/${store.id}`, undefined, { token: first })).status).toBe(401);
    expect((await call(stack, 'POST', '/auth/sign-out', undefined, { token: first })).status).toBe(401);
    expect((await call(stack, 'GET', '/account', undefined, { token: second })).status).toBe(200);

    expect(await call(stack, 'POST', '/auth/forgot-password', { email: alice }, { ip: '203.0.113.30' })).toMatchObject({ status: 202, body: { sent: true } });
    // Unknown addresses get the same answer and no email.
    const outboxBefore = await rows('outbox_email');
    expect(await call(stack, 'POST', '/auth/forgot-password', { email: 'nobody@alpha.example' }, { ip: '203.0.113.30' })).toMatchObject({ status: 202, body: { sent: true } });
    expect(await rows('outbox_email')).toBe(outboxBefore);

    const mail = await lastEmail(alice);
    expect(mail.subject).toBe('Reset your Boomerang password');
    const token = linkToken(mail.text, 'reset-password');
    const newPassword = 'alpha password 2';
    expect(await call(stack, 'POST', '/auth/reset-password', { token, password: newPassword })).toMatchObject({ status: 200, body: { reset: true } });
    expect((await call(stack, 'GET', '/account', undefined, { token: second })).status).toBe(401);
    expect((await call(stack, 'POST', '/auth/sign-in', { email: alice, password })).status).toBe(401);
    expect((await call(stack, 'POST', '/auth/sign-in', { email: alice, password: newPassword })).status).toBe(200);

    // The same link again says it was used; an expired one says it expired; a made-up one is invalid.
    expect(await call(stack, 'POST', '/auth/reset-password', { token, password: 'alpha password 3' })).toMatchObject({
      status: 410,
      body: { error: 'token_used', issues: [{ field: 'token' }] },
    });
    await call(stack, 'POST', '/auth/forgot-password', { email: alice }, { ip: '203.0.113.31' });
    const late = linkToken((await lastEmail(alice)).text, 'reset-password');
    await stack.orm.em.fork().execute(`update email_token set expires_at = now() - interval '1 second' where token_hash = ?`, [createHash('sha256').update(late).digest('hex')]);
    expect(await call(stack, 'POST', '/auth/reset-password', { token: late, password: 'alpha password 3' })).toMatchObject({
      status: 410,
      body: { error: 'token_expired', issues: [{ field: 'token' }] },
    });
    expect(await call(stack, 'POST', '/auth/verify', { token: 'A'.repeat(43) })).toMatchObject({ status: 400, body: { error: 'token_invalid', issues: [{ field: 'token' }] } });
    // The password did not change.
    expect((await call(stack, 'POST', '/auth/sign-in', { email: alice, password: newPassword })).status).toBe(200);
  });

  it('rate-limits per address across IPs and per IP across addresses, with Retry-After', async () => {
    // Sign-in: 10 failures per address per 15 minutes, from any IPs (X-Forwarded-For from the dashboard on loopback counts).
    for (let i = 0; i < 10; i++) {
      expect((await call(stack, 'POST', '/auth/sign-in', { email: bob, password: `wrong guess ${i}` }, { ip: `198.51.100.${i + 1}` })).status).toBe(401);
    }
    const limited = await call(stack, 'POST', '/auth/sign-in', { email: bob, password }, { ip: '198.51.100.99' });
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
    // Another address from the same IPs is not limited by Bob's failures.
    expect((await call(stack, 'POST', '/auth/sign-in', { email: alice, password: 'alpha password 2' }, { ip: '198.51.100.1' })).status).toBe(200);

    // Resend-verification (limits of this suite: 2 per address, 3 per IP): one address from two IPs...
    const address = 'carol@charlie.example';
    expect((await call(stack, 'POST', '/auth/resend-verification', { email: address }, { ip: '192.0.2.1' })).status).toBe(202);
    expect((await call(stack, 'POST', '/auth/resend-verification', { email: address }, { ip: '192.0.2.2' })).status).toBe(202);
    const perAddress = await call(stack, 'POST', '/auth/resend-verification', { email: address }, { ip: '192.0.2.3' });
    expect(perAddress).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(Number(perAddress.headers.get('retry-after'))).toBeGreaterThan(3000);
    // ...and two (then more) addresses from one IP.
    const ip = '192.0.2.50';
    for (const n of [1, 2, 3]) expect((await call(stack, 'POST', '/auth/resend-verification', { email: `dave${n}@delta.example` }, { ip })).status).toBe(202);
    expect((await call(stack, 'POST', '/auth/resend-verification', { email: 'dave4@delta.example' }, { ip })).status).toBe(429);
    expect((await call(stack, 'POST', '/auth/resend-verification', { email: 'dave4@delta.example' }, { ip: '192.0.2.51' })).status).toBe(202);
  });

  it('edits the profile and the alert contacts, and changes the password (other sessions signed out)', async () => {
    const session = (await call(stack, 'POST', '/auth/sign-in', { email: alice, password: 'alpha password 2' }, { ip: '203.0.113.40' })).body.session.token as string;
    const other = (await call(stack, 'POST', '/auth/sign-in', { email: alice, password: 'alpha password 2' }, { ip: '203.0.113.40' })).body.session.token as string;
    const profile = await call(stack, 'PATCH', '/account/profile', { phone: '+1 503 555 0100', company: 'Alpha LLC', city: null }, { token: session });
    expect(profile).toMatchObject({ status: 200, body: { name: 'Alice', phone: '+1 503 555 0100', company: 'Alpha LLC', city: null } });
    const contacts = await call(stack, 'PUT', '/account/contacts', { marketing: { name: 'Mark', email: 'mark@alpha.example' }, billing: null, technical: null }, { token: session });
    expect(contacts).toMatchObject({ status: 200, body: { marketing: { name: 'Mark', isOwner: false }, billing: { email: alice, isOwner: true } } });
    expect(await call(stack, 'POST', '/account/password', { currentPassword: 'not it', newPassword: 'alpha password 3' }, { token: session })).toMatchObject({
      status: 401,
      body: { error: 'invalid_credentials', issues: [{ field: 'currentPassword' }] },
    });
    expect((await call(stack, 'POST', '/account/password', { currentPassword: 'alpha password 2', newPassword: 'alpha password 3' }, { token: session })).status).toBe(204);
    expect((await call(stack, 'GET', '/account', undefined, { token: session })).status).toBe(200);
    expect((await call(stack, 'GET', '/account', undefined, { token: other })).status).toBe(401);
  });

  it('answers bad input with a 4xx naming the field and writes nothing; credentials are checked before the body', async () => {
    const session = (await call(stack, 'POST', '/auth/sign-in', { email: alice, password: 'alpha password 3' }, { ip: '203.0.113.50' })).body.session.token as string;
    const tables = ['account', 'app_user', 'store', 'store_trial', 'email_token', 'outbox_email'];
    const before = await Promise.all(tables.map(rows));
    const cases: [string, string, unknown, string, string?][] = [
      ['POST', '/auth/sign-up', { name: 'Eve', email: 'eve@echo.example', password: 'short' }, 'password'],
      ['POST', '/auth/sign-up', { name: 'Eve', email: 'not-an-email', password: 'long enough password' }, 'email'],
      ['POST', '/auth/sign-up', { name: '', email: 'eve@echo.example', password: 'long enough password' }, 'name'],
      ['POST', '/auth/sign-up', { name: 'Eve', email: 'eve@echo.example', password: 'x'.repeat(129) }, 'password'],
      ['POST', '/auth/sign-in', { email: alice }, 'password'],
      ['POST', '/auth/verify', {}, 'token'],
      ['POST', '/auth/reset-password', { token: 'abc', password: 'short' }, 'password'],
      ['POST', '/account/stores', { name: 'Nope', domain: 'not a domain' }, 'domain', session],
      ['POST', '/account/stores', { name: 'Nope', domain: 'nope.example', currency: 'XXXX' }, 'currency', session],
      ['POST', '/account/stores', { name: 'Nope', domain: 'nope.example', platform: 'shopify' }, 'platform', session],
      ['PATCH', '/account/profile', { phone: 42 }, 'phone', session],
      ['PATCH', '/account/profile', { email: 'new@alpha.example' }, '(body)', session],
      ['PUT', '/account/contacts', { marketing: null, technical: null }, 'billing', session],
      ['PUT', '/account/contacts', { marketing: { name: 'M', email: 'bad' }, billing: null, technical: null }, 'marketing.email', session],
    ];
    for (const [method, path, body, field, token] of cases) {
      const answer = await call(stack, method, path, body, { token, ip: '203.0.113.60' });
      expect({ path, status: answer.status, error: answer.body.error }).toEqual({ path, status: 400, error: 'validation_failed' });
      expect(answer.body.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    // 401 before 400: a request without a session is refused before its body is looked at.
    expect((await call(stack, 'POST', '/account/stores', { name: '' })).status).toBe(401);
    expect((await call(stack, 'PATCH', `/stores/${store.id}`, { name: '' }, { token: 'bms_unknown' })).status).toBe(401);
    expect(await Promise.all(tables.map(rows))).toEqual(before);
  });
});

describe('account emails with the Postmark transport', () => {
  const fake = new FakePostmark();
  let stack: Stack;

  beforeAll(async () => {
    const requestHost = await fake.start();
    stack = await startStack({
      worker: false,
      env: { DASHBOARD_URL, EMAIL_TRANSPORT: 'postmark', POSTMARK_SERVER_TOKEN: fake.serverToken, POSTMARK_REQUEST_HOST: requestHost, EMAIL_FROM: 'Boomerang <accounts@boomerang.example>' },
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('sends the verification on the transactional stream, untracked, stores nothing in the outbox, and has no development outbox routes', async () => {
    const email = 'pat@postmark.example';
    expect((await call(stack, 'POST', '/auth/sign-up', { name: 'Pat', email, password: 'pat password 1' })).status).toBe(201);
    const sent = fake.messages.filter((m) => m.To === email);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ From: 'Boomerang <accounts@boomerang.example>', MessageStream: 'outbound', Tag: 'account-verify', TrackOpens: false, TrackLinks: 'None' });
    const token = new RegExp(`${DASHBOARD_URL.replace(/\./g, '\\.')}/verify\\?token=([\\w-]+)`).exec(sent[0]!.TextBody!)![1]!;
    expect((await call(stack, 'POST', '/auth/verify', { token })).status).toBe(200);
    expect(Number((await stack.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from outbox_email`))[0]!.n)).toBe(0);
    expect(await call(stack, 'GET', `/dev/outbox?to=${email}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await call(stack, 'GET', '/dev/outbox/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
