import { type CanActivate, Controller, type ExecutionContext, HttpCode, Inject, Injectable, Post, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@boomerang/persistence';
import { EmailEventsService, postmarkEventSchema } from '@boomerang/engagement';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, Returns, ValidBody } from '../common/contract.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';
import { authorizePostmarkWebhook } from './postmark-webhook.auth.js';

/** Credentials before the body: a guard runs before the pipe that validates it, so a stranger learns nothing from a 400. */
@Injectable()
export class PostmarkWebhookGuard implements CanActivate {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  canActivate(context: ExecutionContext): boolean {
    authorizePostmarkWebhook(context.switchToHttp().getRequest<Request>(), this.config);
    return true;
  }
}

const eventOutcomeSchema = z.object({
  status: z.enum(['recorded', 'duplicate', 'ignored']),
  type: z.string(),
  messageId: z.uuid().optional(),
  reason: z.string().optional(),
});

/** Delivery, Open, Click, Bounce, SpamComplaint and SubscriptionChange webhooks from Postmark. */
@ApiTags('webhooks')
@ApiSecurity('postmarkSecret')
@ApiSecurity('postmarkBasic')
@Controller('api/v1/webhooks/postmark')
export class PostmarkWebhookController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(EmailEventsService) private readonly events: EmailEventsService,
  ) {}

  @Post()
  @HttpCode(200)
  @UseGuards(PostmarkWebhookGuard)
  @Returns(200, eventOutcomeSchema, 'Recorded, a duplicate, or ignored (a message we never sent)')
  @Fails(400, 401, 413, 415)
  receive(@ValidBody(postmarkEventSchema) body: unknown) {
    return this.events.recordPostmark(this.orm.em, body);
  }
}
