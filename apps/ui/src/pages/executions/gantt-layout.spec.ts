import { formatOffset, ganttLayout, orderTaskRuns, timeTicks, type GanttTaskRun } from './gantt-layout.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function run(id: string, taskId: string, startMs: number, endMs: number | undefined, state: string, extra: Partial<GanttTaskRun> = {}): GanttTaskRun {
  return { id, taskId, state: { current: state, startDate: at(startMs), ...(endMs === undefined ? {} : { endDate: at(endMs) }) }, ...extra };
}

describe('orderTaskRuns', () => {
  it('puts children right after their parent and orders siblings by start time', () => {
    const runs = [
      run('b', 'second', 500, 600, 'SUCCESS'),
      run('c2', 'child', 300, 400, 'SUCCESS', { parentTaskRunId: 'a', value: '2' }),
      run('a', 'each', 100, 450, 'SUCCESS'),
      run('c1', 'child', 200, 300, 'SUCCESS', { parentTaskRunId: 'a', value: '1' }),
    ];
    expect(orderTaskRuns(runs).map((r) => [r.taskRun.id, r.depth])).toEqual([
      ['a', 0],
      ['c1', 1],
      ['c2', 1],
      ['b', 0],
    ]);
  });

  it('shows a task run whose parent is not in the list as a root', () => {
    expect(orderTaskRuns([run('x', 't', 0, 1, 'SUCCESS', { parentTaskRunId: 'gone' })]).map((r) => r.depth)).toEqual([0]);
  });
});

describe('ganttLayout', () => {
  it('places one bar per attempt as fractions of the execution span', () => {
    const retried = run('a', 'flaky', 0, 1_000, 'SUCCESS', {
      attempts: [
        { state: { current: 'FAILED', startDate: at(0), endDate: at(400) } },
        { state: { current: 'SUCCESS', startDate: at(500), endDate: at(1_000) } },
      ],
    });
    const layout = ganttLayout([retried], T0 + 5_000, { current: 'SUCCESS', startDate: at(0), endDate: at(2_000) });
    expect(layout.endMs - layout.startMs).toBe(2_000);
    const bars = layout.rows[0]!.bars;
    expect(bars.map((b) => [b.attempt, b.state, b.left, b.width])).toEqual([
      [1, 'FAILED', 0, 0.2],
      [2, 'SUCCESS', 0.25, 0.25],
    ]);
    expect(bars.every((b) => !b.live)).toBe(true);
  });

  it('grows a running task run up to now and marks it live', () => {
    const layout = ganttLayout([run('a', 'sleep', 1_000, undefined, 'RUNNING')], T0 + 3_000, { current: 'RUNNING', startDate: at(0) });
    const bar = layout.rows[0]!.bars[0]!;
    expect(layout.endMs).toBe(T0 + 3_000);
    expect(bar.live).toBe(true);
    expect(bar.attempt).toBe(0);
    expect(bar.left).toBeCloseTo(1 / 3);
    expect(bar.width).toBeCloseTo(2 / 3);
  });

  it('keeps the loop value of ForEach iterations on their rows', () => {
    const layout = ganttLayout(
      [run('p', 'each', 0, 10, 'SUCCESS'), run('i1', 'body', 1, 5, 'SUCCESS', { parentTaskRunId: 'p', value: 'alpha' })],
      T0 + 10,
    );
    expect(layout.rows.map((r) => [r.taskId, r.value, r.depth])).toEqual([
      ['each', undefined, 0],
      ['body', 'alpha', 1],
    ]);
  });

  it('has a non-empty span even without task runs', () => {
    const layout = ganttLayout([], T0);
    expect(layout.rows).toEqual([]);
    expect(layout.endMs).toBeGreaterThan(layout.startMs);
  });
});

describe('timeTicks', () => {
  it('picks a round step with at most maxTicks intervals', () => {
    expect(timeTicks(10_000, 5).map((t) => t.offsetMs)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000]);
    expect(timeTicks(90_000, 8).map((t) => t.offsetMs)).toEqual([0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000]);
  });

  it('gives fractions of the duration', () => {
    expect(timeTicks(1_000, 4).map((t) => t.fraction)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe('formatOffset', () => {
  it.each([
    [0, '0'],
    [250, '250ms'],
    [1_500, '1.5s'],
    [2_000, '2s'],
    [150_000, '2m 30s'],
    [3_900_000, '1h 5m'],
  ])('%d ms is %s', (ms, text) => expect(formatOffset(ms)).toBe(text));
});
