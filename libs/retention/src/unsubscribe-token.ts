import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@boomerang/domain';

/**
 * `<storeId>.<customerId>.<hmac>`: naming a customer is not enough, the HMAC under the server secret
 * must match, so a token cannot be forged or edited to point at someone else.
 */
export class UnsubscribeTokens {
  constructor(private readonly secret: string) {}

  issue(storeId: string, customerId: string): string {
    return `${storeId}.${customerId}.${this.mac(storeId, customerId)}`;
  }

  verify(token: string): { storeId: string; customerId: string } {
    const [storeId, customerId, mac, ...rest] = token.split('.');
    if (!storeId || !customerId || !mac || rest.length) throw new DomainError('unauthorized', 'unsubscribe token is malformed');
    const expected = Buffer.from(this.mac(storeId, customerId));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new DomainError('unauthorized', 'unsubscribe token is not valid');
    }
    return { storeId, customerId };
  }

  private mac(storeId: string, customerId: string): string {
    return createHmac('sha256', this.secret).update(`unsubscribe:${storeId}:${customerId}`).digest('base64url');
  }
}
