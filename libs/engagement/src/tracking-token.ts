import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '@boomerang/domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `<messageId>.<hmac>` for the open pixel and click redirects of one message. The HMAC (128 bits, keyed by the
 * server secret) means nobody can mint a token for another message; which URL a click goes to is decided by
 * the message's stored links, never by the request.
 */
export class TrackingTokens {
  constructor(private readonly secret: string) {}

  issue(messageId: string): string {
    return `${messageId}.${this.mac(messageId)}`;
  }

  verify(token: string): string {
    const [messageId, mac, ...rest] = token.split('.');
    if (!messageId || !mac || rest.length || !UUID.test(messageId)) throw new UnauthorizedError('tracking token is malformed');
    const expected = Buffer.from(this.mac(messageId));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new UnauthorizedError('tracking token is not valid');
    return messageId;
  }

  private mac(messageId: string): string {
    return createHmac('sha256', this.secret).update(`track:${messageId}`).digest().subarray(0, 16).toString('base64url');
  }
}
