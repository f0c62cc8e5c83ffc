import { DomainError } from '@boomerang/domain';
import type { Store } from '@boomerang/persistence';

const REQUIRED = ['companyName', 'street', 'city', 'postalCode', 'country'] as const;

/** CAN-SPAM store details a marketing message needs in its footer; empty means the store may send. */
export function missingCanSpamFields(store: Pick<Store, (typeof REQUIRED)[number]>): string[] {
  return REQUIRED.filter((field) => !store[field]?.trim());
}

/** Refuses (409, each missing field named) when the store lacks the CAN-SPAM details its emails must carry. */
export function assertCanSpamComplete(store: Pick<Store, (typeof REQUIRED)[number]>, fieldMessage: string): void {
  const missing = missingCanSpamFields(store);
  if (!missing.length) return;
  throw new DomainError(
    'conflict',
    `store is missing CAN-SPAM details required before sending: ${missing.join(', ')}`,
    missing.map((field) => ({ field: `store.${field}`, message: fieldMessage })),
  );
}
