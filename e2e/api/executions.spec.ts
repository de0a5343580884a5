import { execFileSync } from 'node:child_process';
import { startDeployment, TOPOLOGIES, type Deployment } from '../support/deployment.js';
import { eventually, httpJson } from '../support/osprey-process.js';

/** The executions API through HTTP, against `osprey server local` and against webserver + executor + worker processes. */
interface State {
  current: string;
  startDate: string;
  histories: { state: string }[];
}
interface TaskRunView {
  id: string;
  taskId: string;
  state: State;
  outputs?: Record<string, unknown>;
}
interface ExecutionView {
  id: string;
  namespace: string;
  flowId: string;
  state: State;
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  labels: { key: string; value: string }[];
  taskRunList: TaskRunView[];
  trigger?: { type: string; variables: Record<string, unknown> };
  metadata?: { attemptNumber: number; originalCreatedDate: string };
}
interface ErrorBody {
  message: string;
  field?: string;
  violations?: { input: string; message: string }[];
}

const NS = 'io.osprey.api';
const MAX_UPLOAD = 64 * 1024;

const HELLO = `id: hello
namespace: ${NS}
inputs:
  - id: name
    type: STRING
    defaults: world
  - id: count
    type: INT
    required: false
  - id: doc
    type: FILE
    required: false
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "hello {{ inputs.name }}"
  - id: answer
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.name }}-{{ inputs.count }}"
outputs:
  - id: result
    type: STRING
    value: "{{ outputs.answer.value }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: hook-key-1
  - id: hook-wait
    type: io.kestra.plugin.core.trigger.Webhook
    key: hook-wait
    wait: true
  - id: hook-outputs
    type: io.kestra.plugin.core.trigger.Webhook
    key: hook-outputs
    # The texts, as Kestra reads them too: the webhook reads both as written.
    wait: "true"
    returnOutputs: "true"
    inputs:
      name: "{{ trigger.body.who }}"
  - id: hook-if
    type: io.kestra.plugin.core.trigger.Webhook
    key: hook-if
    labels:
      via: "{{ trigger.parameters.via }}"
    conditions:
      - type: io.kestra.plugin.core.condition.Expression
        expression: "{{ trigger.body.go == true }}"
`;

const SLOW = `id: slow
namespace: ${NS}
tasks:
  - id: first
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.4S
  - id: second
    type: io.kestra.plugin.core.debug.Return
    format: done
`;

const APPROVAL = `id: approval
namespace: ${NS}
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approver
        type: STRING
      - id: level
        type: INT
        required: false
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "approved by {{ outputs.wait.onResume.approver }}"
`;

const FAILING = `id: failing
namespace: ${NS}
tasks:
  - id: ok
    type: io.kestra.plugin.core.log.Log
    message: before the failure
  - id: boom
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: on purpose
  - id: last
    type: io.kestra.plugin.core.debug.Return
    format: reached
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: failing-hook
    wait: true
`;

const DISABLED = `id: off
namespace: ${NS}
disabled: true
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    message: never
`;

const json = (body: unknown, method = 'POST'): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Reads a Server-Sent Events stream to its end: the `id` and parsed `data` of each event. */
async function readEvents(url: string, timeoutMs = 20_000): Promise<{ id: string; data: ExecutionView }[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const id = /^id: (.*)$/m.exec(block)?.[1] ?? '';
      return { id, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as ExecutionView };
    });
}

describe.each(TOPOLOGIES)('executions API (%s)', (topology) => {
  let deployment: Deployment;
  let api: string;
  const v1 = (path: string) => `${api}/api/v1${path}`;
  const get = <T>(path: string) => httpJson<T>(v1(path));
  const ended = (id: string, timeoutMs = 15_000) =>
    eventually(`execution ${id} to end`, async () => {
      const { body } = await get<ExecutionView>(`/executions/${id}`);
      return body && ['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED'].includes(body.state?.current) ? body : undefined;
    }, timeoutMs, 50);
  let run: ExecutionView;

  beforeAll(async () => {
    deployment = await startDeployment(topology, { env: { OSPREY_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
    api = deployment.api;
    for (const source of [HELLO, SLOW, APPROVAL, FAILING, DISABLED]) {
      const deployed = await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source });
      expect(deployed.status).toBeLessThan(300);
    }
  }, 60_000);

  afterAll(async () => {
    await deployment?.stop();
  });

  it('triggers with multipart inputs, a file and labels, waits for the end and returns the outputs', async () => {
    const form = new FormData();
    form.append('name', 'bob');
    form.append('count', '3');
    form.append('doc', new Blob(['line 1\nline 2\nline 3\n']), 'notes.txt');
    const res = await httpJson<ExecutionView>(v1(`/executions/${NS}/hello?wait=true&labels=team:data&labels=env:test`), { method: 'POST', body: form });
    expect(res.status).toBe(200);
    run = res.body;
    expect(run.state.current).toBe('SUCCESS');
    expect(run.outputs).toEqual({ result: 'bob-3' });
    expect(run.inputs).toMatchObject({ name: 'bob', count: 3 });
    expect(run.inputs.doc).toBe(`kestra:///io/osprey/api/hello/executions/${run.id}/inputs/doc/notes.txt`);
    expect(run.labels).toEqual(expect.arrayContaining([{ key: 'team', value: 'data' }, { key: 'env', value: 'test' }]));
    expect(run.taskRunList.map((t) => [t.taskId, t.state.current])).toEqual([['greet', 'SUCCESS'], ['answer', 'SUCCESS']]);
  });

  it('downloads and previews the uploaded file, and refuses paths outside the execution', async () => {
    const uri = String(run.inputs.doc);
    const file = await fetch(v1(`/executions/${run.id}/file?path=${encodeURIComponent(uri)}`));
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('line 1\nline 2\nline 3\n');
    expect((await get(`/executions/${run.id}/file/metas?path=${encodeURIComponent(uri)}`)).body).toEqual({ size: 21 });
    const preview = await get<{ extension: string; content: string }>(`/executions/${run.id}/file/preview?path=${encodeURIComponent(uri)}&maxRows=2`);
    expect(preview.body).toMatchObject({ extension: 'txt', content: 'line 1\nline 2' });
    for (const bad of [
      `kestra:///io/osprey/api/hello/executions/${run.id}/../other/x`,
      `kestra:///io/osprey/api/hello/executions/another-execution/inputs/doc/notes.txt`,
      'file:///etc/passwd',
      '/etc/passwd',
    ]) {
      const refused = await get<ErrorBody>(`/executions/${run.id}/file?path=${encodeURIComponent(bad)}`);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/invalid storage path/);
    }
    const missing = await get<ErrorBody>(`/executions/${run.id}/file?path=${encodeURIComponent(`kestra:///io/osprey/api/hello/executions/${run.id}/nothing.txt`)}`);
    expect(missing.status).toBe(404);
  });

  it('reads the logs and the task runs of the execution', async () => {
    const logs = await get<{ message: string; taskId: string; level: string }[]>(`/logs/${run.id}`);
    expect(logs.body.map((l) => l.message)).toContain('hello bob');
    const taskRuns = await get<{ total: number; results: TaskRunView[] }>(`/taskruns/search?executionId=${run.id}&sort=taskId:asc`);
    expect(taskRuns.body.total).toBe(2);
    expect(taskRuns.body.results.map((t) => t.taskId)).toEqual(['answer', 'greet']);
    expect(taskRuns.body.results[0]!.outputs).toEqual({ value: 'bob-3' });
    const failedOnly = await get<{ total: number }>(`/taskruns/search?namespace=${NS}&flowId=hello&state=FAILED`);
    expect(failedOnly.body.total).toBe(0);
  });

  it('searches executions by namespace, flow, state, labels and dates, with paging', async () => {
    const found = await get<{ total: number; results: ExecutionView[] }>(`/executions/search?namespace=io.osprey&flowId=hello&state=SUCCESS&labels=team:data`);
    expect(found.status).toBe(200);
    expect(found.body.results.map((e) => e.id)).toContain(run.id);
    expect((await get<{ total: number }>(`/executions/search?labels=team:other`)).body.total).toBe(0);
    expect((await get<{ total: number }>(`/executions/search?flowId=hello&startDate=2000-01-01T00:00:00Z&endDate=2001-01-01T00:00:00Z`)).body.total).toBe(0);
    const page = await get<{ total: number; results: unknown[] }>(`/executions/search?namespace=${NS}&size=1&page=1&sort=state.startDate:desc`);
    expect(page.body.results).toHaveLength(1);
    const bad = await get<ErrorBody>(`/executions/search?state=DANCING`);
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('state');
    expect((await get<ErrorBody>(`/executions/search?page=zero`)).body.field).toBe('page');
  });

  it('takes the allowed values of a SELECT input from its expression', async () => {
    const source = `id: pick\nnamespace: ${NS}\ninputs:\n  - id: size\n    type: SELECT\n    expression: "{{ [flow.id ~ '-s', flow.id ~ '-m'] }}"\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ inputs.size }}"\n`;
    expect((await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source })).status).toBe(200);
    const refused = await httpJson<ErrorBody>(v1(`/executions/${NS}/pick`), json({ size: 'pick-xl' }));
    expect(refused.status).toBe(422);
    expect(refused.body.violations).toEqual([{ input: 'size', message: "'pick-xl' is not one of the values [pick-s, pick-m]" }]);
    expect((await httpJson<ExecutionView>(v1(`/executions/${NS}/pick`), json({ size: 'pick-m' }))).status).toBe(200);
  });

  it('answers bad input with a 4xx naming what is wrong, and starts nothing', async () => {
    const before = (await get<{ total: number }>(`/executions/search?namespace=${NS}&flowId=hello`)).body.total;
    const wrongType = await httpJson<ErrorBody>(v1(`/executions/${NS}/hello`), json({ count: 'three' }));
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.violations).toEqual([expect.objectContaining({ input: 'count' })]);
    const form = new FormData();
    form.append('doc', new Blob([Buffer.alloc(MAX_UPLOAD + 1, 97)]), 'big.bin');
    const tooLarge = await httpJson<ErrorBody>(v1(`/executions/${NS}/hello`), { method: 'POST', body: form });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.message).toBeTruthy();
    expect((await httpJson<ErrorBody>(v1(`/executions/${NS}/off`), json({}))).status).toBe(409);
    expect((await httpJson<ErrorBody>(v1(`/executions/${NS}/nope`), json({}))).status).toBe(404);
    expect((await get<ErrorBody>(`/executions/no-such-execution`)).status).toBe(404);
    expect((await httpJson<ErrorBody>(v1(`/executions/${NS}/hello?labels=novalue`), json({}))).status).toBe(400);
    const notJson = await httpJson<ErrorBody>(v1(`/executions/${NS}/hello`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(notJson.status).toBe(400);
    expect(JSON.stringify(notJson.body)).not.toMatch(/at .*\.js:\d+/);
    await new Promise((r) => setTimeout(r, 300));
    expect((await get<{ total: number }>(`/executions/search?namespace=${NS}&flowId=hello`)).body.total).toBe(before);
  });

  it('follows an execution as Server-Sent Events, seeing every state until SUCCESS, then the stream closes', async () => {
    const started = await httpJson<ExecutionView>(v1(`/executions/${NS}/slow`), json({}));
    expect(started.status).toBe(200);
    const events = await readEvents(v1(`/executions/${started.body.id}/follow`));
    expect(events[0]!.id).toBe('start');
    const states = events.slice(1).map((e) => e.data.state.current);
    expect(states).toContain('RUNNING');
    expect(states[states.length - 1]).toBe('SUCCESS');
    expect(events[events.length - 1]!.id).toBe('end');
    expect(events[events.length - 1]!.data.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
  });

  it('starts an execution from a webhook with its body', async () => {
    const hooked = await httpJson<ExecutionView>(v1(`/executions/webhook/${NS}/hello/hook-key-1?source=ci`), json({ who: 'ci' }));
    expect(hooked.status).toBe(200);
    const done = await ended(hooked.body.id);
    expect(done.state.current).toBe('SUCCESS');
    expect(done.trigger?.variables).toMatchObject({ body: { who: 'ci' }, parameters: { source: 'ci' } });
    expect((await httpJson(v1(`/executions/webhook/${NS}/hello/wrong-key`), json({}))).status).toBe(404);
  });

  it('answers a webhook with wait once the execution ended, with its outputs when returnOutputs says so', async () => {
    const waited = await httpJson<ExecutionView>(v1(`/executions/webhook/${NS}/hello/hook-wait`), json({}));
    expect(waited.status).toBe(200);
    expect(waited.body.state.current).toBe('SUCCESS');
    expect(waited.body.outputs).toEqual({ result: 'world-' });
    const outputs = await httpJson<Record<string, unknown>>(v1(`/executions/webhook/${NS}/hello/hook-outputs`), json({ who: 'hook' }));
    expect(outputs.status).toBe(200);
    expect(outputs.body).toEqual({ result: 'hook-' });
    const failed = await httpJson<ExecutionView>(v1(`/executions/webhook/${NS}/failing/failing-hook`), json({}));
    expect(failed.status).toBe(500);
    expect(failed.body.state.current).toBe('FAILED');
  });

  it("starts no execution from a webhook whose conditions do not hold (204)", async () => {
    const skipped = await fetch(v1(`/executions/webhook/${NS}/hello/hook-if`), json({ go: false }));
    expect(skipped.status).toBe(204);
    const started = await httpJson<ExecutionView>(v1(`/executions/webhook/${NS}/hello/hook-if?via=crm`), json({ go: true }));
    expect(started.status).toBe(200);
    expect(started.body.labels).toEqual(expect.arrayContaining([{ key: 'via', value: 'crm' }]));
    expect((await ended(started.body.id)).state.current).toBe('SUCCESS');
  });

  it('resumes a paused execution with typed inputs', async () => {
    const paused = await httpJson<ExecutionView>(v1(`/executions/${NS}/approval?wait=true`), json({}));
    expect(paused.body.state.current).toBe('PAUSED');
    const badForm = new FormData();
    badForm.append('approver', 'alice');
    badForm.append('level', 'high');
    const bad = await httpJson<ErrorBody>(v1(`/executions/${paused.body.id}/resume`), { method: 'POST', body: badForm });
    expect(bad.status).toBe(422);
    expect(bad.body.violations?.[0]?.input).toBe('level');
    const form = new FormData();
    form.append('approver', 'alice');
    const resumed = await fetch(v1(`/executions/${paused.body.id}/resume`), { method: 'POST', body: form });
    expect(resumed.status).toBe(204);
    const done = await ended(paused.body.id);
    expect(done.state.current).toBe('SUCCESS');
    expect(done.taskRunList.find((t) => t.taskId === 'after')?.outputs).toEqual({ value: 'approved by alice' });
    expect((await httpJson<ErrorBody>(v1(`/executions/${paused.body.id}/resume`), json({}))).status).toBe(409);
  });

  it('answers the resumed execution at /actions/resume (204 stays on the older /resume path)', async () => {
    const paused = await httpJson<ExecutionView>(v1(`/executions/${NS}/approval?wait=true`), json({}));
    expect(paused.body.state.current).toBe('PAUSED');
    const form = new FormData();
    form.append('approver', 'carol');
    const resumed = await httpJson<ExecutionView>(v1(`/main/executions/${paused.body.id}/actions/resume`), { method: 'POST', body: form });
    expect(resumed.status).toBe(200);
    expect(resumed.body.id).toBe(paused.body.id);
    const done = await ended(paused.body.id);
    expect(done.taskRunList.find((t) => t.taskId === 'after')?.outputs).toEqual({ value: 'approved by carol' });
    expect((await httpJson<ErrorBody>(v1(`/executions/${paused.body.id}/actions/resume`), json({}))).status).toBe(409);
  });

  it('kills a long shell task promptly: the process really stops', async () => {
    const marker = topology === 'local' ? '60.371' : '60.372';
    const source = `id: long-${topology}\nnamespace: ${NS}\ntasks:\n  - id: sleep\n    type: io.kestra.plugin.scripts.shell.Commands\n    taskRunner:\n      type: io.kestra.plugin.core.runner.Process\n    commands:\n      - sleep ${marker}\n`;
    await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source });
    const started = await httpJson<ExecutionView>(v1(`/executions/${NS}/long-${topology}`), json({}));
    const sleeping = () => execFileSync('ps', ['-eo', 'args']).toString().split('\n').some((line) => line.trim() === `sleep ${marker}`);
    await eventually('the sleep to run', async () => (sleeping() ? true : undefined), 15_000, 50);
    expect((await httpJson<ErrorBody>(v1(`/executions/${started.body.id}`), { method: 'DELETE' })).status).toBe(409);
    const killedAt = Date.now();
    const kill = await fetch(v1(`/executions/${started.body.id}/kill`), { method: 'DELETE' });
    expect(kill.status).toBe(202);
    const done = await ended(started.body.id, 10_000);
    expect(done.state.current).toBe('KILLED');
    await eventually('the sleep process to stop', async () => (sleeping() ? undefined : true), 5_000, 50);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect((await fetch(v1(`/executions/${started.body.id}/kill`), { method: 'DELETE' })).status).toBe(409);
  });

  it('a kill reaches the executions its Subflow tasks started (isOnKillCascade, default true); false kills the parent alone', async () => {
    const child = `id: nap-${topology}\nnamespace: ${NS}\ntasks:\n  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n    duration: PT5M\n`;
    const parent = `id: nap-parent-${topology}\nnamespace: ${NS}\ntasks:\n  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: nap-${topology}\n`;
    for (const source of [child, parent]) expect((await httpJson(v1('/flows'), { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: source })).status).toBe(200);
    const startChild = async () => {
      const started = await httpJson<ExecutionView>(v1(`/executions/${NS}/nap-parent-${topology}`), json({}));
      const childId = await eventually('the subflow execution to run', async () => {
        const id = (await get<ExecutionView>(`/executions/${started.body.id}`)).body.taskRunList?.find((t) => t.taskId === 'sub')?.outputs?.executionId;
        return typeof id === 'string' && (await get<ExecutionView>(`/executions/${id}`)).body.state?.current === 'RUNNING' ? id : undefined;
      }, 15_000, 50);
      return { parentId: started.body.id, childId: String(childId) };
    };

    const cascading = await startChild();
    expect((await fetch(v1(`/executions/${cascading.parentId}/kill`), { method: 'DELETE' })).status).toBe(202);
    expect((await ended(cascading.parentId)).state.current).toBe('KILLED');
    expect((await ended(cascading.childId)).state.current).toBe('KILLED');

    const alone = await startChild();
    expect((await fetch(v1(`/executions/${alone.parentId}/kill?isOnKillCascade=false`), { method: 'DELETE' })).status).toBe(202);
    expect((await ended(alone.parentId)).state.current).toBe('KILLED');
    // The child still runs: a kill of its own is accepted (an ended one would answer 409).
    expect((await fetch(v1(`/executions/${alone.childId}/kill`), { method: 'DELETE' })).status).toBe(202);
    expect((await ended(alone.childId)).state.current).toBe('KILLED');
  });

  it('restarts a failed execution, and forces a failed task run to SUCCESS so that the execution goes on', async () => {
    const failed = await httpJson<ExecutionView>(v1(`/executions/${NS}/failing?wait=true`), json({}));
    expect(failed.body.state.current).toBe('FAILED');
    const restarted = await httpJson<ExecutionView>(v1(`/executions/${failed.body.id}/restart`), { method: 'POST' });
    expect(restarted.status).toBe(200);
    const again = await ended(failed.body.id);
    expect(again.state.current).toBe('FAILED');
    expect(again.state.histories.map((h) => h.state)).toContain('RESTARTED');
    const boom = again.taskRunList.find((t) => t.taskId === 'boom')!;
    const forced = await httpJson<ExecutionView>(v1(`/executions/${failed.body.id}/state`), json({ taskRunId: boom.id, state: 'SUCCESS' }));
    expect(forced.status).toBe(200);
    const done = await eventually('the execution to go on', async () => {
      const { body } = await get<ExecutionView>(`/executions/${failed.body.id}`);
      return body.state.current === 'SUCCESS' ? body : undefined;
    }, 15_000, 50);
    expect(done.taskRunList.find((t) => t.taskId === 'last')?.outputs).toEqual({ value: 'reached' });
    expect((await httpJson<ErrorBody>(v1(`/executions/${failed.body.id}/restart`), { method: 'POST' })).status).toBe(409);
    const badState = await httpJson<ErrorBody>(v1(`/executions/${failed.body.id}/state`), json({ taskRunId: boom.id, state: 'DANCING' }));
    expect(badState.status).toBe(400);
    expect(badState.body.field).toBe('state');
    expect((await httpJson<ErrorBody>(v1(`/executions/${failed.body.id}/state`), json({ taskRunId: 'nope', state: 'FAILED' }))).status).toBe(404);
  });

  it('replays an execution from a task run as a new execution that keeps what ran before it', async () => {
    const answer = run.taskRunList.find((t) => t.taskId === 'answer')!;
    const greet = run.taskRunList.find((t) => t.taskId === 'greet')!;
    const replay = await httpJson<ExecutionView>(v1(`/executions/${run.id}/replay?taskRunId=${answer.id}`), { method: 'POST' });
    expect(replay.status).toBe(200);
    expect(replay.body.id).not.toBe(run.id);
    // A replay is the next attempt of the original's chain.
    expect(run.metadata).toEqual({ attemptNumber: 1, originalCreatedDate: run.state.startDate });
    expect(replay.body.metadata).toEqual({ attemptNumber: 2, originalCreatedDate: run.metadata!.originalCreatedDate });
    const done = await ended(replay.body.id);
    expect(done.state.current).toBe('SUCCESS');
    expect(done.outputs).toEqual({ result: 'bob-3' });
    const copied = done.taskRunList.find((t) => t.taskId === 'greet')!;
    expect(copied.id).not.toBe(greet.id);
    expect(copied.state.startDate).toBe(greet.state.startDate);
    expect(done.taskRunList.find((t) => t.taskId === 'answer')!.state.startDate).not.toBe(answer.state.startDate);
    expect((await httpJson(v1(`/executions/${run.id}/replay?taskRunId=nope`), { method: 'POST' })).status).toBe(404);
  });

  it('sets labels, keeping system labels', async () => {
    const set = await httpJson<ExecutionView>(v1(`/executions/${run.id}/labels`), json([{ key: 'owner', value: 'ops' }]));
    expect(set.status).toBe(200);
    expect(set.body.labels).toEqual([{ key: 'system.correlationId', value: run.id }, { key: 'owner', value: 'ops' }]);
    expect((await get<{ total: number }>(`/executions/search?labels=owner:ops`)).body.total).toBe(1);
    const bad = await httpJson<ErrorBody>(v1(`/executions/${run.id}/labels`), json({ key: 'x' }));
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('labels');
  });

  it('deletes an execution with its logs and storage files', async () => {
    const uri = String(run.inputs.doc);
    const deleted = await fetch(v1(`/executions/${run.id}`), { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await get(`/executions/${run.id}`)).status).toBe(404);
    expect((await get<{ total: number }>(`/logs/search?executionId=${run.id}`)).body.total).toBe(0);
    expect((await get<{ total: number }>(`/taskruns/search?executionId=${run.id}`)).body.total).toBe(0);
    expect((await get(`/executions/${run.id}/file?path=${encodeURIComponent(uri)}`)).status).toBe(404);
    expect((await fetch(v1(`/executions/${run.id}`), { method: 'DELETE' })).status).toBe(404);
  });
});
