import { Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IntakeService } from '@boomerang/intake';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidQuery } from '../common/contract.js';
import { storeAccess, StoreAccessGuard } from '../common/store-access.js';

const limitMessage = 'must be a whole number from 1 to 1000';
export const intakeDeadLettersQuerySchema = z.object({
  limit: z.coerce.number({ error: limitMessage }).int(limitMessage).min(1, limitMessage).max(1000, limitMessage).default(100),
});

export const intakeDeadLetterSchema = z
  .object({
    eventId: z.uuid(),
    platform: z.string(),
    deliveryId: z.string(),
    topic: z.string().nullable(),
    receivedAt: z.date(),
    attempts: z.number().int(),
    lastError: z.string().nullable().meta({ description: 'Why it could not be projected' }),
    parkedAt: z.date(),
  })
  .meta({ id: 'IntakeDeadLetter' });

export const intakeEventStateSchema = z
  .object({
    eventId: z.uuid(),
    state: z.enum(['pending', 'projected', 'parked']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    result: z.record(z.string(), z.unknown()).nullable().meta({ description: 'What projection did (order and customer ids, rules armed)' }),
  })
  .meta({ id: 'IntakeEventState' });

/** Accepted events that could never be projected (a permanent error, or too many attempts): listed with the reason, and retried. */
@ApiTags('intake')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/intake')
export class IntakeDeadLettersController {
  constructor(@Inject(IntakeService) private readonly intake: IntakeService) {}

  @Get('dead-letters')
  @Returns(200, z.object({ items: z.array(intakeDeadLetterSchema), total: z.number().int() }), 'Most recently parked first')
  @Fails(400, 401, 404, 503)
  list(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(intakeDeadLettersQuerySchema) q: z.output<typeof intakeDeadLettersQuerySchema>) {
    return this.intake.deadLetters(storeAccess(req, storeId).store.id, q.limit);
  }

  /** Puts the event back in the queue with a fresh set of attempts; the projector takes it at once. */
  @Post('dead-letters/:eventId/retry')
  @HttpCode(202)
  @Returns(202, intakeEventStateSchema, 'Queued again')
  @Fails(401, 404, 409, 503)
  retry(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('eventId') eventId: string) {
    return this.intake.retry(storeAccess(req, storeId).store.id, eventId);
  }

  /** One event's projection state: pending, projected (with what it did) or parked (with why). */
  @Get('events/:eventId')
  @Returns(200, intakeEventStateSchema)
  @Fails(401, 404, 503)
  event(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('eventId') eventId: string) {
    return this.intake.state(storeAccess(req, storeId).store.id, eventId);
  }
}
