import { randomUUID } from 'node:crypto';
import { PermanentDeliveryError, PostmarkTransport, RetryableDeliveryError, UnconfirmedDeliveryError, type OutgoingEmail } from '@boomerang/email';
import type { EntityManager } from '@boomerang/persistence';
import { FakePostmark } from '@boomerang/testing';

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    messageId: randomUUID(),
    storeId: randomUUID(),
    ruleId: 'rule-1',
    kind: 'marketing',
    from: '"Bean There" <hello@beanthere.example>',
    to: 'jane@example.com',
    subject: 'Time to reorder',
    html: '<p>Hi</p>',
    text: 'Hi',
    headers: { 'List-Unsubscribe': '<https://b.example/api/v1/unsubscribe/t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    ...overrides,
  };
}

/** Postmark delivery happens outside the caller's transaction; it never touches `em`. */
const noEm = undefined as unknown as EntityManager;

describe('PostmarkTransport against a fake Postmark server on loopback', () => {
  const fake = new FakePostmark({ inactiveRecipients: ['gone@example.com'] });
  let transport: PostmarkTransport;

  beforeAll(async () => {
    const requestHost = await fake.start();
    transport = new PostmarkTransport({ serverToken: fake.serverToken, requestHost, broadcastStream: 'broadcast', timeoutSeconds: 0.5 });
  });

  afterAll(() => fake.stop());

  it('sends marketing on the broadcast stream with metadata, a tag per rule, tracking and the one-click headers', async () => {
    const out = email();
    const receipt = await transport.send(out, noEm);
    const sent = fake.messages.find((m) => m.MessageID === receipt.providerMessageId)!;
    expect(receipt.transport).toBe('postmark');
    expect(sent).toMatchObject({
      From: out.from,
      To: 'jane@example.com',
      Subject: 'Time to reorder',
      HtmlBody: '<p>Hi</p>',
      TextBody: 'Hi',
      MessageStream: 'broadcast',
      Tag: 'rule-rule-1',
      Metadata: { storeId: out.storeId, ruleId: 'rule-1', messageId: out.messageId },
      TrackOpens: true,
      TrackLinks: 'HtmlAndText',
    });
    expect(sent.Headers).toEqual([
      { Name: 'List-Unsubscribe', Value: '<https://b.example/api/v1/unsubscribe/t>' },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('sends transactional messages on the transactional stream', async () => {
    const receipt = await transport.send(email({ kind: 'transactional', headers: {} }), noEm);
    expect(fake.messages.find((m) => m.MessageID === receipt.providerMessageId)!.MessageStream).toBe('outbound');
  });

  it('classifies an inactive recipient (422, ErrorCode 406) as permanent and worth suppressing', async () => {
    const before = fake.messages.length;
    const err = await transport.send(email({ to: 'gone@example.com' }), noEm).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect(err).toMatchObject({ reason: 'inactive_recipient', providerCode: 406, suppress: true });
    expect(fake.messages.length).toBe(before);
  });

  it('classifies an invalid address (422, ErrorCode 300) as permanent without suppressing', async () => {
    const err = await transport.send(email({ to: 'not an address' }), noEm).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect(err).toMatchObject({ reason: 'invalid_address', providerCode: 300, suppress: false });
  });

  it.each([
    [429, 0, 'Rate limit exceeded'],
    [500, 0, 'Internal server error'],
    [503, 0, 'Service unavailable'],
  ])('treats HTTP %i as retryable: a plain Error that certainly sent nothing', async (status, errorCode, message) => {
    const before = fake.messages.length;
    fake.failNext({ kind: 'error', status, errorCode, message });
    const err = await transport.send(email(), noEm).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableDeliveryError);
    expect(err).not.toBeInstanceOf(PermanentDeliveryError);
    expect(err).toMatchObject({ statusCode: status, accepted: false });
    expect(fake.messages.length).toBe(before);
    // The next attempt goes through.
    await expect(transport.send(email(), noEm)).resolves.toMatchObject({ transport: 'postmark' });
  });

  it('treats a wrong server token (401) as retryable: an operator fixes the config', async () => {
    const wrong = new PostmarkTransport({ serverToken: 'wrong', requestHost: fake.requestHost, broadcastStream: 'broadcast' });
    await expect(wrong.send(email(), noEm)).rejects.toMatchObject({ name: 'RetryableDeliveryError', statusCode: 401 });
  });

  it('reports a timeout as unconfirmed, and findDelivery then tells whether Postmark accepted the message', async () => {
    const out = email();
    fake.failNext({ kind: 'accept-then-stall', ms: 5_000 });
    const started = Date.now();
    const err = await transport.send(out, noEm).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnconfirmedDeliveryError);
    expect(err).toMatchObject({ accepted: 'unknown' });
    expect(Date.now() - started).toBeLessThan(3_000);
    // The fake did accept it: a retry must record this delivery instead of sending a second copy.
    const found = await transport.findDelivery(out.messageId);
    expect(found).toEqual({ transport: 'postmark', providerMessageId: fake.messages.at(-1)!.MessageID });
    expect(await transport.findDelivery(randomUUID())).toBeNull();
  });
});
