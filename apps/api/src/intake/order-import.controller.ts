import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IntakeService } from '@boomerang/intake';
import { normalizeGenericOrder, orderPayloadSchema } from '@boomerang/stores';
import { parseOrThrow } from '@boomerang/validation';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidBody } from '../common/contract.js';
import { storeAccess, StoreAccessGuard } from '../common/store-access.js';

export const MAX_IMPORT_ORDERS = 500;

export const orderImportSchema = z
  .array(orderPayloadSchema)
  .min(1, 'must hold at least one order')
  .max(MAX_IMPORT_ORDERS, `must hold at most ${MAX_IMPORT_ORDERS} orders`)
  .meta({ id: 'OrderImport', description: 'Orders in the generic webhook format, oldest first' });

export const orderImportReceiptSchema = z
  .object({
    accepted: z.number().int().meta({ description: 'Orders stored for projection' }),
    duplicates: z.number().int().meta({ description: 'Orders already imported with the same id and update time (nothing changed)' }),
    events: z.array(z.object({ eventId: z.uuid(), duplicate: z.boolean() })).meta({ description: 'One per order, in the order given' }),
  })
  .meta({ id: 'OrderImportReceipt' });

/**
 * The custom cart's REST import (issue 12): past or current orders in bulk, in the generic webhook format. Stored
 * with one multi-row INSERT into the inbox and projected like webhooks; an order re-imported with the same id and
 * update time is a duplicate, a newer update of it replaces the older one.
 */
@ApiTags('intake')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/orders/import')
export class OrderImportController {
  constructor(@Inject(IntakeService) private readonly intake: IntakeService) {}

  @Post()
  @HttpCode(202)
  @Returns(202, orderImportReceiptSchema, 'Stored in the inbox; projected asynchronously')
  @Fails(400, 401, 404, 413, 415, 503)
  async import(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(orderImportSchema) body: unknown) {
    const { store } = storeAccess(req, storeId);
    // The pipe checks the body as sent; its parsed form (amounts as exact decimals, `" 9.50 "` → `9.50`) is taken here.
    const orders = parseOrThrow(orderImportSchema, body);
    const events = await this.intake.acceptNormalized(
      store.id,
      'custom',
      orders.map((o) => {
        const order = normalizeGenericOrder(o);
        return { deliveryId: `import:${order.externalId}:${order.updatedAt}`, topic: 'order', event: { kind: 'order' as const, order } };
      }),
    );
    const duplicates = events.filter((e) => e.duplicate).length;
    return { accepted: events.length - duplicates, duplicates, events };
  }
}
