import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { storySteps } from './story-steps.js';
import { UI_TIMEOUT_MS, UiSession, waitForBadge } from './ui-session.js';

/**
 * Operating executions from the UI against `osprey server local`: kill a long one, resume a paused one with the
 * inputs its Pause declares, and find executions again with the list's filters (kept in the URL).
 */

jest.setTimeout(2 * UI_TIMEOUT_MS);

const NAMESPACE = 'company.ops';

const LONG = `id: long-nap
namespace: ${NAMESPACE}
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT60S
  - id: never
    type: io.kestra.plugin.core.debug.Return
    format: "should not run"
`;

const APPROVAL = `id: approval
namespace: ${NAMESPACE}
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approver
        type: STRING
        description: Who approves the release
  - id: announce
    type: io.kestra.plugin.core.log.Log
    message: "approved by {{ outputs.wait.onResume.approver }}"
  - id: verdict
    type: io.kestra.plugin.core.debug.Return
    format: "go, says {{ outputs.wait.onResume.approver }}"
`;

const QUICK = `id: quick
namespace: ${NAMESPACE}
tasks:
  - id: done
    type: io.kestra.plugin.core.debug.Return
    format: "done"
`;

/** The ids of the executions the list shows, and their states. */
async function listedExecutions(page: Page): Promise<{ id: string; flow: string; state: string }[]> {
  return page.locator('[data-testid^="execution-row-"]').evaluateAll((rows) =>
    rows.map((row) => {
      const r = row as unknown as { getAttribute(name: string): string | null; querySelector(selector: string): { getAttribute(name: string): string | null; textContent: string | null } | null };
      return {
        id: r.getAttribute('data-testid')!.slice('execution-row-'.length),
        flow: r.querySelector('a[href^="/flows/"]')?.textContent ?? '',
        state: r.querySelector('[data-state]')?.getAttribute('data-state') ?? '',
      };
    }),
  );
}

describe('web UI: kill, resume and filter executions', () => {
  let ui: UiSession;
  let page: Page;
  let killed: string;
  let resumed: string;
  let quick: string;
  const step = storySteps();

  beforeAll(async () => {
    ui = await UiSession.start();
    for (const flow of [LONG, APPROVAL, QUICK]) await ui.createFlow(flow);
    quick = (await ui.execute(NAMESPACE, 'quick')).id;
    await ui.waitForState(quick, ['SUCCESS']);
    page = await ui.newPage();
  }, 2 * UI_TIMEOUT_MS);
  afterAll(async () => {
    await ui?.stop();
  }, 60_000);

  step('kills a long execution: it ends KILLED and its next task never runs', async () => {
    killed = (await ui.execute(NAMESPACE, 'long-nap')).id;
    await page.goto(`/executions/${killed}`);
    await waitForBadge(page, 'execution-state', ['RUNNING']);
    await page.waitForSelector('[data-testid="gantt-row-nap"][data-state="RUNNING"]');
    await page.getByTestId('kill-execution').click();
    const confirm = page.locator('dialog[open][data-testid="confirm-dialog"]');
    await confirm.waitFor();
    await ui.screenshot(page, 'execution-kill.png');
    await confirm.getByTestId('confirm-ok').click();

    await waitForBadge(page, 'execution-state', ['KILLED']);
    expect(await page.getByTestId('gantt-row-nap').getAttribute('data-state')).toBe('KILLED');
    expect(await page.getByTestId('gantt-row-never').count()).toBe(0);
    // An ended execution offers no kill any more, but a restart.
    expect(await page.getByTestId('kill-execution').count()).toBe(0);
    await page.getByTestId('restart-execution').waitFor();
    expect((await ui.execution(killed)).state.current).toBe('KILLED');
    await ui.screenshot(page, 'execution-killed.png');
  });

  step('resumes a paused execution with the Pause input: the next task logs it and the execution succeeds', async () => {
    resumed = (await ui.execute(NAMESPACE, 'approval')).id;
    await page.goto(`/executions/${resumed}`);
    await waitForBadge(page, 'execution-state', ['PAUSED']);
    await page.getByTestId('resume-execution').click();
    const dialog = page.getByTestId('resume-dialog');
    await dialog.waitFor();
    // The form is built from the Pause task's onResume inputs.
    await dialog.getByTestId('resume-input-approver').fill('Grace Hopper');
    await ui.screenshot(page, 'execution-resume.png');
    await dialog.getByTestId('resume-submit').click();

    await waitForBadge(page, 'execution-state', ['SUCCESS']);
    await page.getByTestId('gantt-row-announce').click();
    const details = page.getByTestId('task-run-details');
    await details.getByTestId('logs').locator('.log-line__message', { hasText: 'approved by Grace Hopper' }).waitFor();
    await page.getByTestId('gantt-row-verdict').click();
    await details.getByTestId('task-run-outputs').getByText('go, says Grace Hopper').waitFor();
    const execution = await ui.execution(resumed);
    expect(execution.state.current).toBe('SUCCESS');
    expect(execution.taskRunList.find((t) => t.taskId === 'verdict')?.outputs).toEqual({ value: 'go, says Grace Hopper' });
  });

  step('filters the executions by state and by flow, and keeps the filters in the URL', async () => {
    await page.goto('/executions');
    await page.getByTestId('execution-filters').waitFor();
    await page.getByTestId(`execution-row-${quick}`).waitFor();
    expect((await listedExecutions(page)).map((e) => e.id).sort()).toEqual([killed, resumed, quick].sort());

    await page.getByTestId('state-filter-KILLED').click();
    await page.waitForURL((url) => url.searchParams.getAll('state').join() === 'KILLED');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid^="execution-row-"]').length === 1);
    expect(await listedExecutions(page)).toEqual([{ id: killed, flow: 'long-nap', state: 'KILLED' }]);
    expect(await page.getByTestId('state-filter-KILLED').getAttribute('aria-pressed')).toBe('true');

    // A second state widens the list; the flow filter then narrows it to one flow.
    await page.getByTestId('state-filter-SUCCESS').click();
    await page.waitForURL((url) => url.searchParams.getAll('state').sort().join() === 'KILLED,SUCCESS');
    await page.getByTestId(`execution-row-${quick}`).waitFor();
    await page.getByTestId('flow-filter').fill('approval');
    await page.getByTestId('flow-filter').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('flowId') === 'approval');
    await page.getByTestId(`execution-row-${quick}`).waitFor({ state: 'detached' });
    expect(await listedExecutions(page)).toEqual([{ id: resumed, flow: 'approval', state: 'SUCCESS' }]);
    await ui.screenshot(page, 'executions-list.png');

    // The URL is the filter: opened afresh (a shared link), it shows the same list with the same controls set.
    const shared = page.url();
    const other = await ui.newPage();
    await other.goto(shared);
    await other.getByTestId(`execution-row-${resumed}`).waitFor();
    expect(await listedExecutions(other)).toEqual([{ id: resumed, flow: 'approval', state: 'SUCCESS' }]);
    expect(await other.getByTestId('flow-filter').inputValue()).toBe('approval');
    expect(await other.getByTestId('state-filter-SUCCESS').getAttribute('aria-pressed')).toBe('true');
    await other.close();

    // Back goes to the previous filters; clearing them shows every execution again.
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('flowId'));
    await page.getByTestId(`execution-row-${quick}`).waitFor();
    await page.getByTestId('filters-clear').click();
    await page.waitForURL((url) => url.search === '');
    await page.getByTestId(`execution-row-${killed}`).waitFor();
    expect(await listedExecutions(page)).toHaveLength(3);
  });

  step('counts the executions per state on the dashboard', async () => {
    await page.goto('/');
    await page.getByTestId('dashboard-page').waitFor();
    await page.getByTestId('daily-chart').waitFor();
    for (const state of ['SUCCESS', 'KILLED']) await page.getByTestId(`dashboard-total-${state}`).waitFor();
    const count = (state: string) => page.getByTestId(`dashboard-total-${state}`).locator('.dashboard__total-count').textContent();
    expect(await count('SUCCESS')).toBe('2');
    expect(await count('KILLED')).toBe('1');
    await ui.screenshot(page, 'dashboard.png');
  });
});
