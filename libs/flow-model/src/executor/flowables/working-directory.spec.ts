import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

describe('WorkingDirectory flowable', () => {
  it('WorkingDirectory goes to a worker as one job and records the children it ran', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: wd\n    type: io.kestra.plugin.core.flow.WorkingDirectory\n    tasks:\n${indent(log('c1') + log('c2'), 4)}`), {
      answer: () => ({
        state: 'SUCCESS',
        children: [
          { taskId: 'c1', state: 'SUCCESS', startDate: '2026-01-01T00:00:00Z', endDate: '2026-01-01T00:00:01Z' },
          { taskId: 'c2', state: 'SUCCESS', outputs: { v: 1 }, startDate: '2026-01-01T00:00:01Z', endDate: '2026-01-01T00:00:02Z' },
        ],
      }),
    }).run();
    expect(sim.order()).toEqual(['wd']);
    expect(sim.run1('c2').parentTaskRunId).toBe(sim.run1('wd').id);
    expect(sim.state).toBe('SUCCESS');
  });

  it('a failed job runs the WorkingDirectory\'s own errors and finally as task runs of the executor, then fails it', () => {
    const yaml = `tasks:\n  - id: wd\n    type: io.kestra.plugin.core.flow.WorkingDirectory\n    tasks:\n${indent(log('c1'), 4)}    errors:\n${indent(log('on-error'), 4)}    finally:\n${indent(log('cleanup'), 4)}`;
    const sim = new Simulation(flow(yaml), { answer: (job) => (job.task.id === 'wd' ? { state: 'FAILED' } : {}) }).run();
    expect(sim.order()).toEqual(['wd', 'on-error', 'cleanup']);
    expect(sim.run1('on-error').parentTaskRunId).toBe(sim.run1('wd').id);
    expect(sim.run1('wd').state.current).toBe('FAILED');
    expect(sim.state).toBe('FAILED');
  });
});
