import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { eventually } from './stack.js';

/** An order as a merchant's cart posts it to the store's webhook URL, signed with the store's webhook secret. */
export async function postOrder(apiUrl: string, storeId: string, secret: string, order: Record<string, unknown>): Promise<void> {
  const raw = JSON.stringify(order);
  const res = await fetch(`${apiUrl}/api/v1/stores/${storeId}/webhooks/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-boomerang-signature': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` },
    body: raw,
  });
  if (res.status !== 202 && res.status !== 200 && res.status !== 201) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
}

export function order(id: string, email: string, total: number, sku = 'COFFEE-1KG') {
  return {
    id,
    status: 'completed',
    currency: 'USD',
    customer: { email, firstName: 'Jane', lastName: 'Doe', optedIn: true },
    lineItems: [{ sku, name: 'House blend 1kg', quantity: 1, price: total }],
    totals: { subtotal: total, tax: 0, shipping: 0, total },
    createdAt: new Date().toISOString(),
  };
}

/** The link in the newest development-outbox email to `to` whose path is `path` (the api's dev outbox). */
export async function linkFromOutbox(apiUrl: string, to: string, path: string): Promise<string> {
  return eventually(async () => {
    const list = (await (await fetch(`${apiUrl}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`)).json()) as { emails: { id: string }[] };
    for (const { id } of list.emails ?? []) {
      const email = (await (await fetch(`${apiUrl}/api/v1/dev/outbox/${id}`)).json()) as { html: string; text: string };
      const match = `${email.text}\n${email.html}`.match(new RegExp(`https?://[^\\s"'<>]+${path.replace(/[/?]/g, '\\$&')}[^\\s"'<>]*`));
      if (match) return match[0].replace(/&amp;/g, '&');
    }
    return undefined;
  }, 20_000);
}

/** Reloads until `probe` sees what it waits for (the dashboard is server-rendered; nothing pushes to it). */
export async function reloadUntil(page: Page, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => {
    if (await probe()) return true;
    await page.reload();
    return false;
  }, timeoutMs, 1_000);
}

export interface NewMerchant {
  name: string;
  email: string;
  password: string;
}

/**
 * Signs a new merchant up (the verification link read from the development outbox) and adds a store; returns the
 * store's id and its webhook secret (shown once, on "Store added").
 */
export async function signUpWithStore(
  page: Page,
  urls: { apiUrl: string; dashboardUrl: string },
  merchant: NewMerchant,
  store: { name: string; timezone: string; domain?: string; currency?: string },
): Promise<{ storeId: string; webhookSecret: string }> {
  await page.goto(`${urls.dashboardUrl}/sign-up`);
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Name', { exact: true }).fill(merchant.name);
  await page.getByLabel('Email', { exact: true }).fill(merchant.email);
  await page.getByLabel('Password', { exact: true }).fill(merchant.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  await page.goto(await linkFromOutbox(urls.apiUrl, merchant.email, '/verify?token='));
  await page.waitForURL(/\/stores\/new$/);
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Store name').fill(store.name);
  await page.getByLabel('Domain').fill(store.domain ?? 'https://beanthere.example');
  await page.getByLabel('Currency').selectOption(store.currency ?? 'USD');
  await page.getByLabel('Time zone').selectOption(store.timezone);
  await page.getByRole('button', { name: 'Add store' }).click();
  await page.getByRole('heading', { level: 1, name: /Store added/ }).waitFor();
  const webhookSecret = (await page.getByTestId('webhook-secret').innerText()).trim();
  await page.getByRole('link', { name: 'Continue to store settings' }).click();
  await page.waitForURL(/\/stores\/[0-9a-f-]{36}\/settings$/);
  return { storeId: /\/stores\/([0-9a-f-]{36})/.exec(page.url())![1]!, webhookSecret };
}

/** Fills and saves the store's CAN-SPAM details on the settings page (open), waiting until nothing is missing. */
export async function fillStoreInformation(page: Page): Promise<void> {
  await page.getByLabel('Company').fill('Bean There LLC');
  await page.getByLabel('Street').fill('1 Roast Street');
  await page.getByLabel('City').fill('Portland');
  await page.getByLabel('State/Province').fill('OR');
  await page.getByLabel('Zip').fill('97201');
  await page.getByLabel('Country', { exact: true }).selectOption({ label: 'United States' });
  await page.getByRole('button', { name: 'Save store information' }).click();
  // Saved when nothing is missing any more (not merely when a "saved" message shows).
  await page.getByTestId('can-spam-missing').waitFor({ state: 'detached' });
}

/** Connects the store to Shopify (a fake on loopback) from the Connection page, as a merchant does, until it says so. */
export async function connectShopify(
  page: Page,
  dashboardUrl: string,
  storeId: string,
  shop: { shopDomain: string; accessToken: string; apiSecretKey: string },
): Promise<void> {
  await page.goto(`${dashboardUrl}/stores/${storeId}/connection`);
  await page.waitForLoadState('networkidle');
  await page.getByRole('radio', { name: 'Shopify' }).check();
  await page.getByLabel('Shop domain', { exact: true }).fill(shop.shopDomain);
  await page.getByLabel('Admin API access token', { exact: true }).fill(shop.accessToken);
  await page.getByLabel('API secret key', { exact: true }).fill(shop.apiSecretKey);
  await page.getByRole('button', { name: 'Connect Shopify' }).click();
  await page.waitForURL(/connected=1/);
  await page.getByText('Connected to Shopify.').waitFor();
}
