import { Controller, Get, Inject, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { StoreDashboardService } from '@boomerang/reporting';
import type { Request } from 'express';
import { Fails, IdParam, Returns } from '../common/contract.js';
import { StoreAccessGuard, storeAccess } from '../common/store-access.js';
import { storeDashboardSchema, storeDashboardView } from './store-dashboard.views.js';

/** The store page's widgets (issue 13, point 1): read from the daily roll-ups the order triggers keep. */
@ApiTags('stores')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/dashboard')
export class StoreDashboardController {
  constructor(@Inject(StoreDashboardService) private readonly dashboard: StoreDashboardService) {}

  @Get()
  @Returns(200, storeDashboardSchema, 'This month, the last 7 and 30 days, all time, the connection and the top sellers')
  @Fails(401, 404)
  async get(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    return storeDashboardView(await this.dashboard.dashboard(em, store), store);
  }
}
