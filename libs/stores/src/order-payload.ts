import { ORDER_STATUSES } from '@boomerang/domain';
import { currency, email, externalId, instant, money, text } from '@boomerang/validation';
import { z } from 'zod';

/** The generic cart's order webhook body; platform adapters map their payloads onto this. Amounts stay exact decimals. */
export const orderPayloadSchema = z.object({
  id: externalId(255),
  status: z.enum(ORDER_STATUSES, { error: `must be one of ${ORDER_STATUSES.join(', ')}` }),
  currency: currency(),
  customer: z.object({
    email: email(),
    firstName: text(200, { min: 0 }).nullish(),
    lastName: text(200, { min: 0 }).nullish(),
    registered: z.boolean().optional(),
    optedIn: z.boolean().optional(),
  }),
  lineItems: z
    .array(
      z.object({
        sku: text(200),
        name: text(500, { min: 0 }).nullish(),
        quantity: z.number().int().positive().max(1_000_000),
        price: money(),
      }),
    )
    .max(1_000),
  totals: z.object({
    subtotal: money().optional(),
    tax: money().optional(),
    shipping: money().optional(),
    discount: money().optional(),
    total: money(),
  }),
  createdAt: instant(),
  updatedAt: instant().optional(),
  /** Where the order was placed (`web`, `amazon`, `pos`…): segments select on it. */
  channel: text(100).nullish(),
});

export type OrderPayload = z.infer<typeof orderPayloadSchema>;
