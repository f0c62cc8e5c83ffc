import { createHash, randomBytes } from 'node:crypto';

/** Session tokens carry this prefix, so the store guard tells a session from a store's API key at a glance. */
export const SESSION_TOKEN_PREFIX = 'bms_';

/** 256 random bits, base64url. */
export function randomToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** What we store and look up instead of the token: a database leak opens no session and no emailed link. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
