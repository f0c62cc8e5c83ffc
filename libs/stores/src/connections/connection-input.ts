import { ValidationError } from '@boomerang/domain';
import { httpUrl, text } from '@boomerang/validation';
import { z } from 'zod';
import type { PlatformCredentials, PlatformEndpoints } from '../platforms/platform.port.js';

/** A token or key as the platform shows it: one line, no spaces (a pasted value keeps no stray whitespace). */
const secret = (what: string) => text(500).pipe(z.string().regex(/^\S+$/, `must be the ${what} exactly as shown, without spaces`));

/** `bean-there.myshopify.com`; a pasted admin URL (`https://bean-there.myshopify.com/admin`) is reduced to it. */
const shopDomain = text(255)
  .transform((v) => v.toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, ''))
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}\.myshopify\.com$/, 'must be the shop\'s myshopify.com domain, e.g. bean-there.myshopify.com'));

/** The WordPress site's address, without a trailing slash (the REST paths are appended to it). */
const siteUrl = httpUrl(500)
  .refine((v) => !new URL(v).search && !new URL(v).hash && !new URL(v).username, 'must be the site address, without query, fragment or user')
  .transform((v) => v.replace(/\/+$/, ''));

/** A BigCommerce store hash: the part after `/stores/` in its API path. */
const storeHash = text(64)
  .transform((v) => v.toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9]{1,64}$/, 'must be the store hash (letters and digits, from the API path /stores/{hash}/)'));

/** `PUT …/connection`: what the merchant enters, in the platform's own terms. */
export const connectionInputSchema = z
  .discriminatedUnion(
    'platform',
    [
      z
        .object({
          platform: z.literal('shopify'),
          shopDomain: shopDomain.meta({ description: 'The shop\'s myshopify.com domain', example: 'bean-there.myshopify.com' }),
          accessToken: secret('Admin API access token').meta({ description: 'The custom app\'s Admin API access token (shpat_…)' }),
          apiSecretKey: secret('API secret key').meta({ description: 'The custom app\'s API secret key: Shopify signs its webhooks with it' }),
        })
        .strict(),
      z
        .object({
          platform: z.literal('woocommerce'),
          siteUrl: siteUrl.meta({ description: 'The WordPress site address', example: 'https://shop.example.com' }),
          consumerKey: secret('consumer key').meta({ description: 'REST API consumer key (ck_…), read/write' }),
          consumerSecret: secret('consumer secret').meta({ description: 'REST API consumer secret (cs_…)' }),
        })
        .strict(),
      z
        .object({
          platform: z.literal('bigcommerce'),
          storeHash: storeHash.meta({ description: 'The store hash', example: 'abc123' }),
          accessToken: secret('API access token').meta({ description: 'A store-level API account\'s access token (orders, products, webhooks)' }),
        })
        .strict(),
      z.object({ platform: z.literal('custom') }).strict(),
    ],
    { error: 'must be one of shopify, woocommerce, bigcommerce, custom' },
  )
  .meta({ id: 'ConnectionInput' });

export type ConnectionInput = z.output<typeof connectionInputSchema>;

/** The identifiers we may show: never a token, key or secret. */
export function identifiersOf(credentials: PlatformCredentials): Record<string, string> {
  switch (credentials.platform) {
    case 'shopify':
      return { shopDomain: credentials.shopDomain };
    case 'woocommerce':
      return { siteUrl: credentials.siteUrl };
    case 'bigcommerce':
      return { storeHash: credentials.storeHash };
    case 'custom':
      return {};
  }
}

const PRIVATE_HOST = /^(localhost|.*\.localhost|.*\.local|.*\.internal|0\.0\.0\.0|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|\[.*\])$/i;

/**
 * A WooCommerce site is the merchant's own server, which ours will call: in production it must be https and public
 * (not loopback, private or link-local by literal address). Development and tests allow http on loopback
 * (`ALLOW_INSECURE_PLATFORM_URLS`). Name resolution is not checked here.
 */
export function assertReachableSite(siteUrl: string, endpoints: PlatformEndpoints): void {
  if (endpoints.allowInsecureSiteUrls) return;
  const url = new URL(siteUrl);
  if (url.protocol !== 'https:') throw ValidationError.field('siteUrl', 'must be an https:// address');
  if (PRIVATE_HOST.test(url.hostname)) throw ValidationError.field('siteUrl', 'must be a public address, not a local or private one');
}
