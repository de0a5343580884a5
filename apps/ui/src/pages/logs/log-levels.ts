/** Log levels in Kestra's order, and the filtering the log viewer applies on the lines it already holds. */

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogLine {
  timestamp: string;
  level: string;
  message: string;
  taskId?: string;
  taskRunId?: string;
  attemptNumber?: number;
}

export function levelRank(level: string): number {
  const rank = LOG_LEVELS.indexOf(level as LogLevel);
  return rank === -1 ? LOG_LEVELS.indexOf('INFO') : rank;
}

export function isAtLeast(level: string, minLevel: string): boolean {
  return levelRank(level) >= levelRank(minLevel);
}

export interface LogFilter {
  minLevel?: string;
  /** Case-insensitive text in the message or task id. */
  text?: string;
  taskRunId?: string;
}

export function filterLogLines<T extends LogLine>(lines: readonly T[], filter: LogFilter): T[] {
  const text = filter.text?.trim().toLowerCase();
  return lines.filter(
    (line) =>
      (!filter.minLevel || isAtLeast(line.level, filter.minLevel)) &&
      (!filter.taskRunId || line.taskRunId === filter.taskRunId) &&
      (!text || line.message.toLowerCase().includes(text) || (line.taskId ?? '').toLowerCase().includes(text)),
  );
}

/** How many lines of each level, for the level filter's counters. */
export function countByLevel(lines: readonly LogLine[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) counts[line.level] = (counts[line.level] ?? 0) + 1;
  return counts;
}
