import type { AccountOverview, ContactsView, StoreSummaryView, TrialView, UserView } from '@boomerang/accounts';
import { z } from 'zod';
import type { SameShape } from '../common/contract.js';

// Response schemas of the account routes. The services' view types are checked against them (SameShape), so the
// OpenAPI document, and the dashboard's client generated from it, cannot drift from what the routes answer.

const nullableText = z.string().nullable();

export const userSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string().meta({ description: 'Lower-cased as stored' }),
    phone: nullableText,
    company: nullableText,
    street: nullableText,
    city: nullableText,
    region: nullableText,
    postalCode: nullableText,
    country: nullableText,
  })
  .meta({ id: 'User' });

export const trialSchema = z
  .object({
    startedAt: z.date(),
    endsAt: z.date(),
    daysLeft: z.number().int().min(0).meta({ description: 'Whole days left, rounded up; 0 once the trial is over' }),
    active: z.boolean(),
  })
  .meta({ id: 'Trial', description: 'The 30-day free trial; null where there is none (e.g. the domain already had one)' });

export const contactSchema = z
  .object({ name: z.string(), email: z.string(), isOwner: z.boolean().meta({ description: 'True when no contact is set and the owner stands in' }) })
  .meta({ id: 'Contact' });

export const contactsViewSchema = z.object({ marketing: contactSchema, billing: contactSchema, technical: contactSchema }).meta({ id: 'Contacts' });

export const storeSummarySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    domain: nullableText,
    platform: z.string(),
    currency: z.string(),
    timezone: z.string(),
    trial: trialSchema.nullable(),
  })
  .meta({ id: 'StoreSummary' });

export const accountOverviewSchema = z
  .object({
    user: userSchema,
    account: z.object({ id: z.uuid(), createdAt: z.date(), trial: trialSchema.nullable(), contacts: contactsViewSchema }),
    stores: z.array(storeSummarySchema),
  })
  .meta({ id: 'AccountOverview' });

export const signedInSchema = z
  .object({
    session: z.object({
      token: z.string().meta({ description: 'Opaque `bms_…` token: send as `Authorization: Bearer <token>`. Keep it server-side (the dashboard holds it in an http-only cookie)' }),
      expiresAt: z.date(),
    }),
    user: userSchema,
  })
  .meta({ id: 'SignedIn' });

export const storeListSchema = z.object({ stores: z.array(storeSummarySchema) }).meta({ id: 'StoreSummaryList' });

// Compile-time checks: a field added to a view and not to its schema (or the reverse) fails the build.
const sameUser: SameShape<z.output<typeof userSchema>, UserView> = true;
const sameTrial: SameShape<z.output<typeof trialSchema>, TrialView> = true;
const sameContacts: SameShape<z.output<typeof contactsViewSchema>, ContactsView> = true;
const sameStore: SameShape<z.output<typeof storeSummarySchema>, StoreSummaryView> = true;
const sameOverview: SameShape<z.output<typeof accountOverviewSchema>, AccountOverview> = true;
export const VIEWS_MATCH = sameUser && sameTrial && sameContacts && sameStore && sameOverview;
