import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

const exit = (state?: string) => `  - id: exit\n    type: io.kestra.plugin.core.execution.Exit\n${state ? `    state: ${state}\n` : ''}`;

describe('Exit', () => {
  it('ends the execution SUCCESS by default: no later task, errors or finally runs; the executor runs it, no worker', () => {
    const sim = new Simulation(flow(`tasks:\n${log('before')}${exit()}${log('after')}finally:\n${log('fin')}`)).run();
    expect(sim.state).toBe('SUCCESS');
    expect(sim.order()).toEqual(['before']);
    expect(sim.run1('exit').state.current).toBe('SUCCESS');
    expect(sim.runs('after')).toHaveLength(0);
    expect(sim.runs('fin')).toHaveLength(0);
  });

  it('ends the execution in the state it names, rendered from an input, and the flowables around it in that state', () => {
    const yaml = `inputs:\n  - id: s\n    type: STRING\ntasks:\n  - id: seq\n    type: io.kestra.plugin.core.flow.Sequential\n    tasks:\n${indent(log('a'), 4)}${indent(exit('"{{ inputs.s }}"'), 4)}${indent(log('b'), 4)}${log('after')}`;
    for (const state of ['WARNING', 'FAILED', 'CANCELLED', 'success']) {
      const sim = new Simulation(flow(yaml), { inputs: { s: state } }).run();
      const expected = state.toUpperCase();
      expect([sim.state, sim.run1('exit').state.current, sim.run1('seq').state.current, sim.order()]).toEqual([expected, expected, expected, ['a']]);
      expect(sim.actions.filter((a) => a.type === 'ended')).toHaveLength(1);
    }
  });

  it('KILLED kills what runs beside it, like a kill', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: par\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n${indent(log('slow'), 4)}    - id: seq\n      type: io.kestra.plugin.core.flow.Sequential\n      tasks:\n${indent(exit('KILLED'), 6)}`),
      { answer: (job) => (job.task.id === 'slow' ? 'hold' : {}) },
    ).run();
    expect([sim.state, sim.run1('slow').state.current, sim.run1('exit').state.current]).toEqual(['KILLED', 'KILLED', 'KILLED']);
    expect(sim.actions.some((a) => a.type === 'killJobs' && a.taskRunIds.includes(sim.run1('slow').id))).toBe(true);
  });

  it('a state Kestra does not have is refused when the flow is loaded; one rendered at run time fails the Exit', () => {
    expect(() => flow(`tasks:\n${exit('DONE')}`)).toThrow(/tasks\[0\]\.state: must be one of SUCCESS, WARNING, KILLED, FAILED, CANCELLED but got 'DONE'/);
    const sim = new Simulation(flow(`tasks:\n${exit('"{{ \'DONE\' }}"')}${log('after')}`)).run();
    expect([sim.run1('exit').state.current, sim.state, sim.runs('after').length]).toEqual(['FAILED', 'FAILED', 0]);
    // A restart runs it again as a new attempt, which fails the same way rather than staying RUNNING.
    sim.send({ type: 'restart' });
    expect([sim.run1('exit').state.current, sim.run1('exit').attempts.length, sim.state, sim.runs('after').length]).toEqual(['FAILED', 2, 'FAILED', 0]);
  });

  it('in a subflow, the parent learns the state the Exit gave', () => {
    const sim = new Simulation(flow(`tasks:\n${exit('WARNING')}`));
    sim.execution = { ...sim.execution, parent: { executionId: 'parent', taskRunId: 'tr', namespace: 'n', flowId: 'f', wait: true, transmitFailed: true } };
    sim.run();
    const emitted = sim.actions.find((a) => a.type === 'emit');
    expect(emitted?.type === 'emit' && emitted.envelope.event).toMatchObject({ type: 'subflowEnded', state: 'WARNING' });
  });
});
