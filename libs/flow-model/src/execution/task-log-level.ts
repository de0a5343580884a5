/** Log levels from the lowest to the highest, as Kestra's (SLF4J's) `Level`. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A task's `logLevel` (matched regardless of case, as validation does), or undefined when it sets none. */
export function taskLogLevel(task: Readonly<Record<string, unknown>>): LogLevel | undefined {
  const level = typeof task['logLevel'] === 'string' ? task['logLevel'].toUpperCase() : undefined;
  return LOG_LEVELS.find((known) => known === level);
}

/** Whether a log line at `level` is recorded for a task whose `logLevel` is `minimum`: lines below it are not. */
export function isLogRecorded(level: LogLevel, minimum: LogLevel | undefined): boolean {
  return minimum === undefined || LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(minimum);
}
