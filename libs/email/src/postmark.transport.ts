import { ServerClient } from 'postmark';
import type { DeliveryReceipt, EmailTransport, OutgoingEmail } from './email-transport.js';

export interface PostmarkSettings {
  serverToken: string;
  /** For the fake Postmark server in tests: `127.0.0.1:PORT`, plain HTTP. */
  requestHost?: string;
  messageStream: string;
}

export class PostmarkTransport implements EmailTransport {
  readonly name = 'postmark' as const;
  readonly transactional = false;
  private readonly client: ServerClient;

  constructor(private readonly settings: PostmarkSettings) {
    this.client = new ServerClient(
      settings.serverToken,
      settings.requestHost ? { useHttps: false, requestHost: settings.requestHost } : {},
    );
  }

  async send(email: OutgoingEmail): Promise<DeliveryReceipt> {
    const response = await this.client.sendEmail({
      From: email.from,
      To: email.to,
      Subject: email.subject,
      HtmlBody: email.html,
      TextBody: email.text,
      MessageStream: this.settings.messageStream,
      Tag: `rule-${email.ruleId}`,
      Metadata: { storeId: email.storeId, ruleId: email.ruleId, messageId: email.messageId },
      Headers: Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value })),
    });
    return { transport: 'postmark', providerMessageId: response.MessageID };
  }
}
