import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { storySteps } from './story-steps.js';
import { UI_TIMEOUT_MS, UiSession } from './ui-session.js';

/** With OSPREY_AUTH_USERNAME/PASSWORD set, the UI asks for them, refuses wrong ones and then shows the page asked for. */

jest.setTimeout(2 * UI_TIMEOUT_MS);

const USER = 'operator';
const PASSWORD = 'correct horse battery';

describe('web UI: login when the server asks for credentials', () => {
  let ui: UiSession;
  let page: Page;
  const step = storySteps();

  beforeAll(async () => {
    ui = await UiSession.start({
      env: { OSPREY_AUTH_USERNAME: USER, OSPREY_AUTH_PASSWORD: PASSWORD },
      authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
    });
    page = await ui.newPage();
  }, 2 * UI_TIMEOUT_MS);
  afterAll(async () => {
    await ui?.stop();
  }, 60_000);

  step('shows the login page instead of the dashboard', async () => {
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByTestId('login-form').waitFor();
    expect(await page.getByTestId('dashboard-page').count()).toBe(0);
    await ui.screenshot(page, 'login.png');
  });

  step('refuses a wrong password with a message and stays on the login page', async () => {
    await page.getByTestId('login-username').fill(USER);
    await page.getByTestId('login-password').fill(`${PASSWORD}x`);
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/wrong credentials/i);
    expect(new URL(page.url()).pathname).toBe('/login');
    await ui.screenshot(page, 'login-error.png');
  });

  step('lands on the dashboard with the right password, and the API answers the UI from then on', async () => {
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('dashboard-page').waitFor();
    await page.getByTestId('dashboard-totals').waitFor();
    await page.getByTestId('logout').waitFor();

    // A deep link in the same tab keeps the session; logging out brings the login page back.
    await page.goto('/executions');
    await page.getByTestId('execution-list-page').waitFor();
    await page.getByTestId('executions-empty').waitFor();
    await page.getByTestId('logout').click();
    await page.waitForURL((url) => url.pathname === '/login');
  });

  step('goes back to the page first asked for after login', async () => {
    const fresh = await ui.newPage();
    await fresh.goto('/executions?state=FAILED');
    await fresh.waitForURL((url) => url.pathname === '/login');
    await fresh.getByTestId('login-username').fill(USER);
    await fresh.getByTestId('login-password').fill(PASSWORD);
    await fresh.getByTestId('login-password').press('Enter');
    await fresh.waitForURL((url) => url.pathname === '/executions' && url.searchParams.get('state') === 'FAILED');
    await fresh.getByTestId('execution-list-page').waitFor();
    await fresh.close();
  });
});
