import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@boomerang/persistence';
import {
  criteriaCatalogue,
  createSegmentSchema,
  CRITERION_KINDS,
  previewSegmentSchema,
  segmentMembersQuerySchema,
  SegmentsService,
  updateSegmentSchema,
  type SegmentMembersQuery,
  type SegmentView,
} from '@boomerang/segments';
import { StoresService } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidBody, ValidQuery } from '../common/contract.js';
import { openStore, StoreAccessGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

export const segmentViewSchema = z
  .object({
    id: z.uuid(),
    storeId: z.uuid(),
    name: z.string(),
    definition: z.unknown().meta({ description: 'The rule tree (SegmentDefinition)' }),
    defaultKey: z.string().nullable().meta({ description: 'amazon, new_customers, ordered_60_days or vip for the seed\'s defaults; null for the merchant\'s own' }),
    memberCount: z.number().int(),
    evaluating: z.boolean().meta({ description: 'Created or edited and not yet evaluated against every customer' }),
    evaluatedAt: z.date().nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Segment' });

const memberSchema = z
  .object({ customerId: z.uuid(), email: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable() })
  .meta({ id: 'SegmentPreviewMember' });

const previewResultSchema = z.object({ count: z.number().int(), members: z.array(memberSchema) }).meta({ id: 'SegmentPreview' });

const membersPageSchema = z
  .object({
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    members: z.array(memberSchema.extend({ enteredAt: z.date() })),
  })
  .meta({ id: 'SegmentMembers' });

const criterionSchema = z
  .object({ key: z.string(), label: z.string(), kind: z.enum(CRITERION_KINDS), qualifiers: z.array(z.string()) })
  .meta({ id: 'SegmentCriterion' });

export function segmentView(v: SegmentView): z.output<typeof segmentViewSchema> {
  return {
    id: v.segment.id,
    storeId: v.segment.storeId,
    name: v.segment.name,
    definition: v.definition,
    defaultKey: v.segment.defaultKey ?? null,
    memberCount: v.memberCount,
    evaluating: v.evaluating,
    evaluatedAt: v.segment.evaluatedAt ?? null,
    createdAt: v.segment.createdAt,
    updatedAt: v.segment.updatedAt,
  };
}

/** Customer segments: the builder's criteria, preview ("Next"), CRUD and members. */
@ApiTags('segments')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/segments')
export class SegmentsController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(SegmentsService) private readonly segments: SegmentsService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  private open(req: Request, storeId: string) {
    return openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
  }

  @Get('criteria')
  @Returns(200, z.object({ criteria: z.array(criterionSchema), statuses: z.array(z.string()) }))
  @Fails(401, 404)
  async criteria(@Req() req: Request, @IdParam('storeId') storeId: string) {
    await this.open(req, storeId);
    return { criteria: criteriaCatalogue(), statuses: ['pending', 'processing', 'completed', 'shipped', 'cancelled', 'refunded'] };
  }

  @Post('preview')
  @HttpCode(200)
  @Returns(200, previewResultSchema, 'How many customers the definition selects now, and the first of them (nothing is saved)')
  @Fails(400, 401, 404)
  async preview(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(previewSegmentSchema) body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return this.segments.preview(em, store.id, body);
  }

  @Get()
  @Returns(200, z.object({ segments: z.array(segmentViewSchema) }))
  @Fails(401, 404)
  async list(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = await this.open(req, storeId);
    return { segments: (await this.segments.list(em, store.id)).map(segmentView) };
  }

  @Post()
  @HttpCode(201)
  @Returns(201, segmentViewSchema)
  @Fails(400, 401, 404, 409)
  async create(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(createSegmentSchema) body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return segmentView(await this.segments.create(em, store.id, body));
  }

  @Get(':segmentId')
  @Returns(200, segmentViewSchema)
  @Fails(401, 404)
  async get(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('segmentId') segmentId: string) {
    const { em, store } = await this.open(req, storeId);
    return segmentView(await this.segments.get(em, store.id, segmentId));
  }

  @Patch(':segmentId')
  @Returns(200, segmentViewSchema)
  @Fails(400, 401, 404)
  async update(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('segmentId') segmentId: string, @ValidBody(updateSegmentSchema) body: unknown) {
    const { em, store } = await this.open(req, storeId);
    return segmentView(await this.segments.update(em, store.id, segmentId, body));
  }

  @Delete(':segmentId')
  @HttpCode(204)
  @Returns(204, null, 'Deleted (its history of entering and leaving stays)')
  @Fails(401, 404, 409)
  async remove(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('segmentId') segmentId: string) {
    const { em, store } = await this.open(req, storeId);
    await this.segments.delete(em, store.id, segmentId);
  }

  @Get(':segmentId/members')
  @Returns(200, membersPageSchema)
  @Fails(400, 401, 404)
  async members(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('segmentId') segmentId: string, @ValidQuery(segmentMembersQuerySchema) query: SegmentMembersQuery) {
    const { em, store } = await this.open(req, storeId);
    return this.segments.members(em, store.id, segmentId, query);
  }
}

const customerSegmentsSchema = z
  .object({
    segments: z.array(z.object({ segmentId: z.uuid(), name: z.string(), enteredAt: z.date() })),
    history: z.array(
      z.object({
        segmentId: z.uuid(),
        segmentName: z.string(),
        kind: z.enum(['entered', 'left']),
        at: z.date(),
        cause: z.enum(['transaction', 'time', 'definition']).meta({ description: 'transaction: an order or customer update; time: a time-relative criterion ran out; definition: the segment was created or edited' }),
      }),
    ),
  })
  .meta({ id: 'CustomerSegments' });

/** A customer's segments now and their history of entering and leaving (the customer timeline reads this). */
@ApiTags('segments')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/customers/:customerId/segments')
export class CustomerSegmentsController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(SegmentsService) private readonly segments: SegmentsService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @Returns(200, customerSegmentsSchema)
  @Fails(401, 404)
  async get(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('customerId') customerId: string): Promise<z.output<typeof customerSegmentsSchema>> {
    const { em, store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    return this.segments.ofCustomer(em, store.id, customerId);
  }
}

