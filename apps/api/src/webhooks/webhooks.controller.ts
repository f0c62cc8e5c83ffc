import { Controller, Headers, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { DomainError } from '@boomerang/domain';
import { SIGNATURE_HEADER } from '@boomerang/stores';
import type { Request } from 'express';
import { OrderWebhookService } from './order-webhook.service.js';

@Controller('api/v1/stores/:storeId/webhooks')
export class WebhooksController {
  constructor(@Inject(OrderWebhookService) private readonly webhooks: OrderWebhookService) {}

  @Post('orders')
  @HttpCode(202)
  receive(@Req() req: Request, @Param('storeId') storeId: string, @Headers(SIGNATURE_HEADER) signature: string | undefined) {
    if (!Buffer.isBuffer(req.body)) throw new DomainError('malformed_json', 'request body is empty');
    return this.webhooks.receive(storeId, req.body, signature);
  }
}
