import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { UI_TIMEOUT_MS, UiSession, type PageGlobals } from './ui-session.js';

/**
 * Keys typed fast into the flow editor all land, in order: the editor's own edits echoed back by React must not
 * be taken for outside changes (they used to reset the text and drop the keys typed in between).
 */
jest.setTimeout(2 * UI_TIMEOUT_MS);

describe('web UI: typing in the flow editor', () => {
  let ui: UiSession;
  let page: Page;

  beforeAll(async () => {
    ui = await UiSession.start();
    page = await ui.newPage();
  }, 2 * UI_TIMEOUT_MS);
  afterAll(async () => {
    await ui?.stop();
  }, 60_000);

  it('keeps every key typed at 5 ms per key', async () => {
    await page.goto('/flows/new');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).ospreyFlowEditor !== undefined);
    await page.locator('.view-line').first().click();
    await page.keyboard.press('End');
    const typed = '-abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxyz';
    const before = await page.evaluate(() => (globalThis as unknown as PageGlobals).ospreyFlowEditor!.getValue().split('\n')[0]);
    await page.keyboard.type(typed, { delay: 5 });
    // Validation round trips re-render the page while and after typing.
    await page.waitForTimeout(1500);
    const after = await page.evaluate(() => (globalThis as unknown as PageGlobals).ospreyFlowEditor!.getValue().split('\n')[0]);
    expect(after).toBe(`${before}${typed}`);
  });
});
