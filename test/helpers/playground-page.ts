// Opens the playground in a browser page whose script errors and console errors are collected, and waits until its text call is ready.
import type { Browser, Page } from 'playwright-core';

export async function openPlayground(
  browser: Browser,
  baseUrl: string,
  errors: string[],
  options: { viewport?: { width: number; height: number }; ignoreConsoleError?: (text: string) => boolean } = {},
): Promise<Page> {
  const page = await browser.newPage(options.viewport ? { viewport: options.viewport } : {});
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !options.ignoreConsoleError?.(message.text())) errors.push(message.text());
  });
  await page.goto(`${baseUrl}/`);
  await page.waitForSelector('#line:not([disabled])');
  return page;
}
