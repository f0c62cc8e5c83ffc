import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boomerang/persistence';
import type { DeliveryReceipt, EmailTransport, OutgoingEmail, StoreStatement } from './email-transport.js';
import type { SystemEmail, SystemMailer } from './system-email.js';

/** The default transport: the rendered message lands in PostgreSQL, listable through the API. */
export class OutboxTransport implements EmailTransport, SystemMailer {
  readonly name = 'outbox' as const;
  readonly transactional = true;

  async send(email: OutgoingEmail, em: EntityManager): Promise<DeliveryReceipt> {
    const id = randomUUID();
    const { sql, params } = this.storeStatement(email, id);
    // A plain insert: this runs once per send, inside the send's transaction, and needs no unit of work.
    await em.execute(sql, params);
    return { transport: 'outbox', providerMessageId: id };
  }

  storeStatement(email: OutgoingEmail, id: string, onlyIf?: string): StoreStatement {
    return {
      sql: `insert into outbox_email (id, store_id, message_id, from_address, to_address, subject, html, text, headers, created_at)
            select ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?${onlyIf ? ` where exists (select 1 from ${onlyIf})` : ''}`,
      params: [id, email.storeId, email.messageId, email.from, email.to, email.subject, email.html, email.text, JSON.stringify(email.headers), new Date()],
    };
  }

  /** An account email: stored with no store (the development outbox lists these by recipient). */
  async sendSystem(email: SystemEmail, em: EntityManager): Promise<DeliveryReceipt> {
    const id = randomUUID();
    await em.execute(
      `insert into outbox_email (id, store_id, message_id, from_address, to_address, subject, html, text, headers, created_at)
       values (?, null, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?)`,
      [id, randomUUID(), email.from, email.to, email.subject, email.html, email.text, JSON.stringify({ 'X-Boomerang-Tag': email.tag }), new Date()],
    );
    return { transport: 'outbox', providerMessageId: id };
  }
}
