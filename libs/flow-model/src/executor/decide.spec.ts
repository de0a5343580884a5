import type { Flow } from '../flow/flow.js';
import type { Execution } from '../execution/execution.js';
import { newState } from '../execution/state.js';
import { Simulation, flow, log } from '../testing/decide-simulation.js';
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

describe('decide: task end states', () => {
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

  it('reads allowFailure, allowWarning and disabled given as the texts "true"/"false", as Kestra does', () => {
    const warn = new Simulation(flow(`tasks:\n  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n    allowFailure: "true"\n${log('next')}`)).run();
    expect(warn.run1('boom').state.current).toBe('WARNING');
    expect(warn.order()).toEqual(['boom', 'next']);
    const ok = new Simulation(flow(`tasks:\n  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n    allowFailure: "true"\n    allowWarning: "true"\n`)).run();
    expect(ok.run1('boom').state.current).toBe('SUCCESS');
    const failed = new Simulation(flow(`tasks:\n  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n    allowFailure: "false"\n`)).run();
    expect(failed.state).toBe('FAILED');
    const skipped = new Simulation(flow(`tasks:\n${log('a')}  - id: off\n    type: io.kestra.plugin.core.log.Log\n    message: x\n    disabled: "true"\n${log('b')}`)).run();
    expect(skipped.runs('off')).toHaveLength(0);
    const kept = new Simulation(flow(`tasks:\n  - id: on\n    type: io.kestra.plugin.core.log.Log\n    message: x\n    disabled: "false"\n`)).run();
    expect(kept.order()).toEqual(['on']);
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

  it('warningOnRetry given as the text "false" leaves a success after retries SUCCESS', () => {
    let calls = 0;
    const sim = new Simulation(retrying('      warningOnRetry: "false"\n'), { answer: () => ({ state: ++calls < 2 ? 'FAILED' : 'SUCCESS' }) }).run();
    expect(sim.run1('flaky').attempts).toHaveLength(2);
    expect(sim.run1('flaky').state.current).toBe('SUCCESS');
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

  it('unqueue starts a queued execution past the concurrency limit, or ends it; it leaves any other execution alone', () => {
    const limited = flow(`concurrency:\n  limit: 1\n  behavior: QUEUE\ntasks:\n${log('a')}`);
    const fresh: Execution = { id: 'e', namespace: limited.namespace, flowId: limited.id, flowRevision: 1, state: newState(new Date(0)), labels: [], inputs: {}, taskRunList: [], version: 0 };
    const queued = decide({ flow: limited, execution: fresh, event: { type: 'start' }, now: new Date(1000), newId: () => 'x', runningOfFlow: 1 }).execution;
    expect(queued.state.current).toBe('QUEUED');
    const unqueue = (state: 'RUNNING' | 'CANCELLED' | 'FAILED', execution = queued) =>
      decide({ flow: limited, execution, event: { type: 'unqueue', state }, now: new Date(1500), newId: () => 'y', runningOfFlow: 1 });
    const forced = unqueue('RUNNING');
    expect(forced.execution.state.current).toBe('RUNNING');
    expect(forced.actions.some((a) => a.type === 'dispatch')).toBe(true);
    // The recheck scheduled while it was queued finds it started: no second start, no queueing again.
    const recheck = decide({ flow: limited, execution: forced.execution, event: { type: 'start' }, now: new Date(2000), newId: () => 'z', runningOfFlow: 2 });
    expect(recheck.execution.state.current).toBe('RUNNING');
    expect(recheck.actions.filter((a) => a.type === 'dispatch')).toEqual([]);
    expect(unqueue('CANCELLED').execution.state.current).toBe('CANCELLED');
    expect(unqueue('FAILED').execution.state.current).toBe('FAILED');
    const running = unqueue('CANCELLED', forced.execution);
    expect(running.execution.state.current).toBe('RUNNING');
    expect(running.actions).toEqual([]);
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

describe('decide: runnable timeouts', () => {
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
    expect(first).toMatchObject({ at: expect.stringMatching(/^2020-05-06T07:08:09/), id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) });
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
