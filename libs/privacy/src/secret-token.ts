import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url (43 characters). */
export function randomToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** What we store and look up instead of a token: a database leak opens no link and no page session. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The shape every token we issue has; anything else is refused before a lookup. */
export function isWellFormedToken(token: unknown, prefix = ''): token is string {
  return typeof token === 'string' && token.length === prefix.length + 43 && token.startsWith(prefix) && /^[A-Za-z0-9_-]{43}$/.test(token.slice(prefix.length));
}
