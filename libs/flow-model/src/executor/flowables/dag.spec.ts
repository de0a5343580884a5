import { Simulation, flow } from '../../testing/decide-simulation.js';

describe('Dag flowable', () => {
  it('Dag runs each task once its dependencies succeeded', () => {
    const sim = new Simulation(
      flow(
        `tasks:\n  - id: dag\n    type: io.kestra.plugin.core.flow.Dag\n    tasks:\n      - task:\n          id: t1\n          type: io.kestra.plugin.core.log.Log\n          message: x\n      - task:\n          id: t2\n          type: io.kestra.plugin.core.log.Log\n          message: x\n        dependsOn: [t1]\n      - task:\n          id: t3\n          type: io.kestra.plugin.core.log.Log\n          message: x\n        dependsOn: [t1]\n      - task:\n          id: t4\n          type: io.kestra.plugin.core.log.Log\n          message: x\n        dependsOn: [t2, t3]\n`,
      ),
      { answer: () => 'hold' },
    ).run();
    expect(sim.order()).toEqual(['t1']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['t1', 't2', 't3']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['t1', 't2', 't3']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['t1', 't2', 't3', 't4']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.state).toBe('SUCCESS');
  });

  it('starts nothing that depends on a failed task, at most `concurrent` at a time, and fails', () => {
    const node = (id: string, type: string, dependsOn = '') => `      - task:\n          id: ${id}\n          type: ${type}\n${type.endsWith('Log') ? '          message: x\n' : ''}${dependsOn ? `        dependsOn: [${dependsOn}]\n` : ''}`;
    const sim = new Simulation(
      flow(`tasks:\n  - id: dag\n    type: io.kestra.plugin.core.flow.Dag\n    concurrent: 1\n    tasks:\n${node('t1', 'io.kestra.plugin.core.log.Log')}${node('t2', 'io.kestra.plugin.core.execution.Fail')}${node('t3', 'io.kestra.plugin.core.log.Log', 't2')}`),
      { answer: (job) => (job.task.type.endsWith('Fail') ? { state: 'FAILED' } : 'hold') },
    ).run();
    expect(sim.order()).toEqual(['t1']);
    sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.order()).toEqual(['t1', 't2']);
    expect(sim.runs('t3')).toHaveLength(0);
    expect(sim.run1('dag').state.current).toBe('FAILED');
    expect(sim.state).toBe('FAILED');
  });
});
