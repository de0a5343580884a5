import { jest } from '@jest/globals';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/osprey-cli.js';
import { writeGeneratedSection } from './docs-section.js';
import { LAPTOP, UI_TIMEOUT_MS, UiSession, publishScreenshots, type PageGlobals } from './ui-session.js';

/**
 * How fast `/` loads from `osprey server local`, cold (a new browser context each time: empty cache, no stored
 * credentials or theme). The figures are measured and reported, never asserted: performance is judged on
 * tables (docs/ui.md "Page load"), not by timed assertions that fail on a busy machine.
 */

jest.setTimeout(2 * UI_TIMEOUT_MS);

const LOADS = 5;

interface PageLoad {
  domContentLoaded: number;
  load: number;
  firstContentfulPaint: number;
  /** The dashboard's totals are on screen: the app is loaded and has its first API answer. */
  ready: number;
  requests: number;
  transferredBytes: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function table(loads: PageLoad[]): string {
  const ms = (v: number) => `${Math.round(v)} ms`;
  const kb = (v: number) => `${Math.round(v / 1024)} KB`;
  const row = (label: string, l: PageLoad) => `| ${label} | ${ms(l.domContentLoaded)} | ${ms(l.load)} | ${ms(l.firstContentfulPaint)} | ${ms(l.ready)} | ${l.requests} | ${kb(l.transferredBytes)} |`;
  const pick = (f: (values: number[]) => number): PageLoad => ({
    domContentLoaded: f(loads.map((l) => l.domContentLoaded)),
    load: f(loads.map((l) => l.load)),
    firstContentfulPaint: f(loads.map((l) => l.firstContentfulPaint)),
    ready: f(loads.map((l) => l.ready)),
    requests: f(loads.map((l) => l.requests)),
    transferredBytes: f(loads.map((l) => l.transferredBytes)),
  });
  return [
    '| load of `/` | DOMContentLoaded | load | first contentful paint | dashboard ready | requests | transferred |',
    '|---|---|---|---|---|---|---|',
    ...loads.map((l, i) => row(`cold ${i + 1}`, l)),
    row('**median**', pick(median)),
    row('**max**', pick((values) => Math.max(...values))),
  ].join('\n');
}

describe('web UI: page load of / on the embedded server', () => {
  let ui: UiSession;

  beforeAll(async () => {
    ui = await UiSession.start();
  }, 2 * UI_TIMEOUT_MS);
  afterAll(async () => {
    await ui?.stop();
  }, 60_000);

  async function coldLoad(): Promise<PageLoad> {
    const page = await ui.newPage({ viewport: LAPTOP });
    try {
      await page.goto('/', { waitUntil: 'load' });
      // The moment the totals appear, read in the page (requestAnimationFrame polling: within a frame).
      const ready = await page.waitForFunction(
        () => {
          const g = globalThis as unknown as PageGlobals & { document: { querySelector(s: string): unknown } };
          return g.document.querySelector('[data-testid="dashboard-totals"]') ? g.performance.now() : false;
        },
        undefined,
        { polling: 'raf' },
      );
      await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? 0) > 0);
      const timings = await page.evaluate(() => {
        const performance = (globalThis as unknown as PageGlobals).performance;
        const navigation = performance.getEntriesByType('navigation')[0]!;
        const paint = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
        const resources = performance.getEntriesByType('resource');
        return {
          domContentLoaded: navigation.domContentLoadedEventEnd ?? 0,
          load: navigation.loadEventEnd ?? 0,
          firstContentfulPaint: paint?.startTime ?? Number.NaN,
          requests: 1 + resources.length,
          transferredBytes: [navigation, ...resources].reduce((sum, entry) => sum + (entry.transferSize ?? 0), 0),
        };
      });
      return { ...timings, ready: (await ready.jsonValue()) as number };
    } finally {
      await page.context().close();
    }
  }

  it('measures DOMContentLoaded, load, first contentful paint and the dashboard being ready over cold loads, and reports them', async () => {
    await coldLoad(); // warms the server (first reads of the files, JIT); not counted
    const loads: PageLoad[] = [];
    for (let i = 0; i < LOADS; i++) loads.push(await coldLoad());

    // The measurement itself must be real: every load painted, finished and fetched the app's files.
    for (const l of loads) {
      expect(l.firstContentfulPaint).toBeGreaterThan(0);
      expect(l.load).toBeGreaterThanOrEqual(l.domContentLoaded);
      expect(l.ready).toBeGreaterThan(0);
      expect(l.requests).toBeGreaterThan(2);
      expect(l.transferredBytes).toBeGreaterThan(50_000);
    }

    const report = table(loads);
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Chromium ${ui.browser.version()}, Node ${process.version}`;
    console.log(`Page load of / (osprey server local, ${LOADS} cold loads after one warm-up; ${machine}):\n${report}`);
    if (publishScreenshots) {
      writeGeneratedSection(
        join(repoRoot, 'docs/ui.md'),
        'page-load',
        'Page load',
        [
          `Measured by \`e2e/ui/page-load.spec.ts\` on ${new Date().toISOString().slice(0, 10)} (${machine}): \`/\` from \`osprey server local\`,`,
          `${LOADS} cold loads (a new browser context each: empty cache) after one warm-up load, ${LAPTOP.width}×${LAPTOP.height}.`,
          '*Dashboard ready* is when the execution totals are on screen (app loaded and its first API answers in);',
          '*transferred* counts every response (app files and API calls), uncompressed. Times are from the start of the navigation.',
          '',
          report,
          '',
          `The bar of the web UI is a usable page in under a second on the embedded server: median ${Math.round(median(loads.map((l) => l.ready)))} ms,`,
          `slowest ${Math.round(Math.max(...loads.map((l) => l.ready)))} ms to the dashboard's totals. Measured, not asserted: rerun the spec to see the figures of your machine.`,
        ].join('\n'),
      );
    }
  });
});
