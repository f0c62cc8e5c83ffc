import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { openWatchedBrowser, screenshotter, stepper } from './browser.js';
import { fillStoreInformation, postOrder, signUpWithStore } from './merchant.js';
import { eventually, freePort, startE2eStack, type E2eStack } from './stack.js';

// A 1×1 PNG: the product pictures come from a "CDN" on loopback (the browser has no network).
const PICTURE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGOoWNgAAAJpAVn1QhQ6AAAAAElFTkSuQmCC', 'base64');

// The orders list and the order detail in Chromium against the real stack: orders arrive by signed webhook, the
// merchant filters the list, opens an order and reads its customer, addresses, map link, items, summary and timeline.
describe('a merchant finds an order and reads its detail', () => {
  let stack: E2eStack;
  let browser: Browser;
  let page: Page;
  let cdn: Server;
  let cdnUrl = '';
  const shot = screenshotter('orders');
  const merchant = { name: 'Olga Orders', email: `olga.${Date.now()}@beanthere.example`, password: 'correct horse battery staple' };
  let storeId = '';
  let webhookSecret = '';
  const browserErrors: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    cdn = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PICTURE));
    await new Promise<void>((resolve) => cdn.listen(port, '127.0.0.1', resolve));
    cdnUrl = `http://127.0.0.1:${port}`;
    stack = await startE2eStack();
    ({ browser, page } = await openWatchedBrowser(browserErrors));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await new Promise((resolve) => cdn?.close(resolve));
  });
  const step = stepper(() => page, shot.dir, browserErrors, () => stack.logs());
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const rows = () => page.getByRole('region', { name: 'Orders' }).locator('tbody tr');
  const apply = async (url: RegExp) => {
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(url);
    await page.waitForLoadState('networkidle');
  };

  it('signs up, adds a store and receives orders', async () => {
    await step('sign up and add a store', async () => {
      ({ storeId, webhookSecret } = await signUpWithStore(page, stack, merchant, { name: 'Bean There Coffee', timezone: 'Europe/London' }));
    });
    await step('the empty list, from the store navigation', async () => {
      await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Orders' }).click();
      await heading('Orders').waitFor();
      await page.getByText('No orders yet').waitFor();
    });
    await step('orders arrive', async () => {
      const buy = (body: Record<string, unknown>) => postOrder(stack.apiUrl, storeId, webhookSecret, { status: 'completed', currency: 'USD', ...body });
      await buy({
        id: '5001',
        number: '#1001',
        customer: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', optedIn: true },
        lineItems: [
          { sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 2, price: 18.5, imageUrl: `${cdnUrl}/blend.png`, productUrl: 'https://beanthere.example/blend', manufacturer: 'Bean There Roastery', category: 'Coffee' },
          { sku: 'MUG-BLUE', name: 'Blue mug', quantity: 1, price: 8 },
        ],
        totals: { subtotal: 45, discount: 5, shipping: 4.5, tax: 3.25, total: 47.75 },
        shippingAddress: { name: 'Jane Doe', line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' },
        billingAddress: { name: 'Jane Doe', company: 'Doe & Co', line1: '1 High Street', city: 'Oxford', postalCode: 'OX1 1AA', country: 'GB' },
        trackingNumbers: [{ number: '1Z999AA10123456784', carrier: 'UPS' }],
        createdAt: '2026-02-03T10:00:00Z',
      });
      await buy({ id: '5002', number: '#1002', status: 'cancelled', customer: { email: 'joe.bloggs@example.com', firstName: 'Joe', lastName: 'Bloggs' }, lineItems: [{ sku: 'TEA', quantity: 1, price: 12 }], totals: { total: 12 }, createdAt: '2026-01-20T10:00:00Z' });
      await buy({ id: '5003', number: '#1003', customer: { email: 'ann.other@example.com', firstName: 'Ann', lastName: 'Other' }, lineItems: [{ sku: 'TEA', quantity: 3, price: 12 }], totals: { total: 36 }, createdAt: '2026-01-05T10:00:00Z' });
      await eventually(async () => {
        await page.goto(`${stack.dashboardUrl}/stores/${storeId}/orders`);
        return (await page.getByTestId('order-count').innerText().catch(() => '')).startsWith('3 orders');
      }, 60_000, 1_000);
      expect(await rows().nth(0).innerText()).toContain('#1001');
      expect(await rows().nth(0).innerText()).toContain('$47.75');
      await shot(page, 'list');
    });
  });

  it('filters the list by status, date and search', async () => {
    await step('status', async () => {
      await page.getByLabel('Status').selectOption('cancelled');
      await apply(/status=cancelled/);
      expect(await rows().count()).toBe(1);
      expect(await rows().first().innerText()).toContain('Joe Bloggs');
      await shot(page, 'filter-status');
    });
    await step('dates', async () => {
      await page.getByLabel('Status').selectOption('');
      await page.getByLabel('From', { exact: true }).fill('2026-01-01');
      await page.getByLabel('To', { exact: true }).fill('2026-01-20');
      await apply(/to=2026-01-20/);
      // The last day is included: Joe's order on Jan 20 and Ann's on Jan 5.
      expect(await page.getByTestId('order-count').innerText()).toContain('2 orders');
    });
    await step('search', async () => {
      await page.getByRole('link', { name: 'Clear filters' }).click();
      await page.getByLabel('Search').fill('JANE.DOE');
      await apply(/q=JANE.DOE/);
      await page.getByText('1 order matching “JANE.DOE”').waitFor();
      await shot(page, 'search');
    });
  });

  it('opens an order: customer, addresses, map link, items, summary and timeline', async () => {
    await step('open the order', async () => {
      await page.getByRole('link', { name: '#1001' }).click();
      await heading('Order #1001').waitFor();
      const customer = page.getByRole('region', { name: 'Customer' });
      expect(await customer.innerText()).toContain('jane.doe@example.com');
      expect(await page.getByTestId('customer-orders').innerText()).toBe('1');
      expect(await page.getByTestId('shipping-address').innerText()).toContain('221B Baker Street');
      expect(await page.getByTestId('billing-address').innerText()).toContain('Doe & Co');
      expect(await page.getByTestId('map-link').getAttribute('href')).toBe(
        `https://www.openstreetmap.org/search?query=${encodeURIComponent('221B Baker Street, London, NW1 6XE, GB')}`,
      );
      const items = page.getByRole('region', { name: 'Order details' }).locator('tbody tr');
      expect(await items.count()).toBe(2);
      expect(await items.nth(0).innerText()).toContain('House blend 1kg');
      expect(await items.nth(0).innerText()).toContain('$37.00');
      expect(await items.nth(0).getByRole('link', { name: 'House blend 1kg' }).getAttribute('href')).toBe('https://beanthere.example/blend');
      // The picture loaded from the (loopback) CDN.
      expect(await items.nth(0).locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      const summary = await page.getByTestId('order-summary').innerText();
      for (const figure of ['$45.00', '−$5.00', '$4.50', '$3.25', '$47.75']) expect(summary).toContain(figure);
      expect(await page.getByRole('region', { name: 'Tracking' }).innerText()).toContain('UPS: 1Z999AA10123456784');
      const timeline = await page.getByTestId('order-timeline').innerText();
      expect(timeline).toContain('Order placed');
      expect(timeline).toContain('Order received (completed)');
      await shot(page, 'detail');
    });
    await step('the customer\'s orders', async () => {
      await page.getByTestId('customer-orders').click();
      await page.waitForURL(/customer=[0-9a-f-]{36}/);
      expect(await page.getByTestId('order-count').innerText()).toContain('1 order of Jane Doe');
      await page.getByRole('link', { name: '#1001' }).click();
      await heading('Order #1001').waitFor();
    });
    await step('back to the customer card', async () => {
      await page.getByTestId('customer-link').click();
      await heading('Jane Doe').waitFor();
      await page.getByRole('region', { name: 'Orders' }).getByRole('link', { name: '#1001' }).click();
      await heading('Order #1001').waitFor();
    });
  });

  it('messages the opted-in customer from the order; one who did not opt in cannot be messaged', async () => {
    const orderUrl = page.url();
    const customer = page.getByRole('region', { name: 'Customer' });
    const write = async (body: string) => {
      await customer.getByText('Message the customer').click();
      await customer.getByLabel('Message').fill(body);
      await customer.getByRole('button', { name: 'Send message' }).click();
    };
    await step('refused until the store has its CAN-SPAM address', async () => {
      await write('Your beans ship tomorrow.');
      await customer.getByRole('alert').getByText(/CAN-SPAM/).waitFor();
      await shot(page, 'message-refused');
    });
    await step('fill the store information', async () => {
      await page.goto(`${stack.dashboardUrl}/stores/${storeId}/settings`);
      await fillStoreInformation(page);
    });
    await step('send the message', async () => {
      await page.goto(orderUrl);
      await heading('Order #1001').waitFor();
      await write('Hi Jane,\n\nyour House blend ships tomorrow.');
      expect(await page.getByTestId('message-outcome').innerText()).toBe('Message sent to jane.doe@example.com.');
      await page.getByTestId('order-timeline').getByText('Message sent to the customer: About your order #1001').waitFor();
      await shot(page, 'message-sent');
      // It went out once (the store's outbox is its transport here), to her, with the body as written.
      await page.goto(`${stack.dashboardUrl}/stores/${storeId}/outbox`);
      const sent = page.getByRole('link', { name: 'About your order #1001' });
      expect(await sent.count()).toBe(1);
      await sent.click();
      await page.getByText('your House blend ships tomorrow.').first().waitFor();
      await shot(page, 'message-in-outbox');
    });
    await step('a customer who did not opt in', async () => {
      await page.goto(`${stack.dashboardUrl}/stores/${storeId}/orders`);
      await page.getByRole('link', { name: '#1003' }).click();
      await heading('Order #1003').waitFor();
      expect(await page.getByTestId('message-unavailable').innerText()).toBe('Messages can be sent only to customers who opted in.');
      expect(await page.getByRole('button', { name: 'Send message' }).count()).toBe(0);
    });
  });
});
