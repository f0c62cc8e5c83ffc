import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A single-use link sent by email (verify the address, reset the password); stored as the sha256 of the token. */
export const EmailTokenSchema = defineEntity({
  name: 'EmailToken',
  tableName: 'email_token',
  indexes: [{ properties: ['userId', 'purpose'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    /** verify | reset */
    purpose: p.string(),
    tokenHash: p.string().unique(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    /** Set once the link is used (or superseded), so a second use says "used", not "invalid". */
    usedAt: p.datetime().nullable(),
  },
});

export type EmailToken = InferEntity<typeof EmailTokenSchema>;
