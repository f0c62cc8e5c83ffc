import type { CustomerCard, CustomerPage, TimelinePage } from '@boomerang/customers';
import { SUBSCRIPTION_SOURCES } from '@boomerang/persistence';
import { TIMELINE_KINDS } from '@boomerang/customers';
import { fromMinorUnits } from '@boomerang/domain';
import { z } from 'zod';

// Response schemas of the customer routes, and the functions that build each answer typed by them (z.output), so the
// OpenAPI document and the dashboard's client generated from it cannot drift from what the routes answer.

const money = (description: string) => z.number().meta({ description: `${description}, in major units of \`currency\`` });
const nullableText = z.string().nullable();

export const customerListItemSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    firstName: nullableText,
    lastName: nullableText,
    company: nullableText,
    customerGroup: nullableText,
    registered: z.boolean(),
    subscribed: z.boolean(),
    orders: z.number().int().meta({ description: 'Orders that count as purchases (not cancelled or refunded)' }),
    totalSpent: money('Their totals'),
    lastOrderAt: z.date().nullable(),
  })
  .meta({ id: 'CustomerListItem' });

export const customerPageSchema = z
  .object({
    items: z.array(customerListItemSchema),
    total: z.number().int().meta({ description: 'Customers matching the search (all of the store\'s without one)' }),
    currency: z.string().meta({ description: 'The store\'s currency' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` (same sort and direction) for the next page; null on the last page' }),
  })
  .meta({ id: 'CustomerPage' });

export const subscriptionEntrySchema = z
  .object({
    subscribed: z.boolean(),
    source: z.enum(SUBSCRIPTION_SOURCES),
    actor: nullableText.meta({ description: 'The merchant user\'s email, for changes made from the dashboard' }),
    reason: nullableText,
    at: z.date(),
  })
  .meta({ id: 'SubscriptionEntry' });

export const customerCardSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    firstName: nullableText,
    lastName: nullableText,
    phone: nullableText,
    company: nullableText,
    customerGroup: nullableText,
    registered: z.boolean().meta({ description: 'False for a guest (orders without a platform account)' }),
    createdAt: z.date(),
    subscription: z.object({
      subscribed: z.boolean(),
      optedIn: z.boolean(),
      unsubscribedAt: z.date().nullable(),
      history: z.array(subscriptionEntrySchema).meta({ description: 'Newest first, the latest 50' }),
    }),
    stats: z.object({
      currency: z.string(),
      orders: z.number().int().meta({ description: 'Orders that count as purchases (not cancelled or refunded)' }),
      totalSpent: money('Their totals'),
      averageOrderTotal: money('Total spent over orders').nullable(),
      purchaseFrequencyDays: z.number().nullable().meta({ description: 'Mean days between consecutive orders; null with fewer than two' }),
      lastOrderAt: z.date().nullable(),
      predictedNextOrderAt: z.date().nullable().meta({ description: 'The last order plus the purchase frequency' }),
    }),
    orders: z
      .array(
        z.object({
          id: z.uuid(),
          number: nullableText.meta({ description: 'The number the merchant sees (`#1001`); the platform id when it has none' }),
          status: z.string(),
          placedAt: z.date(),
          total: money('The order total'),
          currency: z.string(),
          counted: z.boolean().meta({ description: 'False for cancelled and refunded orders, which the figures leave out' }),
        }),
      )
      .meta({ description: 'Every status, newest first, the latest 100' }),
  })
  .meta({ id: 'CustomerCard' });

export const timelineEntrySchema = z
  .object({
    kind: z.enum(TIMELINE_KINDS),
    at: z.date(),
    ruleId: z.uuid().nullable(),
    ruleName: nullableText,
    messageId: z.uuid().nullable(),
    subject: nullableText,
    orderId: z.uuid().nullable(),
    orderNumber: nullableText,
    reason: nullableText.meta({ description: 'A skip\'s or failure\'s reason code, or the reason given for a subscription change' }),
    url: nullableText.meta({ description: 'The link clicked' }),
    dueAt: z.date().nullable().meta({ description: 'When an armed cycle (or a message) falls due' }),
    revenue: z.number().nullable().meta({ description: 'A conversion\'s revenue, in major units of `currency`' }),
    currency: nullableText,
    source: nullableText.meta({ description: 'Who changed a subscription, or where an engagement event came from' }),
    actor: nullableText,
    segmentId: z.uuid().nullable(),
    segmentName: nullableText.meta({ description: 'The segment entered or left, as it was named then (`reason`: transaction, time or definition)' }),
  })
  .meta({ id: 'TimelineEntry' });

export const timelinePageSchema = z
  .object({
    items: z.array(timelineEntrySchema),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for older entries; null on the last page' }),
  })
  .meta({ id: 'TimelinePage' });

export const subscriptionResultSchema = z
  .object({
    subscribed: z.boolean(),
    changed: z.boolean().meta({ description: 'False when the customer was already in that state (nothing recorded)' }),
  })
  .meta({ id: 'SubscriptionResult' });

export function customerPageView(page: CustomerPage, currency: string): z.output<typeof customerPageSchema> {
  return {
    items: page.items.map((c) => ({
      id: c.id,
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      company: c.company,
      customerGroup: c.customerGroup,
      registered: c.registered,
      subscribed: c.subscribed,
      orders: c.orderCount,
      totalSpent: fromMinorUnits(c.totalSpentMinor, currency),
      lastOrderAt: c.lastOrderAt,
    })),
    total: page.total,
    currency,
    nextCursor: page.nextCursor,
  };
}

export function customerCardView(card: CustomerCard, currency: string): z.output<typeof customerCardSchema> {
  const { profile: p, stats: s } = card;
  return {
    id: p.id,
    email: p.email,
    firstName: p.firstName,
    lastName: p.lastName,
    phone: p.phone,
    company: p.company,
    customerGroup: p.customerGroup,
    registered: p.registered,
    createdAt: p.createdAt,
    subscription: {
      subscribed: p.unsubscribedAt === null,
      optedIn: p.optedIn,
      unsubscribedAt: p.unsubscribedAt,
      history: card.history.map((h) => ({
        subscribed: h.subscribed,
        source: h.source as (typeof SUBSCRIPTION_SOURCES)[number],
        actor: h.actorEmail,
        reason: h.reason,
        at: h.at,
      })),
    },
    stats: {
      currency,
      orders: s.orders,
      totalSpent: fromMinorUnits(s.totalSpentMinor, currency),
      averageOrderTotal: s.averageOrderMinor === null ? null : fromMinorUnits(s.averageOrderMinor, currency),
      purchaseFrequencyDays: s.purchaseFrequencyDays,
      lastOrderAt: s.lastOrderAt,
      predictedNextOrderAt: s.predictedNextOrderAt,
    },
    orders: card.orders.map((o) => ({
      id: o.id,
      number: o.number ?? o.externalId,
      status: o.status,
      placedAt: o.placedAt,
      total: fromMinorUnits(o.totalMinor, o.currency),
      currency: o.currency,
      counted: o.status !== 'cancelled' && o.status !== 'refunded',
    })),
  };
}

export function timelinePageView(page: TimelinePage): z.output<typeof timelinePageSchema> {
  return {
    items: page.items.map((t) => ({
      kind: t.kind,
      at: t.at,
      ruleId: t.ruleId,
      ruleName: t.ruleName,
      messageId: t.messageId,
      subject: t.subject,
      orderId: t.orderId,
      orderNumber: t.orderNumber,
      reason: t.reason,
      url: t.url,
      dueAt: t.dueAt,
      revenue: t.revenueMinor === null || !t.currency ? null : fromMinorUnits(t.revenueMinor, t.currency),
      currency: t.currency,
      source: t.source,
      actor: t.actorEmail,
      segmentId: t.segmentId,
      segmentName: t.segmentName,
    })),
    nextCursor: page.nextCursor,
  };
}
