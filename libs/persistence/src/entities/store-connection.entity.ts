import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One of our webhook subscriptions at the platform, kept to delete it on update or disconnect. */
export interface RegisteredWebhookRef {
  id: string;
  topic: string;
}

/**
 * A store's link to its shopping cart (issue 12): one per store. Secrets are sealed with AES-256-GCM
 * (`CredentialsCipher` in libs/stores, key from CREDENTIALS_KEY) and never leave the api.
 */
export const StoreConnectionSchema = defineEntity({
  name: 'StoreConnection',
  tableName: 'store_connection',
  properties: {
    storeId: p.uuid().primary(),
    /** shopify | woocommerce | bigcommerce | custom */
    platform: p.string().length(32),
    /** The merchant's credentials, sealed; null after a disconnect (nothing kept that is no longer needed). */
    credentialsSealed: p.text().nullable(),
    /** The secret the platform's webhooks are checked with, sealed: ours (Woo, BigCommerce) or the app's (Shopify). */
    webhookSecretSealed: p.text().nullable(),
    /** Identifiers that are not secret, for the status view: shop domain, site URL, store hash. */
    identifiers: p.json<Record<string, string>>(),
    registeredWebhooks: p.json<RegisteredWebhookRef[]>(),
    /** connected | failing | disconnected */
    status: p.string().length(16),
    lastError: p.text().nullable(),
    lastEventAt: p.datetime().nullable(),
    connectedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
    /** Products as the platform counts them, variants included (issue 12, point 6); refreshed on connect and test. */
    productCount: p.integer().nullable(),
    productCountAt: p.datetime().nullable(),
  },
});

export type StoreConnection = InferEntity<typeof StoreConnectionSchema>;
