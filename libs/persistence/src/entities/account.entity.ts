import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A merchant's account: it owns stores and users. The trial is the account's (it starts with the first store);
 * an alert contact left null means "the owner".
 */
export const AccountSchema = defineEntity({
  name: 'Account',
  tableName: 'account',
  properties: {
    id: p.uuid().primary(),
    trialStartedAt: p.datetime().nullable(),
    trialEndsAt: p.datetime().nullable(),
    marketingContactName: p.string().nullable(),
    marketingContactEmail: p.string().nullable(),
    billingContactName: p.string().nullable(),
    billingContactEmail: p.string().nullable(),
    technicalContactName: p.string().nullable(),
    technicalContactEmail: p.string().nullable(),
    createdAt: p.datetime(),
  },
});

export type Account = InferEntity<typeof AccountSchema>;
