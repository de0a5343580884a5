import { startDeployment, type Deployment } from '../support/deployment.js';
import { eventually, httpJson } from '../support/osprey-process.js';

/**
 * Kestra's bulk execution actions through HTTP against `osprey server local`: `/executions/{action}/by-ids` with a
 * JSON list of ids and `/by-query` with the search's `filters[field][OPERATION]=value`, answering `{count}`, or a
 * 400 BulkErrorResponse listing every execution that cannot take the action, in which case nothing changed.
 */
interface ExecutionView {
  id: string;
  state: { current: string; histories: { state: string }[] };
  labels: { key: string; value: string }[];
  originalId?: string;
}
interface BulkError {
  message: string;
  invalids?: { message: string; invalidValue: string }[];
  field?: string;
  feature?: string;
}

const NS = 'io.osprey.bulk';
const flow = (id: string, tasks: string) => `id: ${id}\nnamespace: ${NS}\ntasks:\n${tasks}`;
const NAP = flow('nap', '  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n    duration: PT5M\n');
const QUICK = flow('quick', '  - id: hi\n    type: io.kestra.plugin.core.debug.Return\n    format: hi\n');
const FAILING = flow('failing', '  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n    errorMessage: on purpose\n');
const WAITING = flow('waiting', '  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n  - id: after\n    type: io.kestra.plugin.core.debug.Return\n    format: after\n');
const LIMITED = `id: limited\nnamespace: ${NS}\nconcurrency:\n  limit: 1\n  behavior: QUEUE\ntasks:\n  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n    duration: PT5M\n`;
const json = (body: unknown, method = 'POST'): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('bulk execution actions (local)', () => {
  let deployment: Deployment;
  const v1 = (path: string) => `${deployment.api}/api/v1${path}`;
  const get = (id: string) => httpJson<ExecutionView>(v1(`/executions/${id}`));
  const start = async (flowId: string, wait = false) => (await httpJson<ExecutionView>(v1(`/executions/${NS}/${flowId}${wait ? '?wait=true' : ''}`), json({}))).body;
  const inState = (id: string, states: string[], timeoutMs = 15_000) =>
    eventually(`execution ${id} in ${states.join('/')}`, async () => {
      const { body } = await get(id);
      return states.includes(body?.state?.current) ? body : undefined;
    }, timeoutMs, 50);
  const running = async (flowId: string) => {
    const started = await start(flowId);
    return (await inState(started.id, ['RUNNING'])).id;
  };

  beforeAll(async () => {
    deployment = await startDeployment('local');
    for (const source of [NAP, QUICK, FAILING, WAITING, LIMITED]) {
      expect((await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source })).status).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it('kills by ids, and refuses the whole bulk (400 listing each) when one is unknown or ended, killing none', async () => {
    const [a, b] = [await running('nap'), await running('nap')];
    const done = (await start('quick', true)).id;
    const refused = await httpJson<BulkError>(v1('/executions/kill/by-ids'), json([a, 'nope', done], 'DELETE'));
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('invalid bulk kill');
    expect(refused.body.invalids).toEqual([
      { message: 'execution not found', invalidValue: 'nope' },
      { message: expect.stringContaining('already ended SUCCESS'), invalidValue: done },
    ]);
    expect((await get(a)).body.state.current).toBe('RUNNING');
    // The tenant path form reaches the same route.
    const killed = await httpJson<{ count: number }>(v1('/main/executions/kill/by-ids'), json([a, b], 'DELETE'));
    expect(killed).toEqual({ status: 200, body: { count: 2 } });
    for (const id of [a, b]) expect((await inState(id, ['KILLED'])).state.current).toBe('KILLED');
  });

  it('kills and deletes by query with filters[field][OPERATION]=value, and refuses an empty query', async () => {
    const ids = [await running('nap'), await running('nap')];
    const query = `filters[flowId][EQUALS]=nap&filters[state][EQUALS]=RUNNING&filters[namespace][EQUALS]=${NS}`;
    const killed = await httpJson<{ count: number }>(v1(`/executions/kill/by-query?${query}`), { method: 'DELETE' });
    expect(killed).toEqual({ status: 200, body: { count: 2 } });
    for (const id of ids) await inState(id, ['KILLED']);

    // Filters sent as a JSON body (as some clients do) are refused by name, never ignored; an empty one is no filter.
    const inBody = await httpJson<BulkError>(v1('/executions/kill/by-query?flowId=nap'), json({ filters: [{ field: 'state', operation: 'EQUALS', value: 'RUNNING' }] }, 'DELETE'));
    expect({ status: inBody.status, field: inBody.body.field }).toEqual({ status: 400, field: 'body' });
    expect((await httpJson(v1('/executions/kill/by-query?flowId=nope'), json({ filters: [] }, 'DELETE'))).body).toEqual({ count: 0 });

    const empty = await httpJson<BulkError>(v1('/executions/by-query'), { method: 'DELETE' });
    expect(empty.status).toBe(400);
    expect(empty.body.field).toBe('filters');
    const badField = await httpJson<BulkError>(v1('/executions/by-query?filters[nope][EQUALS]=x'), { method: 'DELETE' });
    expect(badField.status).toBe(400);
    expect(badField.body.message).toContain('nope');

    const before = (await httpJson<{ total: number }>(v1(`/executions/search?filters[flowId][EQUALS]=nap&filters[state][EQUALS]=KILLED`))).body.total;
    expect(before).toBeGreaterThanOrEqual(2);
    const deleted = await httpJson<{ count: number }>(v1('/executions/by-query?filters[flowId][EQUALS]=nap&filters[state][EQUALS]=KILLED&deleteLogs=true'), { method: 'DELETE' });
    expect(deleted).toEqual({ status: 200, body: { count: before } });
    for (const id of ids) expect((await get(id)).status).toBe(404);
  });

  it('deletes by ids only ended executions, refusing what the single delete refuses', async () => {
    const done = (await start('quick', true)).id;
    const live = await running('nap');
    const refused = await httpJson<BulkError>(v1('/executions/by-ids'), json([done, live], 'DELETE'));
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ message: 'invalid bulk delete', invalids: [{ message: expect.stringContaining('kill it before deleting it'), invalidValue: live }] });
    expect((await get(done)).status).toBe(200);
    const includeRunning = await httpJson<BulkError>(v1('/executions/by-ids?includeNonTerminated=true'), json([done], 'DELETE'));
    expect({ status: includeRunning.status, field: includeRunning.body.field }).toEqual({ status: 400, field: 'includeNonTerminated' });
    expect((await httpJson(v1('/executions/by-ids'), json([done], 'DELETE'))).body).toEqual({ count: 1 });
    expect((await get(done)).status).toBe(404);
    expect((await httpJson(v1('/executions/kill/by-ids'), json([live], 'DELETE'))).body).toEqual({ count: 1 });
  });

  it('restarts, replays, resumes and labels in bulk through the single actions', async () => {
    const failed = (await start('failing', true)).id;
    expect((await httpJson(v1('/executions/restart/by-ids'), json([failed]))).body).toEqual({ count: 1 });
    await eventually('the restart', async () => ((await get(failed)).body.state.histories.some((h) => h.state === 'RESTARTED') ? true : undefined), 15_000, 50);
    await inState(failed, ['FAILED']);
    const notFailed = (await start('quick', true)).id;
    const refused = await httpJson<BulkError>(v1('/executions/restart/by-query?filters[flowId][IN]=quick,failing'), { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(refused.body.invalids?.map((i) => i.invalidValue)).toContain(notFailed);

    const replayed = await httpJson<{ count: number }>(v1(`/executions/replay/by-ids?latestRevision=true`), json([notFailed]));
    expect(replayed).toEqual({ status: 200, body: { count: 1 } });
    const replay = await eventually('the replay', async () => {
      const found = await httpJson<{ results: ExecutionView[] }>(v1('/executions/search?filters[flowId][EQUALS]=quick'));
      return found.body.results.find((e) => e.id !== notFailed && e.originalId === notFailed);
    }, 15_000, 50);
    await inState(replay.id, ['SUCCESS']);

    const paused = [(await start('waiting', true)).id, (await start('waiting', true)).id];
    for (const id of paused) expect((await get(id)).body.state.current).toBe('PAUSED');
    const resumed = await httpJson<{ count: number }>(v1('/executions/resume/by-query?filters[flowId][EQUALS]=waiting&filters[state][EQUALS]=PAUSED'), { method: 'POST' });
    expect(resumed).toEqual({ status: 200, body: { count: 2 } });
    for (const id of paused) await inState(id, ['SUCCESS']);
    const again = await httpJson<BulkError>(v1('/executions/resume/by-ids'), json(paused));
    expect(again.status).toBe(400);
    expect(again.body.invalids).toHaveLength(2);

    const labelled = await httpJson<{ count: number }>(v1('/executions/labels/by-ids'), json({ executionsId: paused, executionLabels: [{ key: 'team', value: 'ops' }] }));
    expect(labelled).toEqual({ status: 200, body: { count: 2 } });
    await eventually('the labels', async () => ((await httpJson<{ total: number }>(v1('/executions/search?labels=team:ops'))).body.total === 2 ? true : undefined), 15_000, 50);
    const byQuery = await httpJson<{ count: number }>(v1('/executions/labels/by-query?labels=team:ops'), json([{ key: 'team', value: 'data' }]));
    expect(byQuery).toEqual({ status: 200, body: { count: 2 } });
    await eventually('the new labels', async () => ((await httpJson<{ total: number }>(v1('/executions/search?labels=team:data'))).body.total === 2 ? true : undefined), 15_000, 50);
    const badLabels = await httpJson<BulkError>(v1('/executions/labels/by-ids'), json({ executionsId: paused, executionLabels: [{ key: 'system.x', value: 'y' }] }));
    expect({ status: badLabels.status, field: badLabels.body.field }).toEqual({ status: 400, field: 'labels' });
  });

  it("force-runs and unqueues executions held by the flow's concurrency limit, singly and in bulk", async () => {
    const first = await running('limited');
    const queued = async () => (await inState((await start('limited')).id, ['QUEUED'])).id;
    const forced = await queued();
    const answer = await httpJson<ExecutionView>(v1(`/main/executions/${forced}/actions/force-run`), { method: 'POST' });
    expect({ status: answer.status, id: answer.body.id }).toEqual({ status: 200, id: forced });
    await inState(forced, ['RUNNING']);
    const refused = await httpJson<BulkError>(v1(`/executions/${forced}/force-run`), { method: 'POST' });
    expect(refused.status).toBe(409);

    const cancelled = await queued();
    const unqueued = await httpJson<ExecutionView>(v1(`/executions/${cancelled}/unqueue?state=CANCELLED`), { method: 'POST' });
    expect(unqueued.status).toBe(200);
    expect((await inState(cancelled, ['CANCELLED'])).state.current).toBe('CANCELLED');
    const badState = await httpJson<BulkError>(v1(`/executions/${await queued()}/actions/unqueue?state=SUCCESS`), { method: 'POST' });
    expect({ status: badState.status, field: badState.body.field }).toEqual({ status: 400, field: 'state' });

    const more = [await queued(), await queued()];
    const notQueued = await httpJson<BulkError>(v1('/executions/unqueue/by-ids?state=FAILED'), json([...more, first]));
    expect(notQueued.status).toBe(400);
    expect(notQueued.body.invalids?.map((i) => i.invalidValue)).toEqual([first]);
    expect((await httpJson(v1('/executions/unqueue/by-ids?state=FAILED'), json([more[0]]))).body).toEqual({ count: 1 });
    await inState(more[0]!, ['FAILED']);
    // What is still queued: the one the bad state left, and more[1].
    const byQuery = await httpJson<{ count: number }>(v1('/executions/force-run/by-query?filters[flowId][EQUALS]=limited&filters[state][EQUALS]=QUEUED'), { method: 'POST' });
    expect(byQuery).toEqual({ status: 200, body: { count: 2 } });
    await inState(more[1]!, ['RUNNING']);
    const left = await queued();
    expect((await httpJson(v1('/executions/unqueue/by-query?filters[flowId][EQUALS]=limited&filters[state][EQUALS]=QUEUED&newState=CANCELLED'), { method: 'POST' })).body).toEqual({ count: 1 });
    await inState(left, ['CANCELLED']);
    expect((await httpJson(v1('/executions/kill/by-query?filters[flowId][EQUALS]=limited&filters[state][EQUALS]=RUNNING'), { method: 'DELETE' })).status).toBe(200);
  });

  it('answers bulk pause and change-status with a 501 naming the feature', async () => {
    for (const path of ['pause/by-ids', 'pause/by-query', 'change-status/by-ids?newStatus=SUCCESS', 'main/executions/change-status/by-query']) {
      const url = path.startsWith('main/') ? v1(`/${path}`) : v1(`/executions/${path}`);
      const answer = await httpJson<BulkError>(url, json(['x']));
      expect({ path, status: answer.status, message: answer.body.message }).toEqual({ path, status: 501, message: expect.stringMatching(/^not supported by Osprey: (pausing|changing)/) });
    }
  });
});
