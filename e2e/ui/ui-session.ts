import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { ensureChromium } from '../../scripts/browser.mjs';
import { repoRoot } from '../support/osprey-cli.js';
import { startDeployment, type Deployment } from '../support/deployment.js';
import { eventually, httpJson } from '../support/osprey-process.js';

/**
 * One UI spec's world: `osprey server local` serving the built UI (apps/ui/dist) on a free port, and one Chromium
 * (Debian's package, driven by playwright-core). Screenshots go to docs/images/ui only with OSPREY_UI_SCREENSHOTS=1,
 * so that ordinary runs never dirty the clone.
 */

/** Generous on purpose: the suite runs on a loaded 2-core machine next to other tests. */
export const UI_TIMEOUT_MS = 60_000;
export const LAPTOP = { width: 1280, height: 800 };
export const WIDE = { width: 1920, height: 1080 };

export const publishScreenshots = process.env.OSPREY_UI_SCREENSHOTS === '1';
export const docsImagesDir = join(repoRoot, 'docs/images/ui');

export interface ExecutionView {
  id: string;
  namespace: string;
  flowId: string;
  state: { current: string };
  taskRunList: { id: string; taskId: string; state: { current: string }; outputs?: Record<string, unknown> }[];
}

export class UiSession {
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    readonly deployment: Deployment,
    readonly browser: Browser,
    readonly screenshotDir: string,
    private readonly authorization?: string,
  ) {}

  /** Starts the server (with `env`, e.g. auth settings) and the browser; fails when either cannot start. */
  static async start(options: { env?: NodeJS.ProcessEnv; authorization?: string } = {}): Promise<UiSession> {
    const built = join(repoRoot, 'apps/ui/dist/index.html');
    if (!existsSync(built)) throw new Error(`the web UI is not built (${built} is missing): run \`cd apps/ui && npx vite build\` (npm test does it)`);
    const executablePath = ensureChromium({ log: (message) => process.stderr.write(`chromium: ${message}\n`) });
    const screenshotDir = publishScreenshots ? docsImagesDir : mkdtempSync(join(tmpdir(), 'osprey-ui-shots-'));
    mkdirSync(screenshotDir, { recursive: true });
    const deployment = await startDeployment('local', { env: options.env });
    try {
      const browser = await chromium.launch({ executablePath, timeout: UI_TIMEOUT_MS });
      return new UiSession(deployment, browser, screenshotDir, options.authorization);
    } catch (error) {
      await deployment.stop();
      throw error;
    }
  }

  get baseUrl(): string {
    return this.deployment.api;
  }

  /** A fresh context (own storage, own theme preference) with one page on it. */
  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport: LAPTOP, baseURL: this.baseUrl, colorScheme: 'dark', ...options });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    this.contexts.push(context);
    return context.newPage();
  }

  /** Saves a picture of the page; the toasts of earlier steps are left out (they would hide the page's corner). */
  async screenshot(page: Page, name: string, options: { fullPage?: boolean; toasts?: boolean } = {}): Promise<string> {
    const path = join(this.screenshotDir, name);
    // Without animations and the caret, two runs of a step take the same picture.
    await page.screenshot({
      path,
      fullPage: options.fullPage ?? false,
      animations: 'disabled',
      caret: 'hide',
      style: options.toasts ? undefined : '[data-testid="toasts"] { visibility: hidden; }',
    });
    return path;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.authorization ? { authorization: this.authorization } : {}), ...extra };
  }

  /** Stores a flow through the API (the specs that are not about the editor set up their flows this way). */
  async createFlow(yaml: string): Promise<void> {
    const answer = await httpJson<{ message?: string }>(`${this.baseUrl}/api/v1/flows`, { method: 'POST', headers: this.headers({ 'content-type': 'application/x-yaml' }), body: yaml });
    if (answer.status !== 200) throw new Error(`flow not created (${answer.status}): ${JSON.stringify(answer.body)}`);
  }

  async execute(namespace: string, flowId: string, inputs: Record<string, string> = {}): Promise<ExecutionView> {
    const form = new FormData();
    for (const [key, value] of Object.entries(inputs)) form.append(key, value);
    const answer = await httpJson<ExecutionView>(`${this.baseUrl}/api/v1/executions/${namespace}/${flowId}`, { method: 'POST', headers: this.headers(), body: form });
    if (answer.status !== 200) throw new Error(`execution not created (${answer.status}): ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async execution(id: string): Promise<ExecutionView> {
    return (await httpJson<ExecutionView>(`${this.baseUrl}/api/v1/executions/${id}`, { headers: this.headers() })).body;
  }

  /** Waits through the API until the execution is in one of `states`. */
  async waitForState(id: string, states: string[]): Promise<ExecutionView> {
    return eventually(
      `execution ${id} in ${states.join(' or ')}`,
      async () => {
        // Until the executor stored the execution, the API answers 404 with an error body (no state).
        const execution = await this.execution(id);
        return states.includes(execution?.state?.current ?? '') ? execution : undefined;
      },
      UI_TIMEOUT_MS,
    );
  }

  async stop(): Promise<void> {
    for (const context of this.contexts.splice(0)) await context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.deployment.stop();
  }
}

/** Waits until the element with `testId` carries `data-state` = one of `states`; returns the state. */
export async function waitForBadge(page: Page, testId: string, states: string[], timeout = UI_TIMEOUT_MS): Promise<string> {
  const selector = states.map((s) => `[data-testid="${testId}"][data-state="${s}"]`).join(', ');
  const badge = await page.waitForSelector(selector, { timeout });
  return (await badge.getAttribute('data-state'))!;
}

/** Replaces the Monaco editor's text the way a user pastes it (typing would be re-indented by the editor). */
export async function pasteIntoEditor(page: Page, text: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await page.locator('[data-testid="flow-editor"] .monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((value) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(value), text);
  await page.keyboard.press('ControlOrMeta+V');
  await page.waitForFunction((value) => (globalThis as unknown as PageGlobals).ospreyFlowEditor?.getValue() === value, text, { timeout: 10_000 });
}

/**
 * The browser globals the page functions here use. Tests compile without the DOM library (it would change the
 * types of every Node test), so page functions read them through `globalThis as unknown as PageGlobals`.
 */
export interface PageGlobals {
  /** The flow editor's handle (apps/ui/src/pages/flows/yaml-editor.tsx). */
  ospreyFlowEditor?: { getValue(): string; setValue(value: string): void };
  navigator: { clipboard: { writeText(text: string): Promise<void> } };
  document: { documentElement: { dataset: Record<string, string | undefined> } };
  localStorage: { getItem(key: string): string | null };
  performance: {
    now(): number;
    getEntriesByType(type: string): { name: string; startTime: number; domContentLoadedEventEnd?: number; loadEventEnd?: number; transferSize?: number }[];
  };
}
