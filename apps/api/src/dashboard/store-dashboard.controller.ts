import { Controller, Get, Inject, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GoogleAnalyticsService } from '@boomerang/integrations';
import { StoreDashboardService } from '@boomerang/reporting';
import type { Request } from 'express';
import { Fails, IdParam, Returns } from '../common/contract.js';
import { StoreAccessGuard, storeAccess } from '../common/store-access.js';
import { storeDashboardSchema, storeDashboardView } from './store-dashboard.views.js';

/** The store page's widgets (issue 13, points 1 and 2): the daily roll-ups the order triggers keep, and Google Analytics. */
@ApiTags('stores')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/dashboard')
export class StoreDashboardController {
  constructor(
    @Inject(StoreDashboardService) private readonly dashboard: StoreDashboardService,
    @Inject(GoogleAnalyticsService) private readonly analytics: GoogleAnalyticsService,
  ) {}

  @Get()
  @Returns(200, storeDashboardSchema, 'This month, the last 7 and 30 days, all time, the connection, the top sellers, and Google Analytics\' last 90 days')
  @Fails(401, 404)
  async get(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    // Google is asked only when the cached report is older than its life; a failing Google never fails the page.
    const [figures, analytics] = await Promise.all([this.dashboard.dashboard(em, store), this.analytics.widgets(em.fork(), store.id)]);
    return storeDashboardView(figures, store, analytics);
  }
}
