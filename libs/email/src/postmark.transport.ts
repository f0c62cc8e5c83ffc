import { Errors, Models, ServerClient } from 'postmark';
import { PermanentDeliveryError, RetryableDeliveryError, UnconfirmedDeliveryError } from './delivery-errors.js';
import type { DeliveryReceipt, EmailTransport, OutgoingEmail } from './email-transport.js';
import type { SystemEmail, SystemMailer } from './system-email.js';

export interface PostmarkSettings {
  serverToken: string;
  /** For the fake Postmark server in tests: `127.0.0.1:PORT`, plain HTTP. */
  requestHost?: string;
  /** Marketing messages (Postmark requires a broadcast stream for them). */
  broadcastStream: string;
  /** Transactional messages; Postmark's default transactional stream is `outbound`. */
  transactionalStream?: string;
  /** Give up waiting for Postmark's answer after this long (the send is then unconfirmed). Default 30 s. */
  timeoutSeconds?: number;
}

// Postmark API error codes (HTTP 422): https://postmarkapp.com/developer/api/overview#error-codes
const INACTIVE_RECIPIENT = 406;
const INVALID_EMAIL_REQUEST = 300;
/** 405: the account ran out of credits. Fixable by the operator, so worth retrying. */
const NOT_ALLOWED_TO_SEND = 405;

export class PostmarkTransport implements EmailTransport, SystemMailer {
  readonly name = 'postmark' as const;
  readonly transactional = false;
  private readonly client: ServerClient;

  constructor(private readonly settings: PostmarkSettings) {
    this.client = new ServerClient(settings.serverToken, {
      timeout: settings.timeoutSeconds ?? 30,
      ...(settings.requestHost ? { useHttps: false, requestHost: settings.requestHost } : {}),
    });
  }

  async send(email: OutgoingEmail): Promise<DeliveryReceipt> {
    const marketing = email.kind === 'marketing';
    try {
      const response = await this.client.sendEmail({
        From: email.from,
        To: email.to,
        Subject: email.subject,
        HtmlBody: email.html,
        TextBody: email.text,
        MessageStream: marketing ? this.settings.broadcastStream : (this.settings.transactionalStream ?? 'outbound'),
        Tag: email.ruleId ? `rule-${email.ruleId}` : 'direct-message',
        Metadata: { storeId: email.storeId, ...(email.ruleId ? { ruleId: email.ruleId } : {}), messageId: email.messageId },
        Headers: Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value })),
        TrackOpens: true,
        TrackLinks: Models.LinkTrackingOptions.HtmlAndText,
      });
      return { transport: 'postmark', providerMessageId: response.MessageID };
    } catch (err) {
      throw classify(err);
    }
  }

  /** Account emails go on the transactional stream, untracked: a password-reset link must not pass through a redirect. */
  async sendSystem(email: SystemEmail): Promise<DeliveryReceipt> {
    try {
      const response = await this.client.sendEmail({
        From: email.from,
        To: email.to,
        Subject: email.subject,
        HtmlBody: email.html,
        TextBody: email.text,
        MessageStream: this.settings.transactionalStream ?? 'outbound',
        Tag: email.tag,
        TrackOpens: false,
        TrackLinks: Models.LinkTrackingOptions.None,
      });
      return { transport: 'postmark', providerMessageId: response.MessageID };
    } catch (err) {
      throw classify(err);
    }
  }

  async findDelivery(messageId: string): Promise<DeliveryReceipt | null> {
    try {
      // Postmark filters outbound messages by metadata with `metadata_<key>=<value>`.
      const found = await this.client.getOutboundMessages({ count: 1, offset: 0, metadata_messageId: messageId } as never);
      const message = found.Messages.find((m) => m.Metadata?.messageId === messageId);
      return message ? { transport: 'postmark', providerMessageId: message.MessageID } : null;
    } catch (err) {
      throw classify(err);
    }
  }
}

function classify(err: unknown): Error {
  if (!(err instanceof Errors.PostmarkError)) return err instanceof Error ? err : new Error(String(err));
  const { statusCode, code, message } = err;
  if (statusCode === 0) {
    // fetch rejected: timeout, reset or refused. The request may have been processed.
    return new UnconfirmedDeliveryError(`postmark did not answer: ${message}`);
  }
  if (statusCode === 422 && code === INACTIVE_RECIPIENT) {
    return new PermanentDeliveryError('inactive_recipient', `postmark: ${message}`, code, true);
  }
  if (statusCode === 422 && code === INVALID_EMAIL_REQUEST) {
    return new PermanentDeliveryError('invalid_address', `postmark: ${message}`, code, false);
  }
  if (statusCode === 422 && code !== NOT_ALLOWED_TO_SEND) {
    return new PermanentDeliveryError('rejected', `postmark rejected the message (ErrorCode ${code}): ${message}`, code, false);
  }
  // 401 (bad server token), 405, 429, 5xx: Postmark answered, nothing was sent; an operator or time fixes it.
  return new RetryableDeliveryError(`postmark answered ${statusCode} (ErrorCode ${code}): ${message}`, statusCode);
}
