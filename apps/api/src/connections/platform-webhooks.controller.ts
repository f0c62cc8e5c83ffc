import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { PlatformWebhookReceiver, type ReceivedWebhook, type ReceivingPlatform } from '@boomerang/stores';
import type { Request } from 'express';
import { Fails, IdParam, Returns } from '../common/contract.js';
import { webhookAcceptanceSchema } from './connection.schemas.js';

const RAW_BODY = { required: true, description: 'The platform\'s webhook, byte for byte as it signed it', schema: { type: 'string' } };

/** Header names are lowercase already (Node); a repeated header arrives as one comma-joined value. */
function received(req: Request): ReceivedWebhook {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { headers, rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) };
}

/**
 * The platforms' webhooks, one receiver each: the signature is checked on the raw bytes with the store's secret
 * (Shopify: the app's API secret key; WooCommerce and BigCommerce: the secret we registered), then the delivery is
 * stored once in the inbox and answered 200 at once; projection happens after.
 */
@ApiTags('webhooks')
@Controller('api/v1/webhooks')
export class PlatformWebhooksController {
  constructor(@Inject(PlatformWebhookReceiver) private readonly receiver: PlatformWebhookReceiver) {}

  /** Signed in `X-Shopify-Hmac-Sha256` (or `Shopify-Hmac-Sha256`): base64 HMAC-SHA256 of the body with the app's API secret key. */
  @Post('shopify/:storeId')
  @HttpCode(200)
  @ApiBody(RAW_BODY)
  @Returns(200, webhookAcceptanceSchema, 'Stored (or recognised as a redelivery)')
  @Fails(400, 401, 404, 413)
  shopify(@Req() req: Request, @IdParam('storeId') storeId: string) {
    return this.receive('shopify', storeId, req);
  }

  /** Signed in `X-WC-Webhook-Signature` with the secret we registered; the unsigned creation ping (`webhook_id=…`) is accepted. */
  @Post('woocommerce/:storeId')
  @HttpCode(200)
  @ApiBody(RAW_BODY)
  @Returns(200, webhookAcceptanceSchema, 'Stored (or recognised as a redelivery)')
  @Fails(400, 401, 404, 413)
  woocommerce(@Req() req: Request, @IdParam('storeId') storeId: string) {
    return this.receive('woocommerce', storeId, req);
  }

  /** A light payload (`{ scope, data: { type, id }, hash, … }`) carrying the secret header we registered the hook with. */
  @Post('bigcommerce/:storeId')
  @HttpCode(200)
  @ApiBody(RAW_BODY)
  @Returns(200, webhookAcceptanceSchema, 'Stored (or recognised as a redelivery)')
  @Fails(400, 401, 404, 413)
  bigcommerce(@Req() req: Request, @IdParam('storeId') storeId: string) {
    return this.receive('bigcommerce', storeId, req);
  }

  private receive(platform: ReceivingPlatform, storeId: string, req: Request) {
    return this.receiver.receive(platform, storeId, received(req));
  }
}
