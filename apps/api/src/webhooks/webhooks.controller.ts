import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@boomerang/domain';
import { orderPayloadSchema, SIGNATURE_HEADER } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, type SameShape } from '../common/contract.js';
import { OrderWebhookService, type WebhookReceipt } from './order-webhook.service.js';

export const webhookReceiptSchema = z
  .object({
    orderId: z.uuid(),
    customerId: z.uuid(),
    status: z.string(),
    applied: z.boolean().meta({ description: 'false when an older update arrived after a newer one (nothing changed)' }),
    rulesArmed: z.number().int(),
  })
  .meta({ id: 'WebhookReceipt' });

/** The compiler keeps the documented receipt and the service's type one shape. */
const receiptMatches: SameShape<z.output<typeof webhookReceiptSchema>, WebhookReceipt> = true;
void receiptMatches;

@ApiTags('webhooks')
@ApiSecurity('webhookSignature')
@Controller('api/v1/stores/:storeId/webhooks')
export class WebhooksController {
  constructor(@Inject(OrderWebhookService) private readonly webhooks: OrderWebhookService) {}

  /**
   * The body stays raw until its signature (HMAC-SHA256 over the bytes sent) is verified, then it is parsed with
   * `orderPayloadSchema`: the same object the document shows, applied after the signature rather than by the pipe.
   */
  @Post('orders')
  @HttpCode(202)
  @ApiBody({ description: 'The order, signed in X-Boomerang-Signature', required: true, standardSchema: orderPayloadSchema } as never)
  @Returns(202, webhookReceiptSchema, 'Stored; its retention signals are delivered after the commit')
  @Fails(400, 401, 404, 413, 415)
  receive(@Req() req: Request, @IdParam('storeId') storeId: string, @Headers(SIGNATURE_HEADER) signature: string | undefined) {
    if (!Buffer.isBuffer(req.body)) throw new DomainError('malformed_json', 'request body is empty');
    return this.webhooks.receive(storeId, req.body, signature);
  }
}
