import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '@boomerang/domain';
import type { Request } from 'express';
import type { ApiConfig } from '../config.js';

export const POSTMARK_SECRET_HEADER = 'x-postmark-webhook-secret';

/** Postmark does not sign webhooks: it sends basic auth from the URL or custom headers we configure on the hook. */
export function authorizePostmarkWebhook(req: Request, config: Pick<ApiConfig, 'postmarkWebhookSecret' | 'postmarkWebhookBasicAuth'>): void {
  const secret = req.headers[POSTMARK_SECRET_HEADER];
  if (config.postmarkWebhookSecret && typeof secret === 'string' && same(secret, config.postmarkWebhookSecret)) return;
  const auth = req.headers.authorization;
  const basic = config.postmarkWebhookBasicAuth;
  if (basic && auth?.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && same(decoded.slice(0, colon), basic.username) && same(decoded.slice(colon + 1), basic.password)) return;
  }
  throw new UnauthorizedError(
    secret !== undefined || auth !== undefined
      ? 'postmark webhook credentials are wrong'
      : `postmark webhook needs basic auth or the ${POSTMARK_SECRET_HEADER} header`,
  );
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
