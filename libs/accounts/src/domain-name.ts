import { z } from 'zod';

/**
 * A storefront's domain as the trial remembers it: lower case, no scheme, no `www.`, no port, path, query or
 * trailing dot, so `https://WWW.Shop.example/products` and `shop.example` are the same store.
 */
export function normaliseDomain(input: string): string | null {
  let value = input.trim().toLowerCase();
  if (!value) return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//.test(value)) value = `http://${value}`;
  let host: string;
  try {
    host = new URL(value).hostname;
  } catch {
    return null;
  }
  host = host.replace(/\.$/, '').replace(/^www\./, '');
  // A public storefront: a dotted host name of letters, digits and hyphens (URL has already turned IDNs into punycode).
  if (host.length > 253 || !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(host)) return null;
  if (/^[\d.]+$/.test(host)) return null;
  return host;
}

/** The `domain` field of a new store: any form a merchant may paste, normalised. */
export const domainName = () =>
  z
    .string({ error: 'must be a domain such as shop.example.com' })
    .max(2_048, { message: 'must be at most 2048 characters', abort: true })
    .transform((value, ctx) => {
      const domain = normaliseDomain(value);
      if (!domain) {
        ctx.addIssue({ code: 'custom', message: 'must be a domain such as shop.example.com' });
        return z.NEVER;
      }
      return domain;
    });
