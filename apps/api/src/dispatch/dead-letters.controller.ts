import { Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@boomerang/persistence';
import { RetentionDispatcher } from '@boomerang/retention';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidParam, ValidQuery } from '../common/contract.js';
import { openStore, StoreAccessGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

const deadLetterId = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, 'must be a dead letter id (a positive whole number)')
  .transform(Number);

const limitMessage = 'must be a whole number from 1 to 1000';
export const deadLettersQuerySchema = z.object({
  limit: z.coerce.number({ error: limitMessage }).int(limitMessage).min(1, limitMessage).max(1000, limitMessage).default(100),
});

export const deadLetterSchema = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    orderId: z.uuid(),
    orderExternalId: z.string().nullable(),
    ruleId: z.uuid(),
    customerId: z.uuid(),
    email: z.string(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.date(),
    deadAt: z.date(),
  })
  .meta({ id: 'DeadLetter' });

const retryOutcomeSchema = z.object({
  id: z.number().int(),
  status: z.enum(['delivered', 'pending', 'dead']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});

/** Accepted orders whose retention signal Temporal refused for good (or too often): listed with the reason, and retried. */
@ApiTags('dispatch')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/dispatch/dead-letters')
export class DeadLettersController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(RetentionDispatcher) private readonly dispatcher: RetentionDispatcher,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @Returns(200, z.object({ items: z.array(deadLetterSchema), total: z.number().int() }), 'Newest first')
  @Fails(400, 401, 404)
  async list(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(deadLettersQuerySchema) q: z.output<typeof deadLettersQuerySchema>) {
    const { store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    return this.dispatcher.deadLetters(store.id, q.limit);
  }

  /** Gives the row a fresh set of attempts and tries it at once; answers what became of it. */
  @Post(':id/retry')
  @HttpCode(200)
  @Returns(200, retryOutcomeSchema, 'What became of the retried row')
  @Fails(400, 401, 404)
  async retry(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidParam('id', deadLetterId) id: number) {
    const { store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    return this.dispatcher.retryDeadLetter(store.id, id);
  }
}
