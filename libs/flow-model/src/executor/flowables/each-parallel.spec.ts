import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

describe('EachParallel flowable', () => {
  const each = (extra: string) => flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.EachParallel\n    value: '["a", "b", "c"]'\n${extra}    tasks:\n${indent(log('x'), 4)}`);

  it('starts every iteration at once by default, `concurrent` at a time when set', () => {
    const all = new Simulation(each(''), { answer: () => 'hold' }).run();
    expect(all.runs('x').map((r) => r.value)).toEqual(['a', 'b', 'c']);
    const two = new Simulation(each('    concurrent: 2\n'), { answer: () => 'hold' }).run();
    expect(two.runs('x').map((r) => r.value)).toEqual(['a', 'b']);
    while (two.held.length > 0) two.answer(two.held[0]!, { state: 'SUCCESS' });
    expect(two.runs('x').map((r) => r.value)).toEqual(['a', 'b', 'c']);
    expect(two.run1('each').state.current).toBe('SUCCESS');
  });
});
