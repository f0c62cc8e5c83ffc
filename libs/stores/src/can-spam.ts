import type { Store } from '@boomerang/persistence';

const REQUIRED = ['companyName', 'street', 'city', 'postalCode', 'country'] as const;

/** CAN-SPAM store details a marketing message needs in its footer; empty means the store may send. */
export function missingCanSpamFields(store: Pick<Store, (typeof REQUIRED)[number]>): string[] {
  return REQUIRED.filter((field) => !store[field]?.trim());
}
