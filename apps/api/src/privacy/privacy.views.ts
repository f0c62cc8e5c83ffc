import type { CustomerExport, ErasureResult, PrivacyPageView, PrivacyRequestRow } from '@boomerang/privacy';
import { z } from 'zod';
import type { SameShape } from '../common/contract.js';

export const profileLinkSentSchema = z
  .object({ sentTo: z.string().meta({ description: 'The address on file the link was emailed to' }), expiresAt: z.date() })
  .meta({ id: 'ProfileLinkSent' });

const sentLinkSchema = z.object({ createdAt: z.date(), expiresAt: z.date(), usedAt: z.date().nullable() }).meta({ id: 'ProfileLinkState' });

export const privacyRequestSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['erasure', 'data_request']),
    source: z.string().meta({ description: 'merchant or shopify' }),
    topic: z.string().nullable().meta({ description: 'The platform topic, e.g. customers/redact; null from the merchant' }),
    customerId: z.uuid().nullable(),
    summary: z.record(z.string(), z.number()).nullable().meta({ description: 'Rows changed per table (erasure) or rows exported (data request)' }),
    hasExport: z.boolean().meta({ description: 'A data request whose export can be downloaded' }),
    createdAt: z.date(),
  })
  .meta({ id: 'PrivacyRequest' });
const requestMatches: SameShape<z.output<typeof privacyRequestSchema>, PrivacyRequestRow> = true;
void requestMatches;

export const privacyRequestListSchema = z.object({ requests: z.array(privacyRequestSchema) }).meta({ id: 'PrivacyRequestList' });

export const customerPrivacySchema = z
  .object({
    customer: z.object({ id: z.uuid(), email: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable() }),
    profileLinks: z.array(sentLinkSchema),
    requests: z.array(privacyRequestSchema),
  })
  .meta({ id: 'CustomerPrivacy' });

export const dataRequestRecordedSchema = z
  .object({
    requestId: z.string().meta({ description: 'The data request; its export downloads from GET …/privacy-requests/{requestId}/export' }),
    customerId: z.uuid().nullable(),
  })
  .meta({ id: 'DataRequestRecorded' });

export const erasureSchema = z
  .object({
    requestId: z.string().meta({ description: 'The erasure record (no personal data: store, sha256 of the address, time, source)' }),
    customerId: z.uuid().nullable(),
    summary: z.record(z.string(), z.number()).meta({ description: 'Rows deleted or stripped per table' }),
    workflows: z.object({ terminated: z.number().int(), deleted: z.number().int() }).meta({ description: 'Retention workflow executions ended and deleted in Temporal' }),
    erasedAt: z.date(),
  })
  .meta({ id: 'Erasure' });
const erasureMatches: SameShape<z.output<typeof erasureSchema>, ErasureResult> = true;
void erasureMatches;

export const linkStateSchema = z.object({ storeName: z.string().nullable(), expiresAt: z.date() }).meta({ id: 'PrivacyLink' });
export const privacySessionSchema = z
  .object({ session: z.string().meta({ description: 'The page session (`bmp_…`): send it as `Authorization: Bearer`' }), expiresAt: z.date() })
  .meta({ id: 'PrivacySession' });

export const privacyPageSchema = z
  .object({
    store: z.object({ name: z.string().nullable() }),
    profile: z.object({
      email: z.string(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      phone: z.string().nullable(),
      company: z.string().nullable(),
      registered: z.boolean(),
      createdAt: z.date(),
    }),
    subscribed: z.boolean(),
    unsubscribedAt: z.date().nullable(),
    orders: z.array(z.object({ number: z.string().nullable(), status: z.string(), currency: z.string(), totalMinor: z.number().int(), placedAt: z.date(), items: z.number().int() })),
    messages: z.array(z.object({ subject: z.string().nullable(), status: z.string(), sentAt: z.date().nullable(), opens: z.number().int(), clicks: z.number().int() })),
    sessionExpiresAt: z.date(),
  })
  .meta({ id: 'PrivacyPage' });
const pageMatches: SameShape<z.output<typeof privacyPageSchema>, PrivacyPageView> = true;
void pageMatches;

/** The export is documented by its top-level shape; each list's rows are described in the README of libs/privacy. */
export const customerExportSchema = z
  .object({
    format: z.literal('boomerang.customer-export.v1'),
    exportedAt: z.date(),
    store: z.object({ id: z.uuid(), name: z.string().nullable() }),
    rowLimit: z.number().int(),
    profile: z.record(z.string(), z.unknown()).nullable(),
    subscription: z.record(z.string(), z.unknown()),
    orders: z.array(z.record(z.string(), z.unknown())),
    messages: z.array(z.record(z.string(), z.unknown())),
    directMessages: z.array(z.record(z.string(), z.unknown())).meta({ description: 'Messages the merchant wrote to the customer' }),
    retentionEnrollments: z.array(z.record(z.string(), z.unknown())),
    conversions: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'CustomerExport' });

export type CustomerExportView = CustomerExport;
