/** The stacked bar chart of executions per day and state: segment heights, a round y scale, totals per state. */

export interface DailyStat {
  startDate: string;
  executionCounts: Record<string, number>;
  total: number;
}

/** Stacking order, bottom first: successes at the base, failures stacked on top where the eye lands. */
export const STATE_ORDER = ['SUCCESS', 'WARNING', 'SKIPPED', 'RUNNING', 'CREATED', 'QUEUED', 'PAUSED', 'RESTARTED', 'RETRYING', 'KILLING', 'BREAKPOINT', 'RETRIED', 'CANCELLED', 'KILLED', 'FAILED'];

export interface ChartSegment {
  state: string;
  count: number;
  /** Bottom and top of the segment in counts (0..yMax). */
  from: number;
  to: number;
}

export interface ChartDay {
  date: string;
  total: number;
  segments: ChartSegment[];
}

export interface DailyChartModel {
  days: ChartDay[];
  yMax: number;
  yTicks: number[];
  /** States with at least one execution in the range, in stacking order, with their totals. */
  totals: { state: string; count: number }[];
  total: number;
}

/** The smallest 1, 2 or 5 × 10^n at or above `value` (at least 1). */
export function niceCeil(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= value) return m * magnitude;
  return 10 * magnitude;
}

function orderOf(state: string): number {
  const i = STATE_ORDER.indexOf(state);
  return i === -1 ? STATE_ORDER.length : i;
}

export function dailyChartModel(stats: readonly DailyStat[]): DailyChartModel {
  const totals = new Map<string, number>();
  for (const day of stats) for (const [state, count] of Object.entries(day.executionCounts)) if (count > 0) totals.set(state, (totals.get(state) ?? 0) + count);
  const states = [...totals.keys()].sort((a, b) => orderOf(a) - orderOf(b) || a.localeCompare(b));
  const days = stats.map((day) => {
    let from = 0;
    const segments: ChartSegment[] = [];
    for (const state of states) {
      const count = day.executionCounts[state] ?? 0;
      if (count <= 0) continue;
      segments.push({ state, count, from, to: from + count });
      from += count;
    }
    return { date: day.startDate, total: from, segments };
  });
  const yMax = niceCeil(Math.max(0, ...days.map((d) => d.total)));
  const step = yMax <= 4 ? 1 : niceCeil(yMax / 5);
  const yTicks: number[] = [];
  for (let y = 0; y <= yMax; y += step) yTicks.push(y);
  return {
    days,
    yMax,
    yTicks,
    totals: states.map((state) => ({ state, count: totals.get(state)! })),
    total: days.reduce((sum, d) => sum + d.total, 0),
  };
}
