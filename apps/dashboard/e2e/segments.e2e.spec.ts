import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newDesktopContext, newWatchedPage, screenshotter } from './browser.js';
import { linkFromOutbox, order, postOrder } from './merchant.js';
import { eventually, startE2eStack, type E2eStack } from './stack.js';

// Segments in Chromium against the real stack: the merchant builds a segment from three criteria, previews it with
// "Next", saves it, and a new order (a signed webhook through the real receiver, projected by the worker) moves a
// customer into it while the segment's page is open.
describe('a merchant builds a segment and sees it stay current', () => {
  let stack: E2eStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shot = screenshotter('segments');
  const merchant = { name: 'Sol Segment', email: `sol.${Date.now()}@beanthere.example`, password: 'correct horse battery staple' };
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

  it('signs up and adds a store with the default segments', async () => {
    await step('sign up and verify', async () => {
      await open(`${stack.dashboardUrl}/sign-up`);
      await page.getByLabel('Name', { exact: true }).fill(merchant.name);
      await page.getByLabel('Email', { exact: true }).fill(merchant.email);
      await page.getByLabel('Password', { exact: true }).fill(merchant.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await heading('Check your email').waitFor();
      await open(await linkFromOutbox(stack.apiUrl, merchant.email, '/verify?token='));
      await page.waitForURL(/\/stores\/new$/);
    });
    await step('add store', async () => {
      await page.waitForLoadState('networkidle');
      await page.getByLabel('Store name').fill('Bean There Coffee');
      await page.getByLabel('Domain').fill('https://www.beanthere.example');
      await page.getByLabel('Currency').selectOption('USD');
      await page.getByLabel('Time zone').selectOption('America/New_York');
      await page.getByRole('button', { name: 'Add store' }).click();
      await heading(/Store added/).waitFor();
      webhookSecret = (await page.getByTestId('webhook-secret').innerText()).trim();
      await page.getByRole('link', { name: 'Continue to store settings' }).click();
      await page.waitForURL(/\/stores\/[0-9a-f-]{36}\/settings$/);
      storeId = /\/stores\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    });
    await step('segments list', async () => {
      await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Segments' }).click();
      await heading('Segments').waitFor();
      for (const name of ['Amazon', 'New Customers', 'Ordered Within 60 Days', 'VIP Customers']) await page.getByRole('link', { name, exact: true }).waitFor();
      expect(await page.getByText('Default', { exact: true }).count()).toBe(4);
      await shot(page, 'list-defaults');
    });
  });

  it('builds a segment from three criteria, previews it with Next, and saves it', async () => {
    // Two customers before the segment exists: one fits, one buys only a mug.
    await postOrder(stack.apiUrl, storeId, webhookSecret, order('order-2001', 'early.bird@example.com', 50));
    await postOrder(stack.apiUrl, storeId, webhookSecret, order('order-2002', 'mug.only@example.com', 80, 'MUG'));
    await step('builder', async () => {
      await open(`${stack.dashboardUrl}/stores/${storeId}/segments`);
      await page.getByRole('link', { name: 'Add segment' }).click();
      await heading('New segment').waitFor();
      await page.waitForLoadState('networkidle');
      await page.getByLabel('Segment name').fill('Coffee lovers');
      const criterion = page.getByLabel('Criterion', { exact: true });
      const qualifier = page.getByLabel('Qualifier', { exact: true });
      const value = page.getByLabel('Value', { exact: true });
      await criterion.nth(0).selectOption({ label: 'Product code or SKU' });
      await qualifier.nth(0).selectOption({ label: 'contains' });
      await value.nth(0).fill('coffee');
      await page.getByRole('button', { name: 'Add condition' }).click();
      await criterion.nth(1).selectOption({ label: 'Total spent (all orders)' });
      await qualifier.nth(1).selectOption({ label: 'is greater than' });
      await value.nth(1).fill('40');
      await page.getByRole('button', { name: 'Add condition' }).click();
      await criterion.nth(2).selectOption({ label: 'Last order date' });
      await qualifier.nth(2).selectOption({ label: 'is within the last' });
      await value.nth(2).fill('30');
      await page.getByLabel('Unit', { exact: true }).selectOption('days');
      await shot(page, 'builder');
    });
    await step('Next previews', async () => {
      // The two orders are projected by the worker; the preview counts what is in the model now.
      await eventually(async () => {
        await page.getByRole('button', { name: 'Next: preview' }).click();
        const preview = page.getByTestId('segment-preview');
        await preview.waitFor();
        return (await preview.innerText()).includes('1 customer matches');
      }, 20_000, 500);
      const preview = page.getByTestId('segment-preview');
      expect(await preview.innerText()).toContain('early.bird@example.com');
      expect(await preview.innerText()).not.toContain('mug.only@example.com');
      await shot(page, 'preview');
    });
    await step('a bad value is named beside its condition', async () => {
      await page.getByLabel('Value', { exact: true }).nth(1).fill('');
      await page.getByRole('button', { name: 'Next: preview' }).click();
      await page.getByText('value: must be a non-negative decimal amount', { exact: true }).waitFor();
      await page.getByText('Some conditions need attention').waitFor();
      await shot(page, 'preview-error');
      await page.getByLabel('Value', { exact: true }).nth(1).fill('40');
    });
    await step('save', async () => {
      await page.getByRole('button', { name: 'Save segment' }).click();
      await heading('Coffee lovers').waitFor();
      // The worker evaluates the new segment against every customer at once.
      await eventually(async () => {
        await page.reload();
        return (await page.getByTestId('member-count').innerText()) === '1';
      }, 20_000, 500);
      await page.getByRole('cell', { name: 'early.bird@example.com' }).waitFor();
      await shot(page, 'saved');
    });
  });

  it('a new order moves a customer into the segment, and the open page shows them', async () => {
    await step('new order', async () => {
      const before = Date.now();
      await postOrder(stack.apiUrl, storeId, webhookSecret, order('order-2003', 'jane.doe@example.com', 45));
      // No reload: the page refreshes itself while open.
      await page.getByRole('cell', { name: 'jane.doe@example.com' }).waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('member-count').innerText()).toBe('2');
      expect(Date.now() - before).toBeLessThan(15_000);
      await shot(page, 'member-added');
    });
    await step('list shows the count', async () => {
      await open(`${stack.dashboardUrl}/stores/${storeId}/segments`);
      const row = page.getByRole('row', { name: /Coffee lovers/ });
      await row.getByRole('cell', { name: '2', exact: true }).waitFor();
      await shot(page, 'list-with-segment');
    });
  });
});
