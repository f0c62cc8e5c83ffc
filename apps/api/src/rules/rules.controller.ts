import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { formatWindow } from '@boomerang/domain';
import { MikroORM, type RetentionRule } from '@boomerang/persistence';
import { activateRuleSchema, createRuleSchema, RulesService, testSendSchema, updateRuleSchema } from '@boomerang/retention';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, type SameShape, ValidBody } from '../common/contract.js';
import { openStore, StoreAccessGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

export const ruleViewSchema = z
  .object({
    id: z.uuid(),
    storeId: z.uuid(),
    name: z.string(),
    status: z.string().meta({ description: 'draft, active or paused' }),
    sendingFilter: z.string().meta({ description: 'all, opted_in or registered' }),
    segmentId: z.uuid().nullable().meta({ description: 'The audience: only members of this segment are sent to (re-checked at send time); null for everyone' }),
    action: z.literal('has_not_purchased'),
    skus: z.array(z.string()),
    windowSeconds: z.number().int(),
    window: z.string().meta({ description: 'ISO-8601 duration' }),
    senderName: z.string(),
    senderEmail: z.string(),
    subject: z.string(),
    bodyHtml: z.string(),
    bodyText: z.string().nullable(),
    attributionWindowSeconds: z.number().int(),
    activatedAt: z.date().nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Rule' });

const testSendResultSchema = z
  .object({
    to: z.string(),
    subject: z.string().meta({ description: 'As sent, prefixed `[Test]`' }),
    transport: z.string(),
    providerMessageId: z.string(),
    customerEmail: z.string().meta({ description: 'The customer whose data rendered the message' }),
  })
  .meta({ id: 'TestSendResult' });
const testSendMatches: SameShape<z.output<typeof testSendResultSchema>, Awaited<ReturnType<RulesService['testSend']>>> = true;
void testSendMatches;

export function ruleView(rule: RetentionRule): z.output<typeof ruleViewSchema> {
  return {
    id: rule.id,
    storeId: rule.storeId,
    name: rule.name,
    status: rule.status,
    sendingFilter: rule.sendingFilter,
    segmentId: rule.segmentId ?? null,
    action: 'has_not_purchased' as const,
    skus: rule.skus,
    windowSeconds: rule.windowSeconds,
    window: formatWindow(rule.windowSeconds),
    senderName: rule.senderName,
    senderEmail: rule.senderEmail,
    subject: rule.subject,
    bodyHtml: rule.bodyHtml,
    bodyText: rule.bodyText ?? null,
    attributionWindowSeconds: rule.attributionWindowSeconds,
    activatedAt: rule.activatedAt ?? null,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}

@ApiTags('rules')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/rules')
export class RulesController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(RulesService) private readonly rules: RulesService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  private open(req: Request, storeId: string) {
    return openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
  }

  @Post()
  @HttpCode(201)
  @Returns(201, ruleViewSchema)
  @Fails(400, 401, 404, 422)
  async create(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(createRuleSchema) body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.create(em, store.id, body));
  }

  @Get(':ruleId')
  @Returns(200, ruleViewSchema)
  @Fails(401, 404)
  async get(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('ruleId') ruleId: string) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.get(em, store.id, ruleId));
  }

  @Patch(':ruleId')
  @Returns(200, ruleViewSchema)
  @Fails(400, 401, 404, 409, 422)
  async update(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('ruleId') ruleId: string, @ValidBody(updateRuleSchema) body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.update(em, store.id, ruleId, body));
  }

  @Post(':ruleId/activate')
  @HttpCode(200)
  @Returns(200, ruleViewSchema)
  @Fails(400, 401, 404, 409)
  async activate(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('ruleId') ruleId: string, @ValidBody(activateRuleSchema.optional()) body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.activate(em, store.id, ruleId, body));
  }

  @Post(':ruleId/test-send')
  @HttpCode(200)
  @Returns(200, testSendResultSchema, 'What was sent, and to whom')
  @Fails(400, 401, 404, 409, 422)
  async testSend(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('ruleId') ruleId: string, @ValidBody(testSendSchema) body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return this.rules.testSend(em, store.id, ruleId, body);
  }

  @Post(':ruleId/pause')
  @HttpCode(200)
  @Returns(200, ruleViewSchema)
  @Fails(401, 404, 409)
  async pause(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('ruleId') ruleId: string) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.pause(em, store.id, ruleId));
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @Returns(204, null, 'Deleted')
  @Fails(401, 404)
  async remove(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('ruleId') ruleId: string) {
    const { em, store } = await this.open(req, storeId);
    await this.rules.delete(em, store.id, ruleId);
  }

  @Get()
  @Returns(200, z.object({ rules: z.array(ruleViewSchema) }))
  @Fails(401, 404)
  async list(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = await this.open(req, storeId);
    return { rules: (await this.rules.list(em, store.id)).map(ruleView) };
  }
}
