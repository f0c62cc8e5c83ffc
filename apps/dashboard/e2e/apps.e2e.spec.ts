import { FakeSlack } from '@boomerang/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newDesktopContext, newWatchedPage, screenshotter, stepper } from './browser.js';
import { order, postOrder, reloadUntil, signUpWithStore } from './merchant.js';
import { eventually, startE2eStack, type E2eStack } from './stack.js';

// App integrations in Chromium against the real stack (api, worker and dashboard binaries): the merchant adds a Slack
// app through "+ Add New → App" (a URL that is not Slack's refused first), sends a test, and an order above the
// threshold reaches the fake Slack on loopback as a message while one below it is skipped; the store's dashboard
// counts the app as active.
describe('a merchant posts big orders to Slack', () => {
  let stack: E2eStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shot = screenshotter('apps');
  const slack = new FakeSlack();
  let hook = '';
  const merchant = { name: 'Sally Slack', email: `sally.${Date.now()}@beanthere.example`, password: 'correct horse battery staple' };
  let storeId = '';
  let storeSecret = '';
  const browserErrors: string[] = [];

  beforeAll(async () => {
    await slack.start();
    hook = slack.createHook();
    stack = await startE2eStack({ env: { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOK_SWEEP_SECONDS: '1', WEBHOOK_IDLE_POLL_SECONDS: '2' } });
    browser = await launchChromium();
    context = await newDesktopContext(browser);
    page = await newWatchedPage(context, browserErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await slack.stop();
  });
  const step = stepper(() => page, shot.dir, browserErrors, () => stack.logs());
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  it('adds a Slack app from "Add New → App", refusing a URL that is not a Slack hook first', async () => {
    await step('sign up with a store', async () => {
      ({ storeId, webhookSecret: storeSecret } = await signUpWithStore(page, stack, merchant, {
        name: 'Bean There Coffee', domain: 'https://www.beanthere.example', currency: 'USD', timezone: 'Europe/Paris',
      }));
    });
    await step('pick Slack', async () => {
      await page.getByRole('button', { name: 'Add New' }).click();
      await page.getByRole('menuitem', { name: 'App' }).click();
      await heading('Add an app').waitFor();
      await shot(page, 'pick');
      await page.getByRole('link', { name: 'Set up Slack' }).click();
      await heading('Add Slack').waitFor();
    });
    await step('a URL that is not Slack’s is refused beside its field', async () => {
      await page.getByLabel('Slack incoming webhook URL').fill('https://example.com/services/T1/B2/abc');
      await page.getByLabel('Post orders from (USD)').fill('40');
      await page.getByRole('button', { name: 'Save and activate' }).click();
      await page.getByText('must be a Slack incoming webhook URL on https://hooks.slack.com').waitFor();
      await shot(page, 'bad-url');
    });
    await step('save', async () => {
      await page.getByLabel('Slack incoming webhook URL').fill(hook);
      await page.getByLabel('Description (optional)').fill('#sales');
      await page.getByRole('button', { name: 'Save and activate' }).click();
      await page.getByText('Slack is active').waitFor();
      await page.getByTestId('app-status').getByText('Active').waitFor();
      // The hook's secret part is never shown back.
      expect(await page.content()).not.toContain(new URL(hook).pathname);
      expect(await page.getByLabel('Post orders from (USD)').inputValue()).toBe('40.00');
    });
    await step('send a test', async () => {
      await page.getByRole('button', { name: 'Send a test' }).click();
      await page.getByTestId('test-result').getByText(/Test sent: Slack answered 200/).waitFor();
      expect(slack.messagesTo(hook).map((m) => m.text)).toEqual(['Boomerang is connected: order and conversion notifications will appear here.']);
      await shot(page, 'added');
    });
  });

  it('posts an order above the threshold to Slack, skips one below, and logs both', async () => {
    await postOrder(stack.apiUrl, storeId, storeSecret, order('slack-1001', 'ada@example.com', 42));
    await postOrder(stack.apiUrl, storeId, storeSecret, order('slack-1002', 'bob@example.com', 12));
    const messages = await eventually(async () => (slack.messagesTo(hook).length >= 2 ? slack.messagesTo(hook) : undefined), 60_000);
    expect(messages[1]!.text).toBe('New order slack-1001: 42.00 USD from Jane Doe (ada@example.com)');
    await step('the log', async () => {
      await reloadUntil(page, async () => (await page.getByRole('cell', { name: 'Skipped' }).count()) === 1 && (await page.getByRole('cell', { name: 'Delivered' }).count()) === 1);
      await page.getByText('order total 12.00 USD below the threshold (4000 minor units)').waitFor();
      await page.getByRole('cell', { name: /^200 in \d+ ms$/ }).waitFor();
      await shot(page, 'log');
    });
    await step('the order timeline lists the app delivery', async () => {
      await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Orders' }).click();
      await page.getByRole('link', { name: 'slack-1001', exact: true }).click();
      await page.getByText('Slack app: order.created delivered').waitFor();
      await shot(page, 'timeline');
    });
    // Only the one message: the order below the threshold never reached Slack.
    expect(slack.messagesTo(hook)).toHaveLength(2);
    await step('listed and counted as active', async () => {
      await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Apps' }).click();
      await heading('Apps').waitFor();
      await page.getByTestId('app-row').getByText('Slack').waitFor();
      await shot(page, 'list');
      await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Dashboard' }).click();
      await page.getByTestId('connection-counts').getByText(/Apps active: 1/).waitFor();
      await shot(page, 'dashboard');
    });
  });
});
