import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

describe('AllowFailure flowable', () => {
  it('AllowFailure turns a failed child into WARNING and the flow goes on', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: af\n    type: io.kestra.plugin.core.flow.AllowFailure\n    tasks:\n      - id: boom\n        type: io.kestra.plugin.core.execution.Fail\n    errors:\n${indent(log('local-error'), 4)}${log('next')}`),
    ).run();
    expect(sim.run1('boom').state.current).toBe('FAILED');
    expect(sim.run1('af').state.current).toBe('WARNING');
    expect(sim.order()).toEqual(['boom', 'local-error', 'next']);
    expect(sim.state).toBe('WARNING');
  });

  it('ends as its tasks did when none failed', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: af\n    type: io.kestra.plugin.core.flow.AllowFailure\n    tasks:\n${indent(log('a'), 4)}`)).run();
    expect(sim.run1('af').state.current).toBe('SUCCESS');
    expect(sim.state).toBe('SUCCESS');
  });
});
