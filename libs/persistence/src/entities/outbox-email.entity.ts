import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** The default email transport: the full rendered message, stored instead of sent. */
export const OutboxEmailSchema = defineEntity({
  name: 'OutboxEmail',
  tableName: 'outbox_email',
  indexes: [{ properties: ['storeId', 'createdAt'] }, { name: 'outbox_email_account_to_index', properties: ['toAddress', 'createdAt'], where: '"store_id" is null' }],
  properties: {
    id: p.uuid().primary(),
    /** Null for account emails (verification, password reset): they belong to no store. */
    storeId: p.uuid().nullable(),
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
