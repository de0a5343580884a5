import { Simulation, flow } from '../../testing/decide-simulation.js';

const ret = (id: string, format: string) => `  - id: ${id}\n    type: io.kestra.plugin.core.debug.Return\n    format: "${format}"\n`;
const set = (body: string, extra = '') => `  - id: set\n    type: io.kestra.plugin.core.execution.SetVariables\n    variables:\n${body}${extra}`;

describe('SetVariables', () => {
  it('merges rendered variables into what vars reads for later tasks, over the flow variables', () => {
    const sim = new Simulation(
      flow(`variables:\n  name: World\n  nested:\n    a: 1\n    b: 2\ntasks:\n${ret('before', '{{ vars.name }}')}${set(`      message: Hello\n      name: "{{ 'Lo' ~ 'ïc' }}"\n      nested:\n        b: 3\n`)}${ret('after', '{{ vars.message }} {{ vars.name }} {{ vars.nested.a }}{{ vars.nested.b }}')}`),
    ).run();
    expect(sim.state).toBe('SUCCESS');
    expect(sim.run1('before').outputs).toEqual({ value: 'World' });
    expect(sim.run1('after').outputs).toEqual({ value: 'Hello Loïc 13' });
    expect(sim.execution.variables).toEqual({ name: 'Loïc', message: 'Hello', nested: { a: 1, b: 3 } });
    // The executor runs it: no worker job.
    expect(sim.order()).toEqual(['before', 'after']);
    expect(sim.run1('set').state.current).toBe('SUCCESS');
  });

  it('with overwrite false, a variable that exists fails the task and the execution', () => {
    const sim = new Simulation(flow(`variables:\n  name: World\ntasks:\n${set('      name: other\n', '    overwrite: false\n')}${ret('after', 'x')}`)).run();
    expect([sim.run1('set').state.current, sim.state, sim.runs('after').length]).toEqual(['FAILED', 'FAILED', 0]);
    expect(sim.actions.some((a) => a.type === 'log' && a.level === 'ERROR' && /overwrite is false.*name/.test(a.message))).toBe(true);
    const fresh = new Simulation(flow(`tasks:\n${set('      name: new\n', '    overwrite: false\n')}${ret('after', '{{ vars.name }}')}`)).run();
    expect(fresh.run1('after').outputs).toEqual({ value: 'new' });
  });

  it('renders id(), ksuid() and encrypt() from the decision\'s ids and clock: the same decision gives the same values', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const yaml = `tasks:\n${set(`      id: "{{ id() }}"\n      ksuid: "{{ ksuid() }}"\n      secret: "{{ encrypt('${key}', 'text') }}"\n`)}${ret('after', "{{ decrypt('" + key + "', vars.secret) }}")}`;
    const first = new Simulation(flow(yaml)).run();
    expect(first.run1('set').state.current).toBe('SUCCESS');
    expect(first.execution.variables).toEqual({ id: expect.stringMatching(/^[0-9A-Za-z]{22}$/), ksuid: expect.stringMatching(/^[0-9A-Za-z]{27}$/), secret: expect.any(String) });
    expect(first.run1('after').outputs).toEqual({ value: 'text' });
    expect(new Simulation(flow(yaml)).run().execution.variables).toEqual(first.execution.variables);
  });

  it('refuses a variables value that is not a map, and unknown properties, when the flow is loaded', () => {
    expect(() => flow(`tasks:\n  - id: set\n    type: io.kestra.plugin.core.execution.SetVariables\n    variables: [a]\n`)).toThrow(/tasks\[0\]\.variables: expected a map/);
    expect(() => flow(`tasks:\n${set('      a: 1\n', '    scope: flow\n')}`)).toThrow(/tasks\[0\]\.scope/);
    // Its work is done the moment it starts: a retry policy would never apply, so it is refused by name.
    for (const type of ['SetVariables\n    variables: {a: 1}', 'UnsetVariables\n    variables: [a]', 'Exit']) {
      expect(() => flow(`tasks:\n  - id: t\n    type: io.kestra.plugin.core.execution.${type}\n    retry:\n      type: constant\n      interval: PT1S\n      maxAttempt: 2\n`)).toThrow(
        /<flow>:\d+:5: tasks\[0\]\.retry: property 'retry' is not supported by Osprey: /,
      );
    }
  });

  it('a restart runs a failed SetVariables again as a new attempt, and the execution goes on when it succeeds', () => {
    // overwrite renders false on the first attempt only.
    const sim = new Simulation(flow(`variables:\n  name: World\ntasks:\n${set('      name: other\n', '    overwrite: "{{ taskrun.attemptsCount > 0 }}"\n')}${ret('after', '{{ vars.name }}')}`)).run();
    expect([sim.run1('set').state.current, sim.state]).toEqual(['FAILED', 'FAILED']);
    sim.send({ type: 'restart' });
    expect([sim.run1('set').state.current, sim.run1('set').attempts.length, sim.state]).toEqual(['SUCCESS', 2, 'SUCCESS']);
    expect(sim.run1('after').outputs).toEqual({ value: 'other' });
  });
});
