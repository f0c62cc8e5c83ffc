import { Controller, Get, HttpCode, Inject, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MikroORM, type Store } from '@boomerang/persistence';
import { createStoreSchema, missingCanSpamFields, storedLinks, StoresService, updateStoreSchema } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidBody } from '../common/contract.js';
import { AdminKeyGuard, openStore, StoreAccessGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';
import { trialSchema } from '../accounts/account.views.js';

const nullableText = z.string().nullable();

export const storeViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    domain: nullableText.meta({ description: 'The storefront domain, normalised; null for stores created with the admin key' }),
    platform: z.string(),
    timezone: z.string().meta({ description: 'IANA time zone' }),
    currency: z.string().meta({ description: 'ISO 4217 code' }),
    companyName: nullableText,
    street: nullableText,
    city: nullableText,
    region: nullableText,
    postalCode: nullableText,
    country: nullableText,
    phone: nullableText,
    logoUrl: nullableText,
    socialLinks: z.record(z.string(), z.string()),
    sendingHours: z.object({ start: z.number().int(), end: z.number().int() }).nullable(),
    smartSendingHours: z.number().int(),
    canSpamMissing: z.array(z.string()).meta({ description: 'CAN-SPAM footer fields still missing' }),
    createdAt: z.date(),
  })
  .meta({ id: 'Store' });

export const createdStoreSchema = storeViewSchema
  .extend({
    apiKey: z.string().meta({ description: 'Shown once: only its hash is stored' }),
    webhookSecret: z.string(),
    webhookUrl: z.string(),
    trial: trialSchema.nullable().meta({ description: 'The trial this store started or joined; null without one (admin-created, or the domain already had a trial)' }),
  })
  .meta({ id: 'CreatedStore' });

export function storeView(store: Store): z.output<typeof storeViewSchema> {
  return {
    id: store.id,
    name: store.name,
    domain: store.domain ?? null,
    platform: store.platform,
    timezone: store.timezone,
    currency: store.currency,
    companyName: store.companyName ?? null,
    street: store.street ?? null,
    city: store.city ?? null,
    region: store.region ?? null,
    postalCode: store.postalCode ?? null,
    country: store.country ?? null,
    phone: store.phone ?? null,
    logoUrl: store.logoUrl ?? null,
    socialLinks: storedLinks(store.socialLinks),
    sendingHours: store.sendingHourStart == null || store.sendingHourEnd == null ? null : { start: store.sendingHourStart, end: store.sendingHourEnd },
    smartSendingHours: store.smartSendingHours,
    canSpamMissing: missingCanSpamFields(store),
    createdAt: store.createdAt,
  };
}

@ApiTags('stores')
@ApiBearerAuth('apiKey')
@Controller('api/v1/stores')
export class StoresController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @UseGuards(AdminKeyGuard)
  @Returns(201, createdStoreSchema, 'The store, with its API key and webhook secret (shown once)')
  @Fails(400, 401)
  async create(@ValidBody(createStoreSchema) body: unknown): Promise<z.output<typeof createdStoreSchema>> {
    const { store, apiKey } = await this.stores.create(this.orm.em.fork(), body);
    return {
      ...storeView(store),
      apiKey,
      webhookSecret: store.webhookSecret,
      webhookUrl: `${this.config.publicUrl}/api/v1/stores/${store.id}/webhooks/orders`,
      trial: null,
    };
  }

  @Get()
  @UseGuards(AdminKeyGuard)
  @Returns(200, z.object({ stores: z.array(storeViewSchema) }))
  @Fails(401)
  async list() {
    return { stores: (await this.stores.list(this.orm.em.fork())).map(storeView) };
  }

  @Patch(':storeId')
  @UseGuards(StoreAccessGuard)
  @Returns(200, storeViewSchema)
  @Fails(400, 401, 404)
  async update(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(updateStoreSchema) body: unknown) {
    const { em, store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    return storeView(await this.stores.update(em, store, body));
  }

  @Get(':storeId')
  @UseGuards(StoreAccessGuard)
  @Returns(200, storeViewSchema)
  @Fails(401, 404)
  async get(@Req() req: Request, @IdParam('storeId') storeId: string) {
    return storeView((await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId)).store);
  }
}
