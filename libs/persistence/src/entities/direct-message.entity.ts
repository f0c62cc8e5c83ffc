import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A message the merchant wrote to one customer from the order view (issue 13, point 3: "send messages directly to a
 * customer if they have opted in"). `requestId` is chosen by the client, so a form sent twice sends once. The row is
 * written by the worker's send (a Temporal workflow per message): `sending` until the provider took it, then `sent`,
 * `skipped` (the customer unsubscribed or was suppressed meanwhile) or `failed` with the provider's reason.
 * `handedOverAt` marks an attempt that reached the provider, so a retry asks the provider before sending again.
 */
export const DirectMessageSchema = defineEntity({
  name: 'DirectMessage',
  tableName: 'direct_message',
  uniques: [{ properties: ['storeId', 'requestId'] }],
  indexes: [
    { name: 'direct_message_order_index', properties: ['storeId', 'orderId'], where: '"order_id" is not null' },
    { properties: ['storeId', 'customerId', 'createdAt'] },
  ],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    requestId: p.uuid(),
    customerId: p.uuid(),
    /** The order the message is about, when sent from an order's view. */
    orderId: p.uuid().nullable(),
    /** The dashboard user who wrote it. */
    sentBy: p.uuid().nullable(),
    senderName: p.string(),
    senderEmail: p.string(),
    toEmail: p.string(),
    subject: p.text(),
    body: p.text(),
    status: p.string(),
    reason: p.text().nullable(),
    transport: p.string().nullable(),
    providerMessageId: p.string().nullable(),
    handedOverAt: p.datetime().nullable(),
    sentAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});

export type DirectMessage = InferEntity<typeof DirectMessageSchema>;
