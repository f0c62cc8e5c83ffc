import { Controller, Get, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { addTrackingSchema, orderListQuerySchema, OrdersService, OrderTrackingService, type OrderListQuery } from '@boomerang/orders';
import type { Request, Response } from 'express';
import { Fails, IdParam, Returns, ValidBody, ValidQuery } from '../common/contract.js';
import { StoreAccessGuard, storeAccess } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';
import {
  orderDetailSchema,
  orderDetailView,
  orderPageSchema,
  orderPageView,
  orderTimelineSchema,
  orderTimelineView,
  orderTrackingSchema,
  orderTrackingView,
} from './order.views.js';

/** The orders list, an order's detail and its timeline (issue 13). */
@ApiTags('orders')
@ApiBearerAuth('apiKey')
@UseGuards(StoreAccessGuard)
@Controller('api/v1/stores/:storeId/orders')
export class OrdersController {
  constructor(
    @Inject(OrdersService) private readonly orders: OrdersService,
    @Inject(OrderTrackingService) private readonly tracking: OrderTrackingService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** `q` matches the start of the number or platform id, or part of the customer's email or name; newest first by default; `limit` ≤ 100. */
  @Get()
  @Returns(200, orderPageSchema)
  @Fails(400, 401, 404)
  async list(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(orderListQuerySchema) q: OrderListQuery) {
    const { em, store } = storeAccess(req, storeId);
    return orderPageView(await this.orders.list(em, store.id, q));
  }

  @Get(':orderId')
  @Returns(200, orderDetailSchema, 'The order: customer, addresses and map, items, summary and tracking')
  @Fails(401, 404)
  async detail(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('orderId') orderId: string) {
    const { em, store } = storeAccess(req, storeId);
    return orderDetailView(await this.orders.detail(em, store.id, orderId), this.config.googleMapsEmbedKey);
  }

  @Get(':orderId/timeline')
  @Returns(200, orderTimelineSchema, 'Every event of the order\'s life, oldest first')
  @Fails(401, 404)
  async timeline(@Req() req: Request, @IdParam('storeId') storeId: string, @IdParam('orderId') orderId: string) {
    const { em, store } = storeAccess(req, storeId);
    return orderTimelineView(await this.orders.timeline(em, store.id, orderId));
  }

  /**
   * Shopify and BigCommerce stores: pushed to the platform first (a fulfilment or shipment with the tracking), stored
   * only once it accepted; WooCommerce and custom carts: stored here only. The same carrier and number again: 200 with
   * the stored one, nothing pushed.
   */
  @Post(':orderId/tracking')
  @Returns(201, orderTrackingSchema, 'Added (and pushed to the platform); 200 with the same body when it was already on the order')
  @Fails(400, 401, 404, 409, 422, 502)
  async addTracking(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @IdParam('storeId') storeId: string,
    @IdParam('orderId') orderId: string,
    @ValidBody(addTrackingSchema) body: unknown,
  ) {
    const { em, store } = storeAccess(req, storeId);
    const added = await this.tracking.add(em, store.id, orderId, body);
    res.status(added.created ? 201 : 200);
    return orderTrackingView(added.tracking);
  }
}
