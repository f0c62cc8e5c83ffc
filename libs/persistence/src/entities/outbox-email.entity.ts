import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** The default email transport: the full rendered message, stored instead of sent. */
export const OutboxEmailSchema = defineEntity({
  name: 'OutboxEmail',
  tableName: 'outbox_email',
  indexes: [{ properties: ['storeId', 'createdAt'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    messageId: p.uuid().unique(),
    fromAddress: p.string(),
    toAddress: p.string(),
    subject: p.text(),
    html: p.text(),
    text: p.text(),
    headers: p.json<Record<string, string>>(),
    createdAt: p.datetime(),
  },
});

export type OutboxEmail = InferEntity<typeof OutboxEmailSchema>;
