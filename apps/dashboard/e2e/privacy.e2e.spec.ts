import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newDesktopContext, newWatchedPage, screenshotter } from './browser.js';
import { linkFromOutbox, order, postOrder } from './merchant.js';
import { eventually, startE2eStack, type E2eStack } from './stack.js';

// Issue 14, point 3 in Chromium against the real stack: the merchant sends a customer their profile information from
// the customer's Privacy tools, the customer opens the emailed link (read from the development outbox) on a phone,
// sees their data, unsubscribes and downloads the export; the same link opened again says it was used. Then the
// merchant deletes the customer with a typed confirmation.
describe('privacy tools: Send Profile Information and Delete customer', () => {
  let stack: E2eStack;
  let browser: Browser;
  let merchantContext: BrowserContext;
  let customerContext: BrowserContext;
  let page: Page;
  let phone: Page;
  const shot = screenshotter('privacy');
  const merchant = { name: 'Pia Privacy', email: `pia.${Date.now()}@beanthere.example`, password: 'correct horse battery staple' };
  const customer = 'marguerite.vanloo@privacy.example';
  let storeId = '';
  let customerId = '';
  let link = '';
  const browserErrors: string[] = [];

  beforeAll(async () => {
    stack = await startE2eStack();
    browser = await launchChromium();
    merchantContext = await newDesktopContext(browser);
    page = await newWatchedPage(merchantContext, browserErrors);
    // The customer is someone else, on a phone: no merchant cookie.
    customerContext = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'en-US', timezoneId: 'UTC', acceptDownloads: true });
    phone = await newWatchedPage(customerContext, browserErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  const step = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      await page.screenshot({ path: `${shot.dir}/failed-${what.replace(/\W+/g, '-')}-merchant.png`, fullPage: true }).catch(() => {});
      await phone.screenshot({ path: `${shot.dir}/failed-${what.replace(/\W+/g, '-')}-customer.png`, fullPage: true }).catch(() => {});
      throw new Error(`${what} (at ${page.url()} / ${phone.url()}): ${(err as Error).message}\nbrowser errors:\n${browserErrors.join('\n')}\n${stack.logs()}`);
    }
  };
  const open = async (target: Page, url: string) => {
    await target.goto(url);
    await target.waitForLoadState('networkidle');
  };
  const heading = (target: Page, name: string | RegExp) => target.getByRole('heading', { level: 1, name });

  it('a signed-in merchant with a store and a customer who ordered', async () => {
    await step('sign up and verify', async () => {
      await open(page, `${stack.dashboardUrl}/sign-up`);
      await page.getByLabel('Name', { exact: true }).fill(merchant.name);
      await page.getByLabel('Email', { exact: true }).fill(merchant.email);
      await page.getByLabel('Password', { exact: true }).fill(merchant.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await heading(page, 'Check your email').waitFor();
      await open(page, await linkFromOutbox(stack.apiUrl, merchant.email, '/verify?token='));
      await page.waitForURL(/\/stores\/new$/);
    });
    let webhookSecret = '';
    await step('add a store', async () => {
      await page.waitForLoadState('networkidle');
      await page.getByLabel('Store name').fill('Bean There Coffee');
      await page.getByLabel('Domain').fill('https://www.beanthere.example');
      await page.getByLabel('Currency').selectOption('USD');
      await page.getByLabel('Time zone').selectOption('Europe/London');
      await page.getByRole('button', { name: 'Add store' }).click();
      await heading(page, /Store added/).waitFor();
      webhookSecret = (await page.getByTestId('webhook-secret').innerText()).trim();
      await page.getByRole('link', { name: 'Continue to store settings' }).click();
      await page.waitForURL(/\/stores\/[0-9a-f-]{36}\/settings$/);
      storeId = /\/stores\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    });
    await step('an order makes the customer', async () => {
      await postOrder(stack.apiUrl, storeId, webhookSecret, { ...order('privacy-1001', customer, 37), customer: { email: customer, firstName: 'Marguerite', lastName: 'Vanloo', optedIn: true } });
      const db = new pg.Client({ connectionString: stack.db.url });
      await db.connect();
      try {
        customerId = await eventually(async () => (await db.query<{ id: string }>(`select id from customer where store_id = $1 and email = $2`, [storeId, customer])).rows[0]?.id, 30_000);
      } finally {
        await db.end();
      }
    });
  });

  it('sends the profile information link from Privacy tools', async () => {
    await step('privacy tools', async () => {
      await open(page, `${stack.dashboardUrl}/stores/${storeId}/customers/${customerId}/privacy`);
      await heading(page, 'Privacy tools').waitFor();
      await page.getByText(customer).first().waitFor();
      await shot(page, 'privacy-tools');
    });
    await step('send with confirmation', async () => {
      await page.getByRole('button', { name: 'Send profile information' }).click();
      await page.getByRole('alertdialog').getByText(`A link to their data will be emailed to ${customer}.`).waitFor();
      await shot(page, 'send-confirmation');
      await page.getByRole('button', { name: 'Send link' }).click();
      await page.getByText(`Profile information link sent to ${customer}`).waitFor();
      await page.getByText(/valid until/).waitFor();
      await shot(page, 'link-sent');
    });
    link = await linkFromOutbox(stack.apiUrl, customer, '/privacy/');
    expect(new URL(link).origin).toBe(stack.dashboardUrl);
  });

  it('the customer opens the link on a phone, sees their data, unsubscribes and downloads the export; the link then says used', async () => {
    await step('open the link', async () => {
      await open(phone, link);
      await heading(phone, 'Your data at Bean There Coffee').waitFor();
      await shot(phone, 'customer-link');
      await phone.getByRole('button', { name: 'Show my data' }).click();
      await phone.waitForURL(/\/privacy\/me$/);
      await heading(phone, 'Your data at Bean There Coffee').waitFor();
      await phone.getByText(customer).waitFor();
      await phone.getByRole('cell', { name: '$37.00' }).waitFor();
      await shot(phone, 'customer-data');
    });
    await step('unsubscribe', async () => {
      await phone.getByTestId('subscription').getByText('You receive marketing email from this store.').waitFor();
      await phone.getByRole('button', { name: 'Unsubscribe' }).click();
      await phone.getByText('You are unsubscribed from the store’s marketing emails.').waitFor();
      await phone.getByTestId('subscription').getByText('You do not receive marketing email from this store.').waitFor();
      await shot(phone, 'customer-unsubscribed');
    });
    await step('download the export', async () => {
      const [download] = await Promise.all([phone.waitForEvent('download'), phone.getByRole('link', { name: 'Download my data (JSON)' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
      const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
      expect(exported.profile).toMatchObject({ email: customer, firstName: 'Marguerite', lastName: 'Vanloo', optedIn: true });
      expect(exported.subscription).toMatchObject({ subscribed: false });
      expect(exported.orders).toEqual([expect.objectContaining({ externalId: 'privacy-1001', totalMinor: 3700, lines: [expect.objectContaining({ sku: 'COFFEE-1KG' })] })]);
      expect(exported).toHaveProperty('messages');
    });
    await step('second open says used', async () => {
      const again = await customerContext.newPage();
      await open(again, link);
      await heading(again, 'This link does not work').waitFor();
      await again.getByText('This link was already used').waitFor();
      expect(await again.getByRole('button', { name: 'Show my data' }).count()).toBe(0);
      await shot(again, 'link-used');
      await again.close();
    });
  });

  it('the merchant exports the customer’s data on request and downloads it', async () => {
    await step('export', async () => {
      await open(page, `${stack.dashboardUrl}/stores/${storeId}/customers/${customerId}/privacy`);
      await page.getByRole('button', { name: 'Export customer data' }).click();
      await page.getByText('Export ready').waitFor();
      await page.getByRole('cell', { name: 'Data request' }).waitFor();
      await shot(page, 'merchant-export');
    });
    await step('download', async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('status').getByRole('link', { name: 'download it' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^data-request-[0-9a-f-]{36}\.json$/);
      const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
      expect(exported.profile).toMatchObject({ id: customerId, email: customer, firstName: 'Marguerite' });
      // The customer unsubscribed on their own page before: the merchant's export says so.
      expect(exported.subscription).toMatchObject({ subscribed: false });
      expect(exported.orders).toEqual([expect.objectContaining({ externalId: 'privacy-1001' })]);
    });
  });

  it('the merchant deletes the customer with a typed confirmation', async () => {
    await step('wrong confirmation is refused', async () => {
      await open(page, `${stack.dashboardUrl}/stores/${storeId}/customers/${customerId}/privacy`);
      await page.getByLabel(/to confirm/).fill('someone@else.example');
      await page.getByRole('button', { name: 'Delete customer' }).click();
      await page.getByText('Does not match the customer’s email address').waitFor();
      await shot(page, 'delete-refused');
    });
    await step('delete', async () => {
      await page.getByLabel(/to confirm/).fill(customer);
      await page.getByRole('button', { name: 'Delete customer' }).click();
      await page.waitForURL(/\/privacy\?erased=/);
      await page.getByText('The customer was deleted.').waitFor();
      await page.getByRole('cell', { name: 'Erasure' }).waitFor();
      await shot(page, 'deleted');
    });
    await step('the customer is gone, and their open page with them', async () => {
      await open(page, `${stack.dashboardUrl}/stores/${storeId}/customers/${customerId}/privacy`);
      expect(await heading(page, 'Privacy tools').count()).toBe(0);
      await open(phone, `${stack.dashboardUrl}/privacy/me`);
      await phone.getByText('Your session on this page has ended').waitFor();
    });
  });
});
