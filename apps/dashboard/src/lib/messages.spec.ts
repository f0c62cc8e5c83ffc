import { rateLimitMessage, tokenMessage } from './messages.js';

describe('rateLimitMessage', () => {
  it('rounds Retry-After up to whole seconds or minutes', () => {
    expect(rateLimitMessage('1')).toBe('Too many attempts. Try again in 1 second.');
    expect(rateLimitMessage('30')).toBe('Too many attempts. Try again in 30 seconds.');
    expect(rateLimitMessage('61')).toBe('Too many attempts. Try again in 2 minutes.');
    expect(rateLimitMessage('60')).toBe('Too many attempts. Try again in 1 minute.');
  });

  it('still says to wait without a usable header', () => {
    expect(rateLimitMessage(null)).toMatch(/wait a few minutes/);
    expect(rateLimitMessage('Wed, 21 Oct 2026 07:28:00 GMT')).toMatch(/wait a few minutes/);
  });
});

describe('tokenMessage', () => {
  it('says which way the link failed and the way forward', () => {
    expect(tokenMessage('token_expired', 'verify')).toMatch(/expired.*new verification email/);
    expect(tokenMessage('token_used', 'verify')).toMatch(/already been used.*Sign in/);
    expect(tokenMessage('token_invalid', 'reset')).toMatch(/not valid.*new password reset link/);
    expect(tokenMessage(undefined, 'reset')).toMatch(/not valid/);
  });
});
