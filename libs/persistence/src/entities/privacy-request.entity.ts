import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const PRIVACY_REQUEST_KINDS = ['erasure', 'data_request'] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];

/**
 * The accountability trail of GDPR requests (issue 14, point 4), without personal data: who asked (`source`:
 * merchant, shopify), what (an erasure, a data request), when, and the sha256 of the address concerned. A data
 * request keeps its export for the merchant to download until the customer is erased.
 */
export const PrivacyRequestSchema = defineEntity({
  name: 'PrivacyRequest',
  tableName: 'privacy_request',
  indexes: [{ properties: ['storeId', 'createdAt'] }, { properties: ['storeId', 'customerId'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    kind: p.string().length(16),
    /** merchant | shopify */
    source: p.string().length(32),
    /** The platform's topic (customers/redact, shop/redact, customers/data_request); null from the merchant. */
    topic: p.string().length(64).nullable(),
    /** The customer it concerned (a bare id once erased); null when no customer had the address. */
    customerId: p.uuid().nullable(),
    /** sha256 of the normalized address; null for a whole-shop request. */
    emailHash: p.string().length(64).nullable(),
    /** What an erasure removed, as counts per table: no personal data. */
    summary: p.json<Record<string, number>>().nullable(),
    /** A data request's export, for the merchant; cleared when the customer is erased. */
    export: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime(),
  },
});

export type PrivacyRequest = InferEntity<typeof PrivacyRequestSchema>;
