import { CONNECTION_STATUSES, type ConnectionView } from '@boomerang/stores';
import { PLATFORMS } from '@boomerang/domain';
import { z } from 'zod';
import type { SameShape } from '../common/contract.js';

export const connectionSchema = z
  .object({
    platform: z.enum(PLATFORMS).nullable().meta({ description: 'null when the store was never connected' }),
    status: z.enum(CONNECTION_STATUSES).meta({ description: '`failing` carries the platform\'s own message in `lastError`' }),
    lastError: z.string().nullable(),
    lastEventAt: z.date().nullable().meta({ description: 'The last webhook received from the platform (updated at most once a second)' }),
    connectedAt: z.date().nullable(),
    updatedAt: z.date().nullable(),
    identifiers: z
      .object({ shopDomain: z.string().optional(), siteUrl: z.string().optional(), storeHash: z.string().optional() })
      .meta({ description: 'What identifies the shop at its platform; never a token, key or secret' }),
    webhookTopics: z.array(z.string()).meta({ description: 'The topics of the webhooks we registered at the platform' }),
    webhookUrl: z.string().nullable().meta({ description: 'Our receiver the webhooks go to (for a custom cart: sign each body with the store\'s webhook secret in X-Boomerang-Signature)' }),
    importUrl: z.string().nullable().meta({ description: 'Custom cart only: the REST endpoint that imports past orders' }),
    counts: z
      .object({
        apps: z.number().int().meta({ description: 'Apps active on the store: always 0 until apps (Slack, Mailchimp…) exist' }),
        activeWorkflows: z.number().int().meta({ description: 'Active retention workflows (rules switched on)' }),
      })
      .meta({ description: 'The seed\'s "Connection Details"' }),
    productCount: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Products as the platform counts them, variants included (a product in three colours counts three); asked on connect and test, null until counted' }),
    productCountAt: z.date().nullable().meta({ description: 'When the platform was asked for the product count' }),
  })
  .meta({ id: 'StoreConnection' });

/** The compiler keeps the documented answer and the service's view one shape. */
const viewMatches: SameShape<z.output<typeof connectionSchema>, ConnectionView> = true;
void viewMatches;

export const webhookAcceptanceSchema = z
  .object({
    eventId: z.string().meta({ description: 'The inbox event that holds the delivery' }),
    duplicate: z.boolean().meta({ description: 'true when this delivery was already received: nothing changed' }),
  })
  .meta({ id: 'WebhookAcceptance' });
