import { Simulation, flow } from '../../testing/decide-simulation.js';

describe('EachSequential flowable', () => {
  it('runs its tasks once per `value`, one iteration at a time, with taskrun.value', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.EachSequential\n    value: ["a", "b"]\n    tasks:\n      - id: r\n        type: io.kestra.plugin.core.debug.Return\n        format: "{{ taskrun.value }}"\n`),
      { answer: () => 'hold' },
    ).run();
    expect(sim.dispatched).toHaveLength(1);
    while (sim.held.length > 0) sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.runs('r').map((r) => [r.value, r.iteration])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(sim.run1('each').state.current).toBe('SUCCESS');
  });
});
