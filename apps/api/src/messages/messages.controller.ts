import { Controller, Get, Inject, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@boomerang/persistence';
import { LOG_KINDS, logQuerySchema, MessageLogService, outboxQuerySchema, statsQuerySchema, type LogKind } from '@boomerang/reporting';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidParam, ValidQuery } from '../common/contract.js';
import { openStore, StoreAccessGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

type LogQueryInput = z.infer<typeof logQuerySchema>;

const logKindSchema = z.enum(LOG_KINDS, { error: `must be one of ${LOG_KINDS.join(', ')}` });
// The rows of each log, as MessageLogRepository maps them; the api suite checks real answers of every kind against
// these (apps/api/test/openapi.spec.ts), since the repository's rows are untyped SQL results.
/** An ISO-8601 instant in UTC, as `toISOString()` writes it. */
const time = z.string().meta({ format: 'date-time' });
/** What every log row names: the rule and the customer. */
const logRowSchema = z.object({ ruleId: z.uuid(), ruleName: z.string(), customerId: z.uuid(), email: z.string() });
const pendingItemSchema = logRowSchema
  .extend({
    lastPurchaseAt: time.nullable(),
    scheduledFor: time,
    workflowId: z.string().meta({ description: 'The customer\'s retention workflow in Temporal (the Temporal UI shows it under this id)' }),
  })
  .meta({ id: 'PendingLogItem' });
const sentItemSchema = logRowSchema
  .extend({
    messageId: z.uuid(),
    status: z.literal('sent'),
    subject: z.string().nullable(),
    transport: z.string().nullable(),
    dueAt: time,
    sentAt: time,
    opened: z.boolean(),
    clicked: z.boolean(),
    opens: z.number().int(),
    clicks: z.number().int(),
  })
  .meta({ id: 'SentLogItem' });
const skippedItemSchema = logRowSchema
  .extend({
    messageId: z.uuid(),
    status: z.enum(['skipped', 'failed']),
    reason: z.string().nullable(),
    dueAt: time,
    at: time,
  })
  .meta({ id: 'SkippedLogItem' });
const conversionItemSchema = logRowSchema
  .extend({
    orderId: z.uuid(),
    orderNumber: z.string().nullable(),
    revenue: z.number().meta({ description: 'In major units of `currency`' }),
    currency: z.string(),
    messageId: z.uuid(),
    messageSubject: z.string().nullable(),
    messageSentAt: time.nullable(),
    occurredAt: time,
  })
  .meta({ id: 'ConversionLogItem' });
/** One row of the log named by `kind`. */
const logItemSchema = z.union([pendingItemSchema, sentItemSchema, skippedItemSchema, conversionItemSchema]);

export const logPageSchema = z
  .object({
    items: z.array(logItemSchema),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .meta({ id: 'LogPage' });

export const statsSchema = z
  .object({
    currency: z.string().meta({ description: 'The store\'s currency (ISO 4217): `revenue` is in it, and counts only conversions in it' }),
    pending: z.number().int(),
    sent: z.number().int(),
    skipped: z.number().int(),
    opens: z.number().int(),
    clicks: z.number().int(),
    conversions: z.number().int(),
    revenue: z.number().meta({ description: 'Attributed revenue in major units of `currency`' }),
    weekly: z.array(z.object({ weekStart: z.string(), sent: z.number().int() })).meta({ description: 'Sent per ISO week (UTC), oldest first' }),
  })
  .meta({ id: 'Stats' });

const outboxEmailSchema = z
  .object({
    id: z.uuid(),
    storeId: z.uuid(),
    messageId: z.uuid(),
    fromAddress: z.string(),
    toAddress: z.string(),
    subject: z.string(),
    html: z.string(),
    text: z.string(),
    headers: z.record(z.string(), z.string()),
    createdAt: z.date(),
  })
  .meta({ id: 'OutboxEmail' });

const outboxSummarySchema = z.object({ id: z.uuid(), messageId: z.uuid(), to: z.string(), from: z.string(), subject: z.string(), createdAt: z.date() });

@ApiTags('messages')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
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
  @Returns(200, logPageSchema)
  @Fails(400, 401, 404)
  async logs(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidParam('kind', logKindSchema) kind: LogKind, @ValidQuery(logQuerySchema) q: LogQueryInput) {
    const { em, store } = await this.open(req, storeId);
    return this.log.log(em, kind, store.id, q);
  }

  @Get('stats')
  @Returns(200, statsSchema)
  @Fails(400, 401, 404)
  async stats(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(statsQuerySchema) q: z.infer<typeof statsQuerySchema>) {
    const { em, store } = await this.open(req, storeId);
    return this.log.stats(em, store, q.ruleId);
  }

  @Get('messages/pending')
  @Returns(200, z.object({ pending: z.array(pendingItemSchema) }), 'The first page of the pending log (prefer logs/pending)')
  @Fails(400, 401, 404)
  async pending(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(logQuerySchema) q: LogQueryInput) {
    const { em, store } = await this.open(req, storeId);
    return { pending: (await this.log.log(em, 'pending', store.id, q)).items };
  }

  @Get('messages/sent')
  @Returns(200, z.object({ sent: z.array(sentItemSchema) }), 'The first page of the sent log (prefer logs/sent)')
  @Fails(400, 401, 404)
  async sent(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(logQuerySchema) q: LogQueryInput) {
    const { em, store } = await this.open(req, storeId);
    return { sent: (await this.log.log(em, 'sent', store.id, q)).items };
  }

  @Get('outbox')
  @Returns(200, z.object({ emails: z.array(outboxSummarySchema) }), 'Emails captured by the outbox transport, newest first')
  @Fails(400, 401, 404)
  async outbox(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(outboxQuerySchema) q: z.infer<typeof outboxQuerySchema>) {
    const { em, store } = await this.open(req, storeId);
    const emails = await this.log.outbox(em, store.id, q.limit);
    return {
      emails: emails.map((e): z.output<typeof outboxSummarySchema> => ({ id: e.id, messageId: e.messageId, to: e.toAddress, from: e.fromAddress, subject: e.subject, createdAt: e.createdAt })),
    };
  }

  @Get('outbox/:emailId')
  @Returns(200, outboxEmailSchema, 'One captured email with its HTML and text')
  @Fails(401, 404)
  async outboxEmail(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('emailId') emailId: string): Promise<z.output<typeof outboxEmailSchema>> {
    const { em, store } = await this.open(req, storeId);
    const e = await this.log.outboxEmail(em, store.id, emailId);
    return { id: e.id, storeId: store.id, messageId: e.messageId, fromAddress: e.fromAddress, toAddress: e.toAddress, subject: e.subject, html: e.html, text: e.text, headers: e.headers, createdAt: e.createdAt };
  }
}
