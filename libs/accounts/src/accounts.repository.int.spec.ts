import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { AccountsRepository } from './accounts.repository.js';
import { EmailTokensRepository } from './email-tokens.repository.js';
import { SessionsRepository } from './sessions.repository.js';

const DAY = 86_400_000;

describe('accounts repositories (PostgreSQL)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  const em = (): EntityManager => orm.em.fork();
  const now = new Date('2026-11-26T12:00:00Z');

  beforeAll(async () => {
    db = await openTestOrm('boomerang_accounts_repo');
    orm = db.orm;
  });

  afterAll(async () => {
    await db?.close();
  });

  async function account(): Promise<string> {
    const id = randomUUID();
    await em().execute(`insert into account (id, created_at) values (?, ?)`, [id, now]);
    return id;
  }

  async function store(accountId: string, domain: string): Promise<string> {
    return seedRow(em(), 'store', { account_id: accountId, domain });
  }

  /** claimTrial as the service calls it: inside the transaction that created the store. */
  function claim(accountId: string, storeId: string, domain: string, at = now) {
    return em().transactional((tx) => new AccountsRepository(tx).claimTrial(accountId, storeId, domain, at, 30));
  }

  it('gives a domain one trial, whichever of two accounts racing for it wins', async () => {
    const [a, b] = [await account(), await account()];
    const [sa, sb] = [await store(a, 'race.example'), await store(b, 'race.example')];
    const results = await Promise.all([claim(a, sa, 'race.example'), claim(b, sb, 'race.example')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = await em().execute<{ n: string }[]>(`select count(*) as n from store_trial where domain = 'race.example'`);
    expect(Number(rows[0]!.n)).toBe(1);
    // The loser's account has no trial either: its first store's domain was taken.
    const trials = await em().execute<{ id: string; trial_started_at: Date | null }[]>(`select id, trial_started_at from account where id in (?, ?)`, [a, b]);
    expect(trials.filter((t) => t.trial_started_at).length).toBe(1);
  });

  it('starts one trial per account even when its first two stores are added at once (the account row is locked)', async () => {
    const a = await account();
    const later = new Date(now.getTime() + 3_600_000);
    let firstClaimed!: () => void;
    const claimed = new Promise<void>((resolve) => (firstClaimed = resolve));
    // As the service does, each store is inserted and claims in one transaction. The first holds its transaction open
    // after claiming; the second claims meanwhile, when the first store is not yet visible to it.
    const first = em().transactional(async (tx) => {
      const id = await seedRow(tx, 'store', { account_id: a, domain: 'first-one.example' });
      const trial = await new AccountsRepository(tx).claimTrial(a, id, 'first-one.example', now, 30);
      firstClaimed();
      await new Promise((r) => setTimeout(r, 500));
      return trial;
    });
    await claimed;
    const second = em().transactional(async (tx) => {
      const id = await seedRow(tx, 'store', { account_id: a, domain: 'first-two.example' });
      return new AccountsRepository(tx).claimTrial(a, id, 'first-two.example', later, 30);
    });
    const [one, two] = await Promise.all([first, second]);
    const expected = { startedAt: now, endsAt: new Date(now.getTime() + 30 * DAY) };
    // The second waited for the first and joined its trial, instead of starting one of its own.
    expect(one).toEqual(expected);
    expect(two).toEqual(expected);
    const [row] = await em().execute<{ trial_started_at: Date; trial_ends_at: Date }[]>(`select trial_started_at, trial_ends_at from account where id = ?`, [a]);
    expect({ startedAt: new Date(row!.trial_started_at), endsAt: new Date(row!.trial_ends_at) }).toEqual(expected);
  });

  it('lists only the account’s own store trials', async () => {
    const [a, b] = [await account(), await account()];
    const sa = await store(a, 'mine.example');
    const sb = await store(b, 'theirs.example');
    expect(await claim(a, sa, 'mine.example')).toEqual({ startedAt: now, endsAt: new Date(now.getTime() + 30 * DAY) });
    expect(await claim(b, sb, 'theirs.example')).not.toBeNull();
    expect([...(await new AccountsRepository(em()).storeTrials(a)).keys()]).toEqual([sa]);
  });

  it('uses an email token once, and tells an expired token from a used one and from one never issued', async () => {
    const userId = randomUUID();
    const tokens = new EmailTokensRepository(em());
    await tokens.issue(userId, 'verify', 'hash-live', now, DAY);
    await tokens.issue(userId, 'verify', 'hash-old', new Date(now.getTime() - 2 * DAY), DAY);
    const results = await Promise.all([0, 1, 2].map(() => new EmailTokensRepository(em()).consume('verify', 'hash-live', now)));
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, userId }]);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'used' }, { ok: false, reason: 'used' }]);
    expect(await tokens.consume('verify', 'hash-old', now)).toEqual({ ok: false, reason: 'expired' });
    expect(await tokens.consume('reset', 'hash-live', now)).toEqual({ ok: false, reason: 'invalid' });
    expect(await tokens.consume('verify', 'hash-never', now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('finds a live session only: not expired, not revoked, and only for a verified user', async () => {
    const accountId = await account();
    const userId = randomUUID();
    await em().execute(
      `insert into app_user (id, account_id, name, email, password_hash, email_verified_at, created_at) values (?, ?, 'U', ?, 'x', ?, ?)`,
      [userId, accountId, `${userId}@shop.example`, now, now],
    );
    const sessions = new SessionsRepository(em());
    const live = await sessions.create(userId, 'session-live', new Date(now.getTime() + DAY), now);
    await sessions.create(userId, 'session-expired', new Date(now.getTime() - 1), now);
    expect(await sessions.live('session-live', now)).toMatchObject({ sessionId: live, userId, accountId });
    expect(await sessions.live('session-expired', now)).toBeNull();
    expect(await sessions.revokeAll(userId, now, live)).toBe(1);
    expect(await sessions.live('session-live', now)).not.toBeNull();
    await sessions.revoke(userId, live, now);
    expect(await sessions.live('session-live', now)).toBeNull();
    await em().execute(`update app_user set email_verified_at = null where id = ?`, [userId]);
    const other = await sessions.create(userId, 'session-unverified', new Date(now.getTime() + DAY), now);
    expect(other).toBeTruthy();
    expect(await sessions.live('session-unverified', now)).toBeNull();
  });
});
