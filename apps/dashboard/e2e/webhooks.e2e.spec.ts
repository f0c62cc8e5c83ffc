import { WebhookReceiver } from '@boomerang/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { launchChromium, newDesktopContext, newWatchedPage, screenshotter, stepper } from './browser.js';
import { order, postOrder, reloadUntil, signUpWithStore } from './merchant.js';
import { eventually, startE2eStack, type E2eStack } from './stack.js';

// Outgoing webhooks in Chromium against the real stack (api, worker and dashboard binaries): the merchant adds an
// endpoint for "Order created" on a receiver on loopback, an order arrives through the store's webhook, the receiver
// gets it signed with the secret the page showed, and the endpoint's log shows the delivery; a delivery is sent again
// by hand; the endpoint is disabled and deleted.
describe('a merchant sends order events to their own URL', () => {
  let stack: E2eStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shot = screenshotter('webhooks');
  const receiver = new WebhookReceiver();
  let receiverUrl = '';
  const merchant = { name: 'Wes Hook', email: `wes.${Date.now()}@beanthere.example`, password: 'correct horse battery staple' };
  let storeId = '';
  let storeSecret = '';
  let signingSecret = '';
  const browserErrors: string[] = [];

  beforeAll(async () => {
    receiverUrl = await receiver.start('/hooks/boomerang');
    stack = await startE2eStack({ env: { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOK_SWEEP_SECONDS: '1', WEBHOOK_IDLE_POLL_SECONDS: '2' } });
    browser = await launchChromium();
    context = await newDesktopContext(browser);
    page = await newWatchedPage(context, browserErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await receiver.stop();
  });
  const step = stepper(() => page, shot.dir, browserErrors, () => stack.logs());
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  it('adds an endpoint from "Add New", refusing a bad URL first, and is shown its signing secret', async () => {
    await step('sign up with a store', async () => {
      ({ storeId, webhookSecret: storeSecret } = await signUpWithStore(page, stack, merchant, {
        name: 'Bean There Coffee', domain: 'https://www.beanthere.example', currency: 'USD', timezone: 'Europe/Paris',
      }));
    });
    await step('empty list', async () => {
      await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Webhooks' }).click();
      await heading('Webhooks').waitFor();
      await page.getByText('No webhook endpoints yet').waitFor();
      await shot(page, 'empty');
    });
    await step('a bad URL is refused beside its field', async () => {
      await page.getByRole('button', { name: 'Add New' }).click();
      await page.getByRole('menuitem', { name: 'Webhook' }).click();
      await heading('Add webhook endpoint').waitFor();
      await page.getByLabel('Endpoint URL').fill('ftp://example.com/hooks');
      await page.getByLabel('Order created').check();
      // The browser's own URL check would stop an ftp: URL only if it were not a valid URL; the api is the judge.
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await page.getByText('must be an http(s) URL').waitFor();
      await shot(page, 'bad-url');
    });
    await step('add', async () => {
      await page.getByLabel('Endpoint URL').fill(receiverUrl);
      await page.getByLabel('Description (optional)').fill('Our ERP');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await page.getByRole('heading', { name: 'Endpoint added' }).waitFor();
      signingSecret = (await page.getByTestId('webhook-secret').innerText()).trim();
      expect(signingSecret).toMatch(/^whsec_/);
      await shot(page, 'added');
    });
  });

  it('delivers an order event, signed, and logs it on the endpoint page; a delivery can be sent again', async () => {
    await postOrder(stack.apiUrl, storeId, storeSecret, order('hooked-1001', 'ada@example.com', 42));
    const [delivered] = await eventually(async () => (receiver.received.length ? receiver.received : undefined), 60_000);
    const event = new Webhook(signingSecret).verify(delivered!.rawBody.toString(), delivered!.headers as Record<string, string>) as { type: string; data: { order: { externalId: string } } };
    expect(event).toMatchObject({ type: 'order.created', data: { order: { externalId: 'hooked-1001' } } });
    await step('the log', async () => {
      await page.getByRole('link', { name: 'Go to the endpoint' }).click();
      await page.getByTestId('endpoint-status').getByText('Active').waitFor();
      await reloadUntil(page, async () => (await page.getByRole('cell', { name: 'Delivered' }).count()) === 1);
      await page.getByRole('cell', { name: 'Order created', exact: true }).waitFor();
      await page.getByRole('cell', { name: /^200 in \d+ ms$/ }).waitFor();
      await shot(page, 'log');
    });
    await step('resend', async () => {
      await page.getByRole('button', { name: /^Resend Order created/ }).click();
      await page.getByText('Order created queued again').waitFor();
      await eventually(async () => receiver.received.length === 2, 30_000);
      expect(receiver.received[1]!.headers['webhook-id']).toBe(delivered!.headers['webhook-id']);
      await reloadUntil(page, async () => (await page.getByRole('cell', { name: 'Delivered' }).count()) === 2);
      await shot(page, 'resent');
    });
  });

  it('disables the endpoint, then deletes it with a confirmation', async () => {
    await step('disable', async () => {
      await page.getByRole('button', { name: 'Disable' }).click();
      await page.getByTestId('endpoint-status').getByText(/Disabled .*disabled by the merchant/).waitFor();
      expect(await page.getByRole('button', { name: /^Resend/ }).first().isDisabled()).toBe(true);
      await shot(page, 'disabled');
    });
    await step('delete', async () => {
      await page.getByRole('button', { name: 'Delete endpoint' }).click();
      await page.getByRole('alertdialog').getByText(`Events will no longer be sent to ${receiverUrl}.`).waitFor();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.waitForURL(/\/webhooks$/);
      await page.getByText('No webhook endpoints yet').waitFor();
      await shot(page, 'deleted');
    });
  });
});
