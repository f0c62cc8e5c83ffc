// The account's shapes as the api answers them (generated from its OpenAPI document), named for the dashboard.
import type { components } from './api/schema.js';

type S = components['schemas'];
export type Trial = S['Trial'];
export type User = S['User'];
export type Contact = S['Contact'];
export type Contacts = S['Contacts'];
export type StoreSummary = S['StoreSummary'];
export type AccountOverview = S['AccountOverview'];
export type SignedIn = S['SignedIn'];

/** What the merchant sees once, right after creation: the credentials are never shown again. */
export type CreatedStoreView = Pick<S['CreatedStore'], 'id' | 'name' | 'domain' | 'apiKey' | 'webhookUrl' | 'webhookSecret' | 'trial'>;
