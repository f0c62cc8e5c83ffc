import { Controller, Delete, Get, HttpCode, Inject, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { connectionInputSchema, ConnectionsService } from '@boomerang/stores';
import type { Request } from 'express';
import { Fails, IdParam, Returns, ValidBody } from '../common/contract.js';
import { StoreAccessGuard, storeAccess } from '../common/store-access.js';
import { connectionSchema } from './connection.schemas.js';

/** A store's link to its cart (issue 12): status, connect or update, test, remove. Credentials go in, never out. */
@ApiTags('connection')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/connection')
export class ConnectionsController {
  constructor(@Inject(ConnectionsService) private readonly connections: ConnectionsService) {}

  @Get()
  @Returns(200, connectionSchema, 'The connection; a store never connected answers platform null, status disconnected')
  @Fails(401, 404)
  get(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    return this.connections.view(em, store);
  }

  /**
   * Tests the credentials at the platform, unregisters our previous webhooks, registers new ones at our receiver and
   * stores the credentials sealed. A refusal answers 422 with the platform's own message and leaves the connection
   * `failing`.
   */
  @Put()
  @Returns(200, connectionSchema, 'Connected: the platform accepted the credentials and our webhooks are registered (a custom cart: our signed webhook URL and import endpoint). 422 carries the platform\'s own refusal and leaves the connection failing')
  @Fails(400, 401, 404, 422)
  connect(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(connectionInputSchema) body: unknown) {
    const { em, store } = storeAccess(req, storeId);
    return this.connections.connect(em, store, body);
  }

  /** Asks the platform again with the stored credentials; the outcome becomes the status. */
  @Post('test')
  @HttpCode(200)
  @Returns(200, connectionSchema, 'The platform accepted the credentials')
  @Fails(401, 404, 409, 422)
  test(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    return this.connections.test(em, store);
  }

  /** Unregisters our webhooks at the platform (best effort: a refusal is reported in `lastError`) and forgets the credentials. */
  @Delete()
  @Returns(200, connectionSchema, 'Disconnected')
  @Fails(401, 404)
  remove(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    return this.connections.disconnect(em, store);
  }
}
