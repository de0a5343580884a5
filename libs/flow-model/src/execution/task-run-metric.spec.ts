import { checkTaskRunMetric } from './task-run-metric.js';

describe('checkTaskRunMetric', () => {
  it('accepts a counter and a timer (seconds), keeping string tags', () => {
    expect(checkTaskRunMetric({ name: 'rows', type: 'counter', value: 42, tags: { table: 'birds' } })).toEqual({
      metric: { name: 'rows', type: 'counter', value: 42, tags: { table: 'birds' } },
    });
    expect(checkTaskRunMetric({ name: 'load', type: 'timer', value: 1.5, tags: {} })).toEqual({ metric: { name: 'load', type: 'timer', value: 1.5 } });
  });

  it('accepts a gauge, as Kestra\'s Python and Node helpers send it', () => {
    expect(checkTaskRunMetric({ name: 'queue', type: 'gauge', value: 3.5, tags: { q: 'orders' } })).toEqual({
      metric: { name: 'queue', type: 'gauge', value: 3.5, tags: { q: 'orders' } },
    });
  });

  it('drops fields that are not part of a metric', () => {
    expect(checkTaskRunMetric({ name: 'rows', type: 'counter', value: 1, extra: true })).toEqual({ metric: { name: 'rows', type: 'counter', value: 1 } });
  });

  it.each([
    [null, 'a metric must be an object'],
    [[1], 'a metric must be an object'],
    [{ type: 'counter', value: 1 }, 'a metric needs a non-empty "name"'],
    [{ name: '  ', type: 'counter', value: 1 }, 'a metric needs a non-empty "name"'],
    [{ name: 'rows', type: 'histogram', value: 1 }, 'metric "rows" has type "histogram"; expected "counter", "gauge" or "timer"'],
    [{ name: 'rows', value: 1 }, 'metric "rows" has type null; expected "counter", "gauge" or "timer"'],
    [{ name: 'rows', type: 'counter', value: '42' }, 'metric "rows" has value "42"; expected a finite number'],
    [{ name: 'rows', type: 'counter', value: Number.POSITIVE_INFINITY }, 'metric "rows" has value Infinity; expected a finite number'],
    [{ name: 'rows', type: 'counter', value: 1, tags: { n: 1 } }, 'metric "rows" has tags that are not a map of strings'],
    [{ name: 'rows', type: 'counter', value: Number.NaN }, 'metric "rows" has value NaN; expected a finite number'],
  ])('refuses %j: %s', (entry, problem) => {
    expect(checkTaskRunMetric(entry)).toEqual({ problem });
  });
});
