import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { NotFoundError, UnauthorizedError } from '@boomerang/domain';
import { StoreSchema, type EntityManager, type Store } from '@boomerang/persistence';
import { z } from 'zod';
import { currency, httpUrl, isUuid, parseOrThrow, text, timeZone } from '@boomerang/validation';

export const createStoreSchema = z
  .object({
    name: text(200),
    platform: z.enum(['generic', 'shopify', 'woocommerce', 'bigcommerce']).default('generic'),
    timezone: timeZone().default('UTC'),
  })
  .strict();

const hour = z.number().int().min(0).max(23);
/** An optional setting: null clears it. Columns are varchar(255), so no bound exceeds that. */
const setting = (max: number) => text(max, { min: 0 }).nullable();

/** `website` doubles as the storefront URL in emails (there is no column for it yet). */
export const SOCIAL_NETWORKS = ['website', 'facebook', 'instagram', 'x', 'tiktok', 'youtube', 'pinterest', 'linkedin'] as const;

/** Store settings, including the CAN-SPAM details every marketing footer needs. */
export const updateStoreSchema = z
  .object({
    name: text(200),
    timezone: timeZone(),
    currency: currency(),
    companyName: setting(200),
    street: setting(255),
    city: setting(120),
    region: setting(120),
    postalCode: setting(40),
    country: setting(120),
    phone: setting(60),
    logoUrl: httpUrl(255).nullable(),
    /** Any subset of networks; merged into the stored links, and null removes one. */
    socialLinks: z.partialRecord(z.enum(SOCIAL_NETWORKS, { error: `must be one of ${SOCIAL_NETWORKS.join(', ')}` }), httpUrl(2_048).nullable()),
    sendingHours: z.object({ start: hour, end: hour }).strict().nullable(),
    smartSendingHours: z.number().int().min(0).max(168),
  })
  .partial()
  .strict();

export interface CreatedStore {
  store: Store;
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

/** A store a merchant adds to an account: the account owns it, and its normalised domain keys the trial. */
export interface OwnedStoreInput {
  accountId: string;
  domain: string;
  name: string;
  platform: string;
  timezone: string;
  currency: string;
  country: string | null;
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export class StoresService {
  /** A store created with the admin key (operations): it belongs to no account. */
  create(em: EntityManager, body: unknown): Promise<CreatedStore> {
    const input = parseOrThrow(createStoreSchema, body);
    return this.insert(em, { ...input, accountId: null, domain: null });
  }

  /** A store of a merchant's account (input already validated by the accounts library). */
  createOwned(em: EntityManager, input: OwnedStoreInput): Promise<CreatedStore> {
    return this.insert(em, input);
  }

  private async insert(
    em: EntityManager,
    input: { name: string; platform: string; timezone: string; currency?: string; country?: string | null; accountId: string | null; domain: string | null },
  ): Promise<CreatedStore> {
    const apiKey = `bk_${randomBytes(24).toString('base64url')}`;
    const store = em.create(StoreSchema, {
      id: randomUUID(),
      name: input.name,
      platform: input.platform,
      timezone: input.timezone,
      ...(input.currency && { currency: input.currency }),
      country: input.country ?? null,
      accountId: input.accountId,
      domain: input.domain,
      // An object, not the column default's text '{}', so a new store answers `socialLinks: {}`.
      socialLinks: {},
      apiKeyHash: hashApiKey(apiKey),
      webhookSecret: `whsec_${randomBytes(24).toString('base64url')}`,
      createdAt: new Date(),
    });
    await em.flush();
    return { store, apiKey };
  }

  async update(em: EntityManager, store: Store, body: unknown): Promise<Store> {
    const { sendingHours, socialLinks, ...rest } = parseOrThrow(updateStoreSchema, body);
    em.assign(store, {
      ...rest,
      ...(socialLinks !== undefined && { socialLinks: mergeLinks(storedLinks(store.socialLinks), socialLinks) }),
      ...(sendingHours !== undefined && { sendingHourStart: sendingHours?.start ?? null, sendingHourEnd: sendingHours?.end ?? null }),
    });
    await em.flush();
    return store;
  }

  list(em: EntityManager): Promise<Store[]> {
    return em.find(StoreSchema, {}, { orderBy: { createdAt: 'asc' } });
  }

  /** The store, only if the account owns it: another account's store is "not found", never "forbidden". */
  async getOwned(em: EntityManager, accountId: string, storeId: string): Promise<Store> {
    const store = isUuid(storeId) ? await em.findOne(StoreSchema, { id: storeId, accountId }) : null;
    if (!store) throw new NotFoundError('store', storeId);
    return store;
  }

  listOwned(em: EntityManager, accountId: string): Promise<Store[]> {
    return em.find(StoreSchema, { accountId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async get(em: EntityManager, storeId: string): Promise<Store> {
    const store = isUuid(storeId) ? await em.findOne(StoreSchema, { id: storeId }) : null;
    if (!store) throw new NotFoundError('store', storeId);
    return store;
  }

  /** The store's own API key opens only that store. */
  async authenticate(em: EntityManager, storeId: string, apiKey: string | undefined): Promise<Store> {
    const store = await this.get(em, storeId);
    if (!apiKey) throw new UnauthorizedError('missing API key: send Authorization: Bearer <store API key>');
    if (hashApiKey(apiKey) !== store.apiKeyHash) throw new UnauthorizedError('API key is not valid for this store');
    return store;
  }
}

/** The stored links as an object (rows created before the fix may hold the text '{}'). */
export function storedLinks(value: unknown): Record<string, string> {
  const links = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return links && typeof links === 'object' ? (links as Record<string, string>) : {};
}

function mergeLinks(current: Record<string, string>, patch: Partial<Record<string, string | null>>): Record<string, string> {
  const merged = { ...current };
  for (const [network, url] of Object.entries(patch)) {
    if (url === null || url === undefined) delete merged[network];
    else merged[network] = url;
  }
  return merged;
}
