import { isEmail, ORDER_STATUSES } from '@boomerang/domain';
import { z } from 'zod';

const money = z.number({ error: 'must be a number' }).finite().nonnegative();
const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' });

/** The generic cart's order webhook body; platform adapters map their payloads onto this. */
export const orderPayloadSchema = z.object({
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  status: z.enum(ORDER_STATUSES, { error: `must be one of ${ORDER_STATUSES.join(', ')}` }),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO-4217 code').transform((c) => c.toUpperCase()),
  customer: z.object({
    email: z.string().refine(isEmail, 'must be an email address'),
    firstName: z.string().max(200).nullish(),
    lastName: z.string().max(200).nullish(),
    registered: z.boolean().optional(),
    optedIn: z.boolean().optional(),
  }),
  lineItems: z
    .array(
      z.object({
        sku: z.string().trim().min(1, 'must not be empty'),
        name: z.string().max(500).nullish(),
        quantity: z.number().int().positive(),
        price: money,
      }),
    )
    .max(1_000),
  totals: z.object({
    subtotal: money.optional(),
    tax: money.optional(),
    shipping: money.optional(),
    discount: money.optional(),
    total: money,
  }),
  createdAt: timestamp,
  updatedAt: timestamp.optional(),
});

export type OrderPayload = z.infer<typeof orderPayloadSchema>;
