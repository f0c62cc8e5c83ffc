import { randomUUID } from 'node:crypto';
import { EmailTokenSchema, type EntityManager } from '@boomerang/persistence';

export type EmailTokenPurpose = 'verify' | 'reset';

export type ConsumeResult = { ok: true; userId: string } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

export class EmailTokensRepository {
  constructor(private readonly em: EntityManager) {}

  async issue(userId: string, purpose: EmailTokenPurpose, tokenHash: string, now: Date, ttlMs: number): Promise<void> {
    this.em.create(EmailTokenSchema, { id: randomUUID(), userId, purpose, tokenHash, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs), usedAt: null });
    await this.em.flush();
  }

  /**
   * Uses the token once: one conditional update, so two concurrent uses cannot both succeed. A failure says why
   * (never issued for this purpose, expired, already used), for the link's page to tell the merchant.
   */
  async consume(purpose: EmailTokenPurpose, tokenHash: string, now: Date): Promise<ConsumeResult> {
    const [used] = await this.em.execute<{ user_id: string }[]>(
      `update email_token set used_at = ? where token_hash = ? and purpose = ? and used_at is null and expires_at > ? returning user_id`,
      [now, tokenHash, purpose, now],
    );
    if (used) return { ok: true, userId: used.user_id };
    const [row] = await this.em.execute<{ used_at: Date | null }[]>(`select used_at from email_token where token_hash = ? and purpose = ?`, [tokenHash, purpose]);
    if (!row) return { ok: false, reason: 'invalid' };
    return { ok: false, reason: row.used_at ? 'used' : 'expired' };
  }

  /** After a verification or reset, the user's other links of that purpose are spent too. */
  async spendAll(userId: string, purpose: EmailTokenPurpose, now: Date): Promise<void> {
    await this.em.execute(`update email_token set used_at = ? where user_id = ? and purpose = ? and used_at is null`, [now, userId, purpose]);
  }
}
