import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newDesktopContext, newWatchedPage, screenshotter } from './browser.js';
import { fillStoreInformation, linkFromOutbox, order, postOrder, reloadUntil } from './merchant.js';
import { eventually, startE2eStack, type E2eStack } from './stack.js';

// The merchant's whole first day, in Chromium against the real stack: sign up, verify from the outbox, add a store,
// fill its CAN-SPAM details, set up Customer Retention through the three steps with a window of seconds, then watch a
// signed order webhook become a pending customer, a sent message in the outbox, and a conversion with its revenue.
describe('a merchant, from sign-up to a converted customer', () => {
  let stack: E2eStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shot = screenshotter('merchant-flow');
  const shotOther = screenshotter('other-account');
  const merchant = { name: 'Ada Roaster', email: `ada.${Date.now()}@beanthere.example`, password: 'correct horse battery staple' };
  const customer = 'jane.doe@example.com';
  let storeId = '';
  let webhookSecret = '';
  let ruleUrl = '';
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
  // A failing step shows the processes' last output, not only the selector that timed out.
  const step = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      for (const open of context.pages().concat(browser.contexts().flatMap((c) => c.pages()))) {
        await open.screenshot({ path: `${shot.dir}/failed-${what.replace(/\W+/g, '-')}-${open === page ? 'merchant' : 'other'}.png`, fullPage: true }).catch(() => {});
      }
      throw new Error(`${what} (at ${page.url()}): ${(err as Error).message}\nbrowser errors:\n${browserErrors.join('\n')}\n${stack.logs()}`);
    }
  };
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  it('sends a signed-out visitor to sign-in, and back after signing up and verifying', async () => {
    await step('signed out', async () => {
      await page.goto(`${stack.dashboardUrl}/stores`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await heading(/sign in/i).waitFor();
      await shot(page, 'sign-in');
    });
    await step('sign up', async () => {
      await page.goto(`${stack.dashboardUrl}/sign-up`);
      await page.waitForLoadState('networkidle'); // hydrated before typing (an early fill can be reset)
      await page.getByLabel('Name', { exact: true }).fill(merchant.name);
      await page.getByLabel('Email', { exact: true }).fill(merchant.email);
      await page.getByLabel('Password', { exact: true }).fill(merchant.password);
      await shot(page, 'sign-up');
      await page.getByRole('button', { name: 'Create account' }).click();
      await heading('Check your email').waitFor();
      await shot(page, 'check-email');
    });
    await step('unverified sign-in is refused', async () => {
      await page.goto(`${stack.dashboardUrl}/sign-in`);
      await page.waitForLoadState('networkidle'); // hydrated before typing (an early fill can be reset)
      await page.getByLabel('Email', { exact: true }).fill(merchant.email);
      await page.getByLabel('Password', { exact: true }).fill(merchant.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByText(/verify your email/i).first().waitFor();
      await shot(page, 'sign-in-unverified');
    });
    await step('verify from the outbox', async () => {
      const link = await linkFromOutbox(stack.apiUrl, merchant.email, '/verify?token=');
      expect(new URL(link).origin).toBe(stack.dashboardUrl);
      await page.goto(link);
      await page.waitForURL(/\/stores\/new$/);
      await heading('Add a store').waitFor();
      await page.waitForLoadState('networkidle');
      await shot(page, 'add-store');
    });
  });

  it('adds a store with a 30-day trial and fills its CAN-SPAM details', async () => {
    await step('add store', async () => {
      await page.getByLabel('Store name').fill('Bean There Coffee');
      await page.getByLabel('Domain').fill('https://www.beanthere.example/shop');
      await page.getByLabel('Currency').selectOption('USD');
      await page.getByLabel('Time zone').selectOption('America/New_York');
      await page.getByRole('button', { name: 'Add store' }).click();
      await heading(/Store added/).waitFor();
      await page.getByText(/30-day/).first().waitFor();
      webhookSecret = (await page.getByTestId('webhook-secret').innerText()).trim();
      expect(webhookSecret).toMatch(/^whsec_/);
      await shot(page, 'store-added');
      await page.getByRole('link', { name: 'Continue to store settings' }).click();
      await page.waitForURL(/\/stores\/[0-9a-f-]{36}\/settings$/);
      storeId = /\/stores\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    });
    await step('store information', async () => {
      await heading('Store information').waitFor();
      // Nothing filled yet: the page names what CAN-SPAM still needs.
      await page.getByTestId('can-spam-missing').getByText('Company').waitFor();
      await fillStoreInformation(page);
      await page.getByText('Store information saved.').waitFor();
      await shot(page, 'store-information');
    });
    await step('trial shown', async () => {
      await page.getByText(/trial: 30 days left|30 days left/i).first().waitFor();
    });
  });

  it('sets up Customer Retention through the three steps', async () => {
    // A customer from before the rule: only new purchases will count (the back-fill choice below), so she gets nothing.
    await postOrder(stack.apiUrl, storeId, webhookSecret, order('order-0999', 'early.bird@example.com', 18.5));
    await step('add new workflow', async () => {
      await page.goto(`${stack.dashboardUrl}/stores/${storeId}/workflows/new`);
      await heading('Add a workflow').waitFor();
      await shot(page, 'add-workflow');
      await page.getByRole('link', { name: 'Customer Retention' }).click();
      await heading('New Customer Retention rule').waitFor();
    });
    await step('step 1', async () => {
      await page.getByLabel('Workflow name').fill('Coffee win-back');
      // The products come from what the store has sold: an order from before the rule put COFFEE-1KG on the list.
      await page.getByRole('combobox', { name: 'Products' }).pressSequentially('coff', { delay: 50 });
      await page.getByRole('option', { name: /COFFEE-1KG · House blend 1kg/ }).click();
      await page.getByRole('list', { name: 'Chosen SKUs' }).getByText('COFFEE-1KG').waitFor();
      await page.getByText('Advanced: a short window for testing').click();
      await page.getByLabel('Exact window (ISO-8601 duration)').fill('PT4S');
      await shot(page, 'step-1');
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.getByLabel('Sender name').waitFor();
    });
    await step('step 2', async () => {
      await page.getByLabel('Sender name').fill('Bean There');
      await page.getByLabel('Sender email').fill('hello@beanthere.example');
      await page.getByLabel('Subject').fill('We miss you, {{customer.firstName}}');
      await page.getByRole('button', { name: /^Use template/ }).first().click();
      await page.getByTestId('preview-subject').waitFor();
      // Rendered by the api with the store's most recent real customer, not a sample.
      await eventually(async () => (await page.getByTestId('preview-customer').innerText()).includes('early.bird@example.com'), 20_000);
      await shot(page, 'step-2');
      await page.getByLabel('Send test to').fill('ada@beanthere.example');
      await page.getByRole('button', { name: 'Send test' }).click();
      await page.locator('p[role=status]').getByText(/Test sent to ada@beanthere.example/).waitFor();
      await page.getByRole('button', { name: 'Save and continue' }).click();
    });
    await step('step 3', async () => {
      await heading('Confirm and activate').waitFor();
      await page.getByRole('radio', { name: 'Only new purchases' }).check();
      await shot(page, 'step-3');
      await page.getByRole('button', { name: 'Activate' }).click();
      await heading('Coffee win-back').waitFor();
      ruleUrl = page.url();
      await shot(page, 'rule-overview-new');
    });
  });

  it('shows the customer pending, then the message sent, then the conversion and its revenue', async () => {
    await postOrder(stack.apiUrl, storeId, webhookSecret, order('order-1001', customer, 45));
    await step('pending', async () => {
      await page.goto(`${stack.dashboardUrl}/stores/${storeId}/workflows/logs?kind=pending`);
      await heading('Logs').waitFor();
      await reloadUntil(page, async () => (await page.getByText(customer).count()) > 0, 30_000);
      const run = await page.getByRole('link', { name: `View run of ${customer} in Temporal` }).getAttribute('href');
      expect(run).toMatch(new RegExp(`^${stack.temporalUiUrl}/namespaces/default/workflows/.+`));
      await shot(page, 'logs-pending');
    });
    await step('sent', async () => {
      await page.getByRole('navigation', { name: 'Log' }).getByRole('link', { name: 'Sent', exact: true }).click();
      await page.waitForURL(/kind=sent/);
      await reloadUntil(page, async () => (await page.getByRole('link', { name: `View message to ${customer}` }).count()) > 0, 60_000);
      // The customer from before the rule was not back-filled ("only new purchases").
      expect(await page.getByText('early.bird@example.com').count()).toBe(0);
      await shot(page, 'logs-sent');
      await page.getByRole('link', { name: `View message to ${customer}` }).click();
      await heading(/We miss you/).waitFor();
      const frame = page.frameLocator('iframe[title="Email as the customer sees it"]');
      await frame.getByText(/Jane/).first().waitFor();
      await shot(page, 'outbox-message');
    });
    await step('conversion', async () => {
      await postOrder(stack.apiUrl, storeId, webhookSecret, order('order-1002', customer, 60));
      await page.goto(ruleUrl);
      await reloadUntil(page, async () => (await page.getByTestId('stat-conversions').innerText()).includes('1'), 60_000);
      expect(await page.getByTestId('stat-sent').innerText()).toContain('1');
      // The merchant viewed the outbox copy above; that is not the customer opening the message.
      expect(await page.getByTestId('stat-opens').innerText()).toMatch(/\b0\b/);
      expect(await page.getByTestId('stat-revenue').innerText()).toContain('$60.00');
      await shot(page, 'rule-overview-converted');
    });
  });

  it("keeps the store from another account, even by URL, and sends a signed-out deep link to sign-in", async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const intruder = await other.newPage();
    try {
      await step('signed-out deep link', async () => {
        await intruder.goto(`${stack.dashboardUrl}/stores/${storeId}/workflows/logs?kind=sent`);
        const url = new URL(intruder.url());
        expect(url.pathname).toBe('/sign-in');
        expect(url.searchParams.get('next')).toBe(`/stores/${storeId}/workflows/logs?kind=sent`);
      });
      await step('second account', async () => {
        const email = `bob.${Date.now()}@other.example`;
        await intruder.goto(`${stack.dashboardUrl}/sign-up`);
        // A fresh context: let the page hydrate before typing, so the enhanced form handles the submit.
        await intruder.waitForLoadState('networkidle');
        await intruder.getByLabel('Name', { exact: true }).fill('Bob Other');
        await intruder.getByLabel('Email', { exact: true }).fill(email);
        await intruder.getByLabel('Password', { exact: true }).fill('another long password');
        await intruder.getByRole('button', { name: 'Create account' }).click();
        await intruder.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
        await intruder.goto(await linkFromOutbox(stack.apiUrl, email, '/verify?token='));
        await intruder.waitForURL(/\/stores\/new$/);
        for (const path of [`/stores/${storeId}`, `/stores/${storeId}/workflows`, `/stores/${storeId}/settings`, new URL(ruleUrl).pathname]) {
          const response = await intruder.goto(`${stack.dashboardUrl}${path}`);
          expect([path, response?.status()]).toEqual([path, 404]);
          expect(await intruder.locator('main').innerText()).not.toContain('Bean There');
        }
        await shotOther(intruder, 'other-account-404');
      });
    } finally {
      await other.close();
    }
  });
});
