import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

describe('Switch flowable', () => {
  it('Switch runs the matching case and reports value and defaults', () => {
    const yaml = `inputs:\n  - id: s\n    type: STRING\ntasks:\n  - id: sw\n    type: io.kestra.plugin.core.flow.Switch\n    value: "{{ inputs.s }}"\n    cases:\n      A:\n${indent(log('in-a'), 6)}    defaults:\n${indent(log('other'), 4)}`;
    const a = new Simulation(flow(yaml), { inputs: { s: 'A' } }).run();
    expect(a.order()).toEqual(['in-a']);
    expect(a.run1('sw').outputs).toEqual({ value: 'A', defaults: false });
    const z = new Simulation(flow(yaml), { inputs: { s: 'Z' } }).run();
    expect(z.order()).toEqual(['other']);
    expect(z.run1('sw').outputs).toEqual({ value: 'Z', defaults: true });
  });

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
});
