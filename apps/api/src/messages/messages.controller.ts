import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ValidationError } from '@boomerang/domain';
import { MikroORM } from '@boomerang/persistence';
import { LOG_KINDS, logQuerySchema, MessageLogService, outboxQuerySchema, statsQuerySchema, type LogKind } from '@boomerang/retention';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import type { z } from 'zod';
import { SchemaPipe } from '../common/input.pipe.js';
import { openStore } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

type LogQueryInput = z.infer<typeof logQuerySchema>;

@Controller('api/v1/stores/:storeId')
export class MessagesController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(MessageLogService) private readonly log: MessageLogService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  private open(req: Request, storeId: string) {
    return openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
  }

  /** Pending, sent, skipped and conversion logs: `from`/`to` (ISO dates), `ruleId`, `limit`, `cursor` from the last page. */
  @Get('logs/:kind')
  async logs(@Req() req: Request, @Param('storeId') storeId: string, @Param('kind') kind: string, @Query(new SchemaPipe(logQuerySchema)) q: LogQueryInput) {
    if (!LOG_KINDS.includes(kind as LogKind)) throw ValidationError.field('kind', `must be one of ${LOG_KINDS.join(', ')}`);
    const { em, store } = await this.open(req, storeId);
    return this.log.log(em, kind as LogKind, store.id, q);
  }

  @Get('stats')
  async stats(@Req() req: Request, @Param('storeId') storeId: string, @Query(new SchemaPipe(statsQuerySchema)) q: z.infer<typeof statsQuerySchema>) {
    const { em, store } = await this.open(req, storeId);
    return this.log.stats(em, store.id, q.ruleId);
  }

  @Get('messages/pending')
  async pending(@Req() req: Request, @Param('storeId') storeId: string, @Query(new SchemaPipe(logQuerySchema)) q: LogQueryInput) {
    const { em, store } = await this.open(req, storeId);
    return { pending: (await this.log.log(em, 'pending', store.id, q)).items };
  }

  @Get('messages/sent')
  async sent(@Req() req: Request, @Param('storeId') storeId: string, @Query(new SchemaPipe(logQuerySchema)) q: LogQueryInput) {
    const { em, store } = await this.open(req, storeId);
    return { sent: (await this.log.log(em, 'sent', store.id, q)).items };
  }

  @Get('outbox')
  async outbox(@Req() req: Request, @Param('storeId') storeId: string, @Query(new SchemaPipe(outboxQuerySchema)) q: z.infer<typeof outboxQuerySchema>) {
    const { em, store } = await this.open(req, storeId);
    const emails = await this.log.outbox(em, store.id, q.limit);
    return {
      emails: emails.map((e) => ({ id: e.id, messageId: e.messageId, to: e.toAddress, from: e.fromAddress, subject: e.subject, createdAt: e.createdAt })),
    };
  }

  @Get('outbox/:emailId')
  async outboxEmail(@Req() req: Request, @Param('storeId') storeId: string, @Param('emailId') emailId: string) {
    const { em, store } = await this.open(req, storeId);
    return this.log.outboxEmail(em, store.id, emailId);
  }
}
