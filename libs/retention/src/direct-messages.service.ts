import { randomUUID } from 'node:crypto';
import { DomainError, NotFoundError } from '@boomerang/domain';
import { CustomerSchema, OrderSchema, StoreSchema, SuppressionSchema, type EntityManager } from '@boomerang/persistence';
import { assertCanSpamComplete } from '@boomerang/stores';
import type { RetentionLifecycle } from '@boomerang/temporal-client';
import { email, parseOrThrow, text, uuid } from '@boomerang/validation';
import { z } from 'zod';

/** A message the merchant writes to one customer (issue 13, point 3: "send messages directly to a customer if they have opted in"). */
export const directMessageSchema = z
  .object({
    /** Chosen by the client (the form renders one): sending the same request again sends nothing more. */
    requestId: uuid(),
    /** The order the message is about (its timeline lists the message). */
    orderId: uuid().optional(),
    senderName: text(200),
    senderEmail: email(),
    subject: text(200),
    body: text(10_000),
  })
  .strict();

/** Why a customer may not be written to, as the merchant should read it; null when they may. */
export async function directMessageRefusal(em: EntityManager, customer: { storeId: string; email: string; optedIn: boolean; unsubscribedAt?: Date | null }): Promise<string | null> {
  if (customer.unsubscribedAt) return 'the customer unsubscribed';
  if (!customer.optedIn) return 'the customer has not opted in to messages';
  if (await em.count(SuppressionSchema, { storeId: customer.storeId, email: customer.email })) return 'the address is suppressed (it bounced or complained)';
  return null;
}

export class DirectMessagesService {
  constructor(private readonly lifecycle: RetentionLifecycle) {}

  async send(em: EntityManager, storeId: string, customerId: string, sentBy: string | null, body: unknown) {
    const input = parseOrThrow(directMessageSchema, body);
    const customer = await em.findOne(CustomerSchema, { id: customerId, storeId });
    if (!customer) throw new NotFoundError('customer', customerId);
    if (input.orderId && !(await em.count(OrderSchema, { id: input.orderId, storeId, customerId }))) {
      throw new DomainError('not_found', `order ${input.orderId} is not an order of this customer in this store`, [
        { field: 'orderId', message: 'is not an order of this customer' },
      ]);
    }
    const refusal = await directMessageRefusal(em, customer);
    if (refusal) throw new DomainError('conflict', `cannot message ${customer.email}: ${refusal}`, [{ field: 'customerId', message: refusal }]);
    assertCanSpamComplete(await em.findOneOrFail(StoreSchema, { id: storeId }), 'is required before the store sends email');
    const result = await this.lifecycle.sendDirectMessage({
      messageId: randomUUID(),
      storeId,
      customerId,
      requestId: input.requestId,
      orderId: input.orderId ?? null,
      sentBy,
      senderName: input.senderName,
      senderEmail: input.senderEmail.trim(),
      subject: input.subject,
      body: input.body,
    });
    return { ...result, to: customer.email };
  }
}
