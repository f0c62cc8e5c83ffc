import type { EntityManager } from '@boomerang/persistence';
import {
  CustomerDataRepository,
  EXPORT_ROW_LIMIT,
  type CustomerProfile,
  type ExportedConversion,
  type ExportedDirectMessage,
  type ExportedEnrollment,
  type ExportedMessage,
  type ExportedOrder,
} from './customer-data.repository.js';

/** Everything a store holds about one customer, as the customer (or the merchant, for a data request) downloads it. */
export interface CustomerExport {
  format: 'boomerang.customer-export.v1';
  exportedAt: Date;
  store: { id: string; name: string | null };
  /** At most this many rows of each list, newest first. */
  rowLimit: number;
  profile: CustomerProfile | null;
  subscription: { subscribed: boolean; unsubscribedAt: Date | null; suppressed: { reason: string; createdAt: Date } | null };
  orders: ExportedOrder[];
  messages: ExportedMessage[];
  /** Messages the merchant wrote to the customer (the order view's "Message the customer"). */
  directMessages: ExportedDirectMessage[];
  retentionEnrollments: ExportedEnrollment[];
  conversions: ExportedConversion[];
}

export function isSubscribed(profile: Pick<CustomerProfile, 'optedIn' | 'unsubscribedAt'>): boolean {
  return profile.optedIn && !profile.unsubscribedAt;
}

/** Builds the export of a customer (by id, or by address for a platform's data request; null profile when unknown). */
export async function buildCustomerExport(
  em: EntityManager,
  storeId: string,
  who: { customerId: string } | { email: string },
  now: Date,
): Promise<CustomerExport> {
  const data = new CustomerDataRepository(em);
  const profile = 'customerId' in who ? await data.profile(storeId, who.customerId) : await data.profileByEmail(storeId, who.email);
  const storeName = await data.storeName(storeId);
  const empty: CustomerExport = {
    format: 'boomerang.customer-export.v1',
    exportedAt: now,
    store: { id: storeId, name: storeName },
    rowLimit: EXPORT_ROW_LIMIT,
    profile: null,
    subscription: { subscribed: false, unsubscribedAt: null, suppressed: null },
    orders: [],
    messages: [],
    directMessages: [],
    retentionEnrollments: [],
    conversions: [],
  };
  if (!profile) return empty;
  const [orders, messages, directMessages, retentionEnrollments, conversions, suppressed] = [
    await data.orders(storeId, profile.id),
    await data.messages(storeId, profile.id),
    await data.directMessages(storeId, profile.id),
    await data.enrollments(storeId, profile.id),
    await data.conversions(storeId, profile.id),
    await data.suppression(storeId, profile.email),
  ];
  return {
    ...empty,
    profile,
    subscription: { subscribed: isSubscribed(profile), unsubscribedAt: profile.unsubscribedAt, suppressed },
    orders,
    messages,
    directMessages,
    retentionEnrollments,
    conversions,
  };
}
