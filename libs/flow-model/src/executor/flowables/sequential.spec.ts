import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

describe('Sequential flowable', () => {
  const sequential = (children: string) => `tasks:\n  - id: seq\n    type: io.kestra.plugin.core.flow.Sequential\n    tasks:\n${indent(children, 4)}`;

  it('runs its tasks one after the other, under its own run, and ends as they did', () => {
    const sim = new Simulation(flow(sequential(log('a') + log('b'))), { answer: () => 'hold' }).run();
    expect(sim.order()).toEqual(['a']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['a', 'b']);
    sim.answer(sim.held[0]!, { state: 'WARNING' });
    expect(sim.run1('b').parentTaskRunId).toBe(sim.run1('seq').id);
    expect(sim.run1('seq').state.current).toBe('WARNING');
    expect(sim.state).toBe('WARNING');
  });

  it('stops at a failed task, runs its own errors and finally, and fails', () => {
    const yaml = `tasks:\n  - id: seq\n    type: io.kestra.plugin.core.flow.Sequential\n    tasks:\n    - id: boom\n      type: io.kestra.plugin.core.execution.Fail\n${indent(log('b'), 4)}    errors:\n${indent(log('on-error'), 4)}    finally:\n${indent(log('cleanup'), 4)}${log('after')}`;
    const sim = new Simulation(flow(yaml)).run();
    expect(sim.order()).toEqual(['boom', 'on-error', 'cleanup']);
    expect(sim.run1('on-error').parentTaskRunId).toBe(sim.run1('seq').id);
    expect(sim.run1('seq').state.current).toBe('FAILED');
    expect(sim.state).toBe('FAILED');
  });
});
