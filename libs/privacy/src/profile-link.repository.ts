import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boomerang/persistence';

export interface LinkTarget {
  storeId: string;
  customerId: string;
}

export type LinkState = { ok: true; target: LinkTarget; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

export interface SentLink {
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * The SQL of profile links. Lookups by token or session hash answer the store and customer the link was issued for:
 * the token is the only credential, so what it resolves to is all it can reach. Every other method takes the store id.
 */
export class ProfileLinkRepository {
  constructor(private readonly em: EntityManager) {}

  async issue(storeId: string, customerId: string, tokenHash: string, now: Date, ttlMs: number): Promise<Date> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    await this.em.execute(
      `insert into profile_link (id, store_id, customer_id, token_hash, created_at, expires_at) values (?, ?, ?, ?, ?, ?)`,
      [randomUUID(), storeId, customerId, tokenHash, now, expiresAt],
    );
    return expiresAt;
  }

  /** What the link's page may say before it is used: valid (until when), used, expired or unknown. Changes nothing. */
  async peek(tokenHash: string, now: Date): Promise<LinkState> {
    const [row] = await this.em.execute<{ store_id: string; customer_id: string; expires_at: Date; used_at: Date | null }[]>(
      `select store_id, customer_id, expires_at, used_at from profile_link where token_hash = ?`,
      [tokenHash],
    );
    if (!row) return { ok: false, reason: 'invalid' };
    if (row.used_at) return { ok: false, reason: 'used' };
    if (new Date(row.expires_at) <= now) return { ok: false, reason: 'expired' };
    return { ok: true, target: { storeId: row.store_id, customerId: row.customer_id }, expiresAt: new Date(row.expires_at) };
  }

  /**
   * The link's one use: one conditional update marks it used and attaches the page session, so two concurrent uses
   * cannot both succeed. A failure says why.
   */
  async consume(tokenHash: string, sessionHash: string, now: Date, sessionTtlMs: number): Promise<LinkState> {
    const sessionExpiresAt = new Date(now.getTime() + sessionTtlMs);
    const [used] = await this.em.execute<{ store_id: string; customer_id: string }[]>(
      `update profile_link set used_at = ?, session_hash = ?, session_expires_at = ?
       where token_hash = ? and used_at is null and expires_at > ? returning store_id, customer_id`,
      [now, sessionHash, sessionExpiresAt, tokenHash, now],
    );
    if (used) return { ok: true, target: { storeId: used.store_id, customerId: used.customer_id }, expiresAt: sessionExpiresAt };
    const state = await this.peek(tokenHash, now);
    return state.ok ? { ok: false, reason: 'invalid' } : state;
  }

  /** The store and customer a live page session belongs to; null when unknown or past its end. */
  async session(sessionHash: string, now: Date): Promise<(LinkTarget & { expiresAt: Date }) | null> {
    const [row] = await this.em.execute<{ store_id: string; customer_id: string; session_expires_at: Date }[]>(
      `select store_id, customer_id, session_expires_at from profile_link where session_hash = ? and session_expires_at > ?`,
      [sessionHash, now],
    );
    return row ? { storeId: row.store_id, customerId: row.customer_id, expiresAt: new Date(row.session_expires_at) } : null;
  }

  /** The links sent to a customer, newest first (the merchant's privacy page). */
  async listSent(storeId: string, customerId: string, limit = 20): Promise<SentLink[]> {
    const rows = await this.em.execute<{ created_at: Date; expires_at: Date; used_at: Date | null }[]>(
      `select created_at, expires_at, used_at from profile_link where store_id = ? and customer_id = ? order by created_at desc limit ?`,
      [storeId, customerId, limit],
    );
    return rows.map((r) => ({ createdAt: new Date(r.created_at), expiresAt: new Date(r.expires_at), usedAt: r.used_at ? new Date(r.used_at) : null }));
  }
}
