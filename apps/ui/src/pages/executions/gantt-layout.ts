/**
 * Geometry of the execution Gantt: one row per task run (children under their parent, siblings by start
 * time), one bar per attempt, positions as fractions of the execution's time span so the view can scale freely.
 */

export interface GanttState {
  current: string;
  startDate: string;
  endDate?: string;
}

export interface GanttTaskRun {
  id: string;
  taskId: string;
  parentTaskRunId?: string;
  value?: string;
  iteration?: number;
  state: GanttState;
  attempts?: { state: GanttState }[];
}

export interface GanttBar {
  /** Attempt number from 1; 0 for a task run without attempts (flowables). */
  attempt: number;
  state: string;
  /** Still running: the bar grows with the clock. */
  live: boolean;
  startMs: number;
  endMs: number;
  /** Fractions of the whole span, 0..1. */
  left: number;
  width: number;
}

export interface GanttRow {
  taskRunId: string;
  taskId: string;
  value?: string;
  depth: number;
  state: string;
  startMs: number;
  endMs: number;
  bars: GanttBar[];
}

export interface GanttLayout {
  startMs: number;
  endMs: number;
  rows: GanttRow[];
}

const ENDED = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'RETRIED']);

export function isEndedState(state: string): boolean {
  return ENDED.has(state);
}

/** End of a state span: its end date, or now while it is not over. */
function spanEnd(state: GanttState, startMs: number, nowMs: number): number {
  if (state.endDate) return Math.max(startMs, Date.parse(state.endDate));
  return isEndedState(state.current) ? startMs : Math.max(startMs, nowMs);
}

/** Task runs in tree order: each parent followed by its children, siblings ordered by start time. */
export function orderTaskRuns<T extends GanttTaskRun>(taskRuns: readonly T[]): { taskRun: T; depth: number }[] {
  const ids = new Set(taskRuns.map((t) => t.id));
  const children = new Map<string | undefined, T[]>();
  for (const run of taskRuns) {
    // A parent missing from the list (filtered out) makes its children roots rather than hiding them.
    const parent = run.parentTaskRunId && ids.has(run.parentTaskRunId) ? run.parentTaskRunId : undefined;
    const list = children.get(parent) ?? [];
    list.push(run);
    children.set(parent, list);
  }
  const ordered: { taskRun: T; depth: number }[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => Date.parse(a.state.startDate) - Date.parse(b.state.startDate));
    for (const run of list) {
      ordered.push({ taskRun: run, depth });
      visit(run.id, depth + 1);
    }
  };
  visit(undefined, 0);
  return ordered;
}

export function ganttLayout(taskRuns: readonly GanttTaskRun[], nowMs: number, span?: { startDate: string; endDate?: string; current: string }): GanttLayout {
  const ordered = orderTaskRuns(taskRuns);
  const rows: Omit<GanttRow, 'bars'>[] = [];
  const barSpans: Omit<GanttBar, 'left' | 'width'>[][] = [];
  for (const { taskRun, depth } of ordered) {
    const startMs = Date.parse(taskRun.state.startDate);
    const endMs = spanEnd(taskRun.state, startMs, nowMs);
    rows.push({ taskRunId: taskRun.id, taskId: taskRun.taskId, value: taskRun.value, depth, state: taskRun.state.current, startMs, endMs });
    const attempts = taskRun.attempts ?? [];
    barSpans.push(
      attempts.length === 0
        ? [{ attempt: 0, state: taskRun.state.current, live: !isEndedState(taskRun.state.current), startMs, endMs }]
        : attempts.map((a, i) => {
            const s = Date.parse(a.state.startDate);
            return { attempt: i + 1, state: a.state.current, live: !isEndedState(a.state.current), startMs: s, endMs: spanEnd(a.state, s, nowMs) };
          }),
    );
  }
  let startMs = span ? Date.parse(span.startDate) : Math.min(...rows.map((r) => r.startMs));
  let endMs = span ? spanEnd(span as GanttState, startMs, nowMs) : Math.max(...rows.map((r) => r.endMs));
  for (const b of barSpans.flat()) {
    startMs = Math.min(startMs, b.startMs);
    endMs = Math.max(endMs, b.endMs);
  }
  if (!Number.isFinite(startMs)) startMs = nowMs;
  if (!Number.isFinite(endMs) || endMs <= startMs) endMs = startMs + 1;
  const total = endMs - startMs;
  return {
    startMs,
    endMs,
    rows: rows.map((row, i) => ({
      ...row,
      bars: barSpans[i]!.map((b) => ({ ...b, left: (b.startMs - startMs) / total, width: (b.endMs - b.startMs) / total })),
    })),
  };
}

const STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Axis ticks as offsets from the start: the smallest round step giving at most `maxTicks` intervals. */
export function timeTicks(durationMs: number, maxTicks = 8): { offsetMs: number; fraction: number }[] {
  if (durationMs <= 0) return [{ offsetMs: 0, fraction: 0 }];
  const step = STEPS_MS.find((s) => durationMs / s <= maxTicks) ?? Math.ceil(durationMs / maxTicks / 86_400_000) * 86_400_000;
  const ticks: { offsetMs: number; fraction: number }[] = [];
  for (let offset = 0; offset <= durationMs + 1e-9; offset += step) ticks.push({ offsetMs: offset, fraction: offset / durationMs });
  return ticks;
}

/** Short offset label for the axis: 0, 250ms, 1.5s, 2m 30s, 1h 5m. */
export function formatOffset(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(ms % 1_000 === 0 ? 0 : 1))}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1_000);
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return s > 0 ? `${m}m ${s}s` : `${m}m`;
}
