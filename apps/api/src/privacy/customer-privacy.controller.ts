import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@boomerang/domain';
import { DataRequestService, ErasureService, PrivacyRequestsService, privacyRequestsQuerySchema, ProfileLinkService } from '@boomerang/privacy';
import { classifyTemporalFailure } from '@boomerang/temporal-client';
import type { Request, Response } from 'express';
import { Fails, IdParam, Returns, ValidQuery } from '../common/contract.js';
import { storeAccess, StoreAccessGuard } from '../common/store-access.js';
import { customerExportSchema, customerPrivacySchema, dataRequestRecordedSchema, erasureSchema, privacyRequestListSchema, profileLinkSentSchema } from './privacy.views.js';

/** The merchant's privacy tools for a customer (issue 14, points 3–4): send the profile link, erase, the GDPR trail. */
@ApiTags('privacy')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId')
export class CustomerPrivacyController {
  constructor(
    @Inject(ProfileLinkService) private readonly links: ProfileLinkService,
    @Inject(ErasureService) private readonly erasure: ErasureService,
    @Inject(PrivacyRequestsService) private readonly requests: PrivacyRequestsService,
    @Inject(DataRequestService) private readonly dataRequests: DataRequestService,
  ) {}

  @Post('customers/:customerId/profile-link')
  @HttpCode(201)
  @Returns(201, profileLinkSentSchema, 'Emails the customer a link to their data, valid once and for 15 minutes')
  @Fails(401, 404, 429)
  async sendProfileLink(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('customerId') customerId: string) {
    const { em, store } = storeAccess(req, storeId);
    return this.links.send(em, store.id, customerId);
  }

  @Post('customers/:customerId/data-requests')
  @HttpCode(201)
  @Returns(201, dataRequestRecordedSchema, 'Records a data request for the customer and builds its export (everything held about them), to download and hand to them')
  @Fails(401, 404)
  async recordDataRequest(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('customerId') customerId: string) {
    const { em, store } = storeAccess(req, storeId);
    return this.dataRequests.recordForCustomer(em, store.id, customerId);
  }

  @Get('customers/:customerId/privacy')
  @Returns(200, customerPrivacySchema, 'The customer, the profile links sent to them and their GDPR requests')
  @Fails(401, 404)
  async overview(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('customerId') customerId: string) {
    const { em, store } = storeAccess(req, storeId);
    return this.requests.customerOverview(em, store.id, customerId);
  }

  @Delete('customers/:customerId')
  @HttpCode(200)
  @Returns(200, erasureSchema, 'Erases the customer: personal data removed everywhere, retention workflows ended, statistics kept')
  @Fails(401, 404, 503)
  async erase(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('customerId') customerId: string) {
    const { em, store } = storeAccess(req, storeId);
    try {
      return await this.erasure.eraseCustomer(em, store.id, customerId, { source: 'merchant' });
    } catch (err) {
      // Temporal first: while it is unreachable nothing is erased, and the merchant tries again.
      if (!(err instanceof DomainError) && classifyTemporalFailure(err) === 'unavailable') {
        throw new DomainError('unavailable', 'the workflow service is unreachable; nothing was erased, try again shortly');
      }
      throw err;
    }
  }

  @Get('privacy-requests')
  @Returns(200, privacyRequestListSchema, 'Erasures and data requests, newest first (optionally of one customer)')
  @Fails(400, 401, 404)
  async list(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(privacyRequestsQuerySchema) query: unknown) {
    const { em, store } = storeAccess(req, storeId);
    return { requests: await this.requests.list(em, store.id, query) };
  }

  @Get('privacy-requests/:requestId/export')
  @Returns(200, customerExportSchema, 'A data request’s export (Shopify customers/data_request), as a JSON attachment to hand to the customer')
  @Fails(401, 404)
  async export(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('requestId') requestId: string, @Res() res: Response) {
    const { em, store } = storeAccess(req, storeId);
    const exported = await this.requests.export(em, store.id, requestId);
    res
      .set({ 'content-disposition': `attachment; filename="data-request-${requestId}.json"`, 'cache-control': 'no-store' })
      .type('application/json')
      .send(JSON.stringify(exported, null, 2));
  }
}
