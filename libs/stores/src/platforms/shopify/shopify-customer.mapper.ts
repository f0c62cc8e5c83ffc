import type { NormalizedAddress, NormalizedCustomer } from '@boomerang/domain';
import { optionalId, optionalObject, tagList, text, type JsonObject } from './shopify-values.js';

/**
 * Marketing opt-in: `email_marketing_consent.state` (API 2022-04 on) is the truth; `accepts_marketing` is the
 * older boolean; the order's `buyer_accepts_marketing` stands in for a guest. Null when none is said.
 */
export function optedIn(customer: JsonObject | null, order: JsonObject | null): boolean | null {
  const consent = optionalObject(customer?.['email_marketing_consent']);
  const state = text(consent?.['state']);
  if (state !== null) return state === 'subscribed';
  const legacy = customer?.['accepts_marketing'] ?? order?.['buyer_accepts_marketing'];
  return typeof legacy === 'boolean' ? legacy : null;
}

/**
 * A Shopify customer. `registered` means the customer has an account (`state` "enabled"); a customer record that
 * Shopify keeps for a checkout without an account ("disabled", "invited", "declined") is a guest.
 */
export function mapShopifyCustomer(customer: JsonObject, order: JsonObject | null = null): NormalizedCustomer {
  const address = optionalObject(customer['default_address']);
  const tags = tagList(customer['tags']);
  return {
    email: text(customer['email']) ?? text(order?.['email']) ?? text(order?.['contact_email']),
    externalId: optionalId(customer['id'], 'customer.id'),
    firstName: text(customer['first_name']),
    lastName: text(customer['last_name']),
    phone: text(customer['phone']) ?? text(order?.['phone']),
    company: text(address?.['company']),
    group: tags.length > 0 ? tags.join(', ') : null,
    registered: customer['state'] === 'enabled',
    optedIn: optedIn(customer, order),
    note: text(customer['note']),
  };
}

/** A guest checkout: no customer object at all, the email on the order (`email`, else `contact_email`). */
export function guestCustomer(order: JsonObject): NormalizedCustomer {
  const billing = optionalObject(order['billing_address']);
  return {
    email: text(order['email']) ?? text(order['contact_email']),
    externalId: null,
    firstName: text(billing?.['first_name']),
    lastName: text(billing?.['last_name']),
    phone: text(order['phone']) ?? text(billing?.['phone']),
    company: text(billing?.['company']),
    group: null,
    registered: false,
    optedIn: optedIn(null, order),
    note: null,
  };
}

export function mapShopifyAddress(value: unknown): NormalizedAddress | null {
  const address = optionalObject(value);
  if (address === null) return null;
  const joined = [text(address['first_name']), text(address['last_name'])].filter((p) => p !== null).join(' ');
  return {
    name: text(address['name']) ?? (joined === '' ? null : joined),
    company: text(address['company']),
    line1: text(address['address1']),
    line2: text(address['address2']),
    city: text(address['city']),
    region: text(address['province_code']) ?? text(address['province']),
    postalCode: text(address['zip']),
    country: text(address['country_code']) ?? (text(address['country'])?.length === 2 ? text(address['country']) : null),
    phone: text(address['phone']),
  };
}
