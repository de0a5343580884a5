import { Simulation, flow } from '../../testing/decide-simulation.js';

const ret = (id: string, format: string) => `  - id: ${id}\n    type: io.kestra.plugin.core.debug.Return\n    format: "${format}"\n`;
const unset = (names: string, extra = '') => `  - id: unset\n    type: io.kestra.plugin.core.execution.UnsetVariables\n    variables: ${names}\n${extra}`;

describe('UnsetVariables', () => {
  it('removes variables, nested ones by a dotted name, from what vars reads afterwards', () => {
    const sim = new Simulation(
      flow(
        `variables:\n  a: 1\n  keep: k\n  m:\n    x: 1\n    y: 2\ntasks:\n${unset('[a, m.x]')}${ret('after', '{{ vars.a ?? \'gone\' }} {{ vars.keep }} {{ vars.m | keys | join(\',\') }}')}`,
      ),
    ).run();
    expect(sim.state).toBe('SUCCESS');
    expect(sim.execution.variables).toEqual({ keep: 'k', m: { y: 2 } });
    expect(sim.run1('after').outputs).toEqual({ value: 'gone k y' });
  });

  it('a variable that does not exist fails the task, unless ignoreMissing', () => {
    const failed = new Simulation(flow(`variables:\n  a: 1\ntasks:\n${unset('[a, nope, a.b.c]')}`)).run();
    expect([failed.run1('unset').state.current, failed.state]).toEqual(['FAILED', 'FAILED']);
    expect(failed.actions.some((a) => a.type === 'log' && a.level === 'ERROR' && /do not exist: nope, a\.b\.c/.test(a.message))).toBe(true);
    expect(failed.execution.variables).toBeUndefined();
    const ignored = new Simulation(flow(`variables:\n  a: 1\ntasks:\n${unset('[a, nope]', '    ignoreMissing: true\n')}`)).run();
    expect([ignored.state, ignored.execution.variables]).toEqual(['SUCCESS', {}]);
  });

  it('after SetVariables, removes from the execution copy', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: set\n    type: io.kestra.plugin.core.execution.SetVariables\n    variables:\n      a: 1\n      b: 2\n${unset('[a]')}${ret('after', '{{ vars.b }}')}`),
    ).run();
    expect(sim.execution.variables).toEqual({ b: 2 });
    expect(sim.run1('after').outputs).toEqual({ value: '2' });
  });

  it('a restart runs the failed task again as a new attempt: it fails again, or succeeds once the variable exists', () => {
    const yaml = `inputs:\n  - id: name\n    type: STRING\ntasks:\n${unset('["{{ inputs.name }}"]')}${ret('after', 'done')}`;
    const sim = new Simulation(flow(yaml), { inputs: { name: 'nope' } }).run();
    expect([sim.run1('unset').state.current, sim.state]).toEqual(['FAILED', 'FAILED']);
    sim.send({ type: 'restart' });
    expect([sim.run1('unset').state.current, sim.run1('unset').attempts.length, sim.state, sim.runs('after').length]).toEqual(['FAILED', 2, 'FAILED', 0]);
  });
});
