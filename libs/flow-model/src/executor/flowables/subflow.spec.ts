import type { Execution } from '../../execution/execution.js';
import { newState } from '../../execution/state.js';
import { decide } from '../decide.js';
import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

describe('Subflow flowable', () => {
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

  it('reads wait, transmitFailed and inheritLabels given as the texts "true"/"false", as Kestra does', () => {
    const task = (extra: string) => `tasks:\n  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: a\n    flowId: b\n${extra}`;
    const free = new Simulation(flow(task('    wait: "false"\n')), { subflow: () => 'hold' }).run();
    expect(free.run1('sub').state.current).toBe('SUCCESS');
    expect(free.state).toBe('SUCCESS');
    const start = free.actions.find((a) => a.type === 'startSubflow');
    expect(start?.type === 'startSubflow' && start.request.wait).toBe(false);
    const tolerant = new Simulation(flow(task('    transmitFailed: "false"\n')), { subflow: () => ({ state: 'FAILED' }) }).run();
    expect(tolerant.run1('sub').state.current).toBe('SUCCESS');
    const inherits = new Simulation(flow(task('    inheritLabels: "true"\n')));
    inherits.execution.labels = [{ key: 'team', value: 'data' }];
    inherits.run();
    const child = inherits.actions.find((a) => a.type === 'startSubflow');
    expect(child?.type === 'startSubflow' && child.request.labels).toEqual(expect.arrayContaining([{ key: 'team', value: 'data' }]));
  });

  it('a kill is sent on to the child executions, waited for or not, unless it does not cascade', () => {
    const yaml = `tasks:\n  - id: waited\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: a\n    flowId: b\n  - id: free\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: a\n    flowId: c\n    wait: false\n`;
    const parallel = `tasks:\n  - id: both\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n${indent(yaml.slice('tasks:\n'.length), 4)}${log('held')}`;
    const killed = (cascade?: boolean) => {
      const sim = new Simulation(flow(parallel), { subflow: () => 'hold', answer: () => 'hold' }).run();
      expect(sim.run1('free').state.current).toBe('SUCCESS');
      const children = [sim.run1('waited'), sim.run1('free')].map((run) => run.outputs?.executionId);
      const before = sim.actions.length;
      sim.send(cascade === undefined ? { type: 'kill' } : { type: 'kill', cascade });
      expect(sim.state).toBe('KILLED');
      const sent = sim.actions.slice(before).flatMap((a) => (a.type === 'emit' && a.envelope.event.type === 'kill' ? [a.envelope.executionId] : []));
      return { sent, children };
    };
    const byDefault = killed();
    expect(byDefault.sent.sort()).toEqual([...byDefault.children].sort());
    expect(byDefault.children).toEqual([expect.stringMatching(/^child-/), expect.stringMatching(/^child-/)]);
    expect(killed(true).sent).toHaveLength(2);
    expect(killed(false).sent).toEqual([]);
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

  it('with transmitFailed false, a failed child ends the Subflow SUCCESS and the flow goes on', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: a\n    flowId: b\n    transmitFailed: false\n${log('after')}`), { subflow: () => ({ state: 'FAILED' }) }).run();
    expect(sim.run1('sub').state.current).toBe('SUCCESS');
    expect(sim.run1('sub').outputs).toMatchObject({ state: 'FAILED' });
    expect(sim.order()).toEqual(['after']);
    expect(sim.state).toBe('SUCCESS');
  });
});
