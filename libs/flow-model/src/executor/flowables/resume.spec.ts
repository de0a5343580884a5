import { Simulation, flow, log } from '../../testing/decide-simulation.js';

const resume = (props: string) => `  - id: resume\n    type: io.kestra.plugin.core.execution.Resume\n${props}`;

describe('Resume', () => {
  it('asks the executor service to resume the execution it names, with rendered inputs, and waits for the answer', () => {
    const sim = new Simulation(
      flow(`inputs:\n  - id: target\n    type: STRING\ntasks:\n${resume(`    executionId: "{{ inputs.target }}"\n    namespace: io.osprey.tests\n    inputs:\n      approved: "{{ 1 == 1 }}"\n      by: "{{ flow.id }}"\n`)}${log('after')}`),
      { inputs: { target: 'paused-1' } },
    ).run();
    const requests = sim.actions.filter((a) => a.type === 'resumeExecution');
    expect(requests).toEqual([
      {
        type: 'resumeExecution',
        request: { sourceExecutionId: 'exec-1', taskRunId: sim.run1('resume').id, attempt: 1, executionId: 'paused-1', namespace: 'io.osprey.tests', inputs: { approved: 'true', by: 'test' } },
      },
    ]);
    // Nothing is dispatched to a worker; the run waits for the answer.
    expect(sim.order()).toEqual([]);
    expect([sim.run1('resume').state.current, sim.state]).toEqual(['RUNNING', 'RUNNING']);
    sim.send({ type: 'taskResult', taskRunId: sim.run1('resume').id, attempt: 1, state: 'SUCCESS' });
    expect([sim.run1('resume').state.current, sim.order(), sim.state]).toEqual(['SUCCESS', ['after'], 'SUCCESS']);
  });

  it('defaults to the current execution; a refusal fails the run, and its retry policy asks again with a new attempt', () => {
    const sim = new Simulation(flow(`tasks:\n${resume('    retry:\n      type: constant\n      interval: PT1S\n      maxAttempt: 2\n')}`)).run();
    const first = sim.actions.find((a) => a.type === 'resumeExecution');
    expect(first?.type === 'resumeExecution' && first.request).toMatchObject({ executionId: 'exec-1', attempt: 1 });
    expect(first?.type === 'resumeExecution' && 'namespace' in first.request).toBe(false);
    sim.send({ type: 'taskResult', taskRunId: sim.run1('resume').id, attempt: 1, state: 'FAILED', error: 'not PAUSED' });
    const again = sim.actions.filter((a) => a.type === 'resumeExecution');
    expect(again.map((a) => a.type === 'resumeExecution' && a.request.attempt)).toEqual([1, 2]);
    sim.send({ type: 'taskResult', taskRunId: sim.run1('resume').id, attempt: 2, state: 'FAILED', error: 'not PAUSED' });
    expect([sim.run1('resume').state.current, sim.run1('resume').attempts.length, sim.state]).toEqual(['FAILED', 2, 'FAILED']);
  });

  it('refuses inputs that are not a map when the flow is loaded', () => {
    expect(() => flow(`tasks:\n${resume('    inputs: [a]\n')}`)).toThrow(/tasks\[0\]\.inputs: expected a map/);
  });
});
