import { Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { directMessageSchema, DirectMessagesService } from '@boomerang/retention';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidBody } from '../common/contract.js';
import { sessionPrincipal, StoreAccessGuard, storeAccess } from '../common/store-access.js';

const directMessageResultSchema = z
  .object({
    messageId: z.uuid(),
    to: z.string(),
    status: z.enum(['sending', 'sent', 'skipped', 'failed']).meta({ description: '`sending`: the worker has it and will send it once, through any outage' }),
    reason: z.string().nullable().optional(),
    at: z.string().optional(),
  })
  .meta({ id: 'DirectMessageResult' });

/** A message the merchant writes to one opted-in customer, from the order view (issue 13, point 3). */
@ApiTags('customers')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/customers/:customerId/messages')
export class DirectMessagesController {
  constructor(@Inject(DirectMessagesService) private readonly messages: DirectMessagesService) {}

  /**
   * Sends it through the store's email transport, exactly once per `requestId`; waits a few seconds for the outcome
   * (201), else answers 202 `sending`. 409 when the customer has not opted in, unsubscribed or is suppressed.
   */
  @Post()
  @HttpCode(201)
  @Returns(201, directMessageResultSchema, 'Sent (or skipped, failed, with the reason)')
  @Returns(202, directMessageResultSchema, 'Accepted: still sending')
  @Fails(400, 401, 404, 409)
  async send(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @IdParam('storeId') storeId: string,
    @IdParam('customerId') customerId: string,
    @ValidBody(directMessageSchema) body: unknown,
  ) {
    const { em, store } = storeAccess(req, storeId);
    const result = await this.messages.send(em, store.id, customerId, sessionPrincipal(req)?.userId ?? null, body);
    if (result.status === 'sending') res.status(202);
    return result;
  }
}
