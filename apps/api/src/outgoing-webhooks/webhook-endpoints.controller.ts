import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  createWebhookEndpointSchema,
  updateWebhookEndpointSchema,
  WEBHOOK_EVENT_TYPES,
  webhookDeliveriesQuerySchema,
  WebhookEndpointsService,
  type EndpointRow,
} from '@boomerang/integrations';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidBody, ValidQuery } from '../common/contract.js';
import { attemptSchema, attemptView, deliverySchema, deliveryView } from './delivery-log.views.js';
import { storeAccess, StoreAccessGuard } from '../common/store-access.js';

const endpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    status: z.enum(['active', 'disabled']),
    disabledReason: z.string().nullable().meta({ description: 'Why it is off: by the merchant, or failing for a day (with the last error)' }),
    disabledAt: z.date().nullable(),
    failingSince: z.date().nullable().meta({ description: 'Start of the current run of failed attempts; null while deliveries succeed' }),
    pending: z.number().int().meta({ description: 'Deliveries still owed, delivered in order' }),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'WebhookEndpoint' });

const endpointView = (e: EndpointRow): z.output<typeof endpointSchema> => ({
  id: e.id,
  url: e.url,
  description: e.description,
  eventTypes: e.eventTypes,
  status: e.status,
  disabledReason: e.disabledReason,
  disabledAt: e.disabledAt,
  failingSince: e.failingSince,
  pending: e.pending,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

/** Outgoing webhooks (issue 13, point 6): the merchant's endpoints, their delivery log, and resending by hand. */
@ApiTags('webhooks')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(@Inject(WebhookEndpointsService) private readonly endpoints: WebhookEndpointsService) {}

  @Get()
  @Returns(200, z.object({ endpoints: z.array(endpointSchema), eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)) }), 'The endpoints, and every event type one may subscribe to')
  @Fails(401, 404)
  async list(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    return { endpoints: (await this.endpoints.list(em, store.id)).map(endpointView), eventTypes: [...WEBHOOK_EVENT_TYPES] };
  }

  @Post()
  @HttpCode(201)
  @Returns(201, z.object({ endpoint: endpointSchema, secret: z.string().meta({ description: 'The Standard Webhooks signing secret (whsec_…)' }) }), 'Adds an endpoint; deliveries are signed with the secret returned')
  @Fails(400, 401, 404, 409)
  async create(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(createWebhookEndpointSchema) body: unknown) {
    const { em, store } = storeAccess(req, storeId);
    const created = await this.endpoints.create(em, store.id, body);
    return { endpoint: endpointView(created.endpoint), secret: created.secret };
  }

  @Get(':endpointId')
  @Returns(200, endpointSchema)
  @Fails(401, 404)
  async get(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('endpointId') endpointId: string) {
    const { em, store } = storeAccess(req, storeId);
    return endpointView(await this.endpoints.get(em, store.id, endpointId));
  }

  @Get(':endpointId/secret')
  @Returns(200, z.object({ secret: z.string() }), 'The signing secret, for the receiver to verify `webhook-signature` with')
  @Fails(401, 404)
  async secret(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('endpointId') endpointId: string) {
    const { em, store } = storeAccess(req, storeId);
    return { secret: await this.endpoints.secret(em, store.id, endpointId) };
  }

  @Patch(':endpointId')
  @Returns(200, endpointSchema, 'Changes the URL, description, event types or status; enabling resumes the deliveries owed, in order')
  @Fails(400, 401, 404)
  async update(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('endpointId') endpointId: string, @ValidBody(updateWebhookEndpointSchema) body: unknown) {
    const { em, store } = storeAccess(req, storeId);
    return endpointView(await em.transactional((tx) => this.endpoints.update(tx, store.id, endpointId, body)));
  }

  @Delete(':endpointId')
  @HttpCode(204)
  @Returns(204, null, 'Removes the endpoint and its log; nothing more is delivered to it')
  @Fails(401, 404)
  async remove(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('endpointId') endpointId: string) {
    const { em, store } = storeAccess(req, storeId);
    await em.transactional((tx) => this.endpoints.remove(tx, store.id, endpointId));
  }

  @Get(':endpointId/deliveries')
  @Returns(200, z.object({ deliveries: z.array(deliverySchema), nextBefore: z.number().int().nullable() }), 'The delivery log, newest first (`before`: the `nextBefore` of the previous page)')
  @Fails(400, 401, 404)
  async deliveries(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('endpointId') endpointId: string, @ValidQuery(webhookDeliveriesQuerySchema) query: unknown) {
    const { em, store } = storeAccess(req, storeId);
    const page = await this.endpoints.deliveries(em, store.id, endpointId, query);
    return { deliveries: page.deliveries.map(deliveryView), nextBefore: page.nextBefore };
  }

  @Get(':endpointId/deliveries/:deliveryId')
  @Returns(200, z.object({ delivery: deliverySchema, payload: z.unknown().meta({ description: 'The body sent: { type, timestamp, data }' }), attempts: z.array(attemptSchema) }))
  @Fails(401, 404)
  async delivery(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('endpointId') endpointId: string, @IdParam('deliveryId') deliveryId: string) {
    const { em, store } = storeAccess(req, storeId);
    const found = await this.endpoints.delivery(em, store.id, endpointId, deliveryId);
    return { delivery: deliveryView(found.delivery), payload: found.delivery.payload, attempts: found.attempts.map(attemptView) };
  }

  @Post(':endpointId/deliveries/:deliveryId/resend')
  @HttpCode(202)
  @Returns(202, deliverySchema, 'Queues the same event again (same webhook-id and body) after what the endpoint is owed')
  @Fails(401, 404, 409)
  async resend(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('endpointId') endpointId: string, @IdParam('deliveryId') deliveryId: string) {
    const { em, store } = storeAccess(req, storeId);
    return deliveryView(await this.endpoints.resend(em, store.id, endpointId, deliveryId));
  }
}
