import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ValidationError } from '@boomerang/domain';
import { MikroORM } from '@boomerang/persistence';
import { MessageLogService } from '@boomerang/retention';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { authorizeStore } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw ValidationError.field('limit', 'must be a whole number from 1 to 1000');
  return n;
}

@Controller('api/v1/stores/:storeId')
export class MessagesController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(MessageLogService) private readonly log: MessageLogService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('messages/pending')
  async pending(@Req() req: Request, @Param('storeId') storeId: string, @Query('limit') limit?: string) {
    const em = this.orm.em.fork();
    const store = await authorizeStore(this.stores, this.config.adminApiKey, em, req, storeId);
    return { pending: await this.log.pending(em, store.id, limitOf(limit)) };
  }

  @Get('messages/sent')
  async sent(@Req() req: Request, @Param('storeId') storeId: string, @Query('limit') limit?: string) {
    const em = this.orm.em.fork();
    const store = await authorizeStore(this.stores, this.config.adminApiKey, em, req, storeId);
    return { sent: await this.log.sent(em, store.id, limitOf(limit)) };
  }

  @Get('outbox')
  async outbox(@Req() req: Request, @Param('storeId') storeId: string, @Query('limit') limit?: string) {
    const em = this.orm.em.fork();
    const store = await authorizeStore(this.stores, this.config.adminApiKey, em, req, storeId);
    const emails = await this.log.outbox(em, store.id, limitOf(limit));
    return {
      emails: emails.map((e) => ({ id: e.id, messageId: e.messageId, to: e.toAddress, from: e.fromAddress, subject: e.subject, createdAt: e.createdAt })),
    };
  }

  @Get('outbox/:emailId')
  async outboxEmail(@Req() req: Request, @Param('storeId') storeId: string, @Param('emailId') emailId: string) {
    const em = this.orm.em.fork();
    const store = await authorizeStore(this.stores, this.config.adminApiKey, em, req, storeId);
    return this.log.outboxEmail(em, store.id, emailId);
  }
}
