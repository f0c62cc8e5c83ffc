import { randomBytes } from 'node:crypto';
import { DomainError, NotFoundError, type Platform } from '@boomerang/domain';
import { StoreSchema, type EntityManager, type Store } from '@boomerang/persistence';
import { parseOrThrow } from '@boomerang/validation';
import {
  PlatformError,
  type PlatformClient,
  type PlatformClientFactory,
  type PlatformCredentials,
  type PlatformClientOptions,
  type PlatformEndpoints,
  type TrackingInput,
} from '../platforms/platform.port.js';
import { platformClients } from '../platforms/registry.js';
import { assertReachableSite, connectionInputSchema, identifiersOf } from './connection-input.js';
import type { CredentialsCipher } from './credentials-cipher.js';
import { StoreConnectionRepository, type ConnectionRecord, type ConnectionStatus } from './store-connection.repository.js';
import { WebhookSecretCache, type WebhookSecretCacheOptions } from './webhook-secret-cache.js';

export type ConnectedPlatform = Exclude<Platform, 'custom'>;
type ConnectedCredentials = Exclude<PlatformCredentials, { platform: 'custom' }>;

const PLATFORM_NAMES: Record<Platform, string> = { shopify: 'Shopify', woocommerce: 'WooCommerce', bigcommerce: 'BigCommerce', custom: 'Custom cart' };

/** The custom cart's receiver (signed with the store's own webhook secret) and its REST import (the intake library's). */
export const CUSTOM_WEBHOOK_PATH = (storeId: string) => `/api/v1/stores/${storeId}/webhooks/orders`;
export const CUSTOM_IMPORT_PATH = (storeId: string) => `/api/v1/stores/${storeId}/import/orders`;
/** Our receiver of a platform's webhooks for one store. */
export const PLATFORM_WEBHOOK_PATH = (platform: ConnectedPlatform, storeId: string) => `/api/v1/webhooks/${platform}/${storeId}`;

/** What the api shows of a connection: status and identifiers, never a credential or secret. */
export interface ConnectionView {
  platform: Platform | null;
  status: ConnectionStatus;
  lastError: string | null;
  lastEventAt: Date | null;
  connectedAt: Date | null;
  updatedAt: Date | null;
  identifiers: { shopDomain?: string; siteUrl?: string; storeHash?: string };
  webhookTopics: string[];
  /** Where the platform (or the custom cart) sends webhooks: our receiver. */
  webhookUrl: string | null;
  /** Custom cart only: the REST import endpoint for past orders. */
  importUrl: string | null;
  counts: { apps: number; activeWorkflows: number };
  /** Products as the platform counts them, variants included; asked on connect and test, null until then. */
  productCount: number | null;
  productCountAt: Date | null;
}

export interface ConnectionsDeps {
  cipher: CredentialsCipher;
  endpoints: PlatformEndpoints;
  /** Our public base URL: the platforms post webhooks to it. */
  publicUrl: string;
  /** A fresh EntityManager for the receivers' cached reads (outside any request's unit of work). */
  em: () => EntityManager;
  clients?: Readonly<Record<ConnectedPlatform, PlatformClientFactory>>;
  clock?: () => Date;
  secretCache?: WebhookSecretCacheOptions;
}

/**
 * A push the merchant waits for is bounded: short timeouts, one retry of a 5xx or timeout, rate-limit waits of a few
 * seconds at most (Shopify's `maxThrottles`/`maxRetries`, the shared loop's `retries`); past that it is a 502.
 */
const WHILE_THE_MERCHANT_WAITS: PlatformClientOptions & { timeoutMs: number; retries: number; maxRetries: number; maxThrottles: number } = { maxWaitMs: 4_000, timeoutMs: 8_000, retries: 1, maxRetries: 1, maxThrottles: 2 };

const credentialsContext = (storeId: string) => `store_connection:${storeId}:credentials`;
const secretContext = (storeId: string) => `store_connection:${storeId}:webhook_secret`;

/**
 * A store's link to its cart: connect (test the credentials, register our webhooks, store everything sealed),
 * test, disconnect (unregister), and the receivers' secret lookup. Platform refusals become 422 with the platform's
 * own words and leave the connection `failing` with that message.
 */
export class ConnectionsService {
  private readonly clients: Readonly<Record<ConnectedPlatform, PlatformClientFactory>>;
  private readonly clock: () => Date;
  private readonly secrets: WebhookSecretCache;

  constructor(private readonly deps: ConnectionsDeps) {
    this.clients = deps.clients ?? platformClients;
    this.clock = deps.clock ?? (() => new Date());
    this.secrets = new WebhookSecretCache((storeId, platform) => this.loadSecret(storeId, platform), deps.secretCache);
  }

  async view(em: EntityManager, store: Store): Promise<ConnectionView> {
    const repository = new StoreConnectionRepository(em);
    const [record, activeWorkflows] = await Promise.all([repository.find(store.id), repository.activeWorkflowCount(store.id)]);
    return this.toView(store.id, record, activeWorkflows);
  }

  /** `PUT …/connection`: connects, or replaces the connection (our old webhooks are unregistered first). */
  async connect(em: EntityManager, store: Store, body: unknown): Promise<ConnectionView> {
    const input = parseOrThrow(connectionInputSchema, body);
    if (input.platform === 'woocommerce') assertReachableSite(input.siteUrl, this.deps.endpoints);
    const refusal = await this.exclusive(em, store.id, (locked) => this.replace(locked, store, input));
    this.secrets.invalidate(store.id);
    if (refusal) throw new DomainError('unprocessable', refusal);
    return this.view(em, store);
  }

  /** `POST …/connection/test`: asks the platform again; the outcome becomes the status. */
  async test(em: EntityManager, store: Store): Promise<ConnectionView> {
    const refusal = await this.exclusive(em, store.id, async (locked) => {
      const repository = new StoreConnectionRepository(locked);
      const record = await repository.find(store.id);
      if (!record || record.status === 'disconnected') throw new DomainError('conflict', 'the store is not connected: connect it first');
      if (record.platform === 'custom') return null;
      const now = this.clock();
      const client = this.client(this.openCredentials(store.id, record));
      const tested = await this.ask(record.platform, client.testConnection());
      if (!tested.ok) {
        await repository.setStatus(store.id, 'failing', tested.message, now);
        return tested.message;
      }
      await this.refreshProductCount(repository, store.id, record.platform, client);
      const registered = record.registeredWebhooks.length > 0;
      await repository.setStatus(store.id, registered ? 'connected' : 'failing', registered ? null : 'our webhooks are not registered: save the connection again', now);
      return null;
    });
    if (refusal) throw new DomainError('unprocessable', refusal);
    return this.view(em, store);
  }

  /** `DELETE …/connection`: unregisters our webhooks and forgets the credentials; the row stays, disconnected. */
  async disconnect(em: EntityManager, store: Store): Promise<ConnectionView> {
    await this.exclusive(em, store.id, async (locked) => {
      const repository = new StoreConnectionRepository(locked);
      const record = await repository.find(store.id);
      if (!record) throw new NotFoundError('connection of store', store.id);
      if (record.status === 'disconnected') return;
      const left = await this.unregister(store.id, record);
      await repository.save(store.id, {
        ...emptyRecord(record.platform, this.clock()),
        identifiers: record.identifiers,
        status: 'disconnected',
        lastError: left ? `our webhooks could not be removed at ${PLATFORM_NAMES[record.platform]} (${left}); remove them in its admin` : null,
      });
    });
    this.secrets.invalidate(store.id);
    return this.view(em, store);
  }

  /** The secret a receiver checks the platform's signature with; null when the store is not connected to it. Cached. */
  webhookSecret(storeId: string, platform: Platform): Promise<string | null> {
    return this.secrets.get(storeId, platform);
  }

  /** A client on the store's stored credentials (historical sync, light webhooks); null when not connected. */
  async clientFor(em: EntityManager, storeId: string): Promise<PlatformClient | null> {
    return (await this.platformClientFor(em, storeId))?.client ?? null;
  }

  /** The same, with the platform it speaks to (a historical sync's cursor belongs to one platform). */
  async platformClientFor(em: EntityManager, storeId: string): Promise<{ platform: ConnectedPlatform; client: PlatformClient } | null> {
    const record = await new StoreConnectionRepository(em).find(storeId);
    if (!record || record.platform === 'custom' || record.status === 'disconnected' || !record.credentialsSealed) return null;
    const credentials = this.openCredentials(storeId, record);
    return { platform: credentials.platform, client: this.client(credentials) };
  }

  /**
   * Pushes a tracking number of the store's order to its platform, synchronously: the platform's fulfilment or
   * shipment id, or null when the store's cart has no tracking API (WooCommerce, a custom cart: stored here only).
   * A refusal (4xx) is a 422 in the platform's words; a platform that fails, throttles or does not answer is a 502.
   */
  async pushTracking(em: EntityManager, storeId: string, orderExternalId: string, tracking: TrackingInput): Promise<{ platform: ConnectedPlatform; reference: string } | null> {
    const record = await new StoreConnectionRepository(em).find(storeId);
    if (!record || record.platform === 'custom' || record.platform === 'woocommerce') return null;
    const name = PLATFORM_NAMES[record.platform];
    if (record.status === 'disconnected' || !record.credentialsSealed) {
      throw new DomainError('conflict', `the store is not connected to ${name}: connect it again to push tracking numbers`);
    }
    const client = this.client(this.openCredentials(storeId, record), WHILE_THE_MERCHANT_WAITS);
    if (!client.addTracking) return null;
    try {
      return { platform: record.platform, reference: (await client.addTracking(orderExternalId, tracking)).reference };
    } catch (err) {
      if (!(err instanceof PlatformError)) throw err;
      if (err.retryable || err.status === 429) throw new DomainError('bad_gateway', `${name} could not take the tracking number: ${err.message}. Nothing was stored; try again.`);
      throw new DomainError('unprocessable', `${name} refused the tracking number: ${err.message} (HTTP ${err.status}). Nothing was stored.`);
    }
  }

  /**
   * One change of a store's connection at a time (a double-clicked form, two replicas): the store's advisory lock,
   * held by a transaction of its own around the platform calls, so two changes never interleave their webhook
   * registrations. The work itself writes outside that transaction: each write is visible at once (the receivers
   * must see a new secret before the platform's first delivery, e.g. WooCommerce's creation ping).
   */
  private exclusive<T>(em: EntityManager, storeId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.deps.em().transactional(async (lock) => {
      await new StoreConnectionRepository(lock).lockForChange(storeId);
      return work(em);
    });
  }

  /** Under the store's lock: the new connection, or the platform's refusal (recorded as failing). */
  private async replace(em: EntityManager, store: Store, input: PlatformCredentials): Promise<string | null> {
    const repository = new StoreConnectionRepository(em);
    const previous = await repository.find(store.id);
    const now = this.clock();
    if (input.platform === 'custom') {
      await this.unregister(store.id, previous);
      await repository.save(store.id, { ...emptyRecord('custom', now), status: 'connected', connectedAt: now });
    } else {
      const client = this.client(input);
      const sealed = { credentialsSealed: this.deps.cipher.seal(JSON.stringify(input), credentialsContext(store.id)), identifiers: identifiersOf(input) };
      const failing = (message: string) => ({ ...emptyRecord(input.platform, now), ...sealed, status: 'failing' as const, lastError: message });
      const tested = await this.ask(input.platform, client.testConnection());
      if (!tested.ok) {
        // A working connection keeps its credentials and webhooks; only its status says the update was refused.
        if (previous && previous.status !== 'disconnected') await repository.setStatus(store.id, 'failing', tested.message, now);
        else await repository.save(store.id, failing(tested.message));
        return tested.message;
      }
      // Our secret for Woo and BigCommerce; Shopify signs with the app's own API secret key.
      const secret = input.platform === 'shopify' ? input.apiSecretKey : randomBytes(32).toString('base64url');
      const webhookSecretSealed = this.deps.cipher.seal(secret, secretContext(store.id));
      // First, because a platform refuses a second subscription of one address to one topic.
      await this.unregister(store.id, previous);
      // The receiver knows the new secret before the platform can deliver anything signed with it.
      await repository.save(store.id, { ...failing('connecting: registering our webhooks'), webhookSecretSealed });
      this.secrets.invalidate(store.id);
      const address = `${this.deps.publicUrl}${PLATFORM_WEBHOOK_PATH(input.platform, store.id)}`;
      const registered = await this.ask(input.platform, client.registerWebhooks(address, secret));
      if (!registered.ok) {
        await repository.save(store.id, failing(registered.message));
        return registered.message;
      }
      await repository.save(store.id, {
        ...sealed,
        platform: input.platform,
        webhookSecretSealed,
        registeredWebhooks: registered.value.map(({ id, topic }) => ({ id, topic })),
        status: 'connected',
        lastError: null,
        connectedAt: now,
        updatedAt: now,
      });
      await this.refreshProductCount(repository, store.id, input.platform, client);
    }
    // The stores' own word for a custom cart is `generic` (their webhook).
    store.platform = input.platform === 'custom' ? 'generic' : input.platform;
    await em.nativeUpdate(StoreSchema, { id: store.id }, { platform: store.platform });
    return null;
  }

  private async loadSecret(storeId: string, platform: Platform): Promise<string | null> {
    const found = await new StoreConnectionRepository(this.deps.em()).receiverSecret(storeId, platform);
    return found ? this.deps.cipher.open(found.webhookSecretSealed, secretContext(storeId)) : null;
  }

  private client(credentials: ConnectedCredentials, options?: PlatformClientOptions): PlatformClient {
    return this.clients[credentials.platform](credentials, this.deps.endpoints, options);
  }

  private openCredentials(storeId: string, record: ConnectionRecord): ConnectedCredentials {
    if (!record.credentialsSealed) throw new DomainError('conflict', 'the connection holds no credentials: connect it again');
    return JSON.parse(this.deps.cipher.open(record.credentialsSealed, credentialsContext(storeId))) as ConnectedCredentials;
  }

  /** The platform's answer, or its refusal in its own words; anything but a PlatformError propagates. */
  private async ask<T>(platform: Platform, call: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
    try {
      return { ok: true, value: await call };
    } catch (err) {
      if (!(err instanceof PlatformError)) throw err;
      return { ok: false, message: `${PLATFORM_NAMES[platform]} answered${err.status ? ` ${err.status}` : ''}: ${err.message}` };
    }
  }

  /** Best effort: the count is a figure for the store's dashboard, never a reason to refuse a connection. */
  private async refreshProductCount(repository: StoreConnectionRepository, storeId: string, platform: Platform, client: PlatformClient): Promise<void> {
    const counted = await this.ask(platform, client.countProducts());
    if (counted.ok) await repository.setProductCount(storeId, counted.value, this.clock());
  }

  /** Best effort: our webhooks at the previous connection; returns the platform's message when it refused. */
  private async unregister(storeId: string, record: ConnectionRecord | null): Promise<string | null> {
    if (!record || record.platform === 'custom' || record.registeredWebhooks.length === 0 || !record.credentialsSealed) return null;
    try {
      await this.client(this.openCredentials(storeId, record)).unregisterWebhooks(record.registeredWebhooks.map((w) => w.id));
      return null;
    } catch (err) {
      if (err instanceof PlatformError) return err.message;
      throw err;
    }
  }

  private toView(storeId: string, record: ConnectionRecord | null, activeWorkflows: number): ConnectionView {
    const counts = { apps: 0, activeWorkflows };
    if (!record) {
      return {
        platform: null,
        status: 'disconnected',
        lastError: null,
        lastEventAt: null,
        connectedAt: null,
        updatedAt: null,
        identifiers: {},
        webhookTopics: [],
        webhookUrl: null,
        importUrl: null,
        counts,
        productCount: null,
        productCountAt: null,
      };
    }
    const custom = record.platform === 'custom';
    const live = record.status !== 'disconnected';
    return {
      platform: record.platform,
      status: record.status,
      lastError: record.lastError,
      lastEventAt: record.lastEventAt,
      connectedAt: record.connectedAt,
      updatedAt: record.updatedAt,
      identifiers: record.identifiers,
      webhookTopics: record.registeredWebhooks.map((w) => w.topic),
      webhookUrl: !live ? null : `${this.deps.publicUrl}${custom ? CUSTOM_WEBHOOK_PATH(storeId) : PLATFORM_WEBHOOK_PATH(record.platform as ConnectedPlatform, storeId)}`,
      importUrl: live && custom ? `${this.deps.publicUrl}${CUSTOM_IMPORT_PATH(storeId)}` : null,
      counts,
      productCount: record.productCount?.count ?? null,
      productCountAt: record.productCount?.countedAt ?? null,
    };
  }
}

function emptyRecord(platform: Platform, now: Date): Omit<ConnectionRecord, 'lastEventAt' | 'productCount'> {
  return {
    platform,
    credentialsSealed: null,
    webhookSecretSealed: null,
    identifiers: {},
    registeredWebhooks: [],
    status: 'disconnected',
    lastError: null,
    connectedAt: null,
    updatedAt: now,
  };
}
