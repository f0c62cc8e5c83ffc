import { DomainError } from '@boomerang/domain';
import { TrackingTokens } from './tracking-token.js';
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

  it('expires, and cannot be made younger by editing its date', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const clocked = new UnsubscribeTokens('server-secret', { maxAgeSeconds: 30 * 86_400, clock: () => now });
    const old = clocked.issue('store-1', 'customer-1');
    now = new Date('2026-01-30T00:00:00Z');
    expect(clocked.verify(old)).toEqual({ storeId: 'store-1', customerId: 'customer-1' });
    now = new Date('2026-02-01T00:00:00Z');
    expect(() => clocked.verify(old)).toThrow(/expired/);
    const [s, c, , mac] = old.split('.');
    const rejuvenated = [s, c, Math.floor(now.getTime() / 1000).toString(36), mac].join('.');
    expect(() => clocked.verify(rejuvenated)).toThrow(/not valid/);
  });
});

describe('tracking tokens', () => {
  const tokens = new TrackingTokens('server-secret');
  const messageId = '6f1c2b8e-3a4d-4c5e-9f00-112233445566';

  it('name one message and cannot be forged or moved to another message', () => {
    expect(tokens.verify(tokens.issue(messageId))).toBe(messageId);
    expect(() => tokens.verify(new TrackingTokens('guess').issue(messageId))).toThrow(/not valid/);
    const other = '6f1c2b8e-3a4d-4c5e-9f00-112233445567';
    expect(() => tokens.verify(`${other}.${tokens.issue(messageId).split('.')[1]}`)).toThrow(/not valid/);
    expect(() => tokens.verify('nope')).toThrow(/malformed/);
  });

  it('come with UnsubscribeTokens, under the same secret', () => {
    expect(new UnsubscribeTokens('server-secret').tracking.issue(messageId)).toBe(tokens.issue(messageId));
  });
});
