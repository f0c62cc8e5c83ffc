import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ValidationError } from '@boomerang/domain';
import { MikroORM } from '@boomerang/persistence';
import { MessageLogService, type LogKind, type LogQuery } from '@boomerang/retention';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { openStore } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

const LOG_KINDS: LogKind[] = ['pending', 'sent', 'skipped', 'conversions'];

function dateOf(field: string, raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw ValidationError.field(field, 'must be an ISO-8601 date or date-time');
  return new Date(t);
}

function logQuery(q: Record<string, string | undefined>): LogQuery {
  const ruleId = q.ruleId;
  if (ruleId !== undefined && !/^[0-9a-f-]{36}$/i.test(ruleId)) throw ValidationError.field('ruleId', 'must be a rule id');
  return { ruleId, from: dateOf('from', q.from), to: dateOf('to', q.to), cursor: q.cursor, limit: limitOf(q.limit) };
}

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

  private open(req: Request, storeId: string) {
    return openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
  }

  /** Pending, sent, skipped and conversion logs: `from`/`to` (ISO dates), `ruleId`, `limit`, `cursor` from the last page. */
  @Get('logs/:kind')
  async logs(@Req() req: Request, @Param('storeId') storeId: string, @Param('kind') kind: string, @Query() q: Record<string, string>) {
    if (!LOG_KINDS.includes(kind as LogKind)) throw ValidationError.field('kind', `must be one of ${LOG_KINDS.join(', ')}`);
    const { em, store } = await this.open(req, storeId);
    return this.log.log(em, kind as LogKind, store.id, logQuery(q));
  }

  @Get('stats')
  async stats(@Req() req: Request, @Param('storeId') storeId: string, @Query('ruleId') ruleId?: string) {
    const { em, store } = await this.open(req, storeId);
    return this.log.stats(em, store.id, logQuery({ ruleId }).ruleId);
  }

  @Get('messages/pending')
  async pending(@Req() req: Request, @Param('storeId') storeId: string, @Query() q: Record<string, string>) {
    const { em, store } = await this.open(req, storeId);
    return { pending: (await this.log.log(em, 'pending', store.id, logQuery(q))).items };
  }

  @Get('messages/sent')
  async sent(@Req() req: Request, @Param('storeId') storeId: string, @Query() q: Record<string, string>) {
    const { em, store } = await this.open(req, storeId);
    return { sent: (await this.log.log(em, 'sent', store.id, logQuery(q))).items };
  }

  @Get('outbox')
  async outbox(@Req() req: Request, @Param('storeId') storeId: string, @Query('limit') limit?: string) {
    const { em, store } = await this.open(req, storeId);
    const emails = await this.log.outbox(em, store.id, limitOf(limit));
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
