import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { eventually, httpJson } from '../support/osprey-process.js';

/** The triggers API through HTTP on both topologies (with a scheduler): search, enable/disable, unlock, backfills. */
interface Context {
  namespace: string;
  flowId: string;
  triggerId: string;
  disabled: boolean;
  executionId?: string;
  nextExecutionDate?: string;
  backfill?: { start: string; end?: string; currentDate: string; paused: boolean };
}
interface ErrorBody {
  message: string;
  field?: string;
}

const NS = 'io.osprey.triggers';
const FLOW = `id: nightly
namespace: ${NS}
inputs:
  - id: source
    type: STRING
    defaults: schedule
tasks:
  - id: t
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.source }} {{ trigger.date ?? 'none' }}"
triggers:
  - id: daily
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 0 * * *"
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: nightly-hook
`;

describe.each(TOPOLOGIES)('triggers API (%s)', (topology) => {
  let deployment: Deployment;
  let api: string;
  const v1 = (path: string) => `${api}/api/v1${path}`;
  const get = <T>(path: string) => httpJson<T>(v1(path));
  const send = <T>(method: string, path: string, body: unknown) =>
    httpJson<T>(v1(path), { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const daily = { namespace: NS, flowId: 'nightly', triggerId: 'daily' };

  beforeAll(async () => {
    deployment = await startDeployment(topology, { scheduler: true, env: { OSPREY_SCHEDULER_TICK_MS: '200' } });
    api = deployment.api;
    await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW });
    // The scheduler registers the Schedule trigger with its next date.
    await eventually('the schedule to be registered', async () => {
      const { body } = await get<{ results: Context[] }>(`/triggers/${NS}/nightly`);
      return body.results.find((c) => c.triggerId === 'daily')?.nextExecutionDate ? true : undefined;
    }, 15_000);
  }, 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it('searches triggers with their definition and context, filtered, sorted and paged', async () => {
    const all = await get<{ total: number; results: { abstractTrigger: { id: string; type: string }; triggerContext: Context }[] }>(`/triggers/search?namespace=${NS}&sort=triggerId:asc`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    expect(all.body.results.map((r) => r.triggerContext.triggerId)).toEqual(['daily', 'hook']);
    expect(all.body.results[0]!.abstractTrigger.type).toBe('io.kestra.plugin.core.trigger.Schedule');
    expect(Date.parse(all.body.results[0]!.triggerContext.nextExecutionDate!)).toBeGreaterThan(Date.now());
    expect((await get<{ total: number }>(`/triggers/search?q=hoo`)).body.total).toBe(1);
    const paged = await get<{ total: number; results: unknown[] }>(`/triggers/search?namespace=${NS}&size=1&page=2`);
    expect(paged.body).toMatchObject({ total: 2 });
    expect(paged.body.results).toHaveLength(1);
    expect((await get<ErrorBody>(`/triggers/search?sort=color:asc`)).body.field).toBe('sort');
  });

  it('disables and enables triggers; a disabled webhook starts nothing', async () => {
    const off = await send<Context>('PUT', '/triggers', { ...daily, disabled: true });
    expect(off.status).toBe(200);
    expect(off.body.disabled).toBe(true);
    const bulk = await send<{ count: number }>('POST', '/triggers/set-disabled/by-triggers', { triggers: [{ namespace: NS, flowId: 'nightly', triggerId: 'hook' }], disabled: true });
    expect(bulk.body).toEqual({ count: 1 });
    expect((await send('POST', `/executions/webhook/${NS}/nightly/nightly-hook`, {})).status).toBe(404);
    await send('POST', '/triggers/set-disabled/by-triggers', { triggers: [{ namespace: NS, flowId: 'nightly', triggerId: 'hook' }], disabled: false });
    expect((await send('POST', `/executions/webhook/${NS}/nightly/nightly-hook`, {})).status).toBe(200);
    expect((await send<ErrorBody>('PUT', '/triggers', { ...daily, triggerId: 'nope', disabled: true })).status).toBe(404);
    expect((await send<ErrorBody>('PUT', '/triggers', { namespace: NS, flowId: 'nightly', disabled: true })).body.field).toBe('triggerId');
    expect((await send<ErrorBody>('PUT', '/triggers', { ...daily })).body.field).toBe('disabled');
  });

  it('creates, pauses, resumes and deletes a backfill; a disabled trigger runs none of it', async () => {
    const start = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const created = await send<Context>('PUT', '/triggers', { ...daily, backfill: { start, end: new Date(Date.now() - 86_400_000).toISOString() } });
    expect(created.status).toBe(200);
    expect(created.body.backfill).toMatchObject({ start, currentDate: start, paused: false });
    expect((await send<ErrorBody>('PUT', '/triggers', { ...daily, backfill: { start } })).status).toBe(409);
    expect((await send<Context>('PUT', '/triggers/backfill/pause', daily)).body.backfill?.paused).toBe(true);
    expect((await send<Context>('PUT', '/triggers/backfill/unpause', daily)).body.backfill?.paused).toBe(false);
    const deleted = await send<Context>('POST', '/triggers/backfill/delete', daily);
    expect(deleted.status).toBe(200);
    expect(deleted.body.backfill).toBeUndefined();
    expect((await send<ErrorBody>('PUT', '/triggers/backfill/pause', daily)).status).toBe(409);
    expect((await send<ErrorBody>('PUT', '/triggers', { ...daily, backfill: { start: 'last week' } })).body.field).toBe('backfill.start');
    expect((await send<ErrorBody>('PUT', '/triggers', { namespace: NS, flowId: 'nightly', triggerId: 'hook', backfill: { start } })).status).toBe(400);
    await new Promise((r) => setTimeout(r, 600));
    expect((await get<{ total: number }>(`/executions/search?labels=system.backfill:true`)).body.total).toBe(0);
  });

  it('runs a backfill once the trigger is enabled: one execution per missed occurrence, with the backfill inputs and labels', async () => {
    await send('PUT', '/triggers', { ...daily, disabled: false });
    const start = new Date(Date.now() - 3 * 86_400_000);
    const end = new Date(Date.now() - 86_400_000);
    const midnights: string[] = [];
    for (let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1); day <= end.getTime(); day += 86_400_000) {
      midnights.push(new Date(day).toISOString());
    }
    const created = await send<Context>('PUT', '/triggers', { ...daily, backfill: { start: start.toISOString(), end: end.toISOString(), inputs: { source: 'backfill' }, labels: [{ key: 'run', value: 'catch-up' }] } });
    expect(created.status).toBe(200);
    const runs = await eventually('the backfill executions', async () => {
      const { body } = await get<{ total: number; results: { scheduleDate: string; inputs: Record<string, unknown> }[] }>(`/executions/search?labels=run:catch-up&labels=system.backfill:true&size=50`);
      return body.total === midnights.length ? body.results : undefined;
    }, 15_000);
    expect(runs.map((r) => r.scheduleDate).sort()).toEqual(midnights);
    expect(runs.every((r) => r.inputs.source === 'backfill')).toBe(true);
    const context = await eventually('the backfill to end', async () => {
      const { body } = await get<{ results: Context[] }>(`/triggers/${NS}/nightly`);
      const found = body.results.find((c) => c.triggerId === 'daily');
      return found && !found.backfill ? found : undefined;
    }, 10_000);
    expect(context.executionId).toBeTruthy();
    expect(Date.parse(context.nextExecutionDate!)).toBeGreaterThan(Date.now());
  });

  it('unlocks a trigger, and says when there is nothing to unlock', async () => {
    const unlocked = await send<Context>('POST', `/triggers/${NS}/nightly/daily/unlock`, {});
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.executionId).toBeUndefined();
    expect((await send<ErrorBody>('POST', `/triggers/${NS}/nightly/daily/unlock`, {})).status).toBe(409);
    expect((await send<ErrorBody>('POST', `/triggers/${NS}/nightly/nope/unlock`, {})).status).toBe(404);
  });

  it('restarts a trigger and acts on several by list or by query (also under the tenant path), counting those acted on', async () => {
    const restarted = await send<Context>('POST', `/main/triggers/${NS}/nightly/daily/restart`, {});
    expect(restarted.status).toBe(200);
    expect(restarted.body).toMatchObject(daily);
    expect(restarted.body.executionId).toBeUndefined();
    expect((await send<ErrorBody>('POST', `/triggers/${NS}/nightly/nope/restart`, {})).status).toBe(404);

    // Not locked: passed over, not counted; an unknown trigger fails the request.
    expect((await send('POST', '/triggers/unlock/by-triggers', [daily])).body).toEqual({ count: 0 });
    expect((await send('POST', '/triggers/unlock/by-triggers', [{ ...daily, triggerId: 'nope' }])).status).toBe(404);
    expect((await send<ErrorBody>('POST', '/triggers/unlock/by-triggers', daily)).body.field).toBe('body');
    expect((await send('POST', `/main/triggers/unlock/by-query?namespace=${NS}`, {})).body).toEqual({ count: 0 });
    const unfiltered = await send<ErrorBody>('POST', '/main/triggers/unlock/by-query', {});
    expect(unfiltered.status).toBe(400);
    expect(unfiltered.body.field).toBe('filters');
    const bodyFilters = await send<ErrorBody>('POST', `/triggers/unlock/by-query?namespace=${NS}`, { filters: [{ field: 'NAMESPACE', operation: 'EQUALS', value: NS }] });
    expect(bodyFilters.status).toBe(400);
    expect(bodyFilters.body.field).toBe('filters');

    const contexts = async () => (await get<{ results: Context[] }>(`/triggers/${NS}/nightly`)).body.results;
    expect((await send('POST', `/main/triggers/set-disabled/by-query?namespace=${NS}&disabled=true`, {})).body).toEqual({ count: 2 });
    expect((await contexts()).map((c) => c.disabled)).toEqual([true, true]);
    expect((await send('POST', `/triggers/set-disabled/by-query?q=hook&disabled=false`, {})).body).toEqual({ count: 1 });
    expect((await contexts()).map((c) => [c.triggerId, c.disabled])).toEqual([['daily', true], ['hook', false]]);
    expect((await send<ErrorBody>('POST', `/triggers/set-disabled/by-query?q=hook`, {})).body.field).toBe('disabled');

    // A backfill on the disabled trigger runs nothing while the bulk actions move it.
    expect((await send('PUT', '/triggers', { ...daily, backfill: { start: '2024-01-01T00:00:00Z', end: '2024-01-03T00:00:00Z' } })).status).toBe(200);
    const hook = { ...daily, triggerId: 'hook' };
    expect((await send('POST', '/triggers/backfill/pause/by-triggers', [daily, hook])).body).toEqual({ count: 1 });
    expect((await contexts()).find((c) => c.triggerId === 'daily')!.backfill!.paused).toBe(true);
    expect((await send('POST', `/main/triggers/backfill/unpause/by-query?filters[triggerId][EQUALS]=daily`, {})).body).toEqual({ count: 1 });
    expect((await contexts()).find((c) => c.triggerId === 'daily')!.backfill!.paused).toBe(false);
    expect((await send('POST', `/triggers/backfill/pause/by-query?namespace=${NS}`, {})).body).toEqual({ count: 1 });
    expect((await send('POST', `/triggers/backfill/unpause/by-triggers`, [daily])).body).toEqual({ count: 1 });
    expect((await send('POST', `/triggers/backfill/delete/by-query?namespace=${NS}`, {})).body).toEqual({ count: 1 });
    expect((await contexts()).find((c) => c.triggerId === 'daily')!.backfill).toBeUndefined();
    expect((await send('POST', '/triggers/backfill/delete/by-triggers', [daily])).body).toEqual({ count: 0 });
  });
});
