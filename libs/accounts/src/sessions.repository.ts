import { randomUUID } from 'node:crypto';
import { UserSessionSchema, type EntityManager } from '@boomerang/persistence';

export interface LiveSession {
  sessionId: string;
  userId: string;
  accountId: string;
  expiresAt: Date;
}

export class SessionsRepository {
  constructor(private readonly em: EntityManager) {}

  async create(userId: string, tokenHash: string, expiresAt: Date, now: Date): Promise<string> {
    const id = randomUUID();
    this.em.create(UserSessionSchema, { id, userId, tokenHash, createdAt: now, expiresAt, revokedAt: null });
    await this.em.flush();
    return id;
  }

  /** The session behind a token hash, if it is neither revoked nor expired, with its user's account. */
  async live(tokenHash: string, now: Date): Promise<LiveSession | null> {
    const [row] = await this.em.execute<{ id: string; user_id: string; account_id: string; expires_at: Date }[]>(
      `select s.id, s.user_id, u.account_id, s.expires_at from user_session s join app_user u on u.id = s.user_id
        where s.token_hash = ? and s.revoked_at is null and s.expires_at > ? and u.email_verified_at is not null`,
      [tokenHash, now],
    );
    return row ? { sessionId: row.id, userId: row.user_id, accountId: row.account_id, expiresAt: new Date(row.expires_at) } : null;
  }

  async revoke(userId: string, sessionId: string, now: Date): Promise<void> {
    await this.em.execute(`update user_session set revoked_at = ? where id = ? and user_id = ? and revoked_at is null`, [now, sessionId, userId]);
  }

  /** Every live session of the user but `keep` (after a password change or reset). */
  async revokeAll(userId: string, now: Date, keep?: string): Promise<number> {
    const rows = await this.em.execute<{ id: string }[]>(
      `update user_session set revoked_at = ? where user_id = ? and revoked_at is null and id <> ? returning id`,
      [now, userId, keep ?? '00000000-0000-0000-0000-000000000000'],
    );
    return rows.length;
  }
}
