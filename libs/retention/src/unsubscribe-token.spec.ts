import { DomainError } from '@boomerang/domain';
import { UnsubscribeTokens } from './unsubscribe-token.js';

describe('unsubscribe tokens', () => {
  const tokens = new UnsubscribeTokens('server-secret');
  const token = tokens.issue('store-1', 'customer-1');

  it('round-trips the store and customer', () => {
    expect(tokens.verify(token)).toEqual({ storeId: 'store-1', customerId: 'customer-1' });
  });

  it('cannot be edited to point at another customer', () => {
    const edited = token.replace('customer-1', 'customer-2');
    expect(() => tokens.verify(edited)).toThrow(DomainError);
  });

  it('cannot be forged without the server secret', () => {
    const forged = new UnsubscribeTokens('guessed-secret').issue('store-1', 'customer-1');
    expect(() => tokens.verify(forged)).toThrow(/not valid/);
    expect(() => tokens.verify('garbage')).toThrow(/malformed/);
  });
});
