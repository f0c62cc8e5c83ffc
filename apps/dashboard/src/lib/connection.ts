// The Connection page's vocabulary: each platform's own terms, the statuses, and what the forms send.
import type { components } from './api/schema.js';

/** GET /api/v1/stores/{storeId}/connection. */
export type StoreConnection = components['schemas']['StoreConnection'];
/** PUT /api/v1/stores/{storeId}/connection. */
export type ConnectInput = components['schemas']['ConnectionInput'];
export type ConnectPlatform = ConnectInput['platform'];
export type ConnectionStatus = StoreConnection['status'];

export const CONNECT_PLATFORMS = ['shopify', 'woocommerce', 'bigcommerce', 'custom'] as const satisfies readonly ConnectPlatform[];

export interface PlatformField {
  name: string;
  label: string;
  hint?: string;
  placeholder?: string;
  /** Credentials: a password input, never echoed back into the form. */
  secret?: boolean;
}

export interface PlatformForm {
  label: string;
  /** A short how-to, in the platform's own terms. */
  steps: string[];
  fields: PlatformField[];
}

export const PLATFORM_FORMS: Record<Exclude<ConnectPlatform, 'custom'>, PlatformForm> = {
  shopify: {
    label: 'Shopify',
    steps: [
      'In your Shopify admin, open Settings → Apps and sales channels → Develop apps, and create an app (allow custom app development if asked).',
      'Under Configuration → Admin API integration, grant read_orders, read_customers and read_products, then install the app.',
      'Under API credentials, reveal the Admin API access token once and copy it with the API secret key.',
    ],
    fields: [
      { name: 'shopDomain', label: 'Shop domain', placeholder: 'your-store.myshopify.com', hint: 'The myshopify.com address of your store' },
      { name: 'accessToken', label: 'Admin API access token', placeholder: 'shpat_…', secret: true },
      { name: 'apiSecretKey', label: 'API secret key', hint: 'Shopify signs its webhooks with it', secret: true },
    ],
  },
  woocommerce: {
    label: 'WooCommerce',
    steps: [
      'In WordPress, open WooCommerce → Settings → Advanced → REST API and click Add key.',
      'Choose a user who manages the shop, set Permissions to Read/Write (we create our webhooks), and generate the key.',
      'Copy the consumer key and consumer secret: WooCommerce shows the secret only once.',
    ],
    fields: [
      { name: 'siteUrl', label: 'Site URL', placeholder: 'https://shop.example.com', hint: 'Your WordPress address, with https://' },
      { name: 'consumerKey', label: 'Consumer key', placeholder: 'ck_…', secret: true },
      { name: 'consumerSecret', label: 'Consumer secret', placeholder: 'cs_…', secret: true },
    ],
  },
  bigcommerce: {
    label: 'BigCommerce',
    steps: [
      'In your BigCommerce control panel, open Settings → API → Store-level API accounts and create an API account (V2/V3 API token).',
      'Give Orders, Products and Information & settings read access, and Store logs / webhooks modify access.',
      'Copy the access token, and the store hash from the API path (https://api.bigcommerce.com/stores/{store hash}/v3/).',
    ],
    fields: [
      { name: 'storeHash', label: 'Store hash', placeholder: 'abc123xyz', hint: 'The part after /stores/ in your API path' },
      { name: 'accessToken', label: 'API access token', secret: true },
    ],
  },
};

export function platformLabel(platform: string): string {
  if (platform === 'custom') return 'Custom cart';
  return PLATFORM_FORMS[platform as keyof typeof PLATFORM_FORMS]?.label ?? platform;
}

export function isConnectPlatform(value: string): value is ConnectPlatform {
  return (CONNECT_PLATFORMS as readonly string[]).includes(value);
}

/** The form's fields as the api's body (trimmed); a field left empty is sent empty so the api names it. */
export function connectInput(platform: ConnectPlatform, values: Record<string, string>): ConnectInput {
  if (platform === 'custom') return { platform };
  const fields = Object.fromEntries(PLATFORM_FORMS[platform].fields.map((f) => [f.name, (values[f.name] ?? '').trim()]));
  return { platform, ...fields } as ConnectInput;
}

export const STATUS_LABELS: Record<ConnectionStatus, string> = {
  connected: 'Connected',
  failing: 'Failing',
  disconnected: 'Disconnected',
};

/** Where the connection points, in the platform's terms ("your-store.myshopify.com"). */
export function connectionAddress(connection: StoreConnection): string | null {
  const { shopDomain, siteUrl, storeHash } = connection.identifiers;
  return shopDomain ?? siteUrl ?? (storeHash ? `store hash ${storeHash}` : null);
}

/** A store that has (or had, failing) a link to its cart; a removed or never made connection is not one. */
export function isLinked(connection: StoreConnection): connection is StoreConnection & { platform: ConnectPlatform } {
  return connection.platform !== null && connection.status !== 'disconnected';
}

/** "1,234", or "1M+" past a million (the store dashboard's product count, variants included). */
export function formatProductCount(count: number): string {
  if (count > 1_000_000) return '1M+';
  return count.toLocaleString('en-US');
}
