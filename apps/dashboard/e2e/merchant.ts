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

/**
 * Signs a new merchant up in the dashboard, verifies the email from the development outbox and adds a store (USD,
 * the time zone given); ends on the store's settings. Returns the store's id and its webhook secret.
 */
export async function signUpAndAddStore(
  page: Page,
  urls: { dashboardUrl: string; apiUrl: string },
  merchant: { name: string; email: string; password: string },
  store: { name: string; domain: string; timezone: string },
): Promise<{ storeId: string; webhookSecret: string }> {
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  await page.goto(`${urls.dashboardUrl}/sign-up`);
  await page.getByLabel('Name', { exact: true }).fill(merchant.name);
  await page.getByLabel('Email', { exact: true }).fill(merchant.email);
  await page.getByLabel('Password', { exact: true }).fill(merchant.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await heading('Check your email').waitFor();
  await page.goto(await linkFromOutbox(urls.apiUrl, merchant.email, '/verify?token='));
  await page.waitForURL(/\/stores\/new$/);
  await page.getByLabel('Store name').fill(store.name);
  await page.getByLabel('Domain').fill(store.domain);
  await page.getByLabel('Currency').selectOption('USD');
  await page.getByLabel('Time zone').selectOption(store.timezone);
  await page.getByRole('button', { name: 'Add store' }).click();
  await heading(/Store added/).waitFor();
  const webhookSecret = (await page.getByTestId('webhook-secret').innerText()).trim();
  await page.getByRole('link', { name: 'Continue to store settings' }).click();
  await page.waitForURL(/\/stores\/[0-9a-f-]{36}\/settings$/);
  return { storeId: /\/stores\/([0-9a-f-]{36})/.exec(page.url())![1]!, webhookSecret };
}
