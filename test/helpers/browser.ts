import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './config-folder.ts';

const open: BrowserContext[] = [];

/**
 * Debian's chromium, headless, with a fresh profile folder (removed after the test), driven by
 * playwright-core. Ends with closeBrowsers() in afterEach.
 */
export async function browser(): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(tempDir('touchbase-chromium-'), {
    executablePath: process.env.TOUCHBASE_CHROMIUM || '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  open.push(context);
  return context;
}

export async function closeBrowsers(): Promise<void> {
  await Promise.all(open.splice(0).map((c) => c.close()));
}
