import { FakePostmark, type FakePostmarkMessage } from '@boomerang/testing';
import { startStack, type Stack } from './harness.js';
import { createBrandedStore, createStarterRule, date, messageRow, orderAndWaitForMessage, type EmailTestStore, type MessageRow } from './email-helpers.js';

const SECRET = 'hook-secret';
const BASIC = { user: 'postmark', password: 'hook-password' };

describe('email through Postmark (a fake server on loopback) and Postmark\'s tracking webhooks', () => {
  const fake = new FakePostmark();
  let stack: Stack;
  let store: EmailTestStore;
  const messages: Record<'jane' | 'bob' | 'carol', MessageRow> = {} as never;
  const sent: Record<string, FakePostmarkMessage> = {};

  beforeAll(async () => {
    const requestHost = await fake.start();
    stack = await startStack({
      postmark: { serverToken: fake.serverToken, requestHost, broadcastStream: 'retention-broadcast', timeoutSeconds: 5 },
      env: { POSTMARK_WEBHOOK_SECRET: SECRET, POSTMARK_WEBHOOK_USER: BASIC.user, POSTMARK_WEBHOOK_PASSWORD: BASIC.password },
    });
    store = await createBrandedStore(stack, 'Leaf & Co');
    await createStarterRule(stack, store, 'we-miss-you');
    const names = ['jane', 'bob', 'carol'] as const;
    const rows = await Promise.all(
      names.map((name) =>
        orderAndWaitForMessage(stack, store, { id: `order-${name}`, customer: { email: `${name}@example.com`, firstName: name, optedIn: true } }),
      ),
    );
    names.forEach((name, i) => {
      messages[name] = rows[i]!;
      sent[name] = fake.messages.find((m) => m.Metadata?.messageId === rows[i]!.id)!;
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  const hook = (body: unknown, headers: Record<string, string> = { 'x-postmark-webhook-secret': SECRET }) =>
    fetch(`${stack.baseUrl}/api/v1/webhooks/postmark`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: await res.json() }));

  const counts = async () => {
    const [row] = await stack.orm.em.fork().execute<Record<string, string>[]>(
      `select (select count(*) from message_event) as events, (select count(*) from suppression) as suppressions,
              (select coalesce(sum(open_count + click_count), 0) from message) as counters,
              (select count(*) from customer where unsubscribed_at is not null) as unsubscribed`,
    );
    return row;
  };

  // Payloads as Postmark documents them (https://postmarkapp.com/developer/webhooks/webhooks-overview).
  const open = (m: FakePostmarkMessage, receivedAt: string) => ({
    RecordType: 'Open',
    MessageStream: 'retention-broadcast',
    Metadata: m.Metadata,
    FirstOpen: true,
    Client: { Name: 'Chrome 35.0.1916.153', Company: 'Google', Family: 'Chrome' },
    OS: { Name: 'OS X 10.7 Lion', Company: 'Apple Computer, Inc.', Family: 'OS X 10' },
    Platform: 'WebMail',
    UserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5)',
    Geo: { CountryISOCode: 'RS', Country: 'Serbia' },
    MessageID: m.MessageID,
    ReceivedAt: receivedAt,
    Tag: m.Tag,
    Recipient: m.To,
  });

  it('sends marketing on the broadcast stream with metadata, a rule tag, tracking and one-click unsubscribe headers', () => {
    const m = sent.jane!;
    expect(m).toMatchObject({
      MessageStream: 'retention-broadcast',
      To: 'jane@example.com',
      Subject: 'We miss you, jane',
      Metadata: { storeId: store.id, ruleId: expect.any(String), messageId: messages.jane.id },
      TrackOpens: true,
      TrackLinks: 'HtmlAndText',
    });
    expect(m.Tag).toBe(`rule-${m.Metadata!.ruleId}`);
    expect(m.Headers!.map((h) => h.Name)).toEqual(['List-Unsubscribe', 'List-Unsubscribe-Post']);
    expect(m.Headers![0]!.Value).toMatch(/^<http:\/\/localhost:0\/api\/v1\/unsubscribe\/[^>]+>$/);
    // Postmark tracks opens and clicks itself, so our links stay as written (with the UTM tags that attribute the
    // visit in Google Analytics) and no pixel is added.
    expect(m.HtmlBody).toContain('href="https://shop.example?utm_source=boomerang&amp;utm_medium=email&amp;utm_campaign=we-miss-you"');
    expect(m.HtmlBody).not.toContain('/api/v1/t/');
    expect(messages.jane).toMatchObject({ status: 'sent', provider_message_id: m.MessageID });
    expect(messages.jane.links).toEqual(['https://shop.example?utm_source=boomerang&utm_medium=email&utm_campaign=we-miss-you', 'https://instagram.com/shop']);
  });

  it('refuses unauthenticated or wrongly authenticated webhooks, naming the problem, and changes nothing', async () => {
    const before = await counts();
    const none = await hook(open(sent.jane!, '2026-11-22T10:00:00Z'), {});
    expect(none).toEqual({ status: 401, body: { error: 'unauthorized', message: 'postmark webhook needs basic auth or the x-postmark-webhook-secret header' } });
    const wrong = await hook(open(sent.jane!, '2026-11-22T10:00:00Z'), { 'x-postmark-webhook-secret': 'guess' });
    expect(wrong.status).toBe(401);
    const badBasic = await hook(open(sent.jane!, '2026-11-22T10:00:00Z'), { authorization: `Basic ${Buffer.from('postmark:nope').toString('base64')}` });
    expect(badBasic.body.message).toBe('postmark webhook credentials are wrong');
    expect(await counts()).toEqual(before);
  });

  it('rejects malformed webhooks with a 400 naming the field, and changes nothing', async () => {
    const before = await counts();
    const json = await hook('{"RecordType": "Open",');
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('malformed_json');
    const type = await hook({ RecordType: 'Teleport', MessageID: sent.jane!.MessageID });
    expect(type.status).toBe(400);
    expect(type.body.issues.map((i: { field: string }) => i.field)).toEqual(['RecordType']);
    const missing = await hook({ ...open(sent.jane!, 'yesterday'), MessageID: '' });
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['MessageID', 'ReceivedAt']);
    expect(await counts()).toEqual(before);
  });

  it('counts opens and clicks on the message found by metadata, once per event however often Postmark redelivers it', async () => {
    const first = await hook(open(sent.jane!, '2026-11-22T10:00:00.1234567Z'));
    expect(first).toEqual({ status: 200, body: { status: 'recorded', type: 'Open', messageId: messages.jane.id } });
    expect((await hook(open(sent.jane!, '2026-11-22T10:00:00.1234567Z'))).body.status).toBe('duplicate');
    await hook({ ...open(sent.jane!, '2026-11-22T11:00:00Z'), FirstOpen: false });
    const click = {
      RecordType: 'Click',
      MessageStream: 'retention-broadcast',
      ClickLocation: 'HTML',
      Platform: 'Desktop',
      OriginalLink: 'https://shop.example',
      MessageID: sent.jane!.MessageID,
      Metadata: sent.jane!.Metadata,
      ReceivedAt: '2026-11-22T10:05:00Z',
      Tag: sent.jane!.Tag,
      Recipient: 'jane@example.com',
    };
    expect((await hook(click)).body.status).toBe('recorded');
    expect((await hook(click)).body.status).toBe('duplicate');
    const row = await messageRow(stack, messages.jane.id);
    expect(row).toMatchObject({ open_count: 2, click_count: 1 });
    expect(row.first_opened_at!.toISOString()).toBe('2026-11-22T10:00:00.123Z');
    expect(row.first_clicked_at!.toISOString()).toBe('2026-11-22T10:05:00.000Z');
  });

  it('finds the message by Postmark\'s MessageID when metadata is missing, and ignores messages it does not know', async () => {
    const delivery = { RecordType: 'Delivery', ServerID: 23, MessageStream: 'retention-broadcast', MessageID: sent.bob!.MessageID, Recipient: 'bob@example.com', DeliveredAt: '2026-11-22T10:00:01Z', Details: 'Test delivery webhook details' };
    expect((await hook(delivery)).body).toEqual({ status: 'recorded', type: 'Delivery', messageId: messages.bob.id });
    const stranger = await hook({ ...delivery, MessageID: '00000000-1111-2222-3333-444444444444' });
    expect(stranger).toEqual({ status: 200, body: { status: 'ignored', type: 'Delivery', reason: 'unknown_message' } });
  });

  it('suppresses the address on a hard bounce but not on a soft one', async () => {
    const bounce = (id: number, type: string, inactive: boolean) => ({
      RecordType: 'Bounce',
      MessageStream: 'retention-broadcast',
      ID: id,
      Type: type,
      TypeCode: type === 'HardBounce' ? 1 : 4096,
      Name: type,
      Tag: sent.bob!.Tag,
      MessageID: sent.bob!.MessageID,
      Metadata: sent.bob!.Metadata,
      ServerID: 23,
      Description: 'The server was unable to deliver your message',
      Details: 'Test bounce details',
      Email: 'bob@example.com',
      From: 'hello@beanthere.example',
      BouncedAt: '2026-11-22T10:10:00Z',
      DumpAvailable: true,
      Inactive: inactive,
      CanActivate: true,
      Subject: sent.bob!.Subject,
    });
    await hook(bounce(1001, 'SoftBounce', false));
    const suppressions = () => stack.orm.em.fork().execute<{ email: string; reason: string }[]>(`select email, reason from suppression where store_id = ?`, [store.id]);
    expect(await suppressions()).toEqual([]);
    expect((await hook(bounce(1002, 'HardBounce', true))).body.status).toBe('recorded');
    expect(await suppressions()).toEqual([{ email: 'bob@example.com', reason: 'hard_bounce' }]);
    expect((await messageRow(stack, messages.bob.id)).bounced_at!.toISOString()).toBe('2026-11-22T10:10:00.000Z');
  });

  it('suppresses and unsubscribes on a spam complaint', async () => {
    const complaint = {
      RecordType: 'SpamComplaint',
      MessageStream: 'retention-broadcast',
      ID: 42,
      Type: 'SpamComplaint',
      TypeCode: 512,
      Name: 'Spam complaint',
      Tag: sent.carol!.Tag,
      MessageID: sent.carol!.MessageID,
      Metadata: sent.carol!.Metadata,
      ServerID: 1234,
      Email: 'carol@example.com',
      From: 'hello@beanthere.example',
      BouncedAt: '2026-11-22T10:20:00Z',
      DumpAvailable: true,
      Inactive: true,
      CanActivate: false,
    };
    await hook(complaint);
    const [row] = await stack.orm.em.fork().execute<{ reason: string; unsubscribed_at: Date | null }[]>(
      `select s.reason, c.unsubscribed_at from suppression s join customer c on c.store_id = s.store_id and c.email = s.email where s.email = 'carol@example.com'`,
    );
    expect({ ...row, unsubscribed_at: date(row!.unsubscribed_at) }).toEqual({ reason: 'spam_complaint', unsubscribed_at: new Date('2026-11-22T10:20:00Z') });
  });

  it('applies SubscriptionChange to the customer\'s opt-in, both ways', async () => {
    const change = (suppress: boolean, at: string) => ({
      RecordType: 'SubscriptionChange',
      MessageID: sent.jane!.MessageID,
      ServerID: 23,
      MessageStream: 'retention-broadcast',
      ChangedAt: at,
      Recipient: 'jane@example.com',
      Origin: 'Recipient',
      SuppressSending: suppress,
      SuppressionReason: suppress ? 'ManualSuppression' : null,
      Tag: sent.jane!.Tag,
      Metadata: sent.jane!.Metadata,
    });
    const customer = async () => {
      const [row] = await stack.orm.em
        .fork()
        .execute<{ unsubscribed_at: Date | null; opted_in: boolean }[]>(`select unsubscribed_at, opted_in from customer where id = ?`, [messages.jane.customer_id]);
      return { ...row!, unsubscribed_at: date(row!.unsubscribed_at) };
    };
    await hook(change(true, '2026-11-22T12:00:00Z'));
    expect(await customer()).toEqual({ unsubscribed_at: new Date('2026-11-22T12:00:00Z'), opted_in: false });
    await hook(change(false, '2026-11-22T13:00:00Z'));
    expect((await customer())!.unsubscribed_at).toBeNull();
  });

  it('accepts basic auth as well as the secret header', async () => {
    const res = await hook(open(sent.carol!, '2026-11-22T14:00:00Z'), {
      authorization: `Basic ${Buffer.from(`${BASIC.user}:${BASIC.password}`).toString('base64')}`,
    });
    expect(res).toEqual({ status: 200, body: { status: 'recorded', type: 'Open', messageId: messages.carol.id } });
  });
});
