import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

describe('If flowable', () => {
  it('If runs then or else by the truthiness of its condition', () => {
    const yaml = (c: string) => `tasks:\n  - id: if\n    type: io.kestra.plugin.core.flow.If\n    condition: "${c}"\n    then:\n${indent(log('yes'), 4)}    else:\n${indent(log('no'), 4)}`;
    expect(new Simulation(flow(yaml('{{ 1 < 2 }}'))).run().order()).toEqual(['yes']);
    expect(new Simulation(flow(yaml('false'))).run().order()).toEqual(['no']);
    expect(new Simulation(flow(yaml('0'))).run().order()).toEqual(['no']);
  });

  it('an If records its evaluationResult output', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: if\n    type: io.kestra.plugin.core.flow.If\n    condition: "{{ 1 == 1 }}"\n    then:\n${indent(log('yes'), 4)}`)).run();
    expect(sim.run1('if').outputs).toEqual({ evaluationResult: true });
  });

  it('fails, naming the error, when its condition cannot be rendered', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: if\n    type: io.kestra.plugin.core.flow.If\n    condition: "{{ missing.variable }}"\n    then:\n${indent(log('yes'), 4)}`)).run();
    expect(sim.run1('if').state.current).toBe('FAILED');
    expect(sim.runs('yes')).toHaveLength(0);
    expect(sim.actions.some((a) => a.type === 'log' && a.level === 'ERROR' && a.taskId === 'if' && /missing/.test(a.message))).toBe(true);
  });
});
