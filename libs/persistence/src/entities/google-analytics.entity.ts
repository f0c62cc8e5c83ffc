import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A store's Google Analytics (GA4) connection (issue 13, point 2): the property, the service account's address and
 * its JSON key sealed at rest (`CredentialsCipher`, context `google-analytics:<store>`), and the last report read
 * from the Data API with when it was read, shared by every api replica. `refreshStartedAt` is a short lease: one
 * refresh in flight per store.
 */
export const GoogleAnalyticsConnectionSchema = defineEntity({
  name: 'GoogleAnalyticsConnection',
  tableName: 'google_analytics_connection',
  properties: {
    storeId: p.uuid().primary(),
    propertyId: p.string(),
    clientEmail: p.string(),
    keySealed: p.text(),
    /** `connected`, or `error` once Google refuses the key or the property (the merchant must reconnect). */
    status: p.string(),
    lastError: p.text().nullable(),
    connectedAt: p.datetime(),
    report: p.json<Record<string, unknown>>().nullable(),
    reportFetchedAt: p.datetime().nullable(),
    refreshStartedAt: p.datetime().nullable(),
  },
});

export type GoogleAnalyticsConnection = InferEntity<typeof GoogleAnalyticsConnectionSchema>;
