import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@boomerang/domain';
import { orderPayloadSchema } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, type SameShape } from '../common/contract.js';
import { OrderWebhookService, type WebhookReceipt } from './order-webhook.service.js';

export const webhookReceiptSchema = z
  .object({
    eventId: z.uuid().meta({ description: 'The stored event; its projection into orders and retention follows asynchronously' }),
    duplicate: z.boolean().meta({ description: 'true when this delivery was already stored (nothing changed)' }),
  })
  .meta({ id: 'WebhookReceipt' });

/** The compiler keeps the documented receipt and the service's type one shape. */
const receiptMatches: SameShape<z.output<typeof webhookReceiptSchema>, WebhookReceipt> = true;
void receiptMatches;

/** Header names as Node gives them (lowercase), each with its one value. */
function headersOf(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

@ApiTags('webhooks')
@ApiSecurity('webhookSignature')
@Controller('api/v1/stores/:storeId/webhooks')
export class WebhooksController {
  constructor(@Inject(OrderWebhookService) private readonly webhooks: OrderWebhookService) {}

  /**
   * The body stays raw until its signature (HMAC-SHA256 over the bytes sent) is verified, then it is parsed with
   * `orderPayloadSchema`: the same object the document shows, applied after the signature rather than by the pipe.
   * The event is stored in the inbox with one INSERT before the answer; a redelivery (same `X-Boomerang-Delivery`,
   * else the same bytes) answers `duplicate: true` and changes nothing.
   */
  @Post('orders')
  @HttpCode(202)
  @ApiBody({ description: 'The order, signed in X-Boomerang-Signature', required: true, standardSchema: orderPayloadSchema } as never)
  @ApiHeader({ name: 'X-Boomerang-Delivery', required: false, description: "The cart's id of this delivery, repeated on its retries (default: the body's sha256)" })
  @Returns(202, webhookReceiptSchema, 'Stored in the inbox; projected into orders and retention asynchronously')
  @Fails(400, 401, 404, 413, 415, 503)
  receive(@Req() req: Request, @IdParam('storeId') storeId: string) {
    if (!Buffer.isBuffer(req.body)) throw new DomainError('malformed_json', 'request body is empty');
    return this.webhooks.receive(storeId, req.body, headersOf(req));
  }
}
