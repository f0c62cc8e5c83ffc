import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newDesktopContext, newWatchedPage, screenshotter, stepper } from './browser.js';
import { postOrder, reloadUntil, signUpWithStore } from './merchant.js';
import { startE2eStack, type E2eStack } from './stack.js';

const DAY = 86_400_000;

// The store page's widgets in Chromium against the real stack: a new store shows every widget's empty state; orders
// arrive by signed webhook and the page shows the month, the 7-day graph, the stats and the top sellers.
describe('a merchant reads the store dashboard', () => {
  let stack: E2eStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shot = screenshotter('store-dashboard');
  const merchant = { name: 'Dana Dashboard', email: `dana.${Date.now()}@beanthere.example`, password: 'correct horse battery staple' };
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
  const step = stepper(() => page, shot.dir, browserErrors, () => stack.logs());
  const open = async (url: string) => {
    await page.goto(url);
    await page.waitForLoadState('networkidle');
  };
  const widget = (name: string) => page.getByTestId(`widget-${name}`);
  const text = async (testId: string) => (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();
  const buy = (id: string, email: string, daysAgo: number, total: number, lineItems: unknown[]) =>
    postOrder(stack.apiUrl, storeId, webhookSecret, {
      id,
      status: 'completed',
      currency: 'USD',
      customer: { email, firstName: 'Jo', lastName: 'Buyer', optedIn: true },
      lineItems,
      totals: { subtotal: total, tax: 0, shipping: 0, total },
      createdAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
    });

  it('shows every empty state for a new store', async () => {
    await step('sign up and add a store', async () => {
      ({ storeId, webhookSecret } = await signUpWithStore(page, stack, merchant, { name: 'Bean There Coffee', domain: 'https://beanthere.example', timezone: 'Europe/London' }));
    });
    await step('the empty widgets', async () => {
      await open(`${stack.dashboardUrl}/stores/${storeId}`);
      await page.getByRole('heading', { level: 1, name: 'Bean There Coffee' }).waitFor();
      expect(await text('widget-income')).toContain('$0.00');
      expect(await text('widget-income')).toContain('No orders this month yet.');
      expect(await text('widget-products')).toContain('No products yet');
      expect(await text('widget-visits')).toContain('Google Analytics is not connected.');
      await widget('order-volume').getByText('No orders in the last 7 days.').waitFor();
      expect(await widget('order-volume').locator('canvas').count()).toBe(0);
      expect(await text('widget-stats')).toContain('No orders yet.');
      expect(await text('widget-stats')).toContain('No sales in the last 30 days.');
      await widget('top-sellers').getByText('No sales in the last 90 days.').waitFor();
      expect(await text('connection-counts')).toBe('Workflows active: 0 · Apps active: 0');
      await shot(page, 'empty');
    });
  });

  it('shows the figures, the 7-day graph and the top sellers once orders arrive', async () => {
    await step('orders arrive', async () => {
      await buy('2001', 'jane@example.com', 1 / 24, 20, [{ sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 2, price: 10 }]);
      await buy('2002', 'joe@example.com', 2, 35, [{ sku: 'TEA-250', name: 'Green tea 250g', quantity: 1, price: 35 }]);
      await buy('2003', 'ann@example.com', 40, 12.5, [{ sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 1, price: 12.5 }]);
      await reloadUntil(page, async () => (await page.getByTestId('total-orders').innerText().catch(() => '')).trim() === '3');
    });
    await step('the widgets show the figures', async () => {
      const stats = await text('widget-stats');
      expect(stats).toContain('All time Orders 3 Revenue $67.50');
      expect(stats).toContain('Last 30 days Orders 2 Revenue $55.00 Average order $27.50 New customers 2 (+100% vs the 30 days before)');
      expect(await text('widget-products')).toContain('2');
      await widget('order-volume').locator('canvas[data-testid="order-volume-chart"]').waitFor();
      // The table behind the graph: seven days, the two recent orders on their days.
      const counts = await widget('order-volume').locator('tbody tr td:nth-child(2)').allTextContents();
      expect(counts).toHaveLength(7);
      expect(counts.reduce((s, c) => s + Number(c), 0)).toBe(2);
      const rows = await widget('top-sellers').locator('tbody tr').allInnerTexts();
      expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(['House blend 1kg COFFEE-1KG 3 $32.50', 'Green tea 250g TEA-250 1 $35.00']);
      const chartHeight = await widget('order-volume').locator('canvas').evaluate((c) => c.getBoundingClientRect().height);
      expect(chartHeight).toBeGreaterThan(100);
      await shot(page, 'with-orders');
    });
  });
});
