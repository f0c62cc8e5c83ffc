import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Debian's Chromium, never a downloaded browser (`.ci/run` installs it with apt-get when missing).
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Screenshots of every screen, kept with the test output: `.test-results/screenshots/<suite>/`. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../.test-results/screenshots/', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export async function newDesktopContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', timezoneId: 'UTC' });
}

/** A page that waits up to 20 s per step and records the browser's own errors into `errors`, for a failing step's report. */
export async function newWatchedPage(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.stack ?? err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return page;
}

/** Saves the page at desktop width and at 375 px (the narrowest phone we promise), then restores the viewport. */
export function screenshotter(suite: string) {
  const dir = join(SCREENSHOTS, suite);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const shot = async (page: Page, name: string): Promise<void> => {
    n += 1;
    const base = `${String(n).padStart(2, '0')}-${name}`;
    await page.screenshot({ path: join(dir, `${base}.png`), fullPage: true });
    const size = page.viewportSize();
    await page.setViewportSize({ width: 375, height: 812 });
    // Let resize observers (the chart) and layout settle: two animation frames, then a short pause.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300)))));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: join(dir, `${base}.375.png`), fullPage: true });
    if (size) await page.setViewportSize(size);
    if (overflow > 1) throw new Error(`${name}: the page is ${overflow}px wider than a 375px screen (layout break)`);
  };
  return Object.assign(shot, { dir });
}

/** A named step: on failure, a screenshot beside the suite's and an error with the browser's errors and the stack's logs. */
export function stepRunner(page: Page, dir: string, errors: string[], logs: () => string) {
  return async (what: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (err) {
      await page.screenshot({ path: `${dir}/failed-${what.replace(/\W+/g, '-')}.png`, fullPage: true }).catch(() => {});
      throw new Error(`${what} (at ${page.url()}): ${(err as Error).message}\nbrowser errors:\n${errors.join('\n')}\n${logs()}`);
    }
  };
}
