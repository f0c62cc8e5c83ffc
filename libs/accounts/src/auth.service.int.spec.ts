import { RateLimitedError, type DomainError } from '@boomerang/domain';
import { StoresService } from '@boomerang/stores';
import { openOrm, type EntityManager, type MikroORM } from '@boomerang/persistence';
import { createTestDatabase, type TestDatabase } from '@boomerang/testing';
import pg from 'pg';
import type { AccountEmailContent } from './account-emails.js';
import { AccountService } from './account.service.js';
import { AuthRateLimits, DEFAULT_AUTH_RATE_LIMITS } from './auth-rate-limits.js';
import { AuthService, type AccountMailer } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The link's token from an email the fake mailer caught. */
function tokenOf(mail: { content: AccountEmailContent }): string {
  const match = /\?token=([A-Za-z0-9_-]+)/.exec(mail.content.text);
  if (!match) throw new Error(`no token in ${mail.content.text}`);
  return match[1]!;
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a failure');
}

describe('AuthService and AccountService (PostgreSQL)', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let pool: pg.Pool;
  let auth: AuthService;
  let accounts: AccountService;
  const sent: { to: string; content: AccountEmailContent }[] = [];
  let now = new Date('2026-11-26T10:00:00Z');
  const em = (): EntityManager => orm.em.fork();
  const count = async (sql: string, params: unknown[] = []) => Number((await em().execute<{ n: string }[]>(sql, params))[0]!.n);
  const ip = '198.51.100.7';

  beforeAll(async () => {
    db = await createTestDatabase('boomerang_accounts');
    orm = await openOrm(db.url);
    // The rate limits' own pool, as the api has one.
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    // The database is dropped (with force) right after the pool ends: a client still closing then gets PostgreSQL's
    // "terminating connection", which an unlistened pool would raise as an unhandled error (seen once in CI).
    pool.on('error', () => {});
    const mailer: AccountMailer = { send: async (_em, to, content) => void sent.push({ to, content }) };
    const hasher = new PasswordHasher();
    const clock = () => now;
    auth = new AuthService({
      hasher,
      mailer,
      // Sign-in limits as in production; the others small so the spec reaches them quickly.
      limits: new AuthRateLimits(pool, { ...DEFAULT_AUTH_RATE_LIMITS, 'forgot-password-address': { points: 3, seconds: 3600 } }),
      dashboardUrl: 'https://dash.example',
      clock,
    });
    accounts = new AccountService({ hasher, stores: new StoresService(), clock });
  });

  afterAll(async () => {
    await pool?.end();
    await orm?.close(true);
    await db?.drop();
  });

  async function signedUpAndVerified(email: string, password = 'a long enough password') {
    await auth.signUp(em(), { name: 'Ann Owner', email, password }, ip);
    const mail = sent.filter((m) => m.to === email.toLowerCase()).at(-1)!;
    return auth.verify(em(), { token: tokenOf(mail) });
  }

  it('signs up once per address: the account, its owner (argon2id hash), a hashed 24-hour link, and the email', async () => {
    const out = await auth.signUp(em(), { name: 'Ann', email: ' Ann@Shop.Example ', password: 'correct horse battery' }, ip);
    expect(out).toEqual({ email: 'ann@shop.example', verificationSent: true });
    const [user] = await em().execute<{ password_hash: string; email_verified_at: Date | null; account_id: string }[]>(`select * from app_user where email = 'ann@shop.example'`);
    expect(user!.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(user!.email_verified_at).toBeNull();
    const mail = sent.at(-1)!;
    expect(mail.to).toBe('ann@shop.example');
    expect(mail.content.text).toContain('https://dash.example/verify?token=');
    const token = tokenOf(mail);
    // Only the hash is stored.
    expect(await count(`select count(*) as n from email_token where token_hash = ?`, [token])).toBe(0);
    const [row] = await em().execute<{ expires_at: Date; purpose: string }[]>(`select * from email_token where user_id = (select id from app_user where email = 'ann@shop.example')`);
    expect(row!.purpose).toBe('verify');
    expect(new Date(row!.expires_at).getTime() - now.getTime()).toBe(DAY);
  });

  it('answers a second sign-up with the same address identically, changes nothing, and tells the owner by email once verified', async () => {
    const first = await signedUpAndVerified('bob@shop.example', 'the first password');
    const users = await count(`select count(*) as n from app_user`);
    const again = await auth.signUp(em(), { name: 'Mallory', email: 'BOB@shop.example', password: 'a different password' }, ip);
    expect(again).toEqual({ email: 'bob@shop.example', verificationSent: true });
    expect(await count(`select count(*) as n from app_user`)).toBe(users);
    expect(sent.at(-1)!.content.subject).toBe('You already have a Boomerang account');
    // The password given in the second sign-up was not applied.
    await expect(auth.signIn(em(), { email: 'bob@shop.example', password: 'a different password' }, ip)).rejects.toMatchObject({ code: 'invalid_credentials' });
    const back = await auth.signIn(em(), { email: 'bob@shop.example', password: 'the first password' }, ip);
    expect(back.user.id).toBe(first.user.id);
  });

  it('refuses an unverified sign-in only after the right password, and tells used, expired and unknown links apart', async () => {
    await auth.signUp(em(), { name: 'Cat', email: 'cat@shop.example', password: 'cats are great pets' }, ip);
    const link = tokenOf(sent.at(-1)!);
    await expect(auth.signIn(em(), { email: 'cat@shop.example', password: 'wrong password!' }, ip)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(auth.signIn(em(), { email: 'cat@shop.example', password: 'cats are great pets' }, ip)).rejects.toMatchObject({ code: 'email_unverified' });

    await auth.resendVerification(em(), { email: 'cat@shop.example' }, ip);
    const second = tokenOf(sent.at(-1)!);
    expect(second).not.toBe(link);
    const verified = await auth.verify(em(), { token: second });
    expect(verified.session.token.startsWith('bms_')).toBe(true);
    expect(verified.session.expiresAt.getTime() - now.getTime()).toBe(30 * DAY);
    // The session token is stored only as its hash.
    expect(await count(`select count(*) as n from user_session where token_hash = ?`, [verified.session.token])).toBe(0);

    const used = await failure(auth.verify(em(), { token: second }));
    expect(used).toMatchObject({ code: 'token_used', issues: [{ field: 'token' }] });
    // The first link was spent by the verification too.
    expect(await failure(auth.verify(em(), { token: link }))).toMatchObject({ code: 'token_used' });
    expect(await failure(auth.verify(em(), { token: 'x'.repeat(43) }))).toMatchObject({ code: 'token_invalid', issues: [{ field: 'token' }] });

    await auth.signUp(em(), { name: 'Dan', email: 'dan@shop.example', password: 'dans password!' }, ip);
    const late = tokenOf(sent.at(-1)!);
    now = new Date(now.getTime() + DAY + 1);
    expect(await failure(auth.verify(em(), { token: late }))).toMatchObject({ code: 'token_expired', issues: [{ field: 'token' }] });
  });

  it('resets a password with a one-hour single-use link that revokes every session; the old password stops working', async () => {
    const { session } = await signedUpAndVerified('eve@shop.example', 'eves old password');
    const other = await auth.signIn(em(), { email: 'eve@shop.example', password: 'eves old password' }, ip);
    await auth.forgotPassword(em(), { email: 'eve@shop.example' }, ip);
    const mail = sent.at(-1)!;
    expect(mail.content.text).toContain('https://dash.example/reset-password?token=');
    const token = tokenOf(mail);
    expect(await auth.resetPassword(em(), { token, password: 'eves new password' })).toEqual({ reset: true });
    await expect(auth.authenticate(em(), session.token)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(auth.authenticate(em(), other.session.token)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(auth.signIn(em(), { email: 'eve@shop.example', password: 'eves old password' }, ip)).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect((await auth.signIn(em(), { email: 'eve@shop.example', password: 'eves new password' }, ip)).user.email).toBe('eve@shop.example');
    expect(await failure(auth.resetPassword(em(), { token, password: 'another new one' }))).toMatchObject({ code: 'token_used' });

    await auth.forgotPassword(em(), { email: 'eve@shop.example' }, ip);
    const expiring = tokenOf(sent.at(-1)!);
    now = new Date(now.getTime() + HOUR + 1);
    expect(await failure(auth.resetPassword(em(), { token: expiring, password: 'too late password' }))).toMatchObject({ code: 'token_expired' });
  });

  it('says nothing about unknown addresses: forgot-password answers the same and sends nothing; its limit counts per address', async () => {
    const before = sent.length;
    expect(await auth.forgotPassword(em(), { email: 'nobody@shop.example' }, ip)).toEqual({ sent: true });
    expect(sent.length).toBe(before);
    await auth.forgotPassword(em(), { email: 'nobody@shop.example' }, '203.0.113.1');
    await auth.forgotPassword(em(), { email: 'nobody@shop.example' }, '203.0.113.2');
    const limited = await failure(auth.forgotPassword(em(), { email: 'NOBODY@shop.example' }, '203.0.113.3'));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterSeconds).toBeGreaterThan(3000);
  });

  it('limits sign-in failures per address (10 per 15 minutes), and the right password is refused too once limited', async () => {
    await signedUpAndVerified('fay@shop.example', 'fays real password');
    for (let i = 0; i < 10; i++) {
      await expect(auth.signIn(em(), { email: 'fay@shop.example', password: `guess number ${i}` }, `192.0.2.${i}`)).rejects.toMatchObject({ code: 'invalid_credentials' });
    }
    await expect(auth.signIn(em(), { email: 'fay@shop.example', password: 'fays real password' }, '192.0.2.200')).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('changes the password with the current one, keeping only the calling session', async () => {
    const first = await signedUpAndVerified('gus@shop.example', 'gus first password');
    const second = await auth.signIn(em(), { email: 'gus@shop.example', password: 'gus first password' }, ip);
    const principal = await auth.authenticate(em(), first.session.token);
    expect(await failure(accounts.changePassword(em(), principal, { currentPassword: 'not it at all', newPassword: 'gus second password' }))).toMatchObject({
      code: 'invalid_credentials',
      issues: [{ field: 'currentPassword' }],
    });
    await accounts.changePassword(em(), principal, { currentPassword: 'gus first password', newPassword: 'gus second password' });
    expect((await auth.authenticate(em(), first.session.token)).userId).toBe(principal.userId);
    await expect(auth.authenticate(em(), second.session.token)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('gives the first store a 30-day trial; a trialled domain never gets another, on any account; contacts default to the owner', async () => {
    const a = await auth.authenticate(em(), (await signedUpAndVerified('hal@shop.example', 'hals password!')).session.token);
    const b = await auth.authenticate(em(), (await signedUpAndVerified('ivy@shop.example', 'ivys password!')).session.token);
    const first = await accounts.createStore(em(), a, { name: 'Hal Coffee', domain: 'https://www.Hal-Coffee.example/shop' });
    expect(first.created.store.domain).toBe('hal-coffee.example');
    expect(first.created.store.accountId).toBe(a.accountId);
    expect(first.trial).toEqual({ startedAt: now, endsAt: new Date(now.getTime() + 30 * DAY), daysLeft: 30, active: true });
    // Another account, same storefront: no trial.
    const copy = await accounts.createStore(em(), b, { name: 'Ivy copy', domain: 'hal-coffee.example' });
    expect(copy.trial).toBeNull();
    const bView = await accounts.overview(em(), b);
    expect(bView.account.trial).toBeNull();
    // A's second store during the trial shares it.
    const second = await accounts.createStore(em(), a, { name: 'Hal Tea', domain: 'hal-tea.example' });
    expect(second.trial?.endsAt).toEqual(first.trial?.endsAt);

    now = new Date(now.getTime() + 29 * DAY + HOUR);
    const view = await accounts.overview(em(), a);
    expect(view.account.trial).toMatchObject({ daysLeft: 1, active: true });
    expect(view.stores.map((s) => s.name)).toEqual(['Hal Coffee', 'Hal Tea']);
    expect(view.account.contacts.billing).toEqual({ name: 'Ann Owner', email: 'hal@shop.example', isOwner: true });
    now = new Date(now.getTime() + DAY);
    expect((await accounts.overview(em(), a)).account.trial).toMatchObject({ daysLeft: 0, active: false });
    // After the trial: a new domain gets none either.
    expect((await accounts.createStore(em(), a, { name: 'Hal Late', domain: 'hal-late.example' })).trial).toBeNull();

    const contacts = await accounts.setContacts(em(), a, { marketing: { name: 'Mo', email: 'MO@shop.example' }, billing: null, technical: null });
    expect(contacts.marketing).toEqual({ name: 'Mo', email: 'mo@shop.example', isOwner: false });
    expect(contacts.technical.isOwner).toBe(true);
    // B's stores are B's only.
    expect((await accounts.stores(em(), b)).map((s) => s.name)).toEqual(['Ivy copy']);
  });
});
