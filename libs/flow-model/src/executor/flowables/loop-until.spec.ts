import { renderTemplate } from '../../expression/index.js';
import type { WorkerJob } from '../events.js';
import { Simulation, flow, indent, log, type JobAnswer } from '../../testing/decide-simulation.js';

/** Workers that render an OutputValues' values (and a Return's format), fail a Fail and succeed anything else. */
function answer(job: WorkerJob): JobAnswer {
  if (job.task.type.endsWith('.OutputValues')) {
    const values = Object.fromEntries(Object.entries(job.task.values as Record<string, string>).map(([k, v]) => [k, renderTemplate(v, job.variables)]));
    return { outputs: { values } };
  }
  if (job.task.type.endsWith('.Return')) return { outputs: { value: renderTemplate(String(job.task.format), job.variables) } };
  if (job.task.type.endsWith('.Fail')) return { state: 'FAILED', error: 'Task failure' };
  return {};
}

const loop = (props: string, tasks: string, type = 'io.kestra.plugin.core.flow.LoopUntil') =>
  flow(`tasks:\n  - id: loop\n    type: ${type}\n${props}    tasks:\n${indent(tasks, 4)}`);
const count = `  - id: out\n    type: io.kestra.plugin.core.output.OutputValues\n    values:\n      count: "{{ outputs.loop.iterationCount + 1 }}"\n`;

describe('LoopUntil flowable', () => {
  it('runs its tasks again, an interval apart, until the condition is true; each iteration sees its iterationCount', () => {
    const sim = new Simulation(loop(`    condition: "{{ outputs.out.values.count == '4' }}"\n`, log('echo') + count), { answer }).run();
    expect(sim.state).toBe('SUCCESS');
    expect(sim.order()).toEqual(['echo', 'out', 'echo', 'out', 'echo', 'out']);
    expect(sim.runs('out').map((r) => [r.iteration, (r.outputs?.values as { count: string }).count])).toEqual([
      [0, '2'],
      [1, '3'],
      [2, '4'],
    ]);
    const run = sim.run1('loop');
    expect(run.state.current).toBe('SUCCESS');
    expect(run.outputs).toEqual({ iterationCount: 4 });
    // Between iterations the loop (and the execution) wait PAUSED for the default interval of one second.
    expect(run.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'PAUSED', 'RUNNING', 'PAUSED', 'RUNNING', 'SUCCESS']);
    expect(sim.execution.state.histories.map((h) => h.state)).toContain('PAUSED');
    const outs = sim.runs('out');
    expect(Date.parse(outs[1]!.state.startDate) - Date.parse(outs[0]!.state.endDate!)).toBeGreaterThanOrEqual(1000);
  });

  it('the older WaitFor name is the same loop; Kestra docs example with Return counts to 4', () => {
    const sim = new Simulation(
      loop(`    condition: "{{ outputs.return.value == '4' }}"\n`, `  - id: return\n    type: io.kestra.plugin.core.debug.Return\n    format: "{{ outputs.loop.iterationCount }}"\n`, 'io.kestra.plugin.core.flow.WaitFor'),
      { answer },
    ).run();
    expect(sim.state).toBe('SUCCESS');
    expect(sim.runs('return').map((r) => r.outputs?.value)).toEqual(['1', '2', '3', '4']);
  });

  it('stops at maxIterations: SUCCESS by default, FAILED with failOnMaxReached', () => {
    const props = (fail: boolean) => `    condition: "{{ outputs.out.values.count == '10' }}"\n    checkFrequency:\n      maxIterations: 3\n      interval: PT0.2S\n${fail ? '    failOnMaxReached: true\n' : ''}`;
    const failed = new Simulation(loop(props(true), count), { answer }).run();
    expect([failed.runs('out').length, failed.run1('loop').state.current, failed.state]).toEqual([3, 'FAILED', 'FAILED']);
    expect(failed.actions.some((a) => a.type === 'log' && a.level === 'WARN' && /maxIterations 3 reached/.test(a.message))).toBe(true);
    const ok = new Simulation(loop(props(false), count), { answer }).run();
    expect([ok.runs('out').length, ok.state]).toEqual([3, 'SUCCESS']);
  });

  it('stops once maxDuration has passed since the loop started', () => {
    const sim = new Simulation(
      loop(`    condition: "false"\n    checkFrequency:\n      maxDuration: PT5S\n      interval: PT1S\n    failOnMaxReached: true\n`, log('echo')),
      { answer },
    ).run();
    expect(sim.state).toBe('FAILED');
    // Iterations start at 0 s, 1 s, ... ; the one ending after 5 s is the last.
    expect(sim.runs('echo').length).toBe(6);
  });

  it('a failing child fails the loop at once and runs its errors; no further iteration starts', () => {
    const sim = new Simulation(
      flow(
        `tasks:\n  - id: loop\n    type: io.kestra.plugin.core.flow.LoopUntil\n    condition: "false"\n    errors:\n${indent(log('onError'), 4)}    tasks:\n${indent(count, 4)}    - id: fail\n      type: io.kestra.plugin.core.execution.Fail\n`,
      ),
      { answer },
    ).run();
    expect(sim.state).toBe('FAILED');
    expect(sim.order()).toEqual(['out', 'fail', 'onError']);
    expect(sim.run1('fail').attempts).toHaveLength(1);
  });

  it('a condition that cannot be rendered fails the loop, naming the error', () => {
    const sim = new Simulation(loop(`    condition: "{{ missing.thing }}"\n`, log('echo')), { answer }).run();
    expect([sim.run1('loop').state.current, sim.state]).toEqual(['FAILED', 'FAILED']);
    expect(sim.actions.some((a) => a.type === 'log' && a.level === 'ERROR' && a.taskId === 'loop' && /missing/.test(a.message))).toBe(true);
  });

  it('resumed by hand during its interval, the next iteration starts at once and the timer then changes nothing', () => {
    const sim = new Simulation(loop(`    condition: "{{ outputs.out.values.count == '3' }}"\n    checkFrequency:\n      interval: PT1H\n`, count), { answer }).drain();
    expect([sim.run1('loop').state.current, sim.state]).toEqual(['PAUSED', 'PAUSED']);
    sim.send({ type: 'resume' });
    expect(sim.runs('out')).toHaveLength(2);
    expect(sim.state).toBe('SUCCESS');
  });

  it('refuses an unknown checkFrequency key and a wrongly typed property when the flow is loaded, naming path, line and column', () => {
    expect(() => loop(`    condition: "false"\n    checkFrequency:\n      every: PT1S\n`, log('echo'))).toThrow(
      /<flow>:8:\d+: tasks\[0\]\.checkFrequency\.every: unknown or unsupported option 'every'/,
    );
    expect(() => loop(`    condition: "false"\n    checkFrequency:\n      interval: soon\n`, log('echo'))).toThrow(/tasks\[0\]\.checkFrequency\.interval/);
    // Each key has its own type: an integer interval or a duration as maxIterations is refused at its line and column.
    expect(() => loop(`    condition: "false"\n    checkFrequency:\n      interval: 5\n`, log('echo'))).toThrow(/<flow>:8:17: tasks\[0\]\.checkFrequency\.interval: .*duration/);
    expect(() => loop(`    condition: "false"\n    checkFrequency:\n      maxIterations: PT1S\n`, log('echo'))).toThrow(/<flow>:8:22: tasks\[0\]\.checkFrequency\.maxIterations: expected an integer/);
    expect(() => loop(`    condition: "false"\n    checkFrequency:\n      maxDuration: 10\n`, log('echo'))).toThrow(/tasks\[0\]\.checkFrequency\.maxDuration: .*duration/);
    expect(() => loop(`    condition: "false"\n    failOnMaxReached: maybe\n`, log('echo'))).toThrow(/tasks\[0\]\.failOnMaxReached: expected a boolean/);
    expect(() => loop('', log('echo'))).toThrow(/tasks\[0\]\.condition/);
  });

  it('a checkFrequency expression rendering to the wrong kind for its key fails the loop when it is read', () => {
    const sim = new Simulation(loop(`    condition: "false"\n    checkFrequency:\n      maxIterations: "{{ 'PT1S' }}"\n`, log('echo')), { answer }).run();
    expect([sim.run1('loop').state.current, sim.state]).toEqual(['FAILED', 'FAILED']);
    expect(sim.actions.some((a) => a.type === 'log' && a.level === 'ERROR' && /checkFrequency.maxIterations must be an integer/.test(a.message))).toBe(true);
  });

  it('a kill during the interval ends the waiting loop KILLED', () => {
    const sim = new Simulation(loop(`    condition: "false"\n    checkFrequency:\n      interval: PT1H\n`, log('echo')), { answer }).drain();
    sim.send({ type: 'kill' });
    expect([sim.run1('loop').state.current, sim.state, sim.runs('echo').length]).toEqual(['KILLED', 'KILLED', 1]);
  });

  it('a loop inside a ForEach keeps each value apart, and later tasks read the last iteration outputs', () => {
    const sim = new Simulation(
      flow(
        `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b"]\n    tasks:\n      - id: loop\n        type: io.kestra.plugin.core.flow.LoopUntil\n        condition: "{{ outputs.loop[taskrun.value].iterationCount > 2 }}"\n        checkFrequency:\n          interval: PT0.1S\n        tasks:\n${indent(log('echo'), 8)}`,
      ),
      { answer },
    ).run();
    expect(sim.state).toBe('SUCCESS');
    expect(sim.runs('echo').map((r) => [r.value, r.iteration])).toEqual([
      ['a', 0],
      ['a', 1],
      ['b', 0],
      ['b', 1],
    ]);
  });
});
