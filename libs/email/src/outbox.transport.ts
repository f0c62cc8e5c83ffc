import { randomUUID } from 'node:crypto';
import { OutboxEmailSchema, type EntityManager } from '@boomerang/persistence';
import type { DeliveryReceipt, EmailTransport, OutgoingEmail } from './email-transport.js';

/** The default transport: the rendered message lands in PostgreSQL, listable through the API. */
export class OutboxTransport implements EmailTransport {
  readonly name = 'outbox' as const;
  readonly transactional = true;

  async send(email: OutgoingEmail, em: EntityManager): Promise<DeliveryReceipt> {
    const id = randomUUID();
    em.create(OutboxEmailSchema, {
      id,
      storeId: email.storeId,
      messageId: email.messageId,
      fromAddress: email.from,
      toAddress: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: email.headers,
      createdAt: new Date(),
    });
    await em.flush();
    return { transport: 'outbox', providerMessageId: id };
  }
}
