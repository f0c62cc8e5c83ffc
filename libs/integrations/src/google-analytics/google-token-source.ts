import { importPKCS8, SignJWT } from 'jose';
import { googleError, unreachable } from './google-errors.js';
import type { ServiceAccountKey } from './google-analytics.schemas.js';

export const ANALYTICS_READONLY_SCOPE = 'https://www.googleapis.com/auth/analytics.readonly';
/** A token is used until this long before it expires. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
const TOKEN_LIFETIME_S = 3600;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/**
 * OAuth 2.0 for service accounts (RFC 7523 JWT bearer grant, as Google documents it): an RS256 JWT signed with the
 * account's key (`kid` = its key id; iss, scope, aud = the token URL, iat, exp one hour later) is exchanged for an
 * access token, kept until five minutes before it expires. The token URL is configuration, never the key file's.
 */
export class GoogleTokenSource {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly tokenUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async accessToken(key: ServiceAccountKey): Promise<string> {
    const cacheKey = `${key.client_email}\u0000${key.private_key_id}`;
    // Real time, never a test's clock: Google checks iat and exp against its own.
    const now = Date.now();
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > now) return cached.accessToken;
    const token = await this.exchange(key, now);
    if (this.cache.size > 1_000) this.cache.clear();
    this.cache.set(cacheKey, token);
    return token.accessToken;
  }

  /** Forgets a token Google no longer takes (a 401 from the API). */
  forget(key: ServiceAccountKey): void {
    this.cache.delete(`${key.client_email}\u0000${key.private_key_id}`);
  }

  private async exchange(key: ServiceAccountKey, now: number): Promise<CachedToken> {
    const iat = Math.floor(now / 1000);
    const assertion = await new SignJWT({ scope: ANALYTICS_READONLY_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.private_key_id })
      .setIssuer(key.client_email)
      .setAudience(this.tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + TOKEN_LIFETIME_S)
      .sign(await importPKCS8(key.private_key, 'RS256'));
    let res: Response;
    try {
      res = await fetch(this.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw unreachable('token', err);
    }
    if (!res.ok) throw await googleError('token', res);
    const body = (await res.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (typeof body?.access_token !== 'string') throw unreachable('token', new Error('the token endpoint answered without an access_token'));
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : TOKEN_LIFETIME_S;
    return { accessToken: body.access_token, expiresAt: now + lifetime * 1000 };
  }
}
