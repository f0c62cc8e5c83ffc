import { httpUrl, text } from '@boomerang/validation';
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';

const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }), { error: 'must be a list of event types' })
  .min(1, { message: 'pick at least one event type' })
  .max(WEBHOOK_EVENT_TYPES.length, { message: `at most ${WEBHOOK_EVENT_TYPES.length} event types` })
  .refine((list) => new Set(list).size === list.length, { message: 'lists an event type twice' });

export const createWebhookEndpointSchema = z
  .object({
    url: httpUrl(2_048),
    description: text(200).optional(),
    eventTypes,
  })
  .strict();

export const updateWebhookEndpointSchema = z
  .object({
    url: httpUrl(2_048).optional(),
    description: text(200).nullable().optional(),
    eventTypes: eventTypes.optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'change at least one of url, description, eventTypes, status' });

export const webhookDeliveriesQuerySchema = z
  .object({
    limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(100).optional(),
    before: z
      .string()
      .regex(/^[1-9][0-9]{0,17}$/, { message: 'must be a delivery sequence number' })
      .transform(Number)
      .optional(),
  })
  .strict();

export type CreateWebhookEndpointInput = z.output<typeof createWebhookEndpointSchema>;
export type UpdateWebhookEndpointInput = z.output<typeof updateWebhookEndpointSchema>;
