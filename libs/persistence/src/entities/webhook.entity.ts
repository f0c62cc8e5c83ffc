import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A merchant's outgoing webhook endpoint (issue 13, point 6): where events go, which ones, and the Standard Webhooks
 * signing secret, sealed at rest (`CredentialsCipher`, context `webhook-endpoint:<id>`). `failingSince` is the start of
 * the current run of failed deliveries; after a day of it the endpoint is disabled and the technical contact alerted.
 */
export const WebhookEndpointSchema = defineEntity({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoint',
  indexes: [{ properties: ['storeId'] }, { properties: ['storeId', 'kind'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    /** `webhook`, or the app it is an installation of (`slack`, `mailchimp`; migration AppIntegrations). */
    kind: p.string().length(32).default('webhook'),
    /** An app's settings that may be shown; its secrets are sealed in `secretSealed`. */
    appSettings: p.json<Record<string, unknown>>().nullable(),
    /** Where it delivers: the receiver's URL, or an app's target without its secret part. */
    url: p.text(),
    description: p.string().nullable(),
    eventTypes: p.json<string[]>(),
    secretSealed: p.text(),
    /** `active` or `disabled`. */
    status: p.string(),
    disabledReason: p.text().nullable(),
    disabledAt: p.datetime().nullable(),
    failingSince: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type WebhookEndpoint = InferEntity<typeof WebhookEndpointSchema>;

/**
 * One event owed to one endpoint, delivered in `seq` order per endpoint. `eventId` is the Standard Webhooks
 * `webhook-id` (the same on every attempt and on a resend, so receivers can drop duplicates).
 */
export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  indexes: [
    { name: 'webhook_delivery_pending_index', properties: ['endpointId', 'seq'], where: `"status" = 'pending'` },
    { properties: ['endpointId', 'createdAt'] },
    { properties: ['storeId', 'subjectId'] },
  ],
  properties: {
    id: p.uuid().primary(),
    seq: p.bigint('number').autoincrement().unique(),
    storeId: p.uuid(),
    endpointId: p.uuid(),
    eventId: p.uuid(),
    eventType: p.string(),
    /** What the event is about (an order or customer id), for the order's timeline. */
    subjectId: p.uuid().nullable(),
    payload: p.json<Record<string, unknown>>(),
    /** `pending` or `delivered`. */
    status: p.string(),
    attempts: p.integer().default(0),
    lastStatusCode: p.integer().nullable(),
    lastError: p.text().nullable(),
    lastDurationMs: p.integer().nullable(),
    createdAt: p.datetime(),
    lastAttemptAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
  },
});

export type WebhookDelivery = InferEntity<typeof WebhookDeliverySchema>;

/** Every attempt at a delivery: the receiver's status (or the error) and how long it took. */
export const WebhookAttemptSchema = defineEntity({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempt',
  indexes: [{ properties: ['deliveryId', 'at'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    storeId: p.uuid(),
    deliveryId: p.uuid(),
    at: p.datetime(),
    statusCode: p.integer().nullable(),
    error: p.text().nullable(),
    durationMs: p.integer(),
  },
});

export type WebhookAttempt = InferEntity<typeof WebhookAttemptSchema>;
