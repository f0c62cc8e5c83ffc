import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ValidationError } from '@boomerang/domain';
import { MikroORM } from '@boomerang/persistence';
import { RetentionDispatcher } from '@boomerang/retention';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { openStore } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

function idOf(raw: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(raw)) throw ValidationError.field('id', 'must be a dead letter id (a positive whole number)');
  return Number(raw);
}

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw ValidationError.field('limit', 'must be a whole number from 1 to 1000');
  return n;
}

/** Accepted orders whose retention signal Temporal refused for good (or too often): listed with the reason, and retried. */
@Controller('api/v1/stores/:storeId/dispatch/dead-letters')
export class DeadLettersController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(RetentionDispatcher) private readonly dispatcher: RetentionDispatcher,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  async list(@Req() req: Request, @Param('storeId') storeId: string, @Query('limit') limit?: string) {
    const n = limitOf(limit);
    const { store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    return this.dispatcher.deadLetters(store.id, n);
  }

  /** Gives the row a fresh set of attempts and tries it at once; answers what became of it. */
  @Post(':id/retry')
  @HttpCode(200)
  async retry(@Req() req: Request, @Param('storeId') storeId: string, @Param('id') id: string) {
    const { store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    return this.dispatcher.retryDeadLetter(store.id, idOf(id));
  }
}
