import { currency, email, text, timeZone } from '@boomerang/validation';
import { z } from 'zod';
import { domainName } from './domain-name.js';

/** 10..128 characters, kept as typed (no trimming: spaces are part of a passphrase). */
export const newPassword = () => text(128, { min: 10, trim: false });
/** A password being checked: bounded, but any length a user might once have chosen. */
const givenPassword = () => text(128, { trim: false });
/** An emailed link's token: we issue 43 characters; anything longer is no token of ours. */
const emailedToken = () => text(200);

export const signUpSchema = z.object({ name: text(200), email: email(), password: newPassword() }).strict();
export const signInSchema = z.object({ email: email(), password: givenPassword() }).strict();
export const emailOnlySchema = z.object({ email: email() }).strict();
export const verifySchema = z.object({ token: emailedToken() }).strict();
export const resetPasswordSchema = z.object({ token: emailedToken(), password: newPassword() }).strict();
export const changePasswordSchema = z.object({ currentPassword: givenPassword(), newPassword: newPassword() }).strict();

/** An optional profile detail: null clears it. */
const detail = (max: number) => text(max, { min: 0 }).nullable();
export const profileSchema = z
  .object({
    name: text(200),
    phone: detail(60),
    company: detail(200),
    street: detail(255),
    city: detail(120),
    region: detail(120),
    postalCode: detail(40),
    country: detail(120),
  })
  .partial()
  .strict();

const contact = z.object({ name: text(200), email: email() }).strict().nullable();
/** Each alert contact, or null for "the account owner". */
export const contactsSchema = z.object({ marketing: contact, billing: contact, technical: contact }).strict();

export const createAccountStoreSchema = z
  .object({
    name: text(200),
    domain: domainName(),
    /** Stores added by merchants are custom storefronts (order webhooks); platform connections come later. */
    platform: z.literal('custom', { error: 'must be custom' }).default('custom'),
    timezone: timeZone().default('UTC'),
    currency: currency().default('USD'),
    country: text(120).nullable().default(null),
  })
  .strict();

export type SignUpInput = z.infer<typeof signUpSchema>;
export type ProfileInput = z.infer<typeof profileSchema>;
export type ContactsInput = z.infer<typeof contactsSchema>;
export type CreateAccountStoreInput = z.infer<typeof createAccountStoreSchema>;
