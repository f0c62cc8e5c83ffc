import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { MikroORM } from '@boomerang/persistence';
import { EmailEventsService } from '@boomerang/engagement';
import type { Request } from 'express';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';
import { authorizePostmarkWebhook } from './postmark-webhook.auth.js';

/** Delivery, Open, Click, Bounce, SpamComplaint and SubscriptionChange webhooks from Postmark. */
@Controller('api/v1/webhooks/postmark')
export class PostmarkWebhookController {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(EmailEventsService) private readonly events: EmailEventsService,
  ) {}

  @Post()
  @HttpCode(200)
  receive(@Req() req: Request, @Body() body: unknown) {
    authorizePostmarkWebhook(req, this.config);
    return this.events.recordPostmark(this.orm.em, body);
  }
}
