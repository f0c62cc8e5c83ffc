import { DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES, type AttemptRow, type DeliveryRow } from '@boomerang/integrations';
import { z } from 'zod';

/** The delivery log's shapes, shared by webhook endpoints and apps (one pipeline, one log). */
export const deliverySchema = z
  .object({
    id: z.uuid(),
    seq: z.number().int(),
    eventId: z.uuid().meta({ description: 'The `webhook-id` header: the same on every attempt and resend' }),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    subjectId: z.uuid().nullable(),
    status: z.enum(DELIVERY_STATUSES).meta({ description: 'skipped: an app found the event did not concern it; failed: the service refused this event for good' }),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastDurationMs: z.number().int().nullable(),
    createdAt: z.date(),
    lastAttemptAt: z.date().nullable(),
    deliveredAt: z.date().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const attemptSchema = z
  .object({ at: z.date(), statusCode: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int() })
  .meta({ id: 'WebhookAttempt' });

export const deliveryView = (d: DeliveryRow): z.output<typeof deliverySchema> => ({
  id: d.id,
  seq: d.seq,
  eventId: d.eventId,
  eventType: d.eventType as z.output<typeof deliverySchema>['eventType'],
  subjectId: d.subjectId,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  lastDurationMs: d.lastDurationMs,
  createdAt: d.createdAt,
  lastAttemptAt: d.lastAttemptAt,
  deliveredAt: d.deliveredAt,
});

export const attemptView = (a: AttemptRow): z.output<typeof attemptSchema> => ({ at: a.at, statusCode: a.statusCode, error: a.error, durationMs: a.durationMs });

