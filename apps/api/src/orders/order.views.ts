import { ORDER_STATUSES } from '@boomerang/domain';
import { ORDER_TIMELINE_KINDS, orderMap, webUrl, type OrderDetail, type OrderPage, type OrderTimelineRow, type OrderTrackingRow } from '@boomerang/orders';
import { z } from 'zod';

// Response schemas of the order routes, and the functions that build each answer typed by them (z.output), so the
// OpenAPI document and the dashboard's client generated from it cannot drift from what the routes answer.

const minor = (description: string) => z.number().int().meta({ description: `${description}, in minor units of \`currency\` (cents)` });
const nullableText = z.string().nullable();

export const orderListItemSchema = z
  .object({
    id: z.uuid(),
    number: z.string().meta({ description: 'The number the merchant sees (`#1001`); the platform id when it has none' }),
    externalId: z.string(),
    status: z.enum(ORDER_STATUSES),
    placedAt: z.date(),
    totalMinor: minor('The order total'),
    currency: z.string(),
    items: z.number().int().meta({ description: 'Units ordered (the sum of the lines\' quantities)' }),
    customer: z.object({ id: z.uuid(), email: z.string(), firstName: nullableText, lastName: nullableText }),
  })
  .meta({ id: 'OrderListItem' });

export const orderPageSchema = z
  .object({
    items: z.array(orderListItemSchema),
    total: z.number().int().meta({ description: 'Orders matching the search and filters' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` (same sort) for the next page; null on the last page' }),
  })
  .meta({ id: 'OrderPage' });

const addressSchema = z
  .object({
    name: nullableText,
    company: nullableText,
    line1: nullableText,
    line2: nullableText,
    city: nullableText,
    region: nullableText,
    postalCode: nullableText,
    country: nullableText.meta({ description: 'ISO 3166-1 alpha-2 when the platform gives it' }),
    phone: nullableText,
  })
  .meta({ id: 'OrderAddress' });

export const orderDetailSchema = z
  .object({
    id: z.uuid(),
    externalId: z.string(),
    number: z.string().meta({ description: 'The number the merchant sees; the platform id when it has none' }),
    status: z.enum(ORDER_STATUSES),
    channel: nullableText,
    placedAt: z.date(),
    updatedAt: z.date().meta({ description: 'The platform\'s last update of the order' }),
    adminUrl: nullableText.meta({ description: 'The order in the platform\'s admin (URLs other than http(s) are left out, here and below)' }),
    customer: z.object({
      id: z.uuid(),
      email: z.string(),
      firstName: nullableText,
      lastName: nullableText,
      company: nullableText,
      guest: z.boolean().meta({ description: 'True when the orders came without a platform account' }),
      orderCount: z.number().int().meta({ description: 'All of the customer\'s orders in the store, any status' }),
      optedIn: z.boolean(),
      subscribed: z.boolean(),
    }),
    billingAddress: addressSchema.nullable(),
    shippingAddress: addressSchema.nullable(),
    map: z
      .object({
        embedUrl: nullableText.meta({ description: 'A Google Maps Embed URL for an iframe (only when the api has GOOGLE_MAPS_EMBED_KEY)' }),
        linkUrl: nullableText.meta({ description: 'The address on OpenStreetMap (without a key)' }),
      })
      .meta({ description: 'The shipping address (else the billing one) on a map; both null without an address' }),
    items: z.array(
      z.object({
        sku: nullableText,
        name: z.string(),
        description: nullableText.meta({ description: 'Manufacturer and category as the platform names them, when known' }),
        imageUrl: nullableText,
        productUrl: nullableText,
        quantity: z.number().int(),
        unitPriceMinor: minor('The unit price'),
        lineTotalMinor: minor('Unit price times quantity'),
      }),
    ),
    summary: z.object({
      currency: z.string(),
      subtotalMinor: minor('Items before discounts'),
      discountMinor: minor('Discounts'),
      shippingMinor: minor('Shipping'),
      taxMinor: minor('Tax'),
      totalMinor: minor('The order total'),
    }),
    trackingNumbers: z
      .array(
        z.object({
          carrier: nullableText,
          number: z.string(),
          url: nullableText,
          addedBy: z.enum(['merchant', 'platform']).meta({ description: '`merchant`: added here (POST …/tracking); `platform`: as the platform reports it' }),
          pushedTo: nullableText.meta({ description: 'The platform a merchant\'s number was pushed to (`shopify`, `bigcommerce`); null when stored here only' }),
          addedAt: z.date().nullable(),
        }),
      )
      .meta({ description: 'The merchant\'s numbers first, then the platform\'s own that are not among them' }),
  })
  .meta({ id: 'OrderDetail' });

export const orderTrackingSchema = z
  .object({
    id: z.uuid(),
    carrier: z.string(),
    number: z.string(),
    url: nullableText,
    pushedTo: nullableText.meta({ description: 'The platform that accepted it (`shopify`, `bigcommerce`); null when stored here only (WooCommerce, custom cart)' }),
    platformReference: nullableText.meta({ description: 'The platform\'s fulfilment (Shopify) or shipment (BigCommerce) id' }),
    addedAt: z.date(),
  })
  .meta({ id: 'OrderTracking' });

export const orderTimelineEntrySchema = z
  .object({
    kind: z.enum(ORDER_TIMELINE_KINDS),
    at: z.date(),
    summary: z.string().meta({ description: 'The entry as a sentence' }),
    status: nullableText.meta({ description: 'The order\'s status after an intake event' }),
    previousStatus: nullableText,
    inboxEventId: z.uuid().nullable(),
    ruleId: z.uuid().nullable(),
    ruleName: nullableText,
    messageId: z.uuid().nullable(),
    subject: nullableText,
    reason: nullableText.meta({ description: 'A skip\'s or failure\'s reason code; the platform topic of an intake event' }),
    dueAt: z.date().nullable().meta({ description: 'When an armed cycle (or a message) falls due' }),
    revenueMinor: z.number().int().nullable(),
    currency: nullableText,
    eventType: nullableText.meta({ description: 'An outgoing webhook\'s event type' }),
    endpointUrl: nullableText.meta({ description: 'The endpoint it was delivered (or is owed) to' }),
    tracking: z
      .object({ carrier: z.string(), number: z.string(), url: nullableText, pushedTo: nullableText, platformReference: nullableText })
      .nullable()
      .meta({ description: 'A tracking number the merchant added, and the platform that accepted it' }),
  })
  .meta({ id: 'OrderTimelineEntry' });

export const orderTimelineSchema = z
  .object({ items: z.array(orderTimelineEntrySchema).meta({ description: 'Oldest first' }) })
  .meta({ id: 'OrderTimeline' });

export function orderPageView(page: OrderPage): z.output<typeof orderPageSchema> {
  return {
    items: page.items.map((o) => ({
      id: o.id,
      number: o.number ?? o.externalId,
      externalId: o.externalId,
      status: o.status,
      placedAt: o.placedAt,
      totalMinor: o.totalMinor,
      currency: o.currency,
      items: o.itemCount,
      customer: { id: o.customerId, email: o.email, firstName: o.firstName, lastName: o.lastName },
    })),
    total: page.total,
    nextCursor: page.nextCursor,
  };
}

export function orderTrackingView(t: OrderTrackingRow): z.output<typeof orderTrackingSchema> {
  return { id: t.id, carrier: t.carrier, number: t.number, url: webUrl(t.url), pushedTo: t.pushedTo, platformReference: t.platformReference, addedAt: t.addedAt };
}

/** The merchant's numbers, then the platform's own not among them (a pushed number comes back in the platform's next update). */
function trackingNumbersView(o: OrderDetail['order'], tracking: OrderTrackingRow[]): z.output<typeof orderDetailSchema>['trackingNumbers'] {
  const ours = tracking.map((t) => ({ carrier: t.carrier, number: t.number, url: webUrl(t.url), addedBy: 'merchant' as const, pushedTo: t.pushedTo, addedAt: t.addedAt }));
  const known = new Set(tracking.map((t) => t.number.toUpperCase()));
  const theirs = o.trackingNumbers
    .filter((t) => !known.has(t.number.replace(/\s+/g, '').toUpperCase()))
    .map((t) => ({ carrier: t.carrier, number: t.number, url: webUrl(t.url), addedBy: 'platform' as const, pushedTo: null, addedAt: null }));
  return [...ours, ...theirs];
}

export function orderDetailView({ order: o, items, tracking }: OrderDetail, mapsKey: string | null): z.output<typeof orderDetailSchema> {
  const c = o.customer;
  return {
    id: o.id,
    externalId: o.externalId,
    number: o.number ?? o.externalId,
    status: o.status,
    channel: o.channel,
    placedAt: o.placedAt,
    updatedAt: o.updatedAt,
    adminUrl: webUrl(o.adminUrl),
    customer: {
      id: c.id,
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      company: c.company,
      guest: !c.registered,
      orderCount: c.orderCount,
      optedIn: c.optedIn,
      subscribed: c.subscribed,
    },
    billingAddress: o.billingAddress,
    shippingAddress: o.shippingAddress,
    map: orderMap(o.shippingAddress, o.billingAddress, mapsKey),
    items: items.map((i) => ({
      sku: i.sku,
      name: i.name,
      description: [i.manufacturer, i.category].filter(Boolean).join(' · ') || null,
      imageUrl: webUrl(i.imageUrl),
      productUrl: webUrl(i.productUrl),
      quantity: i.quantity,
      unitPriceMinor: i.priceMinor,
      lineTotalMinor: i.priceMinor * i.quantity,
    })),
    summary: {
      currency: o.currency,
      subtotalMinor: o.subtotalMinor,
      discountMinor: o.discountMinor,
      shippingMinor: o.shippingMinor,
      taxMinor: o.taxMinor,
      totalMinor: o.totalMinor,
    },
    trackingNumbers: trackingNumbersView(o, tracking),
  };
}

export function orderTimelineView(rows: OrderTimelineRow[]): z.output<typeof orderTimelineSchema> {
  return { items: rows.map((r) => ({ ...r, tracking: r.tracking && { ...r.tracking, url: webUrl(r.tracking.url) } })) };
}
