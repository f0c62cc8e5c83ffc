import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeBigcommerce, FakeShopify, FakeWoocommerce } from '@boomerang/testing';
import { launchChromium, newDesktopContext, newWatchedPage, screenshotter } from './browser.js';
import { linkFromOutbox } from './merchant.js';
import { ADMIN_KEY, startE2eStack, type E2eStack } from './stack.js';

// Connecting a store of each platform and syncing its order history, in Chromium against the real stack: the api
// and the worker reach the platforms' fakes on loopback through configuration only (SHOPIFY_API_ORIGIN,
// BIGCOMMERCE_API_ORIGIN, ALLOW_INSECURE_PLATFORM_URLS; WooCommerce's site URL is the fake's own address).
const BANDWIDTH_WARNING =
  'Please note, by initiating the sync process, you may be subject to extra bandwidth fees from your e-commerce or hosting provider.';

const shopify = new FakeShopify({ orders: 300, products: 40 });
const woo = new FakeWoocommerce({ orders: 200, products: { simple: 5, variable: 3, variationsEach: 4 } });
const bigcommerce = new FakeBigcommerce({ orders: 120, catalog: { products: 6, variantsEach: 3 } });

interface PlatformCase {
  choice: 'Shopify' | 'WooCommerce' | 'BigCommerce';
  /** The form's labels and what the merchant types in them (read once the fakes listen). */
  fields: () => Record<string, string>;
  /** Our webhook subscriptions the fake holds for the store. */
  topics: (storeId: string) => string[];
  orders: number;
  /** Products as the platform counts them: variants included. */
  products: number;
  /** The store's address as the Connection page shows it. */
  address: () => string;
}

const PLATFORMS: PlatformCase[] = [
  {
    choice: 'Shopify',
    fields: () => ({ 'Shop domain': shopify.shopDomain, 'Admin API access token': shopify.accessToken, 'API secret key': shopify.apiSecretKey }),
    topics: (storeId) => shopify.webhooks.filter((w) => w.address.endsWith(`/webhooks/shopify/${storeId}`)).map((w) => w.topic),
    orders: 300,
    products: shopify.variantCount(),
    address: () => shopify.shopDomain,
  },
  {
    choice: 'WooCommerce',
    fields: () => ({ 'Site URL': woo.siteUrl, 'Consumer key': woo.consumerKey, 'Consumer secret': woo.consumerSecret }),
    topics: (storeId) => woo.webhooks.filter((w) => w.delivery_url.endsWith(`/webhooks/woocommerce/${storeId}`)).map((w) => w.topic),
    orders: 200,
    // Five simple products, and three variable ones counted by their four variations each.
    products: 5 + 3 * 4,
    address: () => woo.siteUrl,
  },
  {
    choice: 'BigCommerce',
    fields: () => ({ 'Store hash': bigcommerce.storeHash, 'API access token': bigcommerce.accessToken }),
    topics: (storeId) => bigcommerce.hooks.filter((h) => h.destination.endsWith(`/webhooks/bigcommerce/${storeId}`)).map((h) => h.scope),
    orders: 120,
    products: 6 * 3,
    address: () => `store hash ${bigcommerce.storeHash}`,
  },
];

describe('a merchant connects a store of each platform and syncs its history', () => {
  let stack: E2eStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Navigates and lets the page hydrate before a form is typed into (under load an early fill is reset by hydration). */
  const open = async (url: string) => {
    await page.goto(url);
    await page.waitForLoadState('networkidle');
  };
  const shot = screenshotter('connections');
  const merchant = { name: 'Grace Grocer', email: `grace.${Date.now()}@larder.example`, password: 'correct horse battery staple' };
  const storeIds: Record<string, string> = {};
  const browserErrors: string[] = [];

  beforeAll(async () => {
    await Promise.all([shopify.start(), woo.start(), bigcommerce.start()]);
    stack = await startE2eStack({
      env: { SHOPIFY_API_ORIGIN: shopify.origin, BIGCOMMERCE_API_ORIGIN: bigcommerce.apiOrigin, ALLOW_INSECURE_PLATFORM_URLS: 'true' },
    });
    browser = await launchChromium();
    context = await newDesktopContext(browser);
    page = await newWatchedPage(context, browserErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await Promise.all([shopify.stop(), woo.stop(), bigcommerce.stop()]);
  });
  const step = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      await page.screenshot({ path: `${shot.dir}/failed-${what.replace(/\W+/g, '-')}.png`, fullPage: true }).catch(() => {});
      throw new Error(`${what} (at ${page.url()}): ${(err as Error).message}\nbrowser errors:\n${browserErrors.join('\n')}\n${stack.logs()}`);
    }
  };
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const connectionPage = async (storeId: string) => {
    await open(`${stack.dashboardUrl}/stores/${storeId}`);
    await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Connection' }).click();
    await heading('Connection').waitFor();
  };
  const fill = async (fields: Record<string, string>) => {
    for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
  };

  it('signs up and adds one store per platform', async () => {
    await step('sign up', async () => {
      await open(`${stack.dashboardUrl}/sign-up`);
      await page.getByLabel('Name', { exact: true }).fill(merchant.name);
      await page.getByLabel('Email', { exact: true }).fill(merchant.email);
      await page.getByLabel('Password', { exact: true }).fill(merchant.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await heading('Check your email').waitFor();
      await open(await linkFromOutbox(stack.apiUrl, merchant.email, '/verify?token='));
      await page.waitForURL(/\/stores\/new$/);
    });
    for (const platform of PLATFORMS) {
      await step(`add the ${platform.choice} store`, async () => {
        await open(`${stack.dashboardUrl}/stores/new`);
        await page.getByLabel('Store name').fill(`The Larder on ${platform.choice}`);
        await page.getByLabel('Domain').fill(`https://${platform.choice.toLowerCase()}.larder.example`);
        await page.getByLabel('Currency').selectOption('USD');
        await page.getByLabel('Time zone').selectOption('Europe/London');
        await page.getByRole('button', { name: 'Add store' }).click();
        await heading(/Store added/).waitFor();
        await page.getByRole('link', { name: 'Continue to store settings' }).click();
        await page.waitForURL(/\/stores\/[0-9a-f-]{36}\/settings$/);
        storeIds[platform.choice] = /\/stores\/([0-9a-f-]{36})/.exec(page.url())![1]!;
      });
    }
  });

  it("shows each platform's form in its own terms, and a custom cart's addresses from the api", async () => {
    const storeId = storeIds.Shopify!;
    await step('store home points to the connection', async () => {
      await open(`${stack.dashboardUrl}/stores/${storeId}`);
      const card = page.getByTestId('home-connection');
      await card.getByRole('link', { name: 'Connect your store' }).waitFor();
      await card.getByRole('link', { name: 'Sync historical data' }).waitFor();
      expect(await card.getByTestId('product-count').count()).toBe(0);
      await shot(page, 'store-home-unconnected');
    });
    await step('open connection', async () => {
      await connectionPage(storeId);
      expect(await page.getByRole('navigation', { name: 'Store' }).getByRole('link', { name: 'Connection' }).getAttribute('aria-current')).toBe('page');
      await page.getByRole('heading', { name: 'Connect your store' }).waitFor();
    });
    for (const platform of PLATFORMS) {
      await step(`${platform.choice} form`, async () => {
        await page.getByRole('radio', { name: platform.choice }).check();
        const labels = Object.keys(platform.fields());
        for (const label of labels) await page.getByLabel(label, { exact: true }).waitFor();
        await page.getByRole('list', { name: new RegExp(`How to get your ${platform.choice} credentials`) }).waitFor();
        await page.getByRole('button', { name: `Connect ${platform.choice}` }).waitFor();
        // Credentials are never echoed: every secret is a password input.
        expect(await page.locator('form input[type="password"]').count()).toBe(labels.length - 1);
        await shot(page, `connect-${platform.choice.toLowerCase()}`);
      });
    }
    await step('custom cart', async () => {
      await page.getByRole('radio', { name: 'Custom cart' }).check();
      await page.getByRole('button', { name: 'Use a custom cart' }).click();
      await page.waitForURL(/connected=1/);
      await page.getByText('Your custom cart is set up').waitFor();
      const details = page.getByTestId('connection-details');
      expect((await details.getByTestId('connection-status').innerText()).trim()).toBe('Connected');
      const url = (await details.getByTestId('webhook-url').innerText()).trim();
      expect(url).toBe(`${stack.apiUrl}/api/v1/stores/${storeId}/webhooks/orders`);
      expect((await details.getByTestId('import-url').innerText()).trim()).toBe(`POST ${stack.apiUrl}/api/v1/stores/${storeId}/import/orders`);
      await details.getByText('x-boomerang-signature: sha256=…').waitFor();
      expect(await details.locator('pre').innerText()).toContain(`curl -X POST ${url}`);
      await shot(page, 'connected-custom-cart');
    });
  });

  it("shows the platform's own refusal of wrong credentials beside the form", async () => {
    await step('wrong BigCommerce token', async () => {
      await connectionPage(storeIds.BigCommerce!);
      await page.getByRole('radio', { name: 'BigCommerce' }).check();
      await fill({ ...PLATFORMS[2]!.fields(), 'API access token': 'not-the-token' });
      await page.getByRole('button', { name: 'Connect BigCommerce' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      // BigCommerce's own words (its v2 store endpoint, which the test of the credentials asks).
      expect((await alert.innerText()).trim()).toBe('BigCommerce answered 401: You must be authenticated to access this resource.');
      // The connection is kept, failing with the platform's words; the form stays open to correct the token.
      const details = page.getByTestId('connection-details');
      await details.getByTestId('connection-status').getByText('Failing').waitFor();
      expect((await details.getByTestId('connection-error').innerText()).trim()).toBe('BigCommerce answered 401: You must be authenticated to access this resource.');
      expect(await page.getByLabel('Store hash', { exact: true }).inputValue()).toBe(bigcommerce.storeHash);
      await page.getByRole('button', { name: 'Update BigCommerce connection' }).waitFor();
      expect(PLATFORMS[2]!.topics(storeIds.BigCommerce!)).toEqual([]);
      await shot(page, 'connect-refused');
    });
  });

  for (const platform of PLATFORMS) {
    it(`connects ${platform.choice} and syncs its order history to 100 % on the progress bar`, async () => {
      const storeId = storeIds[platform.choice]!;
      await step(`connect ${platform.choice}`, async () => {
        await connectionPage(storeId);
        // The Shopify store is on the custom cart and the BigCommerce one failing: both update their connection.
        if (await page.getByTestId('connection-details').count()) {
          if (!(await page.getByRole('radio', { name: platform.choice }).count())) {
            await page.getByRole('button', { name: /^(Update credentials|Change platform)$/ }).click();
          }
        }
        await page.getByRole('radio', { name: platform.choice }).check();
        await fill(platform.fields());
        await page.getByRole('button', { name: new RegExp(`^(Connect ${platform.choice}|Update ${platform.choice} connection)$`) }).click();
        await page.waitForURL(/connected=1/);
        await page.getByText(`Connected to ${platform.choice}.`).waitFor();
        // The update form closed: nothing typed stays on the page.
        expect(await page.locator('input[type="password"]').count()).toBe(0);
        const details = page.getByTestId('connection-details');
        expect((await details.getByTestId('connection-status').innerText()).trim()).toBe('Connected');
        expect(await details.innerText()).toContain(`${platform.choice} · ${platform.address()}`);
        const registered = platform.topics(storeId);
        expect(registered.length).toBeGreaterThan(0);
        const shown = await details.getByRole('list', { name: 'Webhook topics' }).getByRole('listitem').allInnerTexts();
        expect(shown.map((t) => t.trim()).sort()).toEqual([...registered].sort());
        expect((await details.getByTestId('product-count').innerText()).trim()).toBe(platform.products.toLocaleString('en-US'));
        await shot(page, `connected-${platform.choice.toLowerCase()}`);
      });
      await step(`test the ${platform.choice} connection`, async () => {
        await page.getByRole('button', { name: 'Test connection' }).click();
        await page.getByText('The platform answered: the connection works.').waitFor();
        expect((await page.getByTestId('connection-status').innerText()).trim()).toBe('Connected');
      });
      await step('store home shows the connection and its product count', async () => {
        await open(`${stack.dashboardUrl}/stores/${storeId}`);
        const card = page.getByTestId('home-connection');
        await card.getByText('Connected', { exact: true }).waitFor();
        expect((await card.getByTestId('product-count').innerText()).trim()).toBe(platform.products.toLocaleString('en-US'));
        await card.getByRole('link', { name: 'Manage the connection' }).waitFor();
        await shot(page, `store-home-${platform.choice.toLowerCase()}`);
      });
      await step('open sync settings', async () => {
        await open(`${stack.dashboardUrl}/stores/${storeId}/settings`);
        await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Sync historical data' }).click();
        await heading('Sync historical data').waitFor();
        expect((await page.getByTestId('bandwidth-warning').innerText()).trim()).toBe(BANDWIDTH_WARNING);
        expect(await page.getByTestId('sync-progress').count()).toBe(0);
      });
      await step('confirm with the warning', async () => {
        await page.getByRole('button', { name: 'Sync Historical Data', exact: true }).click();
        const dialog = page.getByRole('alertdialog');
        await dialog.getByText(BANDWIDTH_WARNING).waitFor();
        if (platform.choice === 'Shopify') await shot(page, 'sync-confirm');
        await dialog.getByRole('button', { name: 'Start the sync' }).click();
        await page.getByTestId('sync-progress').waitFor();
      });
      await step('progress to 100 %', async () => {
        // The page polls the api while the sync runs: no reload.
        const summary = page.getByTestId('sync-summary');
        await summary.getByText(`${platform.orders.toLocaleString('en-US')} orders synced`).waitFor({ timeout: 120_000 });
        expect((await summary.innerText()).startsWith('100%')).toBe(true);
        expect(await page.locator('progress').getAttribute('data-percent')).toBe('100');
        await page.getByRole('heading', { name: 'Sync complete' }).waitFor();
        await page.getByRole('button', { name: 'Sync historical data again' }).waitFor();
        await shot(page, `sync-complete-${platform.choice.toLowerCase()}`);
      });
      await step('the orders reached the store', async () => {
        const res = await fetch(`${stack.apiUrl}/api/v1/stores/${storeId}/sync`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        expect(await res.json()).toMatchObject({ state: 'completed', platform: platform.choice.toLowerCase(), fetched: platform.orders, total: platform.orders, percent: 100, error: null });
        const db = new pg.Client({ connectionString: stack.db.url });
        await db.connect();
        try {
          const { rows } = await db.query<{ orders: number }>('select count(*)::int as orders from store_order where store_id = $1', [storeId]);
          expect(rows[0]!.orders).toBe(platform.orders);
        } finally {
          await db.end();
        }
      });
    });
  }

  it('removes a connection: our webhooks leave the platform and the store can connect again', async () => {
    const storeId = storeIds.WooCommerce!;
    await step('remove the WooCommerce connection', async () => {
      await connectionPage(storeId);
      expect(PLATFORMS[1]!.topics(storeId).length).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Remove connection' }).click();
      const dialog = page.getByRole('alertdialog');
      await dialog.getByText('We unregister our webhooks from your platform').waitFor();
      await dialog.getByRole('button', { name: 'Remove connection' }).click();
      await page.waitForURL(/removed=1/);
      await page.getByText('Connection removed: we unregistered our webhooks.').waitFor();
      await page.getByRole('heading', { name: 'Connect your store' }).waitFor();
      expect(await page.getByTestId('connection-details').count()).toBe(0);
      expect(PLATFORMS[1]!.topics(storeId)).toEqual([]);
      await shot(page, 'removed-woocommerce');
    });
  });
});
