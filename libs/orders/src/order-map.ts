import type { NormalizedAddress } from '@boomerang/domain';

export interface OrderMap {
  /** A Google Maps Embed API URL for an iframe; only when the api has a key. */
  embedUrl: string | null;
  /** The address on OpenStreetMap, when there is no key. */
  linkUrl: string | null;
}

/** The address as one line a map search understands (no name, company or phone). */
export function addressQuery(address: NormalizedAddress | null): string | null {
  if (!address) return null;
  const parts = [address.line1, address.line2, address.city, address.region, address.postalCode, address.country]
    .map((p) => p?.trim())
    .filter((p): p is string => Boolean(p));
  return parts.length ? parts.join(', ') : null;
}

/** Where the order goes: the shipping address, else the billing one; nothing without either. */
export function orderMap(shipping: NormalizedAddress | null, billing: NormalizedAddress | null, embedKey: string | null): OrderMap {
  const query = addressQuery(shipping) ?? addressQuery(billing);
  if (!query) return { embedUrl: null, linkUrl: null };
  const q = encodeURIComponent(query);
  if (embedKey) return { embedUrl: `https://www.google.com/maps/embed/v1/place?key=${encodeURIComponent(embedKey)}&q=${q}`, linkUrl: null };
  return { embedUrl: null, linkUrl: `https://www.openstreetmap.org/search?query=${q}` };
}
