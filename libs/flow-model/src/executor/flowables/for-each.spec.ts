import { Simulation, flow, indent, log } from '../../testing/decide-simulation.js';
import { loopValues } from './for-each.js';

describe('ForEach flowable', () => {
  it('ForEach runs the children once per value with taskrun.value, one iteration at a time by default', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b", {"k": 1}]\n    tasks:\n      - id: r\n        type: io.kestra.plugin.core.debug.Return\n        format: "{{ taskrun.value }}"\n`),
      { answer: () => 'hold' },
    ).run();
    expect(sim.dispatched).toHaveLength(1);
    while (sim.held.length > 0) sim.answer(sim.held[0]!, { state: 'SUCCESS' });
    expect(sim.runs('r').map((r) => [r.value, r.iteration])).toEqual([
      ['a', 0],
      ['b', 1],
      ['{"k":1}', 2],
    ]);
    expect(sim.state).toBe('SUCCESS');
  });

  it('ForEach with concurrencyLimit 0 starts every iteration at once; an empty list ends at once', () => {
    const all = new Simulation(
      flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    concurrencyLimit: 0\n    values: '["a", "b", "c"]'\n    tasks:\n${indent(log('x'), 4)}`),
      { answer: () => 'hold' },
    ).run();
    expect(all.dispatched).toHaveLength(3);
    const empty = new Simulation(flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: '[]'\n    tasks:\n${indent(log('x'), 4)}${log('after')}`)).run();
    expect(empty.state).toBe('SUCCESS');
    expect(empty.order()).toEqual(['after']);
  });

  it('outputs of loop iterations are addressed by value', () => {
    const sim = new Simulation(
      flow(
        `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b"]\n    tasks:\n      - id: r\n        type: io.kestra.plugin.core.debug.Return\n        format: "v={{ taskrun.value }}"\n  - id: last\n    type: io.kestra.plugin.core.debug.Return\n    format: "{{ outputs.r.b.value }}"\n`,
      ),
    ).run();
    expect(sim.run1('last').outputs).toEqual({ value: 'v=b' });
  });

  it('a ForEach over values holding null fails with only its own task run; equal values run once', () => {
    const sim = new Simulation(
      flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: '[1, null, {"key": "k"}]'\n    tasks:\n${indent(log('x'), 4)}${log('after')}`),
    ).run();
    expect(sim.state).toBe('FAILED');
    expect(sim.execution.taskRunList.map((r) => r.taskId)).toEqual(['each']);
    expect(sim.actions.some((a) => a.type === 'log' && a.message.includes("Found '1' null values on Each"))).toBe(true);
    const nullValues = new Simulation(flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: "{{ inputs.none }}"\n    tasks:\n${indent(log('x'), 4)}`), { inputs: { none: null } }).run();
    expect(nullValues.state).toBe('FAILED');
    const repeated = new Simulation(flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b", "a"]\n    tasks:\n${indent(log('x'), 4)}`)).run();
    expect(repeated.runs('x').map((r) => r.value)).toEqual(['a', 'b']);
    expect(repeated.state).toBe('SUCCESS');
  });

  it('an If that fails inside a concurrent ForEach does not stop the iterations started with it (Kestra: BadFlowableTest)', () => {
    const sim = new Simulation(
      flow(
        `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b", "c"]\n    concurrencyLimit: 0\n    tasks:\n      - id: if\n        type: io.kestra.plugin.core.flow.If\n        condition: "{{ missing.variable }}"\n        then:\n${indent(log('never'), 8)}${log('after')}`,
      ),
    ).run();
    expect(sim.runs('if').map((r) => [r.value, r.state.current])).toEqual([['a', 'FAILED'], ['b', 'FAILED'], ['c', 'FAILED']]);
    expect(sim.run1('each').state.current).toBe('FAILED');
    expect(sim.runs('after')).toHaveLength(0);
    expect(sim.state).toBe('FAILED');
    // A concurrency limit still holds: two iterations start, fail, and no third one starts after them.
    const limited = new Simulation(
      flow(`tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ["a", "b", "c"]\n    concurrencyLimit: 2\n    tasks:\n      - id: if\n        type: io.kestra.plugin.core.flow.If\n        condition: "{{ missing.variable }}"\n        then:\n${indent(log('never'), 8)}`),
    ).run();
    expect(limited.runs('if').map((r) => r.value)).toEqual(['a', 'b']);
    expect(limited.state).toBe('FAILED');
  });
});

describe('loopValues', () => {
  const noExpression = () => {
    throw new Error('no expression expected');
  };

  it('takes a list or a JSON text of a list, as texts, each distinct value once', () => {
    expect(loopValues(['a', 1, { k: true }, 'a'], noExpression)).toEqual(['a', '1', '{"k":true}']);
    expect(loopValues('[1, "b"]', noExpression)).toEqual(['1', 'b']);
  });

  it('renders an expression, then reads its result as a list', () => {
    expect(loopValues('{{ inputs.list }}', () => '["x", "y"]')).toEqual(['x', 'y']);
  });

  it('refuses what is not a list, naming what it got', () => {
    expect(() => loopValues('not json', noExpression)).toThrow('values must be a list or a JSON array, got "not json"');
    expect(() => loopValues('{"a": 1}', noExpression)).toThrow('values must be a list, got object');
  });
});
