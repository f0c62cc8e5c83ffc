import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * "Send Profile Information" (issue 14, point 3): a link emailed to a customer. Only the sha256 of its token is
 * stored. The link is used once (`usedAt`), when the customer presses "Show my data" on its page, and that use opens
 * a short page session (the sha256 of the session token, in an http-only cookie on the customer's side).
 */
export const ProfileLinkSchema = defineEntity({
  name: 'ProfileLink',
  tableName: 'profile_link',
  indexes: [{ properties: ['storeId', 'customerId', 'createdAt'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    customerId: p.uuid(),
    tokenHash: p.string().length(64).unique(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    sessionHash: p.string().length(64).unique().nullable(),
    sessionExpiresAt: p.datetime().nullable(),
  },
});

export type ProfileLink = InferEntity<typeof ProfileLinkSchema>;
