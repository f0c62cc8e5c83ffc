import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boomerang/persistence';
import type { DeliveryReceipt, EmailTransport, OutgoingEmail } from './email-transport.js';

/** The default transport: the rendered message lands in PostgreSQL, listable through the API. */
export class OutboxTransport implements EmailTransport {
  readonly name = 'outbox' as const;
  readonly transactional = true;

  async send(email: OutgoingEmail, em: EntityManager): Promise<DeliveryReceipt> {
    const id = randomUUID();
    // A plain insert: this runs once per send, inside the send's transaction, and needs no unit of work.
    await em.execute(
      `insert into outbox_email (id, store_id, message_id, from_address, to_address, subject, html, text, headers, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?)`,
      [id, email.storeId, email.messageId, email.from, email.to, email.subject, email.html, email.text, JSON.stringify(email.headers), new Date()],
    );
    return { transport: 'outbox', providerMessageId: id };
  }
}
