import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@boomerang/persistence';
import { previewRuleSchema, RulePreviewService } from '@boomerang/retention';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, type SameShape, ValidBody } from '../common/contract.js';
import { openStore, StoreKeyGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

const rulePreviewSchema = z
  .object({
    subject: z.string(),
    html: z.string().meta({ description: 'The whole email as sent: layout, logo, social links, CAN-SPAM footer; links inert' }),
    text: z.string(),
    from: z.string(),
    customer: z.object({
      id: z.uuid().nullable(),
      email: z.string(),
      name: z.string().nullable(),
      sample: z.boolean().meta({ description: 'True while the store has no customer: Alex Sample stands in' }),
    }),
  })
  .meta({ id: 'RulePreview' });
const previewMatches: SameShape<z.output<typeof rulePreviewSchema>, Awaited<ReturnType<RulePreviewService['preview']>>> = true;
void previewMatches;

@ApiTags('rules')
@ApiBearerAuth('apiKey')
@UseGuards(StoreKeyGuard)
@Controller('api/v1/stores/:storeId/rules/preview')
export class RulePreviewController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(RulePreviewService) private readonly previews: RulePreviewService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** A draft rule's message rendered by the code that sends it, with a customer's data (or a sample customer's). */
  @Post()
  @HttpCode(200)
  @Returns(200, rulePreviewSchema)
  @Fails(400, 401, 404)
  async preview(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(previewRuleSchema) body: unknown) {
    const { em, store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    return this.previews.preview(em, store, body);
  }
}
