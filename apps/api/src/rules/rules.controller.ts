import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { formatWindow } from '@boomerang/domain';
import { MikroORM, type RetentionRule } from '@boomerang/persistence';
import { RulesService } from '@boomerang/retention';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { openStore } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

export function ruleView(rule: RetentionRule) {
  return {
    id: rule.id,
    storeId: rule.storeId,
    name: rule.name,
    status: rule.status,
    sendingFilter: rule.sendingFilter,
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
  async create(@Req() req: Request, @Param('storeId') storeId: string, @Body() body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.create(em, store.id, body));
  }

  @Get(':ruleId')
  async get(@Req() req: Request, @Param('storeId') storeId: string, @Param('ruleId') ruleId: string) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.get(em, store.id, ruleId));
  }

  @Patch(':ruleId')
  async update(@Req() req: Request, @Param('storeId') storeId: string, @Param('ruleId') ruleId: string, @Body() body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.update(em, store.id, ruleId, body));
  }

  @Post(':ruleId/activate')
  @HttpCode(200)
  async activate(@Req() req: Request, @Param('storeId') storeId: string, @Param('ruleId') ruleId: string, @Body() body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.activate(em, store.id, ruleId, body));
  }

  @Post(':ruleId/test-send')
  @HttpCode(200)
  async testSend(@Req() req: Request, @Param('storeId') storeId: string, @Param('ruleId') ruleId: string, @Body() body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return this.rules.testSend(em, store.id, ruleId, body);
  }

  @Post(':ruleId/pause')
  @HttpCode(200)
  async pause(@Req() req: Request, @Param('storeId') storeId: string, @Param('ruleId') ruleId: string) {
    const { em, store } = await this.open(req, storeId);
    return ruleView(await this.rules.pause(em, store.id, ruleId));
  }

  @Delete(':ruleId')
  @HttpCode(204)
  async remove(@Req() req: Request, @Param('storeId') storeId: string, @Param('ruleId') ruleId: string) {
    const { em, store } = await this.open(req, storeId);
    await this.rules.delete(em, store.id, ruleId);
  }

  @Get()
  async list(@Req() req: Request, @Param('storeId') storeId: string) {
    const { em, store } = await this.open(req, storeId);
    return { rules: (await this.rules.list(em, store.id)).map(ruleView) };
  }
}
