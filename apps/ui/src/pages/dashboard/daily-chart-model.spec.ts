import { dailyChartModel, niceCeil } from './daily-chart-model.js';

const zero = { SUCCESS: 0, FAILED: 0, RUNNING: 0, WARNING: 0, KILLED: 0 };

describe('niceCeil', () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [11, 20],
    [260, 500],
    [1000, 1000],
  ])('%d rounds up to %d', (value, nice) => expect(niceCeil(value)).toBe(nice));
});

describe('dailyChartModel', () => {
  const model = dailyChartModel([
    { startDate: '2026-03-01', executionCounts: { ...zero, SUCCESS: 5, FAILED: 2 }, total: 7 },
    { startDate: '2026-03-02', executionCounts: { ...zero }, total: 0 },
    { startDate: '2026-03-03', executionCounts: { ...zero, FAILED: 1, WARNING: 3, SUCCESS: 4 }, total: 8 },
  ]);

  it('stacks the states of a day bottom-up, successes first and failures on top', () => {
    expect(model.days[0]!.segments).toEqual([
      { state: 'SUCCESS', count: 5, from: 0, to: 5 },
      { state: 'FAILED', count: 2, from: 5, to: 7 },
    ]);
    expect(model.days[2]!.segments.map((s) => [s.state, s.from, s.to])).toEqual([
      ['SUCCESS', 0, 4],
      ['WARNING', 4, 7],
      ['FAILED', 7, 8],
    ]);
  });

  it('keeps empty days as bars of nothing', () => {
    expect(model.days[1]).toEqual({ date: '2026-03-02', total: 0, segments: [] });
  });

  it('totals only the states that occurred', () => {
    expect(model.totals).toEqual([
      { state: 'SUCCESS', count: 9 },
      { state: 'WARNING', count: 3 },
      { state: 'FAILED', count: 3 },
    ]);
    expect(model.total).toBe(15);
  });

  it('scales the y axis to a round maximum with round ticks', () => {
    expect(model.yMax).toBe(10);
    expect(model.yTicks).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('gives a usable scale when there are no executions', () => {
    const empty = dailyChartModel([{ startDate: '2026-03-01', executionCounts: { ...zero }, total: 0 }]);
    expect(empty.yMax).toBe(1);
    expect(empty.yTicks).toEqual([0, 1]);
    expect(empty.totals).toEqual([]);
  });
});
