import type { WorkerJob } from '../events.js';
import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';

const SPLIT = 'io.kestra.plugin.core.flow.ForEachItem$ForEachItemSplit';
const MERGE = 'io.kestra.plugin.core.flow.ForEachItem$ForEachItemMergeOutputs';

/** A parent flow whose ForEachItem `each` calls io.osprey.child.child, with `extra` properties at its level. */
const parent = (extra = '', type = 'io.kestra.plugin.core.flow.ForEachItem') =>
  flow(
    `tasks:\n  - id: each\n    type: ${type}\n    items: "{{ inputs.file }}"\n    batch:\n      rows: 2\n    namespace: io.osprey.child\n    flowId: child\n    inputs:\n      part: "{{ taskrun.items }}"\n      n: "{{ taskrun.iteration }}"\n${extra}` +
      log('after'),
  );

/** Workers answer the split with `batches` batch URIs; the merge with nothing. */
const workers = (batches: number) => (job: WorkerJob) =>
  job.task.type === SPLIT ? { outputs: { splits: 'kestra:///splits.txt', uris: Array.from({ length: batches }, (_, i) => `kestra:///batch-${i + 1}.txt`) } } : {};

const starts = (sim: Simulation) => sim.actions.flatMap((a) => (a.type === 'startSubflow' ? [a.request] : []));

describe('ForEachItem flowable', () => {
  it('splits on a worker, starts one subflow per batch with taskrun.items and taskrun.iteration, then merges', () => {
    const sim = new Simulation(parent(), { answer: workers(3), inputs: { file: 'kestra:///in.ion' } }).run();
    expect(sim.order()).toEqual(['each_split', 'each_merge', 'after']);
    const split = sim.dispatched[0]!;
    expect(split.task).toMatchObject({ type: SPLIT, items: '{{ inputs.file }}', batch: { rows: 2 } });
    expect(starts(sim).map((r) => [r.inputs, r.iteration, r.namespace, r.flowId, r.wait])).toEqual([
      [{ part: 'kestra:///batch-1.txt', n: '1' }, 1, 'io.osprey.child', 'child', true],
      [{ part: 'kestra:///batch-2.txt', n: '2' }, 2, 'io.osprey.child', 'child', true],
      [{ part: 'kestra:///batch-3.txt', n: '3' }, 3, 'io.osprey.child', 'child', true],
    ]);
    expect(sim.execution.taskRunList.map((r) => r.taskId)).toEqual(['each', 'each_split', 'each_items', 'each_merge', 'after']);
    expect(sim.run1('each_items').outputs).toEqual({ numberOfBatches: 3, iterations: { CREATED: 0, RUNNING: 0, SUCCESS: 3 } });
    expect(sim.run1('each_items').parentTaskRunId).toBe(sim.run1('each').id);
    expect(sim.dispatched.find((j) => j.task.type === MERGE)?.task.id).toBe('each_merge');
    expect(sim.state).toBe('SUCCESS');
  });

  it('the legacy io.kestra.core.tasks.flows.ForEachItem runs the same way', () => {
    const sim = new Simulation(parent('', 'io.kestra.core.tasks.flows.ForEachItem'), { answer: workers(2) }).run();
    expect(starts(sim)).toHaveLength(2);
    expect(sim.state).toBe('SUCCESS');
  });

  it('keeps the subflows flow outputs in batch order for the merge run, whatever order the children end in', () => {
    const sim = new Simulation(parent(), { answer: workers(2), subflow: () => 'hold' }).run();
    const [first, second] = starts(sim).map((_, i) => `child-${sim.run1('each_items').id}-${i + 1}`);
    const items = sim.run1('each_items').id;
    expect(sim.run1('each_items').outputs?.iterations).toEqual({ CREATED: 0, RUNNING: 2 });
    sim.send({ type: 'subflowEnded', taskRunId: items, childExecutionId: second!, state: 'SUCCESS', flowOutputs: { value: 'b' } });
    expect(sim.run1('each_items').state.current).toBe('RUNNING');
    expect(sim.run1('each_items').outputs?.iterations).toEqual({ CREATED: 0, RUNNING: 1, SUCCESS: 1 });
    sim.send({ type: 'subflowEnded', taskRunId: items, childExecutionId: first!, state: 'SUCCESS', flowOutputs: { value: 'a' } });
    expect(sim.run1('each_items').outputs).toEqual({ numberOfBatches: 2, iterations: { CREATED: 0, RUNNING: 0, SUCCESS: 2 }, flowOutputs: [{ value: 'a' }, { value: 'b' }] });
    expect(sim.state).toBe('SUCCESS');
  });

  it('a failed child fails the ForEachItem when transmitFailed (no merge, errors run), and not otherwise', () => {
    const failing = { answer: workers(2), subflow: () => ({ state: 'FAILED' as const }) };
    const ko = new Simulation(parent(`    errors:\n${indent(log('on-error'), 4)}`), failing).run();
    expect(ko.run1('each_items').outputs?.iterations).toEqual({ CREATED: 0, RUNNING: 0, FAILED: 2 });
    expect(ko.run1('each_items').state.current).toBe('FAILED');
    expect(ko.runs('each_merge')).toEqual([]);
    expect(ko.order()).toEqual(['each_split', 'on-error']);
    expect(ko.run1('each').state.current).toBe('FAILED');
    expect(ko.state).toBe('FAILED');
    const tolerated = new Simulation(parent('    transmitFailed: false\n'), failing).run();
    expect(tolerated.run1('each_items').state.current).toBe('SUCCESS');
    expect(tolerated.order()).toEqual(['each_split', 'each_merge', 'after']);
    expect(tolerated.state).toBe('SUCCESS');
    const allowed = new Simulation(parent('    allowFailure: true\n'), failing).run();
    expect(allowed.run1('each').state.current).toBe('WARNING');
    expect(allowed.order()).toEqual(['each_split', 'after']);
  });

  it('a killed child kills it, a warning child warns', () => {
    expect(new Simulation(parent(), { answer: workers(2), subflow: (r) => ({ state: r.iteration === 1 ? 'KILLED' : 'SUCCESS' }) }).run().run1('each_items').state.current).toBe('KILLED');
    expect(new Simulation(parent(), { answer: workers(2), subflow: (r) => ({ state: r.iteration === 1 ? 'WARNING' : 'SUCCESS' }) }).run().run1('each_items').state.current).toBe('WARNING');
  });

  it('without wait it succeeds once every child exists, counting them as Kestra does', () => {
    const sim = new Simulation(parent('    wait: false\n'), { answer: workers(3), subflow: () => 'hold' }).run();
    expect(starts(sim).every((r) => r.wait === false)).toBe(true);
    expect(sim.run1('each_items').outputs).toEqual({ numberOfBatches: 3, iterations: { RUNNING: 0, SUCCESS: 3 } });
    expect(sim.order()).toEqual(['each_split', 'each_merge', 'after']);
    expect(sim.state).toBe('SUCCESS');
  });

  it('reads wait and transmitFailed given as the texts "true"/"false", as Kestra does', () => {
    const free = new Simulation(parent('    wait: "false"\n'), { answer: workers(3), subflow: () => 'hold' }).run();
    expect(starts(free).every((r) => r.wait === false)).toBe(true);
    expect(free.run1('each_items').outputs).toEqual({ numberOfBatches: 3, iterations: { RUNNING: 0, SUCCESS: 3 } });
    expect(free.state).toBe('SUCCESS');
    const tolerant = new Simulation(parent('    transmitFailed: "false"\n'), { answer: workers(2), subflow: () => ({ state: 'FAILED' }) }).run();
    expect(tolerant.run1('each_items').state.current).toBe('SUCCESS');
  });

  it('an empty file starts no subflow and ends with no outputs', () => {
    const sim = new Simulation(parent(), { answer: workers(0) }).run();
    expect(starts(sim)).toEqual([]);
    expect(sim.run1('each_items').state.current).toBe('SUCCESS');
    expect(sim.run1('each_items').outputs).toBeUndefined();
    expect(sim.order()).toEqual(['each_split', 'each_merge', 'after']);
    expect(sim.state).toBe('SUCCESS');
  });

  it('a child that cannot start fails the items run with the reason', () => {
    const sim = new Simulation(parent(), { answer: workers(2), subflow: () => 'hold' }).run();
    const items = sim.run1('each_items');
    // What the executor answers when the subflow does not exist: a failed result of the run under its attempt.
    sim.send({ type: 'taskResult', taskRunId: items.id, attempt: 1, state: 'FAILED', error: 'subflow io.osprey.child.child not found' });
    expect(sim.run1('each_items').state.current).toBe('FAILED');
    expect(sim.state).toBe('FAILED');
  });

  it('fails its items run, naming read(), when the inputs read the batch file: the executor reads no file', () => {
    const f = flow(
      `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEachItem\n    items: "{{ inputs.file }}"\n    namespace: a\n    flowId: b\n    inputs:\n      json: "{{ json(read(taskrun.items)) }}"\n`,
    );
    const sim = new Simulation(f, { answer: workers(2) }).run();
    expect(starts(sim)).toEqual([]);
    expect(sim.run1('each_items').state.current).toBe('FAILED');
    const logged = sim.actions.flatMap((a) => (a.type === 'log' && a.taskId === 'each_items' ? [a.message] : []));
    expect(logged).toEqual([expect.stringContaining("Cannot read 'kestra:///batch-1.txt': no file reader is available here")]);
    expect(sim.state).toBe('FAILED');
  });

  it('inside a ForEach, each value splits its own file and starts its own batches', () => {
    const f = flow(
      `tasks:\n  - id: files\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b"]\n    tasks:\n      - id: each\n        type: io.kestra.plugin.core.flow.ForEachItem\n        items: "kestra:///{{ taskrun.value }}.ion"\n        namespace: n\n        flowId: child\n        inputs:\n          part: "{{ taskrun.items }}"\n`,
    );
    // The split of value v yields batches v-1 and v-2.
    const answer = (job: WorkerJob) => (job.task.type === SPLIT ? { outputs: { uris: [1, 2].map((i) => `kestra:///${job.taskRun.value}-${i}`) } } : {});
    const sim = new Simulation(f, { answer }).run();
    expect(starts(sim).map((r) => r.inputs.part).sort()).toEqual(['kestra:///a-1', 'kestra:///a-2', 'kestra:///b-1', 'kestra:///b-2']);
    expect(sim.runs('each_items').map((r) => [r.value, r.state.current, r.outputs?.numberOfBatches])).toEqual([
      ['a', 'SUCCESS', 2],
      ['b', 'SUCCESS', 2],
    ]);
    expect(sim.state).toBe('SUCCESS');
  });

  it('a kill cascades to every child started, waited for or not, unless it does not cascade', () => {
    // Without wait the ForEachItem is done once its children exist: the task after it holds the execution open.
    const holdAfter = (job: WorkerJob) => (job.task.id === 'after' ? ('hold' as const) : workers(2)(job));
    for (const wait of ['', '    wait: false\n']) {
      const sim = new Simulation(parent(wait), { answer: holdAfter, subflow: () => 'hold' }).run();
      const before = sim.actions.length;
      sim.send({ type: 'kill' });
      const sent = sim.actions.slice(before).flatMap((a) => (a.type === 'emit' && a.envelope.event.type === 'kill' ? [a.envelope.executionId] : []));
      const items = sim.run1('each_items').id;
      expect(sent.sort()).toEqual([`child-${items}-1`, `child-${items}-2`]);
      expect(sim.state).toBe('KILLED');
    }
    const quiet = new Simulation(parent(), { answer: workers(2), subflow: () => 'hold' }).run();
    const before = quiet.actions.length;
    quiet.send({ type: 'kill', cascade: false });
    expect(quiet.actions.slice(before).filter((a) => a.type === 'emit' && a.envelope.event.type === 'kill')).toEqual([]);
  });

  it('a restart starts every batch again under a new attempt', () => {
    const sim = new Simulation(parent(), { answer: workers(2), subflow: () => ({ state: 'FAILED' }) }).run();
    expect(sim.state).toBe('FAILED');
    sim.send({ type: 'restart' });
    expect(starts(sim)).toHaveLength(4);
    expect(sim.run1('each_items').attempts).toHaveLength(2);
    expect(sim.run1('each_items').outputs?.iterations).toEqual({ CREATED: 0, RUNNING: 0, FAILED: 2 });
    expect(sim.state).toBe('FAILED');
  });
});
