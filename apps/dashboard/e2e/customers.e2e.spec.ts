import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newDesktopContext, newWatchedPage, screenshotter } from './browser.js';
import { linkFromOutbox, postOrder } from './merchant.js';
import { eventually, startE2eStack, type E2eStack } from './stack.js';

// The customers list and card in Chromium against the real stack: orders arrive by signed webhook, the merchant
// searches the list, opens a card, reads the purchase frequency, unsubscribes the customer from the drop-down and
// sees the change (with who made it) in the subscription history and on the timeline.
describe('a merchant finds a customer, reads their card and unsubscribes them', () => {
  let stack: E2eStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shot = screenshotter('customers');
  const merchant = { name: 'Cleo Customer', email: `cleo.${Date.now()}@beanthere.example`, password: 'correct horse battery staple' };
  let storeId = '';
  let webhookSecret = '';
  const browserErrors: string[] = [];

  beforeAll(async () => {
    stack = await startE2eStack();
    browser = await launchChromium();
    context = await newDesktopContext(browser);
    page = await newWatchedPage(context, browserErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  const step = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      await page.screenshot({ path: `${shot.dir}/failed-${what.replace(/\W+/g, '-')}.png`, fullPage: true }).catch(() => {});
      throw new Error(`${what} (at ${page.url()}): ${(err as Error).message}\nbrowser errors:\n${browserErrors.join('\n')}\n${stack.logs()}`);
    }
  };
  const open = async (url: string) => {
    await page.goto(url);
    await page.waitForLoadState('networkidle');
  };
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const buy = (id: string, email: string, firstName: string, lastName: string, total: number, createdAt: string) =>
    postOrder(stack.apiUrl, storeId, webhookSecret, {
      id,
      status: 'completed',
      currency: 'USD',
      customer: { email, firstName, lastName, optedIn: true },
      lineItems: [{ sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 1, price: total }],
      totals: { subtotal: total, tax: 0, shipping: 0, total },
      createdAt,
    });

  it('signs up, adds a store and receives orders', async () => {
    await step('sign up and add a store', async () => {
      await open(`${stack.dashboardUrl}/sign-up`);
      await page.getByLabel('Name', { exact: true }).fill(merchant.name);
      await page.getByLabel('Email', { exact: true }).fill(merchant.email);
      await page.getByLabel('Password', { exact: true }).fill(merchant.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await heading('Check your email').waitFor();
      await open(await linkFromOutbox(stack.apiUrl, merchant.email, '/verify?token='));
      await page.waitForURL(/\/stores\/new$/);
      await page.getByLabel('Store name').fill('Bean There Coffee');
      await page.getByLabel('Domain').fill('https://beanthere.example');
      await page.getByLabel('Currency').selectOption('USD');
      await page.getByLabel('Time zone').selectOption('Europe/London');
      await page.getByRole('button', { name: 'Add store' }).click();
      await heading(/Store added/).waitFor();
      webhookSecret = (await page.getByTestId('webhook-secret').innerText()).trim();
      await page.getByRole('link', { name: 'Continue to store settings' }).click();
      await page.waitForURL(/\/stores\/[0-9a-f-]{36}\/settings$/);
      storeId = /\/stores\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    });
    await step('the empty list', async () => {
      await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Customers' }).click();
      await heading('Customers').waitFor();
      await page.getByText('No customers yet').waitFor();
      await shot(page, 'empty-list');
    });
    await step('orders arrive', async () => {
      // Jane: Jan 1, Jan 11, Jan 31 (every 15 days on average). Joe and Ann one order each.
      await buy('1001', 'jane.doe@example.com', 'Jane', 'Doe', 20, '2026-01-01T10:00:00Z');
      await buy('1002', 'jane.doe@example.com', 'Jane', 'Doe', 30, '2026-01-11T10:00:00Z');
      await buy('1003', 'jane.doe@example.com', 'Jane', 'Doe', 40, '2026-01-31T10:00:00Z');
      await buy('1004', 'joe.bloggs@example.com', 'Joe', 'Bloggs', 150, '2026-01-20T10:00:00Z');
      await buy('1005', 'ann.other@example.com', 'Ann', 'Other', 12, '2026-02-02T10:00:00Z');
      await eventually(async () => {
        await open(`${stack.dashboardUrl}/stores/${storeId}/customers`);
        return (await page.getByTestId('customer-count').innerText().catch(() => '')).startsWith('3 customers');
      }, 60_000, 1_000);
    });
  });

  it('searches, sorts and opens a card with the purchase frequency', async () => {
    await step('sorted by total spent', async () => {
      await page.getByLabel('Sort by').selectOption('total_spent');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/sort=total_spent/);
      const rows = page.getByRole('region', { name: 'Customers' }).locator('tbody tr');
      await eventually(async () => (await rows.count()) === 3);
      expect(await rows.nth(0).innerText()).toContain('Joe Bloggs');
      expect(await rows.nth(1).innerText()).toContain('Jane Doe');
      await shot(page, 'list-by-total-spent');
    });
    await step('search', async () => {
      await page.getByLabel('Search').fill('JANE');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/q=JANE/);
      await page.getByText('1 customer matching “JANE”').waitFor();
      await shot(page, 'search');
    });
    await step('open the card', async () => {
      await page.getByRole('link', { name: 'Jane Doe' }).click();
      await heading('Jane Doe').waitFor();
      expect(await page.getByTestId('stat-orders').innerText()).toBe('3');
      expect(await page.getByTestId('stat-total').innerText()).toBe('$90.00');
      expect(await page.getByTestId('stat-frequency').innerText()).toBe('every 15 days');
      // Jan 31 + 15 days, shown in the store's time zone (London, GMT in February).
      expect(await page.getByTestId('stat-next').innerText()).toBe('2026-02-15 10:00 Europe/London');
      expect(await page.getByTestId('subscription-state').innerText()).toBe('Subscribed');
      expect(await page.getByRole('link', { name: 'Privacy tools' }).getAttribute('href')).toBe(`/stores/${storeId}/customers/${/customers\/([0-9a-f-]{36})/.exec(page.url())![1]}/privacy`);
      const orders = page.getByRole('region', { name: 'Orders' }).locator('tbody tr');
      expect(await orders.count()).toBe(3);
      expect(await orders.first().getByRole('link').getAttribute('href')).toMatch(new RegExp(`^/stores/${storeId}/orders/[0-9a-f-]{36}$`));
      await shot(page, 'card');
    });
  });

  it('unsubscribes the customer from the drop-down and sees the history entry', async () => {
    await step('unsubscribe', async () => {
      await page.getByRole('button', { name: 'Customer actions' }).click();
      await page.getByRole('menuitem', { name: 'Unsubscribe' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: 'Unsubscribe Jane Doe?' }).waitFor();
      await dialog.getByLabel('Reason (optional)').fill('Asked by phone');
      await shot(page, 'unsubscribe-dialog');
      await dialog.getByRole('button', { name: 'Unsubscribe' }).click();
      await page.getByRole('status').getByText('The customer is unsubscribed').waitFor();
      expect(await page.getByTestId('subscription-state').innerText()).toBe('Unsubscribed');
    });
    await step('history and timeline', async () => {
      const history = page.getByTestId('subscription-history');
      const entry = await history.locator('li').first().innerText();
      expect(entry).toContain('Unsubscribed');
      expect(entry).toContain(`by the store (${merchant.email})`);
      expect(entry).toContain('Asked by phone');
      expect(await page.getByTestId('timeline').innerText()).toContain(`Unsubscribed by the store (${merchant.email})`);
      await shot(page, 'card-unsubscribed');
    });
    await step('the list shows it', async () => {
      await page.getByRole('link', { name: 'Customers' }).first().click();
      await heading('Customers').waitFor();
      const jane = page.getByRole('row').filter({ hasText: 'Jane Doe' });
      expect(await jane.getByText('Unsubscribed').count()).toBe(1);
    });
  });
});
