import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Every domain that ever had a free trial, on any account: the primary key keeps it from getting a second one. */
export const StoreTrialSchema = defineEntity({
  name: 'StoreTrial',
  tableName: 'store_trial',
  indexes: [{ properties: ['storeId'] }],
  properties: {
    /** Normalised: lower case, no scheme, no `www.`, no path or port. */
    domain: p.string().primary(),
    accountId: p.uuid(),
    storeId: p.uuid(),
    startedAt: p.datetime(),
    endsAt: p.datetime(),
  },
});

export type StoreTrial = InferEntity<typeof StoreTrialSchema>;
