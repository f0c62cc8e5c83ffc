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
