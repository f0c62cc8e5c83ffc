import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { NotFoundError, UnauthorizedError } from '@boomerang/domain';
import { StoreSchema, type EntityManager, type Store } from '@boomerang/persistence';
import { z } from 'zod';
import { parseOrThrow } from './zod-issues.js';

export const createStoreSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  platform: z.enum(['generic', 'shopify', 'woocommerce', 'bigcommerce']).default('generic'),
  timezone: z
    .string()
    .default('UTC')
    .refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', 'must be an IANA time zone'),
});

const hour = z.number().int().min(0).max(23);
const text = (max: number) => z.string().trim().max(max).nullable();

/** Store settings, including the CAN-SPAM details every marketing footer needs. */
export const updateStoreSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    timezone: createStoreSchema.shape.timezone.unwrap(),
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO-4217 code').transform((c) => c.toUpperCase()),
    companyName: text(200),
    street: text(300),
    city: text(120),
    region: text(120),
    postalCode: text(40),
    country: text(120),
    phone: text(60),
    logoUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable(),
    socialLinks: z.record(z.enum(['facebook', 'instagram', 'x', 'tiktok', 'youtube', 'pinterest', 'linkedin']), z.url()),
    sendingHours: z.object({ start: hour, end: hour }).nullable(),
    smartSendingHours: z.number().int().min(0).max(168),
  })
  .partial()
  .strict();

export interface CreatedStore {
  store: Store;
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export class StoresService {
  async create(em: EntityManager, body: unknown): Promise<CreatedStore> {
    const input = parseOrThrow(createStoreSchema, body);
    const apiKey = `bk_${randomBytes(24).toString('base64url')}`;
    const store = em.create(StoreSchema, {
      id: randomUUID(),
      name: input.name,
      platform: input.platform,
      timezone: input.timezone,
      apiKeyHash: hashApiKey(apiKey),
      webhookSecret: `whsec_${randomBytes(24).toString('base64url')}`,
      createdAt: new Date(),
    });
    await em.flush();
    return { store, apiKey };
  }

  async update(em: EntityManager, store: Store, body: unknown): Promise<Store> {
    const { sendingHours, ...rest } = parseOrThrow(updateStoreSchema, body);
    em.assign(store, {
      ...rest,
      ...(sendingHours !== undefined && { sendingHourStart: sendingHours?.start ?? null, sendingHourEnd: sendingHours?.end ?? null }),
    });
    await em.flush();
    return store;
  }

  list(em: EntityManager): Promise<Store[]> {
    return em.find(StoreSchema, {}, { orderBy: { createdAt: 'asc' } });
  }

  async get(em: EntityManager, storeId: string): Promise<Store> {
    const store = z.uuid().safeParse(storeId).success ? await em.findOne(StoreSchema, { id: storeId }) : null;
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
