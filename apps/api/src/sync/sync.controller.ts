import { Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { HistoricalSyncService, type SyncProgressView } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, type SameShape } from '../common/contract.js';
import { storeAccess, StoreAccessGuard } from '../common/store-access.js';

export const syncRunSchema = z
  .object({
    id: z.string(),
    state: z.enum(['running', 'completed', 'failed']),
    platform: z.string().nullable().meta({ description: 'The platform walked; null until the workflow resolved the connection' }),
    fetched: z.number().int().meta({ description: 'Orders fetched so far' }),
    total: z.number().int().nullable().meta({ description: 'Orders the platform counts; null until it says' }),
    percent: z.number().int().meta({ description: '0–100; 100 only once completed' }),
    ordersPerSecond: z.number().nullable(),
    etaSeconds: z.number().int().nullable().meta({ description: 'Estimated seconds left at the rate so far; null when unknown or finished' }),
    startedAt: z.date(),
    finishedAt: z.date().nullable(),
    error: z.string().nullable().meta({ description: "Why it failed, in the platform's words when it refused" }),
  })
  .meta({ id: 'SyncRun' });
const viewMatches: SameShape<z.output<typeof syncRunSchema>, SyncProgressView> = true;
void viewMatches;

/** Settings → Sync historical data: one durable walk through the store's order history at a time. */
@ApiTags('stores')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/sync')
export class SyncController {
  constructor(@Inject(HistoricalSyncService) private readonly sync: HistoricalSyncService) {}

  /** Starts fetching every past order from the store's platform; intake stores them, then active rules back-fill. */
  @Post()
  @HttpCode(202)
  @Returns(202, syncRunSchema, 'Started; poll GET for progress')
  @Fails(401, 404, 409)
  async start(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    return this.sync.start(em, store.id);
  }

  /** The latest run: running, completed or failed, with orders fetched of total, rate and estimated time left. */
  @Get()
  @Returns(200, syncRunSchema)
  @Fails(401, 404)
  async latest(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    return this.sync.latest(em, store.id);
  }
}
