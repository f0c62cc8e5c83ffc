import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { APP_KINDS, AppsService, createAppSchema, updateAppSchema, WEBHOOK_EVENT_TYPES, webhookDeliveriesQuerySchema, type EndpointRow } from '@boomerang/integrations';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidBody, ValidQuery } from '../common/contract.js';
import { storeAccess, StoreAccessGuard } from '../common/store-access.js';
import { attemptSchema, attemptView, deliverySchema, deliveryView } from './delivery-log.views.js';

const CONFIG_HELP =
  'slack: { webhookUrl (https://hooks.slack.com/services/…), orderThresholdMinor (minor units of the store currency; 0 posts every order), notifyConversions }. ' +
  'mailchimp: { apiKey (…-us6), listId (the audience id) }. Secrets (webhookUrl, apiKey) are sealed and never returned; on update, leave them out to keep them.';

const appSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(APP_KINDS),
    description: z.string().nullable(),
    target: z.string().meta({ description: 'Where it delivers, without the secret part (Slack hook token, API key)' }),
    settings: z.record(z.string(), z.unknown()).meta({ description: 'The configuration that is not secret (threshold, audience id…)' }),
    eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)).meta({ description: 'The events fanned out to it; the app posts only those that concern it' }),
    status: z.enum(['active', 'disabled']),
    disabledReason: z.string().nullable().meta({ description: 'By the merchant, the service refusing the app (revoked hook, archived channel), or failing for a day' }),
    disabledAt: z.date().nullable(),
    failingSince: z.date().nullable(),
    pending: z.number().int(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'App' });

const availableSchema = z.object({ kind: z.enum(APP_KINDS), displayName: z.string(), secretFields: z.array(z.string()) }).meta({ id: 'AvailableApp' });

const testResultSchema = z
  .object({
    ok: z.boolean(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable().meta({ description: 'What the service answered, when it was not a success' }),
    durationMs: z.number().int(),
  })
  .meta({ id: 'AppTestResult' });

const appView = (a: EndpointRow): z.output<typeof appSchema> => ({
  id: a.id,
  kind: a.kind as z.output<typeof appSchema>['kind'],
  description: a.description,
  target: a.url,
  settings: a.appSettings ?? {},
  eventTypes: a.eventTypes,
  status: a.status,
  disabledReason: a.disabledReason,
  disabledAt: a.disabledAt,
  failingSince: a.failingSince,
  pending: a.pending,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

const createBody = createAppSchema(APP_KINDS).meta({ description: CONFIG_HELP });
const updateBody = updateAppSchema.meta({ description: CONFIG_HELP });

/** App integrations (issue 13, point 7): Slack and Mailchimp installations that receive the store's events like webhooks. */
@ApiTags('apps')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/apps')
export class AppsController {
  constructor(@Inject(AppsService) private readonly apps: AppsService) {}

  @Get()
  @Returns(200, z.object({ apps: z.array(appSchema), available: z.array(availableSchema) }), 'The installed apps, and the apps one may add')
  @Fails(401, 404)
  async list(@Req() req: Request, @IdParam('storeId') storeId: string) {
    const { em, store } = storeAccess(req, storeId);
    const available = this.apps.adapters().map((a) => ({ kind: a.kind as (typeof APP_KINDS)[number], displayName: a.displayName, secretFields: [...a.secretFields] }));
    return { apps: (await this.apps.list(em, store.id)).map(appView), available };
  }

  @Post()
  @HttpCode(201)
  @Returns(201, appSchema, 'Checks the configuration with the service (Mailchimp: the audience), then installs the app')
  @Fails(400, 401, 404, 409, 503)
  async create(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidBody(createBody) body: unknown) {
    const { em, store } = storeAccess(req, storeId);
    return appView(await this.apps.create(em, store.id, body));
  }

  @Get(':appId')
  @Returns(200, appSchema)
  @Fails(401, 404)
  async get(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('appId') appId: string) {
    const { em, store } = storeAccess(req, storeId);
    return appView(await this.apps.get(em, store.id, appId));
  }

  @Patch(':appId')
  @Returns(200, appSchema, 'Changes the description, configuration or status; enabling resumes what is owed, in order')
  @Fails(400, 401, 404, 503)
  async update(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('appId') appId: string, @ValidBody(updateBody) body: unknown) {
    const { em, store } = storeAccess(req, storeId);
    return appView(await em.transactional((tx) => this.apps.update(tx, store.id, appId, body)));
  }

  @Delete(':appId')
  @HttpCode(204)
  @Returns(204, null, 'Removes the app and its log; nothing more is delivered to it')
  @Fails(401, 404)
  async remove(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('appId') appId: string) {
    const { em, store } = storeAccess(req, storeId);
    await em.transactional((tx) => this.apps.remove(tx, store.id, appId));
  }

  @Post(':appId/test')
  @HttpCode(200)
  @Returns(200, testResultSchema, 'Sends a test now (Slack: a message; Mailchimp: the audience check) and says how the service answered')
  @Fails(401, 404, 409)
  async test(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('appId') appId: string) {
    const { em, store } = storeAccess(req, storeId);
    const outcome = await this.apps.testSend(em, store.id, appId);
    if (outcome.result === 'skipped') return { ok: false, statusCode: null, error: outcome.reason, durationMs: 0 };
    return { ok: outcome.result === 'delivered', statusCode: outcome.statusCode, error: outcome.result === 'delivered' ? null : outcome.error, durationMs: outcome.durationMs };
  }

  @Get(':appId/deliveries')
  @Returns(200, z.object({ deliveries: z.array(deliverySchema), nextBefore: z.number().int().nullable() }), 'The delivery log, newest first')
  @Fails(400, 401, 404)
  async deliveries(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('appId') appId: string, @ValidQuery(webhookDeliveriesQuerySchema) query: unknown) {
    const { em, store } = storeAccess(req, storeId);
    const page = await this.apps.log.page(em, await this.apps.get(em, store.id, appId), query);
    return { deliveries: page.deliveries.map(deliveryView), nextBefore: page.nextBefore };
  }

  @Get(':appId/deliveries/:deliveryId')
  @Returns(200, z.object({ delivery: deliverySchema, payload: z.unknown(), attempts: z.array(attemptSchema) }))
  @Fails(401, 404)
  async delivery(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('appId') appId: string, @IdParam('deliveryId') deliveryId: string) {
    const { em, store } = storeAccess(req, storeId);
    const found = await this.apps.log.delivery(em, await this.apps.get(em, store.id, appId), deliveryId);
    return { delivery: deliveryView(found.delivery), payload: found.delivery.payload, attempts: found.attempts.map(attemptView) };
  }

  @Post(':appId/deliveries/:deliveryId/resend')
  @HttpCode(202)
  @Returns(202, deliverySchema, 'Queues the same event again after what the app is owed')
  @Fails(401, 404, 409)
  async resend(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('appId') appId: string, @IdParam('deliveryId') deliveryId: string) {
    const { em, store } = storeAccess(req, storeId);
    return deliveryView(await this.apps.log.resend(em, await this.apps.get(em, store.id, appId), deliveryId));
  }
}
