import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

describe('Parallel flowable', () => {
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

  it('a Parallel child that fails as it is created does not stop its siblings from starting', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: par\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n      - id: bad\n        type: io.kestra.plugin.core.log.Log\n        message: x\n        runIf: "{{ nope }}"\n${indent(log('b') + log('c'), 6)}`),
    ).run();
    expect(sim.order()).toEqual(['b', 'c']);
    expect(sim.run1('par').state.current).toBe('FAILED');
  });
});
