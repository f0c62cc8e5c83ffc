import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '@boomerang/domain';
import { TrackingTokens } from './tracking-token.js';

export interface UnsubscribeTokenOptions {
  /** How long a link works. CAN-SPAM wants at least 30 days after sending; default one year. */
  maxAgeSeconds?: number;
  clock?: () => Date;
}

/**
 * `<storeId>.<customerId>.<issued, base36 seconds>.<hmac>`: naming a customer is not enough, the HMAC under the
 * server secret must match, so a token cannot be forged or edited to point at someone else or made younger.
 */
export class UnsubscribeTokens {
  /** Open and click tokens, keyed by the same secret but a different HMAC domain. */
  readonly tracking: TrackingTokens;
  private readonly maxAgeSeconds: number;
  private readonly clock: () => Date;

  constructor(
    private readonly secret: string,
    options: UnsubscribeTokenOptions = {},
  ) {
    this.tracking = new TrackingTokens(secret);
    this.maxAgeSeconds = options.maxAgeSeconds ?? 365 * 86_400;
    this.clock = options.clock ?? (() => new Date());
  }

  issue(storeId: string, customerId: string): string {
    const issued = Math.floor(this.clock().getTime() / 1000).toString(36);
    return `${storeId}.${customerId}.${issued}.${this.mac(storeId, customerId, issued)}`;
  }

  verify(token: string): { storeId: string; customerId: string } {
    const [storeId, customerId, issued, mac, ...rest] = token.split('.');
    if (!storeId || !customerId || !issued || !mac || rest.length || !/^[0-9a-z]+$/.test(issued)) {
      throw new UnauthorizedError('unsubscribe token is malformed');
    }
    const expected = Buffer.from(this.mac(storeId, customerId, issued));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new UnauthorizedError('unsubscribe token is not valid');
    }
    const ageSeconds = this.clock().getTime() / 1000 - parseInt(issued, 36);
    if (ageSeconds > this.maxAgeSeconds) throw new UnauthorizedError('unsubscribe link has expired; use the link in a newer email');
    return { storeId, customerId };
  }

  private mac(storeId: string, customerId: string, issued: string): string {
    return createHmac('sha256', this.secret).update(`unsubscribe:${storeId}:${customerId}:${issued}`).digest('base64url');
  }
}
