import type { Browser, Page } from 'playwright-core';
import { FakeShopify, type FakeShopifyOrder } from '@boomerang/testing';
import { openWatchedBrowser, screenshotter, stepper } from './browser.js';
import { connectShopify, reloadUntil, signUpWithStore } from './merchant.js';
import { startE2eStack, type E2eStack } from './stack.js';

// Issue 13, point 4's "done means" in Chromium against the real stack: a Shopify store connected to the fake
// Shopify (through configuration only), an order arriving by its orders/create webhook, its detail with its
// timeline, and a tracking number added there that reaches the fake Shopify as a fulfilment; then a refusal shown
// in Shopify's words with nothing stored.
describe('a merchant adds a tracking number that reaches Shopify', () => {
  const shopify = new FakeShopify({ shopDomain: 'tracked-beans.myshopify.com', leakPerSecond: 1000 });
  let stack: E2eStack;
  let browser: Browser;
  let page: Page;
  let storeId = '';
  let placed: FakeShopifyOrder;
  const shot = screenshotter('order-tracking');
  const merchant = { name: 'Tom Tracker', email: `tom.${Date.now()}@beanthere.example`, password: 'correct horse battery staple' };
  const browserErrors: string[] = [];

  beforeAll(async () => {
    await shopify.start();
    stack = await startE2eStack({ env: { SHOPIFY_API_ORIGIN: shopify.origin, ALLOW_INSECURE_PLATFORM_URLS: 'true' } });
    ({ browser, page } = await openWatchedBrowser(browserErrors));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await shopify.stop();
  });
  const step = stepper(() => page, shot.dir, browserErrors, () => stack.logs());
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const tracking = () => page.getByRole('region', { name: 'Tracking' });

  it('connects the Shopify store and receives an order', async () => {
    await step('sign up, add a store and connect it to Shopify', async () => {
      ({ storeId } = await signUpWithStore(page, stack, merchant, { name: 'Tracked Beans', timezone: 'Europe/London' }));
      await connectShopify(page, stack.dashboardUrl, storeId, shopify);
    });
    await step('an unfulfilled order arrives by orders/create', async () => {
      placed = shopify.addOrder({ fulfillment_status: null, fulfillments: [], closed_at: null });
      const [delivery] = await shopify.emitWebhook('orders/create', placed);
      expect(delivery?.status).toBe(200);
      await page.goto(`${stack.dashboardUrl}/stores/${storeId}/orders`);
      await reloadUntil(page, async () => (await page.getByRole('link', { name: String(placed['name']) }).count()) > 0);
    });
  });

  it('opens the order with its timeline and adds a tracking number that Shopify receives', async () => {
    await step('open the order', async () => {
      await page.getByRole('link', { name: String(placed['name']) }).click();
      await heading(`Order ${String(placed['name'])}`).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.getByTestId('order-timeline').innerText()).toContain('Order received');
      expect(await tracking().innerText()).toContain('No tracking numbers yet.');
      await tracking().getByText('The number is sent to Shopify as a shipment of this order').waitFor();
    });
    await step('add the tracking number', async () => {
      await tracking().getByLabel('Carrier').fill('UPS');
      await tracking().getByLabel('Tracking number').fill('1Z 999 AA1 01 2345 6784');
      await tracking().getByLabel('Tracking URL (optional)').fill('https://www.ups.com/track?tracknum=1Z999AA10123456784');
      await tracking().getByRole('button', { name: 'Add tracking number' }).click();
      await page.getByTestId('tracking-added').getByText('UPS 1Z999AA10123456784 added and sent to Shopify.').waitFor();
      // The form is emptied for the next number.
      expect(await tracking().getByLabel('Tracking number').inputValue()).toBe('');
    });
    await step('Shopify received the fulfilment with the number', async () => {
      const push = shopify.fulfilments.pushes.find((p) => p.orderId === placed.id);
      expect(push).toMatchObject({ kind: 'create', body: { fulfillment: { tracking_info: { number: '1Z999AA10123456784', company: 'UPS', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' }, notify_customer: false } } });
      const listed = await page.getByTestId('tracking-numbers').innerText();
      expect(listed).toContain('UPS: 1Z999AA10123456784');
      expect(listed).toContain('added here, pushed to Shopify');
      expect(await page.getByTestId('tracking-numbers').getByRole('link', { name: '1Z999AA10123456784' }).getAttribute('href')).toBe('https://www.ups.com/track?tracknum=1Z999AA10123456784');
      expect(await page.getByTestId('order-timeline').innerText()).toContain(`Tracking UPS 1Z999AA10123456784 added, pushed to Shopify (fulfilment ${push!.fulfillmentId})`);
      await shot(page, 'tracking-added');
    });
    await step('Shopify’s webhooks follow: the paid order ships, and its number is listed once', async () => {
      await reloadUntil(page, async () => (await page.getByTestId('order-timeline').innerText()).includes('Status changed from processing to shipped'));
      const listed = (await page.getByTestId('tracking-numbers').innerText()).split('1Z999AA10123456784').length - 1;
      expect(listed).toBe(1);
      await shot(page, 'order-shipped');
    });
  });

  it('shows Shopify’s refusal beside the form and stores nothing', async () => {
    await step('Shopify refuses the next number', async () => {
      shopify.fulfilments.refuseNext('Tracking number is invalid for the carrier.');
      const pushes = shopify.fulfilments.pushes.length;
      await tracking().getByLabel('Carrier').fill('FedEx');
      await tracking().getByLabel('Tracking number').fill('449044304137821');
      await tracking().getByRole('button', { name: 'Add tracking number' }).click();
      const alert = page.getByTestId('tracking-error');
      await alert.waitFor();
      expect((await alert.innerText()).trim()).toBe('Shopify refused the tracking number: Tracking number is invalid for the carrier. (HTTP 422). Nothing was stored.');
      // The form keeps what was typed, to correct it.
      expect(await tracking().getByLabel('Tracking number').inputValue()).toBe('449044304137821');
      expect(shopify.fulfilments.pushes).toHaveLength(pushes);
      expect(await page.getByTestId('tracking-numbers').innerText()).not.toContain('449044304137821');
      await shot(page, 'tracking-refused');
    });
    await step('a field the api refuses is named beside it', async () => {
      await tracking().getByLabel('Tracking number').fill('1Z<script>');
      await tracking().getByRole('button', { name: 'Add tracking number' }).click();
      await tracking().getByText('must be letters and digits (spaces, dots, dashes and slashes between them)').waitFor();
    });
    // The refused form posts answer 422 and 400 (the console says so); no script failed.
    expect(browserErrors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });
});
