import { aggregateMetric, type MetricEntry } from './metric-entries.js';

const entry = (name: string, value: number, timestamp: string): MetricEntry => ({
  namespace: 'n',
  flowId: 'f',
  taskId: 't',
  executionId: 'e',
  taskRunId: 'r',
  type: 'counter',
  name,
  value,
  timestamp,
  deleted: false,
});

describe('aggregateMetric', () => {
  const entries = [
    entry('rows', 1, '2024-03-04T10:00:00.000Z'),
    entry('rows', 3, '2024-03-04T23:59:00.000Z'),
    entry('rows', 8, '2024-03-06T01:00:00.000Z'),
    entry('other', 100, '2024-03-04T10:00:00.000Z'),
    entry('rows', 50, '2024-02-01T00:00:00.000Z'),
  ];

  it('aggregates the named metric per period within the window, oldest first', () => {
    const start = new Date('2024-03-01T00:00:00Z');
    const end = new Date('2024-03-10T00:00:00Z');
    expect(aggregateMetric(entries, 'rows', start, end, 'sum')).toEqual({
      groupBy: 'day',
      aggregations: [
        { name: 'rows', value: 4, date: '2024-03-04T00:00:00.000Z' },
        { name: 'rows', value: 8, date: '2024-03-06T00:00:00.000Z' },
      ],
    });
    expect(aggregateMetric(entries, 'rows', start, end, 'avg').aggregations[0]!.value).toBe(2);
    expect(aggregateMetric(entries, 'rows', start, end, 'min').aggregations[0]!.value).toBe(1);
    expect(aggregateMetric(entries, 'rows', start, end, 'max').aggregations[0]!.value).toBe(3);
  });

  it('chooses the period from the window as Kestra does, weeks starting on Monday', () => {
    const year = aggregateMetric(entries, 'rows', new Date('2023-06-01T00:00:00Z'), new Date('2024-06-30T00:00:00Z'), 'sum');
    expect(year.groupBy).toBe('month');
    expect(year.aggregations.map((a) => [a.date, a.value])).toEqual([['2024-02-01T00:00:00.000Z', 50], ['2024-03-01T00:00:00.000Z', 12]]);
    const weeks = aggregateMetric(entries, 'rows', new Date('2023-10-01T00:00:00Z'), new Date('2024-05-01T00:00:00Z'), 'sum');
    expect(weeks.groupBy).toBe('week');
    // 2024-03-04 is a Monday; 03-06 is in the same week.
    expect(weeks.aggregations.map((a) => [a.date, a.value])).toEqual([['2024-01-29T00:00:00.000Z', 50], ['2024-03-04T00:00:00.000Z', 12]]);
    expect(aggregateMetric(entries, 'rows', new Date('2024-03-04T00:00:00Z'), new Date('2024-03-04T23:59:59Z'), 'sum').groupBy).toBe('hour');
    expect(aggregateMetric(entries, 'rows', new Date('2024-03-04T09:00:00Z'), new Date('2024-03-04T11:00:00Z'), 'sum')).toEqual({
      groupBy: 'minute',
      aggregations: [{ name: 'rows', value: 1, date: '2024-03-04T10:00:00.000Z' }],
    });
  });

  it('refuses a window that ends before it starts, naming endDate', () => {
    expect(() => aggregateMetric(entries, 'rows', new Date('2024-03-02T00:00:00Z'), new Date('2024-03-01T00:00:00Z'), 'sum')).toThrow(expect.objectContaining({ field: 'endDate' }));
  });
});
