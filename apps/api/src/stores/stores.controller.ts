import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { MikroORM, type Store } from '@boomerang/persistence';
import { missingCanSpamFields, storedLinks, StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { openStore, requireAdmin } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

export function storeView(store: Store) {
  return {
    id: store.id,
    name: store.name,
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

@Controller('api/v1/stores')
export class StoresController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() req: Request, @Body() body: unknown) {
    requireAdmin(this.config.adminApiKey, req);
    const { store, apiKey } = await this.stores.create(this.orm.em.fork(), body);
    return {
      ...storeView(store),
      apiKey,
      webhookSecret: store.webhookSecret,
      webhookUrl: `${this.config.publicUrl}/api/v1/stores/${store.id}/webhooks/orders`,
    };
  }

  @Get()
  async list(@Req() req: Request) {
    requireAdmin(this.config.adminApiKey, req);
    return { stores: (await this.stores.list(this.orm.em.fork())).map(storeView) };
  }

  @Patch(':storeId')
  async update(@Req() req: Request, @Param('storeId') storeId: string, @Body() body: unknown) {
    const { em, store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    return storeView(await this.stores.update(em, store, body));
  }

  @Get(':storeId')
  async get(@Req() req: Request, @Param('storeId') storeId: string) {
    return storeView((await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId)).store);
  }
}
