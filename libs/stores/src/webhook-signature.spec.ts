import { DomainError } from '@boomerang/domain';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

describe('webhook signatures', () => {
  const body = Buffer.from('{"id":"1001"}');

  it('accepts the HMAC-SHA256 of the exact raw body', () => {
    expect(() => verifyWebhookSignature('s3cret', body, signWebhook('s3cret', body))).not.toThrow();
  });

  it.each([
    ['a different secret', signWebhook('other', body)],
    ['a changed body', signWebhook('s3cret', '{"id":"1002"}')],
    ['a truncated signature', signWebhook('s3cret', body).slice(0, 20)],
  ])('rejects %s', (_, header) => {
    expect(() => verifyWebhookSignature('s3cret', body, header)).toThrow(DomainError);
  });

  it('names the missing header', () => {
    expect(() => verifyWebhookSignature('s3cret', body, undefined)).toThrow(/missing x-boomerang-signature/);
  });
});
