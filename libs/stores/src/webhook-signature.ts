import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@boomerang/domain';

export const SIGNATURE_HEADER = 'x-boomerang-signature';

/** `sha256=<hex HMAC-SHA256 of the raw request body, keyed with the store's webhook secret>`. */
export function signWebhook(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function verifyWebhookSignature(secret: string, rawBody: Buffer, header: string | undefined): void {
  if (!header) throw new DomainError('invalid_signature', `missing ${SIGNATURE_HEADER} header`);
  const expected = Buffer.from(signWebhook(secret, rawBody));
  const given = Buffer.from(header.trim());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new DomainError('invalid_signature', `${SIGNATURE_HEADER} does not match the body`);
  }
}
