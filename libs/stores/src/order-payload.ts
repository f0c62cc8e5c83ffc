import { ORDER_STATUSES } from '@boomerang/domain';
import { currency, email, externalId, httpUrl, instant, money, text } from '@boomerang/validation';
import { z } from 'zod';

/** A postal address as the cart sends it; every part optional. */
const addressSchema = z.object({
  name: text(200, { min: 0 }).nullish(),
  company: text(200, { min: 0 }).nullish(),
  line1: text(300, { min: 0 }).nullish(),
  line2: text(300, { min: 0 }).nullish(),
  city: text(200, { min: 0 }).nullish(),
  region: text(200, { min: 0 }).nullish(),
  postalCode: text(40, { min: 0 }).nullish(),
  country: text(100, { min: 0 }).nullish(),
  phone: text(50, { min: 0 }).nullish(),
});
export type OrderPayloadAddress = z.infer<typeof addressSchema>;

/** The generic cart's order webhook body; platform adapters map their payloads onto this. Amounts stay exact decimals. */
export const orderPayloadSchema = z.object({
  id: externalId(255),
  /** The number the merchant sees (`#1001`), when it is not the id. */
  number: text(100).nullish(),
  /** The order in the cart's admin. */
  adminUrl: httpUrl().nullish(),
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
        productUrl: httpUrl().nullish(),
        imageUrl: httpUrl().nullish(),
        category: text(200, { min: 0 }).nullish(),
        manufacturer: text(200, { min: 0 }).nullish(),
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
  billingAddress: addressSchema.nullish(),
  shippingAddress: addressSchema.nullish(),
  trackingNumbers: z
    .array(z.object({ number: text(100), carrier: text(100, { min: 0 }).nullish(), url: httpUrl().nullish() }))
    .max(50)
    .optional(),
  createdAt: instant(),
  updatedAt: instant().optional(),
  /** Where the order was placed (`web`, `amazon`, `pos`…): segments select on it. */
  channel: text(100).nullish(),
});

export type OrderPayload = z.infer<typeof orderPayloadSchema>;
