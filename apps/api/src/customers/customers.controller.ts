import { Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  customerListQuerySchema,
  CustomersService,
  subscriptionChangeSchema,
  timelineQuerySchema,
  type CustomerListQuery,
  type SubscriptionChangeInput,
  type TimelineQuery,
} from '@boomerang/customers';
import type { Request } from 'express';
import { Fails, IdParam, Returns, ValidBody, ValidQuery } from '../common/contract.js';
import { sessionPrincipal, StoreAccessGuard, storeAccess } from '../common/store-access.js';
import {
  customerCardSchema,
  customerCardView,
  customerPageSchema,
  customerPageView,
  subscriptionResultSchema,
  timelinePageSchema,
  timelinePageView,
} from './customer.views.js';

/** The customers list, the customer card with its timeline, and the merchant's subscription control (issue 14). */
@ApiTags('customers')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/customers')
export class CustomersController {
  constructor(@Inject(CustomersService) private readonly customers: CustomersService) {}

  /** `q` searches email and name (any case); `sort` by last order, total spent or orders; `limit` ≤ 100; `cursor` from the last page. */
  @Get()
  @Returns(200, customerPageSchema)
  @Fails(400, 401, 404)
  async list(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(customerListQuerySchema) q: CustomerListQuery) {
    const { em, store } = storeAccess(req, storeId);
    return customerPageView(await this.customers.list(em, store.id, q), store.currency);
  }

  @Get(':customerId')
  @Returns(200, customerCardSchema, 'The customer card: profile, subscription, figures and orders')
  @Fails(401, 404)
  async card(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('customerId') customerId: string) {
    const { em, store } = storeAccess(req, storeId);
    return customerCardView(await this.customers.card(em, store.id, customerId), store.currency);
  }

  @Get(':customerId/timeline')
  @Returns(200, timelinePageSchema, 'Workflow activity, newest first')
  @Fails(400, 401, 404)
  async timeline(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('customerId') customerId: string, @ValidQuery(timelineQuerySchema) q: TimelineQuery) {
    const { em, store } = storeAccess(req, storeId);
    return timelinePageView(await this.customers.timeline(em, store.id, customerId, q));
  }

  /** Unsubscribes or resubscribes the customer, recorded with the signed-in merchant and the time. */
  @Post(':customerId/subscription')
  @HttpCode(200)
  @Returns(200, subscriptionResultSchema)
  @Fails(400, 401, 404)
  async subscription(
    @Req() req: Request,
    @IdParam('storeId') storeId: string,
    @IdParam('customerId') customerId: string,
    @ValidBody(subscriptionChangeSchema) body: SubscriptionChangeInput,
  ) {
    const { em, store } = storeAccess(req, storeId);
    return this.customers.setSubscription(em, store.id, customerId, body, sessionPrincipal(req)?.userId ?? null);
  }
}
