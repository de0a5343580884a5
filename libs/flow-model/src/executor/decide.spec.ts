import type { Flow } from '../flow/flow.js';
import type { Execution } from '../execution/execution.js';
import { newState } from '../execution/state.js';
import { Simulation, flow, indent, log } from '../testing/decide-simulation.js';
import { decide } from './decide.js';
import type { WorkerJob } from './events.js';

describe('decide: sequential lists', () => {
  it('runs tasks one after the other and ends SUCCESS', () => {
    const sim = new Simulation(flow(`tasks:\n${log('a')}${log('b')}${log('c')}`)).run();
    expect(sim.state).toBe('SUCCESS');
    expect(sim.order()).toEqual(['a', 'b', 'c']);
    expect(sim.execution.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
  });

  it('dispatches only the first task until it ends', () => {
    const sim = new Simulation(flow(`tasks:\n${log('a')}${log('b')}`), { answer: () => 'hold' }).run();
    expect(sim.order()).toEqual(['a']);
    expect(sim.state).toBe('RUNNING');
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['a', 'b']);
  });

  it('stops at a failure, runs the flow errors, and ends FAILED', () => {
    const sim = new Simulation(
      flow(`tasks:\n${log('a')}  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n${log('never')}errors:\n${log('on-error')}`),
    ).run();
    expect(sim.state).toBe('FAILED');
    expect(sim.order()).toEqual(['a', 'boom', 'on-error']);
    expect(sim.runs('never')).toHaveLength(0);
    expect(sim.run1('boom').state.current).toBe('FAILED');
  });

  it('runs finally after success and after failure', () => {
    const ok = new Simulation(flow(`tasks:\n${log('a')}finally:\n${log('cleanup')}`)).run();
    expect(ok.order()).toEqual(['a', 'cleanup']);
    expect(ok.state).toBe('SUCCESS');
    const ko = new Simulation(flow(`tasks:\n  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\nfinally:\n${log('cleanup')}`)).run();
    expect(ko.order()).toEqual(['boom', 'cleanup']);
    expect(ko.state).toBe('FAILED');
  });

  it('runs afterExecution tasks last, without changing the final state', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\nfinally:\n${log('cleanup')}afterExecution:\n${log('notify')}`)).run();
    expect(sim.order()).toEqual(['boom', 'cleanup', 'notify']);
    expect(sim.state).toBe('FAILED');
  });

  it('skips disabled tasks without a task run', () => {
    const sim = new Simulation(flow(`tasks:\n${log('a')}  - id: off\n    type: io.kestra.plugin.core.log.Log\n    message: x\n    disabled: true\n${log('b')}`)).run();
    expect(sim.order()).toEqual(['a', 'b']);
    expect(sim.runs('off')).toHaveLength(0);
  });

  it('creates a SKIPPED run for a false runIf and fails the run on a bad runIf', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: skipped\n    type: io.kestra.plugin.core.log.Log\n    message: x\n    runIf: "{{ 1 == 2 }}"\n  - id: broken\n    type: io.kestra.plugin.core.log.Log\n    message: x\n    runIf: "{{ nope }}"\n`),
    ).run();
    expect(sim.run1('skipped').state.current).toBe('SKIPPED');
    expect(sim.run1('broken').state.current).toBe('FAILED');
    expect(sim.state).toBe('FAILED');
    expect(sim.dispatched).toHaveLength(0);
  });

  it('renders flow outputs when the execution ends', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: r\n    type: io.kestra.plugin.core.debug.Return\n    format: "{{ flow.id }}"\noutputs:\n  - id: out\n    type: STRING\n    value: "{{ outputs.r.value }}"\n`),
    ).run();
    expect(sim.execution.outputs).toEqual({ out: 'test' });
  });
});

describe('decide: flowables', () => {
  it('Parallel dispatches children together, up to `concurrent`', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: p\n    type: io.kestra.plugin.core.flow.Parallel\n    concurrent: 2\n    tasks:\n${indent(log('a') + log('b') + log('c'), 4)}`),
      { answer: () => 'hold' },
    ).run();
    expect(sim.order()).toEqual(['a', 'b']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['a', 'b', 'c']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.run1('p').state.current).toBe('SUCCESS');
    expect(sim.state).toBe('SUCCESS');
  });

  it('Parallel with a failing child starts nothing new and fails once running children end', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: p\n    type: io.kestra.plugin.core.flow.Parallel\n    concurrent: 2\n    tasks:\n${indent(log('a') + log('b') + log('c'), 4)}`),
      { answer: () => 'hold' },
    ).run();
    sim.answer(sim.held[0]!, { state: 'FAILED' });
    expect(sim.order()).toEqual(['a', 'b']);
    expect(sim.state).toBe('RUNNING');
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.run1('p').state.current).toBe('FAILED');
    expect(sim.state).toBe('FAILED');
  });

  it('ForEach runs the children once per value with taskrun.value, one iteration at a time by default', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b", {"k": 1}]\n    tasks:\n      - id: r\n        type: io.kestra.plugin.core.debug.Return\n        format: "{{ taskrun.value }}"\n`),
      { answer: () => 'hold' },
    ).run();
    expect(sim.dispatched).toHaveLength(1);
    while (sim.held.length > 0) sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.runs('r').map((r) => [r.value, r.iteration])).toEqual([
      ['a', 0],
      ['b', 1],
      ['{"k":1}', 2],
    ]);
    expect(sim.state).toBe('SUCCESS');
  });

  it('ForEach with concurrencyLimit 0 starts every iteration at once; an empty list ends at once', () => {
    const all = new Simulation(
      flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    concurrencyLimit: 0\n    values: '["a", "b", "c"]'\n    tasks:\n${indent(log('x'), 4)}`),
      { answer: () => 'hold' },
    ).run();
    expect(all.dispatched).toHaveLength(3);
    const empty = new Simulation(flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: '[]'\n    tasks:\n${indent(log('x'), 4)}${log('after')}`)).run();
    expect(empty.state).toBe('SUCCESS');
    expect(empty.order()).toEqual(['after']);
  });

  it('outputs of loop iterations are addressed by value', () => {
    const sim = new Simulation(
      flow(
        `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b"]\n    tasks:\n      - id: r\n        type: io.kestra.plugin.core.debug.Return\n        format: "v={{ taskrun.value }}"\n  - id: last\n    type: io.kestra.plugin.core.debug.Return\n    format: "{{ outputs.r.b.value }}"\n`,
      ),
    ).run();
    expect(sim.run1('last').outputs).toEqual({ value: 'v=b' });
  });

  it('Switch runs the matching case and reports value and defaults', () => {
    const yaml = `inputs:\n  - id: s\n    type: STRING\ntasks:\n  - id: sw\n    type: io.kestra.plugin.core.flow.Switch\n    value: "{{ inputs.s }}"\n    cases:\n      A:\n${indent(log('in-a'), 6)}    defaults:\n${indent(log('other'), 4)}`;
    const a = new Simulation(flow(yaml), { inputs: { s: 'A' } }).run();
    expect(a.order()).toEqual(['in-a']);
    expect(a.run1('sw').outputs).toEqual({ value: 'A', defaults: false });
    const z = new Simulation(flow(yaml), { inputs: { s: 'Z' } }).run();
    expect(z.order()).toEqual(['other']);
    expect(z.run1('sw').outputs).toEqual({ value: 'Z', defaults: true });
  });

  it('If runs then or else by the truthiness of its condition', () => {
    const yaml = (c: string) => `tasks:\n  - id: if\n    type: io.kestra.plugin.core.flow.If\n    condition: "${c}"\n    then:\n${indent(log('yes'), 4)}    else:\n${indent(log('no'), 4)}`;
    expect(new Simulation(flow(yaml('{{ 1 < 2 }}'))).run().order()).toEqual(['yes']);
    expect(new Simulation(flow(yaml('false'))).run().order()).toEqual(['no']);
    expect(new Simulation(flow(yaml('0'))).run().order()).toEqual(['no']);
  });

  it('AllowFailure turns a failed child into WARNING and the flow goes on', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: af\n    type: io.kestra.plugin.core.flow.AllowFailure\n    tasks:\n      - id: boom\n        type: io.kestra.plugin.core.execution.Fail\n    errors:\n${indent(log('local-error'), 4)}${log('next')}`),
    ).run();
    expect(sim.run1('boom').state.current).toBe('FAILED');
    expect(sim.run1('af').state.current).toBe('WARNING');
    expect(sim.order()).toEqual(['boom', 'local-error', 'next']);
    expect(sim.state).toBe('WARNING');
  });

  it('allowFailure and allowWarning on a task', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n    allowFailure: true\n    allowWarning: true\n${log('next')}`),
    ).run();
    expect(sim.run1('boom').state.current).toBe('SUCCESS');
    expect(sim.state).toBe('SUCCESS');
    const warn = new Simulation(flow(`tasks:\n  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n    allowFailure: true\n${log('next')}`)).run();
    expect(warn.run1('boom').state.current).toBe('WARNING');
    expect(warn.state).toBe('WARNING');
  });

  it('Dag runs each task once its dependencies succeeded', () => {
    const sim = new Simulation(
      flow(
        `tasks:\n  - id: dag\n    type: io.kestra.plugin.core.flow.Dag\n    tasks:\n      - task:\n          id: t1\n          type: io.kestra.plugin.core.log.Log\n          message: x\n      - task:\n          id: t2\n          type: io.kestra.plugin.core.log.Log\n          message: x\n        dependsOn: [t1]\n      - task:\n          id: t3\n          type: io.kestra.plugin.core.log.Log\n          message: x\n        dependsOn: [t1]\n      - task:\n          id: t4\n          type: io.kestra.plugin.core.log.Log\n          message: x\n        dependsOn: [t2, t3]\n`,
      ),
      { answer: () => 'hold' },
    ).run();
    expect(sim.order()).toEqual(['t1']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['t1', 't2', 't3']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['t1', 't2', 't3']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['t1', 't2', 't3', 't4']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.state).toBe('SUCCESS');
  });

  it('Subflow starts a child, records its id, and transmits its failure', () => {
    const yaml = `tasks:\n  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: io.osprey.child\n    flowId: child\n    inputs:\n      x: "{{ execution.id }}"\n`;
    const ok = new Simulation(flow(yaml)).run();
    const start = ok.actions.find((a) => a.type === 'startSubflow');
    expect(start && start.type === 'startSubflow' && start.request.inputs).toEqual({ x: 'exec-1' });
    expect(ok.run1('sub').outputs).toMatchObject({ executionId: expect.any(String), state: 'SUCCESS' });
    expect(ok.state).toBe('SUCCESS');
    const ko = new Simulation(flow(yaml), { subflow: () => ({ state: 'FAILED' }) }).run();
    expect(ko.run1('sub').state.current).toBe('FAILED');
    expect(ko.state).toBe('FAILED');
  });

  it('Subflow without wait succeeds once the child exists', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: a\n    flowId: b\n    wait: false\n`), { subflow: () => 'hold' }).run();
    expect(sim.run1('sub').state.current).toBe('SUCCESS');
  });

  it('WorkingDirectory goes to a worker as one job and records the children it ran', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: wd\n    type: io.kestra.plugin.core.flow.WorkingDirectory\n    tasks:\n${indent(log('c1') + log('c2'), 4)}`), {
      answer: () => ({
        state: 'SUCCESS',
        children: [
          { taskId: 'c1', state: 'SUCCESS', startDate: '2026-01-01T00:00:00Z', endDate: '2026-01-01T00:00:01Z' },
          { taskId: 'c2', state: 'SUCCESS', outputs: { v: 1 }, startDate: '2026-01-01T00:00:01Z', endDate: '2026-01-01T00:00:02Z' },
        ],
      }),
    }).run();
    expect(sim.order()).toEqual(['wd']);
    expect(sim.run1('c2').parentTaskRunId).toBe(sim.run1('wd').id);
    expect(sim.state).toBe('SUCCESS');
  });
});

describe('decide: retries, pauses, kills and duplicates', () => {
  const retrying = (extra = '') =>
    flow(`tasks:\n  - id: flaky\n    type: io.kestra.plugin.core.log.Log\n    message: x\n    retry:\n      type: constant\n      interval: PT1S\n      maxAttempt: 3\n${extra}`);

  it('retries a failed runnable as new attempts of the same task run after the interval', () => {
    const sim = new Simulation(retrying(), { answer: () => ({ state: 'FAILED' }) }).run();
    const run = sim.run1('flaky');
    expect(run.attempts.map((a) => a.state.current)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(run.state.current).toBe('FAILED');
    const schedules = sim.actions.filter((a) => a.type === 'schedule');
    expect(schedules).toHaveLength(2);
    expect(sim.state).toBe('FAILED');
  });

  it('warningOnRetry turns a success after retries into WARNING', () => {
    let calls = 0;
    const sim = new Simulation(retrying('      warningOnRetry: true\n'), { answer: () => ({ state: ++calls < 2 ? 'FAILED' : 'SUCCESS' }) }).run();
    expect(sim.run1('flaky').attempts).toHaveLength(2);
    expect(sim.run1('flaky').state.current).toBe('WARNING');
    expect(sim.state).toBe('WARNING');
  });

  it('records the metrics of each result on the attempt it ends, attempt by attempt', () => {
    let calls = 0;
    const sim = new Simulation(retrying(), {
      answer: () => {
        calls++;
        return { state: calls < 2 ? 'FAILED' : 'SUCCESS', metrics: [{ name: 'rows', type: 'counter', value: calls * 10, tags: { table: 'birds' } }] };
      },
    }).run();
    const run = sim.run1('flaky');
    expect(run.attempts.map((a) => a.metrics)).toEqual([
      [{ name: 'rows', type: 'counter', value: 10, tags: { table: 'birds' } }],
      [{ name: 'rows', type: 'counter', value: 20, tags: { table: 'birds' } }],
    ]);
    expect(run.state.current).toBe('SUCCESS');
  });

  it('leaves an attempt without metrics when its result reports none', () => {
    const sim = new Simulation(retrying()).run();
    expect(sim.run1('flaky').attempts).toHaveLength(1);
    expect(sim.run1('flaky').attempts[0]).not.toHaveProperty('metrics');
  });

  it('a retry on a flowable applies to the runnables inside it', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: seq\n    type: io.kestra.plugin.core.flow.Sequential\n    retry:\n      type: constant\n      interval: PT1S\n      maxAttempt: 2\n    tasks:\n      - id: boom\n        type: io.kestra.plugin.core.execution.Fail\n`),
    ).run();
    expect(sim.run1('boom').attempts).toHaveLength(2);
    expect(sim.state).toBe('FAILED');
  });

  it('a manual Pause pauses the execution until resumed', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n${log('after')}`)).run();
    expect(sim.state).toBe('PAUSED');
    expect(sim.run1('wait').state.current).toBe('PAUSED');
    sim.send({ type: 'resume' });
    expect(sim.order()).toEqual(['after']);
    expect(sim.state).toBe('SUCCESS');
    expect(sim.run1('wait').state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'PAUSED', 'RUNNING', 'SUCCESS']);
  });

  it('a Pause with delay resumes itself; with timeout it fails', () => {
    const delayed = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    delay: PT1S\n${log('after')}`)).run();
    expect(delayed.state).toBe('SUCCESS');
    expect(delayed.order()).toEqual(['after']);
    const timedOut = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    timeout: PT1S\n${log('after')}`)).run();
    expect(timedOut.run1('wait').state.current).toBe('FAILED');
    expect(timedOut.state).toBe('FAILED');
    expect(timedOut.runs('after')).toHaveLength(0);
  });

  it("a Pause whose duration runs out follows its behavior: RESUME goes on, WARN ends it WARNING, FAIL fails it, CANCEL cancels the execution", () => {
    const paused = (behavior: string) =>
      new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    pauseDuration: PT1S\n    behavior: ${behavior}\n${log('after')}`)).run();
    const resumed = paused('RESUME');
    expect([resumed.run1('wait').state.current, resumed.order(), resumed.state]).toEqual(['SUCCESS', ['after'], 'SUCCESS']);
    const warned = paused('WARN');
    expect([warned.run1('wait').state.current, warned.order(), warned.state]).toEqual(['WARNING', ['after'], 'WARNING']);
    const failed = paused('FAIL');
    expect([failed.run1('wait').state.current, failed.runs('after').length, failed.state]).toEqual(['FAILED', 0, 'FAILED']);
    const cancelled = paused('CANCEL');
    expect([cancelled.run1('wait').state.current, cancelled.runs('after').length, cancelled.state]).toEqual(['CANCELLED', 0, 'CANCELLED']);
  });

  it('a Pause resumed before its duration succeeds whatever its behavior', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    pauseDuration: PT1H\n    behavior: FAIL\n${log('after')}`));
    expect(sim.drain().run1('wait').state.current).toBe('PAUSED');
    sim.send({ type: 'resume' });
    expect([sim.run1('wait').state.current, sim.order(), sim.state]).toEqual(['SUCCESS', ['after'], 'SUCCESS']);
  });

  it('kill ends running task runs and the execution as KILLED and asks workers to stop', () => {
    const sim = new Simulation(flow(`tasks:\n${log('long')}${log('next')}`), { answer: () => 'hold' }).run();
    sim.send({ type: 'kill' });
    expect(sim.state).toBe('KILLED');
    expect(sim.run1('long').state.current).toBe('KILLED');
    expect(sim.actions.some((a) => a.type === 'killJobs' && a.taskRunIds.includes(sim.run1('long').id))).toBe(true);
    const job = sim.held[0]!;
    sim.answer(job, { state: 'SUCCESS' });
    expect(sim.run1('long').state.current).toBe('KILLED');
    expect(sim.runs('next')).toHaveLength(0);
  });

  it('ignores a second result for an attempt already recorded', () => {
    const sim = new Simulation(flow(`tasks:\n${log('a')}${log('b')}`), { answer: () => 'hold' }).run();
    const job = sim.held[0]!;
    sim.answer(job, { state: 'SUCCESS' });
    const before = sim.execution;
    sim.send({ type: 'taskResult', taskRunId: job.taskRun.id, attempt: job.attempt, state: 'FAILED' });
    expect(sim.run1('a').state.current).toBe('SUCCESS');
    expect(sim.run1('a').attempts).toHaveLength(1);
    expect(sim.execution.taskRunList).toEqual(before.taskRunList);
  });

  it('a flow timeout fails the execution and kills what runs', () => {
    const sim = new Simulation(flow(`timeout: PT10S\ntasks:\n${log('slow')}`), { answer: () => 'hold' }).run();
    expect(sim.state).toBe('FAILED');
    expect(sim.run1('slow').state.current).toBe('KILLED');
    expect(sim.now.getTime() - Date.parse(sim.execution.state.startDate)).toBeGreaterThanOrEqual(10_000);
  });

  it('holds, cancels or fails an execution beyond the flow concurrency limit', () => {
    const limited = (behavior: string) => flow(`concurrency:\n  limit: 1\n  behavior: ${behavior}\ntasks:\n${log('a')}`);
    const start = (f: Flow) => {
      const execution: Execution = { id: 'e', namespace: f.namespace, flowId: f.id, flowRevision: 1, state: newState(new Date(0)), labels: [], inputs: {}, taskRunList: [], version: 0 };
      return decide({ flow: f, execution, event: { type: 'start' }, now: new Date(1000), newId: () => 'x', runningOfFlow: 1 });
    };
    const queued = start(limited('QUEUE'));
    expect(queued.execution.state.current).toBe('QUEUED');
    expect(queued.actions).toEqual([{ type: 'schedule', at: new Date(2000).toISOString(), event: { type: 'start' } }]);
    expect(start(limited('CANCEL')).execution.state.current).toBe('CANCELLED');
    expect(start(limited('FAIL')).execution.state.current).toBe('FAILED');
    const free = decide({ ...{ flow: limited('QUEUE'), event: { type: 'start' as const }, now: new Date(3000), newId: () => 'y', runningOfFlow: 0 }, execution: queued.execution });
    expect(free.execution.state.current).toBe('RUNNING');
    expect(free.actions.some((a) => a.type === 'dispatch')).toBe(true);
  });

  it('setLabels replaces the labels of an ended execution, keeps system labels and bumps the version', () => {
    const sim = new Simulation(flow(`tasks:\n${log('a')}`)).run();
    sim.execution = { ...sim.execution, labels: [{ key: 'system.correlationId', value: 'exec-1' }, { key: 'team', value: 'a' }] };
    const before = sim.execution;
    sim.send({ type: 'setLabels', labels: [{ key: 'env', value: 'prod' }, { key: 'system.forged', value: 'x' }] });
    expect(sim.state).toBe('SUCCESS');
    expect(sim.execution.labels).toEqual([{ key: 'system.correlationId', value: 'exec-1' }, { key: 'env', value: 'prod' }]);
    expect(sim.execution.version).toBe(before.version + 1);
  });

  it('a replayed execution writes the task runs it carries on start and runs only the tasks after them', () => {
    const done = new Simulation(flow(`tasks:\n${log('a')}${log('b')}`)).run();
    const kept = { ...done.run1('a'), executionId: 'replay-1' };
    const f = flow(`tasks:\n${log('a')}${log('b')}`);
    const execution: Execution = { ...done.execution, id: 'replay-1', state: newState(new Date(0)), taskRunList: [kept], version: 0 };
    const decision = decide({ flow: f, execution, event: { type: 'start' }, now: new Date(1000), newId: () => 'tr-new' });
    expect(decision.changedTaskRuns.map((r) => r.id)).toContain(kept.id);
    const dispatched = decision.actions.filter((a) => a.type === 'dispatch').map((a) => (a as { job: WorkerJob }).job.task.id);
    expect(dispatched).toEqual(['b']);
  });

  it('is pure: the same input gives the same decision', () => {
    const f = flow(`tasks:\n${log('a')}`);
    const execution: Execution = { id: 'e', namespace: f.namespace, flowId: f.id, flowRevision: 1, state: newState(new Date(0)), labels: [], inputs: {}, taskRunList: [], version: 0 };
    const input = { flow: f, execution, event: { type: 'start' as const }, now: new Date(1000), newId: () => 'fixed' };
    expect(decide(input)).toEqual(decide(input));
    expect(execution.taskRunList).toHaveLength(0);
  });
});

describe('decide: flowable end states and retries as Kestra resolves them', () => {
  it('a Switch whose value matches no case and that has no defaults fails (WARNING with allowFailure)', () => {
    const yaml = (extra = '') => `tasks:\n  - id: sw\n    type: io.kestra.plugin.core.flow.Switch\n    value: "{{ inputs.s }}"\n${extra}    cases:\n      "NO":\n${indent(log('in-no'), 6)}${log('after')}`;
    const sim = new Simulation(flow(yaml()), { inputs: { s: 'YES' } }).run();
    expect(sim.run1('sw').state.current).toBe('FAILED');
    expect(sim.run1('sw').outputs).toEqual({ value: 'YES', defaults: true });
    expect(sim.state).toBe('FAILED');
    expect(sim.runs('after')).toHaveLength(0);
    expect(sim.actions.some((a) => a.type === 'log' && a.level === 'ERROR' && a.message.includes("'YES'"))).toBe(true);
    const tolerated = new Simulation(flow(yaml('    allowFailure: true\n')), { inputs: { s: 'YES' } }).run();
    expect(tolerated.run1('sw').state.current).toBe('WARNING');
    expect(tolerated.order()).toEqual(['after']);
  });

  it('a ForEach over values holding null fails with only its own task run; equal values run once', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: '[1, null, {"key": "k"}]'\n    tasks:\n${indent(log('x'), 4)}${log('after')}`),
    ).run();
    expect(sim.state).toBe('FAILED');
    expect(sim.execution.taskRunList.map((r) => r.taskId)).toEqual(['each']);
    expect(sim.actions.some((a) => a.type === 'log' && a.message.includes("Found '1' null values on Each"))).toBe(true);
    const nullValues = new Simulation(flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: "{{ inputs.none }}"\n    tasks:\n${indent(log('x'), 4)}`), { inputs: { none: null } }).run();
    expect(nullValues.state).toBe('FAILED');
    const repeated = new Simulation(flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b", "a"]\n    tasks:\n${indent(log('x'), 4)}`)).run();
    expect(repeated.runs('x').map((r) => r.value)).toEqual(['a', 'b']);
    expect(repeated.state).toBe('SUCCESS');
  });

  it('an If records its evaluationResult output', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: if\n    type: io.kestra.plugin.core.flow.If\n    condition: "{{ 1 == 1 }}"\n    then:\n${indent(log('yes'), 4)}`)).run();
    expect(sim.run1('if').outputs).toEqual({ evaluationResult: true });
  });

  it('a Pause whose delay or timeout comes from an input waits that long', () => {
    const delayed = new Simulation(flow(`inputs:\n  - id: delay\n    type: DURATION\ntasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    delay: "{{ inputs.delay }}"\n${log('after')}`), {
      inputs: { delay: 'PT5S' },
    }).run();
    expect(delayed.state).toBe('SUCCESS');
    expect(delayed.order()).toEqual(['after']);
    expect(Date.parse(delayed.run1('after').state.startDate) - Date.parse(delayed.run1('wait').state.startDate)).toBeGreaterThanOrEqual(5000);
    const timedOut = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    timeout: "{{ inputs.t }}"\n${log('after')}`), { inputs: { t: 'PT2S' } }).run();
    expect(timedOut.run1('wait').state.current).toBe('FAILED');
    expect(timedOut.state).toBe('FAILED');
  });

  it("a runnable task's timeout may come from an input; one that is not a duration fails the task run, naming it", () => {
    const yaml = `inputs:\n  - id: t\n    type: STRING\ntasks:\n  - id: work\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    timeout: "{{ inputs.t }}"\n`;
    const sim = new Simulation(flow(yaml), { inputs: { t: 'PT3S' } }).run();
    expect(sim.dispatched[0]!.timeoutMs).toBe(3000);
    expect(sim.state).toBe('SUCCESS');
    const bad = new Simulation(flow(yaml), { inputs: { t: 'three seconds' } }).run();
    expect(bad.dispatched).toHaveLength(0);
    expect(bad.run1('work').state.current).toBe('FAILED');
    expect(bad.state).toBe('FAILED');
  });

  it('a failed Subflow is retried by its retry policy, each attempt starting a new child', () => {
    const yaml = `retry:\n  type: constant\n  interval: PT1S\n  maxAttempt: 3\ntasks:\n  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: io.osprey.child\n    flowId: child\n`;
    const sim = new Simulation(flow(yaml), { subflow: () => ({ state: 'FAILED' }) }).run();
    const starts = sim.actions.filter((a) => a.type === 'startSubflow');
    expect(starts).toHaveLength(3);
    expect(starts.map((a) => a.type === 'startSubflow' && a.request.attempt)).toEqual([1, 2, 3]);
    expect(sim.run1('sub').attempts.map((a) => a.state.current)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(sim.run1('sub').state.current).toBe('FAILED');
    expect(sim.state).toBe('FAILED');
    let calls = 0;
    const second = new Simulation(flow(yaml), { subflow: () => ({ state: ++calls < 2 ? 'FAILED' : 'SUCCESS' }) }).run();
    expect(second.run1('sub').attempts).toHaveLength(2);
    expect(second.state).toBe('SUCCESS');
  });

  it("a Subflow task's own errors run when its child fails and its finally runs either way", () => {
    const yaml = `tasks:\n  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: io.osprey.child\n    flowId: child\n    errors:\n${indent(log('on-error'), 4)}    finally:\n${indent(log('cleanup'), 4)}${log('after')}`;
    const ko = new Simulation(flow(yaml), { subflow: () => ({ state: 'FAILED' }) }).run();
    expect(ko.order()).toEqual(['on-error', 'cleanup']);
    expect(ko.run1('sub').state.current).toBe('FAILED');
    expect(ko.state).toBe('FAILED');
    const ok = new Simulation(flow(yaml)).run();
    expect(ok.order()).toEqual(['cleanup', 'after']);
    expect(ok.run1('sub').state.current).toBe('SUCCESS');
    expect(ok.state).toBe('SUCCESS');
  });

  it('a failed Subflow child that could not start is retried too, under the attempt that started it', () => {
    const yaml = `tasks:\n  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: io.osprey.child\n    flowId: missing\n    retry:\n      type: constant\n      interval: PT1S\n      maxAttempt: 2\n`;
    const f = flow(yaml);
    let execution: Execution = { id: 'e', namespace: f.namespace, flowId: f.id, flowRevision: 1, state: newState(new Date(0)), labels: [], inputs: {}, taskRunList: [], version: 0 };
    let now = 0;
    let ids = 0;
    const step = (event: Parameters<typeof decide>[0]['event']) => {
      const d = decide({ flow: f, execution, event, now: new Date(++now * 1000), newId: () => `id-${++ids}` });
      execution = d.execution;
      return d;
    };
    const started = step({ type: 'start' }).actions.find((a) => a.type === 'startSubflow');
    const runId = started?.type === 'startSubflow' ? started.request.parentTaskRunId : '';
    step({ type: 'taskResult', taskRunId: runId, attempt: 1, state: 'FAILED' });
    const restarted = step({ type: 'timer', kind: 'retry', taskRunId: runId, attempt: 1 }).actions.find((a) => a.type === 'startSubflow');
    expect(restarted?.type === 'startSubflow' && restarted.request.attempt).toBe(2);
    step({ type: 'taskResult', taskRunId: runId, attempt: 2, state: 'FAILED' });
    expect(execution.state.current).toBe('FAILED');
    expect(execution.taskRunList[0]!.attempts).toHaveLength(2);
  });

  it('an If that fails inside a concurrent ForEach does not stop the iterations started with it (Kestra: BadFlowableTest)', () => {
    const sim = new Simulation(
      flow(
        `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b", "c"]\n    concurrencyLimit: 0\n    tasks:\n      - id: if\n        type: io.kestra.plugin.core.flow.If\n        condition: "{{ missing.variable }}"\n        then:\n${indent(log('never'), 8)}${log('after')}`,
      ),
    ).run();
    expect(sim.runs('if').map((r) => [r.value, r.state.current])).toEqual([['a', 'FAILED'], ['b', 'FAILED'], ['c', 'FAILED']]);
    expect(sim.run1('each').state.current).toBe('FAILED');
    expect(sim.runs('after')).toHaveLength(0);
    expect(sim.state).toBe('FAILED');
    // A concurrency limit still holds: two iterations start, fail, and no third one starts after them.
    const limited = new Simulation(
      flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b", "c"]\n    concurrencyLimit: 2\n    tasks:\n      - id: if\n        type: io.kestra.plugin.core.flow.If\n        condition: "{{ missing.variable }}"\n        then:\n${indent(log('never'), 8)}`),
    ).run();
    expect(limited.runs('if').map((r) => r.value)).toEqual(['a', 'b']);
    expect(limited.state).toBe('FAILED');
  });

  it('a Parallel child that fails as it is created does not stop its siblings from starting', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: par\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n      - id: bad\n        type: io.kestra.plugin.core.log.Log\n        message: x\n        runIf: "{{ nope }}"\n${indent(log('b') + log('c'), 6)}`),
    ).run();
    expect(sim.order()).toEqual(['b', 'c']);
    expect(sim.run1('par').state.current).toBe('FAILED');
  });
});

describe('decide: currentEachOutput', () => {
  it("currentEachOutput(outputs.x) reads the output of x in the current iteration of nested loops", () => {
    const sim = new Simulation(
      flow(
        `tasks:\n  - id: outer\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["v11", "v12"]\n    tasks:\n      - id: inner\n        type: io.kestra.plugin.core.flow.ForEach\n        values: ["v21", "v22"]\n        tasks:\n          - id: out\n            type: io.kestra.plugin.core.debug.Return\n            format: "{{ parents[0].taskrun.value }}-{{ taskrun.value }}"\n          - id: ret\n            type: io.kestra.plugin.core.debug.Return\n            format: "return-{{ currentEachOutput(outputs.out).value }}"\n  - id: single\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["v41"]\n    tasks:\n      - id: out2\n        type: io.kestra.plugin.core.debug.Return\n        format: "{{ taskrun.value }}"\n      - id: ret2\n        type: io.kestra.plugin.core.debug.Return\n        format: "return-{{ currentEachOutput(outputs.out2).value }}"\n`,
      ),
    ).run();
    expect(sim.state).toBe('SUCCESS');
    expect(sim.runs('ret').map((r) => r.outputs?.value).sort()).toEqual(['return-v11-v21', 'return-v11-v22', 'return-v12-v21', 'return-v12-v22']);
    expect(sim.run1('ret2').outputs?.value).toBe('return-v41');
  });
});

describe('decide: a job handed out again', () => {
  it('records the re-run of a dead worker\'s job as a new attempt, the previous one KILLED, and takes its result', () => {
    const sim = new Simulation(flow(`tasks:\n${log('a')}${log('b')}`), { answer: () => 'hold' }).run();
    const job = sim.held[0]!;
    sim.send({ type: 'taskStarted', taskRunId: job.taskRun.id, attempt: 1, workerId: 'w1' });
    // w1 dies; the queue hands the job to w2, which runs it as attempt 2 (deliveries 2).
    sim.send({ type: 'taskStarted', taskRunId: job.taskRun.id, attempt: 2, workerId: 'w2' });
    expect(sim.run1('a').attempts.map((a) => [a.state.current, a.workerId])).toEqual([['KILLED', 'w1'], ['RUNNING', 'w2']]);
    expect(sim.actions.some((a) => a.type === 'log' && a.level === 'WARN' && a.message.includes('attempt 2'))).toBe(true);
    // A late result of the dead worker's attempt changes nothing; the new attempt's result ends the run.
    sim.send({ type: 'taskResult', taskRunId: job.taskRun.id, attempt: 1, state: 'FAILED', workerId: 'w1' });
    expect(sim.run1('a').state.current).toBe('RUNNING');
    sim.send({ type: 'taskResult', taskRunId: job.taskRun.id, attempt: 2, state: 'SUCCESS', workerId: 'w2' });
    expect(sim.run1('a').state.current).toBe('SUCCESS');
    expect(sim.run1('a').attempts.map((a) => a.state.current)).toEqual(['KILLED', 'SUCCESS']);
    expect(sim.order()).toEqual(['a', 'b']);
  });

  it('a later retry after a re-run gets the next attempt number and sees attemptsCount', () => {
    let n = 0;
    const sim = new Simulation(flow(`tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: x\n    retry:\n      type: constant\n      interval: PT1S\n      maxAttempt: 5\n`), {
      answer: () => (++n === 1 ? 'hold' : {}),
    }).run();
    const job = sim.held[0]!;
    sim.send({ type: 'taskResult', taskRunId: job.taskRun.id, attempt: 2, state: 'FAILED', workerId: 'w2' });
    const retried = sim.dispatched[1]!;
    expect(retried.attempt).toBe(3);
    expect(retried.id).toBe(`${job.taskRun.id}:3`);
    expect((retried.variables.taskrun as { attemptsCount: number }).attemptsCount).toBe(2);
    expect(sim.run1('a').attempts.map((a) => a.state.current)).toEqual(['KILLED', 'FAILED', 'SUCCESS']);
  });
});

describe('decide: expressions use the clock and ids it is given', () => {
  it('now(), uuid() and randomInt() in expressions the executor renders come from the injected clock and ids', () => {
    const f = flow(
      `tasks:\n  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: a\n    flowId: b\n    inputs:\n      at: "{{ now() }}"\n      id: "{{ uuid() }}"\n      n: "{{ randomInt(0, 1000000) }}"\n      jq: "{{ {} | jq('now') | first }}"\n`,
    );
    const execution: Execution = { id: 'e', namespace: f.namespace, flowId: f.id, flowRevision: 1, state: newState(new Date(0)), labels: [], inputs: {}, taskRunList: [], version: 0 };
    const inputsOf = () => {
      let ids = 0;
      const d = decide({ flow: f, execution, event: { type: 'start' }, now: new Date('2020-05-06T07:08:09.000Z'), newId: () => `id-${++ids}` });
      const start = d.actions.find((a) => a.type === 'startSubflow');
      return start?.type === 'startSubflow' ? start.request.inputs : undefined;
    };
    const first = inputsOf();
    expect(first).toMatchObject({ at: expect.stringMatching(/^2020-05-06T07:08:09/), id: expect.stringMatching(/^id-\d+$/) });
    expect(Number(first?.jq)).toBe(Date.parse('2020-05-06T07:08:09.000Z') / 1000);
    expect(inputsOf()).toEqual(first);
  });
});

describe('decide: flow SLAs', () => {
  const slaLogs = (sim: Simulation) => sim.actions.flatMap((a) => (a.type === 'log' ? [`${a.level} ${a.message}`] : []));
  const maxDuration = (behavior: string, labels = '') => `sla:\n  - id: slow\n    type: MAX_DURATION\n    duration: PT10S\n    behavior: ${behavior}\n${labels}`;

  it('MAX_DURATION with FAIL: at creation + duration the execution fails, what runs is killed and the labels are added', () => {
    const sim = new Simulation(flow(`${maxDuration('FAIL', '    labels:\n      sla: missed\n')}tasks:\n${log('long')}${log('next')}`), { answer: () => 'hold' }).run();
    expect(sim.state).toBe('FAILED');
    expect(sim.run1('long').state.current).toBe('KILLED');
    expect(sim.runs('next')).toHaveLength(0);
    expect(sim.execution.labels).toEqual([{ key: 'sla', value: 'missed' }]);
    expect(sim.actions).toContainEqual({ type: 'killJobs', taskRunIds: [sim.run1('long').id] });
    expect(Date.parse(sim.execution.state.endDate!) - Date.parse(sim.execution.state.startDate)).toBeGreaterThanOrEqual(10_000);
    expect(slaLogs(sim)).toEqual([
      expect.stringMatching(/^WARN SLA 'slow' violated: the execution has run 10\.\d{3}s, more than the maximum duration PT10S$/),
      expect.stringMatching(/^ERROR the execution fails because SLA 'slow' is violated/),
    ]);
  });

  it('schedules the MAX_DURATION check once, at creation + duration, when the execution starts', () => {
    const f = flow(`${maxDuration('FAIL')}  - id: later\n    type: MAX_DURATION\n    duration: PT1H\n    behavior: NONE\ntasks:\n${log('a')}`);
    const execution: Execution = { id: 'e', namespace: f.namespace, flowId: f.id, flowRevision: 1, state: newState(new Date(0)), labels: [], inputs: {}, taskRunList: [], version: 0 };
    const started = decide({ flow: f, execution, event: { type: 'start' }, now: new Date(500), newId: () => 'x' });
    expect(started.actions.filter((a) => a.type === 'schedule')).toEqual([
      { type: 'schedule', at: new Date(10_000).toISOString(), event: { type: 'timer', kind: 'sla', slaId: 'slow' } },
      { type: 'schedule', at: new Date(3_600_000).toISOString(), event: { type: 'timer', kind: 'sla', slaId: 'later' } },
    ]);
    const again = decide({ flow: f, execution: started.execution, event: { type: 'start' }, now: new Date(600), newId: () => 'y' });
    expect(again.actions.filter((a) => a.type === 'schedule')).toEqual([]);
  });

  it('MAX_DURATION with CANCEL cancels; with NONE the execution goes on with the labels', () => {
    const cancelled = new Simulation(flow(`${maxDuration('CANCEL')}tasks:\n${log('long')}`), { answer: () => 'hold' }).run();
    expect(cancelled.state).toBe('CANCELLED');
    expect(cancelled.run1('long').state.current).toBe('KILLED');

    const noted = new Simulation(flow(`${maxDuration('NONE', '    labels:\n      - key: sla\n        value: late\n')}tasks:\n${log('long')}`), { answer: () => 'hold' }).run();
    expect(noted.state).toBe('RUNNING');
    expect(noted.execution.labels).toEqual([{ key: 'sla', value: 'late' }]);
    expect(slaLogs(noted)).toEqual([expect.stringMatching(/^WARN SLA 'slow' violated/)]);
    noted.answer(noted.held[0]!, { state: 'SUCCESS' });
    expect(noted.state).toBe('SUCCESS');
    expect(noted.execution.labels).toEqual([{ key: 'sla', value: 'late' }]);
  });

  it('a MAX_DURATION deadline changes nothing once the execution ended, or after it was restarted', () => {
    const quick = new Simulation(flow(`${maxDuration('FAIL', '    labels:\n      sla: missed\n')}tasks:\n${log('a')}`)).run();
    expect(quick.state).toBe('SUCCESS');
    expect(quick.execution.labels).toEqual([]);
    expect(quick.now.getTime()).toBeGreaterThanOrEqual(Date.parse(quick.execution.state.startDate) + 10_000); // the timer did fire

    // Fails at once, restarted before the deadline: the restarted execution runs past it unharmed.
    const restarted = new Simulation(flow(`${maxDuration('FAIL')}tasks:\n  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n`), {
      answer: (job) => (job.attempt === 1 ? { state: 'FAILED' } : 'hold'),
    }).drain();
    expect(restarted.state).toBe('FAILED');
    restarted.send({ type: 'restart' });
    expect(restarted.state).toBe('RUNNING');
    expect(restarted.now.getTime()).toBeGreaterThanOrEqual(Date.parse(restarted.execution.state.startDate) + 10_000);
  });

  // Kestra's own test flow (sla-execution-condition): two assertions on an input, the first one cancels.
  const assertions = flow(
    [
      'inputs:',
      '  - id: string',
      '    type: SELECT',
      '    values: [PASS, CANCEL, LABEL]',
      '    defaults: PASS',
      'sla:',
      '  - id: condition',
      '    type: EXECUTION_ASSERTION',
      '    behavior: CANCEL',
      `    assert: "{{ inputs.string != 'CANCEL' }}"`,
      '  - id: condition',
      '    type: EXECUTION_ASSERTION',
      '    behavior: NONE',
      `    assert: "{{ inputs.string != 'LABEL' }}"`,
      '    labels:',
      '      sla: violated',
      'tasks:',
      '  - id: return',
      '    type: io.kestra.plugin.core.debug.Return',
      '    format: "true"',
      '',
    ].join('\n'),
  );

  it('EXECUTION_ASSERTION: a false assertion cancels (CANCEL) or only labels (NONE); a true one changes nothing', () => {
    const passed = new Simulation(assertions, { inputs: { string: 'PASS' } }).run();
    expect(passed.state).toBe('SUCCESS');
    expect(passed.execution.labels).toEqual([]);
    expect(slaLogs(passed)).toEqual([]);

    const cancelled = new Simulation(assertions, { inputs: { string: 'CANCEL' } }).run();
    expect(cancelled.state).toBe('CANCELLED');
    expect(cancelled.dispatched).toEqual([]);

    const labelled = new Simulation(assertions, { inputs: { string: 'LABEL' } }).run();
    expect(labelled.state).toBe('SUCCESS');
    expect(labelled.execution.labels).toEqual([{ key: 'sla', value: 'violated' }]);
    expect(slaLogs(labelled).length).toBeGreaterThan(0);
    expect(slaLogs(labelled).every((line) => line === "WARN SLA 'condition' violated: the assertion is false: {{ inputs.string != 'LABEL' }}")).toBe(true);
  });

  it('EXECUTION_ASSERTION is checked on each change: an output that breaks it fails the execution before the next task', () => {
    const sim = new Simulation(
      flow(
        [
          'sla:',
          '  - id: no-bad-output',
          '    type: EXECUTION_ASSERTION',
          '    behavior: FAIL',
          `    assert: "{{ outputs.check is not defined or outputs.check.value != 'bad' }}"`,
          '    labels: { quality: bad }',
          'tasks:',
          '  - id: check',
          '    type: io.kestra.plugin.core.debug.Return',
          '    format: bad',
          log('never'),
        ].join('\n'),
      ),
    ).run();
    expect(sim.state).toBe('FAILED');
    expect(sim.run1('check').state.current).toBe('SUCCESS');
    expect(sim.runs('never')).toHaveLength(0);
    expect(sim.execution.labels).toEqual([{ key: 'quality', value: 'bad' }]);
    expect(slaLogs(sim)).toContainEqual(expect.stringMatching(/^ERROR the execution fails because SLA 'no-bad-output' is violated: the assertion is false/));
  });

  it('an assertion that cannot be rendered is logged and counts as met', () => {
    const sim = new Simulation(
      flow(`sla:\n  - id: broken\n    type: EXECUTION_ASSERTION\n    behavior: FAIL\n    assert: "{{ outputs.missing.value == 1 }}"\ntasks:\n${log('a')}`),
    ).run();
    expect(sim.state).toBe('SUCCESS');
    expect(slaLogs(sim)[0]).toMatch(/^ERROR SLA 'broken' is ignored: its assertion cannot be evaluated: /);
  });
});

describe('decide: executions created ended', () => {
  it('stores an execution that arrives FAILED with its start (a Schedule whose conditions failed) as it came, once', () => {
    const f = flow(`tasks:\n${log('a')}`);
    const created = newState(new Date('2026-03-02T10:00:00Z'));
    const failed: Execution = {
      id: 'e-failed', namespace: f.namespace, flowId: f.id, flowRevision: 1, labels: [], inputs: {}, taskRunList: [], version: 0,
      state: { ...created, current: 'FAILED', histories: [...created.histories, { state: 'FAILED', date: created.startDate }], endDate: created.startDate },
    };
    const first = decide({ flow: f, execution: failed, event: { type: 'start' }, now: new Date('2026-03-02T10:00:01Z'), newId: () => 'x' });
    expect(first.execution).toEqual({ ...failed, version: 1 });
    expect(first.actions).toEqual([{ type: 'ended' }]);
    // The same start delivered again (an occurrence fired twice) changes nothing.
    const again = decide({ flow: f, execution: first.execution, event: { type: 'start' }, now: new Date('2026-03-02T10:00:02Z'), newId: () => 'y' });
    expect(again.actions).toEqual([]);
    expect(again.execution.version).toBe(1);
  });
});
