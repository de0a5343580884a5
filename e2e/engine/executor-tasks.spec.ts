import { testOwnFlow } from '../support/osprey-cli.js';

/**
 * The tasks the executor runs itself with timers and other executions involved, through the built `osprey flow
 * test`: LoopUntil's waits between iterations (a real timer each time), Exit ending an execution with a worker
 * job still running and a parent waiting on it, and SetVariables/UnsetVariables seen by tasks a worker runs.
 */
interface Run {
  id: string;
  taskId: string;
  iteration?: number | null;
  state: { current: string; histories: { state: string; date: string }[]; startDate: string; endDate?: string };
  outputs?: Record<string, unknown>;
}
interface Execution {
  state: { current: string; histories: { state: string; date: string }[] };
  taskRunList: Run[];
  variables?: Record<string, unknown>;
}

const flowTest = (flow: string, needs: string[] = []) => testOwnFlow<Execution>(flow, { needs });

const runsOf = (e: Execution, taskId: string) => e.taskRunList.filter((r) => r.taskId === taskId);
const states = (histories: { state: string }[]) => histories.map((h) => h.state);

describe('executor-run tasks through `osprey flow test`', () => {
  it('LoopUntil runs a worker task once per iteration, PAUSED for its interval between them, until its condition holds', async () => {
    const { execution } = await flowTest('loop-until-count.yaml');
    expect(execution.state.current).toBe('SUCCESS');
    const counts = runsOf(execution, 'count');
    expect(counts.map((r) => [r.iteration, r.state.current, r.outputs?.vars])).toEqual([
      [0, 'SUCCESS', { n: 1 }],
      [1, 'SUCCESS', { n: 2 }],
      [2, 'SUCCESS', { n: 3 }],
    ]);
    const [loop] = runsOf(execution, 'loop');
    expect(states(loop!.state.histories)).toEqual(['CREATED', 'RUNNING', 'PAUSED', 'RUNNING', 'PAUSED', 'RUNNING', 'SUCCESS']);
    expect(states(execution.state.histories)).toContain('PAUSED');
    // Each iteration starts no earlier than the interval after the previous one ended.
    for (let i = 1; i < counts.length; i++) {
      expect(Date.parse(counts[i]!.state.startDate) - Date.parse(counts[i - 1]!.state.endDate!)).toBeGreaterThanOrEqual(500);
    }
    expect(runsOf(execution, 'after')[0]?.outputs).toEqual({ value: '3 after 4' });
  }, 120_000);

  it('WaitFor (the older name) fails at maxIterations with failOnMaxReached', async () => {
    const { execution } = await flowTest('wait-for-max.yaml');
    expect(execution.state.current).toBe('FAILED');
    expect(runsOf(execution, 'tick').map((r) => r.state.current)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(runsOf(execution, 'wait')[0]?.state.current).toBe('FAILED');
  }, 120_000);

  it('Exit WARNING inside a Parallel ends the execution at once: the sleeping sibling is killed, nothing after starts', async () => {
    const { execution } = await flowTest('exit-parallel.yaml');
    expect(execution.state.current).toBe('WARNING');
    const state = (id: string) => runsOf(execution, id).map((r) => r.state.current);
    expect([state('exit'), state('seq'), state('par'), state('slow'), state('never')]).toEqual([['WARNING'], ['WARNING'], ['WARNING'], ['KILLED'], []]);
    // The 30 s Sleep was cut short: it ended before its duration, by the run's own dates.
    const [slow] = runsOf(execution, 'slow');
    expect(Date.parse(slow!.state.endDate!) - Date.parse(slow!.state.startDate)).toBeLessThan(30_000);
  }, 120_000);

  it('an Exit FAILED in a subflow ends it FAILED and fails the Subflow task waiting on it', async () => {
    const { execution, triggered } = await flowTest('exit-subflow-caller.yaml', ['exit-subflow-callee.yaml']);
    expect(execution.state.current).toBe('FAILED');
    expect(runsOf(execution, 'call')[0]?.state.current).toBe('FAILED');
    const child = triggered.find((t) => t.taskRunList.some((r) => r.taskId === 'exit'));
    expect(child?.state.current).toBe('FAILED');
    expect(child && runsOf(child, 'never')).toEqual([]);
  }, 120_000);

  it('SetVariables and UnsetVariables change vars for the tasks a worker runs next, and are kept with the execution', async () => {
    const { execution } = await flowTest('set-variables.yaml');
    expect(execution.state.current).toBe('SUCCESS');
    expect(runsOf(execution, 'greet')[0]?.outputs?.vars).toEqual({ text: 'Hello set-variables' });
    expect(runsOf(execution, 'after')[0]?.outputs).toEqual({ value: 'unset kept' });
    expect(execution.variables).toEqual({ name: 'set-variables', keep: 'kept' });
  }, 120_000);

  it('Resume resumes another execution by id with typed onResume inputs, retrying until it is PAUSED', async () => {
    const { execution, triggered } = await flowTest('resume-caller.yaml', ['resume-paused.yaml']);
    expect(execution.state.current).toBe('SUCCESS');
    expect(runsOf(execution, 'resume')[0]?.state.current).toBe('SUCCESS');
    const child = triggered.find((t) => t.taskRunList.some((r) => r.taskId === 'report'));
    expect(child?.state.current).toBe('SUCCESS');
    expect(child && runsOf(child, 'wait')[0]?.outputs).toEqual({ onResume: { approver: 'resume-caller' } });
    expect(child && runsOf(child, 'report')[0]?.outputs).toEqual({ value: 'approved by resume-caller' });
  }, 120_000);

  it('Resume without executionId resumes a Pause of its own execution', async () => {
    const { execution } = await flowTest('resume-self.yaml');
    expect(execution.state.current).toBe('SUCCESS');
    expect(runsOf(execution, 'wait')[0]?.outputs).toEqual({ onResume: { note: 'self' } });
    expect(states(runsOf(execution, 'wait')[0]!.state.histories)).toEqual(['CREATED', 'RUNNING', 'PAUSED', 'RUNNING', 'SUCCESS']);
  }, 120_000);

  it('Resume naming a flow the execution does not belong to fails, and does not resume it', async () => {
    const { execution } = await flowTest('resume-wrong-flow.yaml');
    expect(runsOf(execution, 'resume')[0]?.state.current).toBe('FAILED');
    expect(execution.state.current).toBe('FAILED');
    // The Pause was never resumed: it ran into its timeout.
    const [wait] = runsOf(execution, 'wait');
    expect([wait?.state.current, wait?.outputs?.onResume]).toEqual(['FAILED', undefined]);
    expect(states(wait!.state.histories)).toEqual(['CREATED', 'RUNNING', 'PAUSED', 'FAILED']);
  }, 120_000);
});
