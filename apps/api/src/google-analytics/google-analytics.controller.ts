import { Controller, Delete, Get, HttpCode, Inject, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { connectGoogleAnalyticsSchema, GoogleAnalyticsService, type GoogleAnalyticsStatus } from '@boomerang/integrations';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidBody } from '../common/contract.js';
import { storeAccess, StoreAccessGuard } from '../common/store-access.js';

const connectionSchema = z
  .object({
    propertyId: z.string().meta({ description: 'The GA4 property id (digits)' }),
    clientEmail: z.string().meta({ description: 'The service account that reads it; its key is sealed at rest and never returned' }),
    status: z.enum(['connected', 'error']).meta({ description: '`error` once Google refused the key or the property: connect again' }),
    lastError: z.string().nullable().meta({ description: 'Google\'s answer to the last failed read' }),
    connectedAt: z.date(),
    lastRefreshAt: z.date().nullable().meta({ description: 'When the dashboard\'s report was last read from Google' }),
  })
  .meta({ id: 'GoogleAnalyticsConnection' });

const view = (s: GoogleAnalyticsStatus): z.output<typeof connectionSchema> => ({
  propertyId: s.propertyId,
  clientEmail: s.clientEmail,
  status: s.status,
  lastError: s.lastError,
  connectedAt: s.connectedAt,
  lastRefreshAt: s.lastRefreshAt,
});

/** Google Analytics (issue 13, point 2): the store's GA4 connection through a service account key. */
@ApiTags('stores')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/google-analytics')
export class GoogleAnalyticsController {
  constructor(@Inject(GoogleAnalyticsService) private readonly analytics: GoogleAnalyticsService) {}

  @Get()
  @Returns(200, z.object({ connection: connectionSchema.nullable() }), 'The connection, or null when Google Analytics is not connected')
  @Fails(401, 404)
  async get(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    const status = await this.analytics.status(em, store.id);
    return { connection: status ? view(status) : null };
  }

  @Put()
  @Returns(
    200,
    connectionSchema,
    'Connects (or replaces) the GA4 property with the service account\'s JSON key file. Google is asked first (token exchange and a minimal report): a key it refuses or a property the account cannot read is a 422 naming Google\'s answer, Google unreachable a 503; nothing is stored then',
  )
  @Fails(400, 401, 404, 422, 503)
  async connect(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(connectGoogleAnalyticsSchema) body: unknown) {
    const { em, store } = storeAccess(req, storeId);
    return view(await this.analytics.connect(em, store.id, body));
  }

  @Delete()
  @HttpCode(204)
  @Returns(204, null, 'Disconnects: the sealed key and the cached report are deleted')
  @Fails(401, 404)
  async remove(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    await this.analytics.disconnect(em, store.id);
  }
}
