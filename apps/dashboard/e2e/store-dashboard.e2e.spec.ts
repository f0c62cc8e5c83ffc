import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeGoogleAnalytics, FakeShopify, FakeSlack, mintServiceAccountKey, sampleAnalyticsRows, type FakeShopifyOrder } from '@boomerang/testing';
import { launchChromium, newDesktopContext, newWatchedPage, screenshotter, stepper } from './browser.js';
import { connectShopify, postOrder, reloadUntil, signUpWithStore } from './merchant.js';
import { startE2eStack, type E2eStack } from './stack.js';

const DAY = 86_400_000;

// The store page's widgets in Chromium against the real stack: a new store shows every widget's empty state; orders
// arrive by signed webhook and the page shows the month, the 7-day graph, the stats and the top sellers; the merchant
// connects Google Analytics (the fake GA4 Data API on loopback) through the settings form, and every widget has data.
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
  const google = new FakeGoogleAnalytics();
  const account = mintServiceAccountKey('boomerang-dashboard');
  const PROPERTY = '334455667';
  const shopify = new FakeShopify({ shopDomain: 'bean-there.myshopify.com', leakPerSecond: 1000, products: 12 });
  const slack = new FakeSlack();
  let shopOrder: FakeShopifyOrder | undefined;

  beforeAll(async () => {
    await google.start();
    google.registerServiceAccount(account.key, account.publicKey);
    google.addProperty(PROPERTY, sampleAnalyticsRows(), [account.key.client_email]);
    await shopify.start();
    await slack.start();
    stack = await startE2eStack({
      env: {
        GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
        GOOGLE_ANALYTICS_DATA_API_URL: google.origin,
        SHOPIFY_API_ORIGIN: shopify.origin,
        ALLOW_INSECURE_PLATFORM_URLS: 'true',
        // The Slack app's hook is the fake's, on loopback.
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
      },
    });
    browser = await launchChromium();
    context = await newDesktopContext(browser);
    page = await newWatchedPage(context, browserErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await google.stop();
    await shopify.stop();
    await slack.stop();
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
      expect(await text('widget-visits')).toContain('Connect Google Analytics to see visits');
      expect(await text('widget-visitors')).toContain('Google Analytics is not connected.');
      expect(await text('widget-top-referrals')).toContain('Google Analytics is not connected.');
      expect(await text('widget-top-search-terms')).toContain('Google Analytics is not connected.');
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
  it('connects Google Analytics through the form (a forged key refused with Google\'s answer) and shows data in every widget', async () => {
    await step('a forged key is refused, naming Google\'s answer', async () => {
      await widget('visits').getByRole('link', { name: 'Connect Google Analytics to see visits' }).click();
      await page.getByRole('heading', { level: 1, name: 'Google Analytics' }).waitFor();
      await page.getByLabel('GA4 property id').fill(PROPERTY);
      const forged = { ...account.key, private_key: mintServiceAccountKey().key.private_key };
      await page.getByLabel('Service account JSON key').fill(JSON.stringify(forged, null, 2));
      await page.getByRole('button', { name: 'Connect Google Analytics' }).click();
      await page.getByText('Invalid JWT Signature.').first().waitFor();
      expect(await page.getByTestId('ga-error').innerText()).toContain('invalid_grant');
      expect(await page.getByTestId('ga-connection').count()).toBe(0);
      await shot(page, 'ga-forged-key');
    });
    await step('the key file uploaded connects', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ga-key-'));
      const file = join(dir, 'beanthere-analytics-1a2b3c.json');
      await writeFile(file, JSON.stringify(account.key, null, 2));
      await page.getByLabel('GA4 property id').fill(PROPERTY);
      await page.getByLabel('…or upload the key file').setInputFiles(file);
      await page.getByRole('button', { name: 'Connect Google Analytics' }).click();
      await page.getByText(`Google Analytics connected: property ${PROPERTY}.`).waitFor();
      expect(await text('ga-connection')).toContain(account.key.client_email);
      // The key is never shown back.
      expect(await page.content()).not.toContain('PRIVATE KEY');
    });
    await step('every widget of the store dashboard has data', async () => {
      await open(`${stack.dashboardUrl}/stores/${storeId}`);
      expect(await text('visits')).toBe('295');
      expect(await text('widget-visits')).toContain('Sessions, last 90 days');
      const visitors = await text('widget-visitors');
      expect(visitors).toContain('Visitors 231');
      expect(visitors).toContain('Organic search visits 120');
      expect(visitors).toContain('Site searches 36');
      const referrals = (await widget('top-referrals').locator('tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
      expect(referrals).toEqual(['beanforum.example 55', 'coffeeblog.example 40']);
      const terms = (await widget('top-search-terms').locator('tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
      expect(terms).toEqual(['espresso beans 22', 'decaf 14']);
      // Every other widget keeps its figures.
      expect(await text('total-orders')).toBe('3');
      expect(await widget('top-sellers').locator('tbody tr').count()).toBe(2);
      expect(await widget('order-volume').locator('canvas').count()).toBe(1);
      for (const name of ['income', 'orders', 'products', 'visits', 'order-volume', 'stats', 'top-sellers', 'visitors', 'top-referrals', 'top-search-terms']) {
        expect(await widget(name).locator('.empty').count()).toBe(0);
      }
      await shot(page, 'every-widget');
    });
  });

  it('connects the store to Shopify and adds a Slack app: the connection details fill in too; the Shopify order\'s detail and timeline, and a tracking number that reaches Shopify', async () => {
    await step('connect Shopify; an order arrives by its webhook', async () => {
      await connectShopify(page, stack.dashboardUrl, storeId, shopify);
      shopOrder = shopify.addOrder({ fulfillment_status: null, fulfillments: [], closed_at: null });
      const [delivery] = await shopify.emitWebhook('orders/create', shopOrder);
      expect(delivery?.status).toBe(200);
    });
    await step('add a Slack app', async () => {
      await page.goto(`${stack.dashboardUrl}/stores/${storeId}/apps/new`);
      await page.getByRole('link', { name: 'Set up Slack' }).click();
      await page.getByLabel('Slack incoming webhook URL').fill(slack.createHook());
      await page.getByLabel('Post orders from (USD)').fill('100');
      await page.getByRole('button', { name: 'Save and activate' }).click();
      await page.getByText('Slack is active').waitFor();
    });
    await step('the dashboard: Shopify connected, its last event, the apps active, and every other widget still full', async () => {
      await open(`${stack.dashboardUrl}/stores/${storeId}`);
      const connection = async () => (await page.getByTestId('home-connection').innerText()).replace(/\s+/g, ' ');
      // The order is projected, and the receiver's last-event time written (at most a second after it).
      await reloadUntil(
        page,
        async () => (await page.getByTestId('total-orders').innerText().catch(() => '')).trim() === '4' && !(await connection()).includes('none yet'),
      );
      expect(await connection()).toContain('Shopify · bean-there.myshopify.com Connected');
      expect(await connection()).toMatch(/Last event received: \d{4}-\d{2}-\d{2}/);
      // The platform's own product count, variants included.
      expect(await text('product-count')).toBe(String(shopify.variantCount()));
      expect(await text('connection-counts')).toBe('Workflows active: 0 · Apps active: 1');
      for (const name of ['income', 'orders', 'products', 'visits', 'order-volume', 'stats', 'top-sellers', 'visitors', 'top-referrals', 'top-search-terms']) {
        expect(await widget(name).locator('.empty').count()).toBe(0);
      }
      await shot(page, 'connected-every-widget');
    });
    await step('the Shopify order: its detail with its timeline, and a tracking number that reaches Shopify', async () => {
      await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Orders' }).click();
      await page.getByRole('link', { name: String(shopOrder!['name']) }).click();
      await page.getByTestId('order-timeline').getByText('Order received').waitFor();
      const tracking = page.getByRole('region', { name: 'Tracking' });
      await tracking.getByLabel('Carrier').fill('DHL');
      await tracking.getByLabel('Tracking number').fill('JD014600006281230704');
      await tracking.getByRole('button', { name: 'Add tracking number' }).click();
      await page.getByTestId('tracking-added').getByText('DHL JD014600006281230704 added and sent to Shopify.').waitFor();
      const push = shopify.fulfilments.pushes.find((p) => p.orderId === shopOrder!.id);
      expect(push).toMatchObject({ kind: 'create', body: { fulfillment: { tracking_info: { number: 'JD014600006281230704', company: 'DHL' } } } });
      await page.getByTestId('order-timeline').getByText(`Tracking DHL JD014600006281230704 added, pushed to Shopify (fulfilment ${push!.fulfillmentId})`).waitFor();
      await shot(page, 'shopify-order-tracked');
    });
  });
});
