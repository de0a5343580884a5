import type { LogEntry } from '@osprey/flow-model';
import type { LogRepository } from '@osprey/repository';

/** One entry of `errorLogs()`: Kestra's fields of a log line. */
export interface ErrorLogEntry {
  taskId?: string;
  taskRunId?: string;
  level: string;
  message: string;
  timestamp: string;
}

const MAX_ERROR_LOGS = 1000;

function entry(log: LogEntry): ErrorLogEntry {
  return { taskId: log.taskId, taskRunId: log.taskRunId, level: log.level, message: log.message, timestamp: log.timestamp };
}

/** The execution's ERROR logs for `errorLogs()`: the stored ones, then `unstored` ones not written yet. */
export async function errorLogEntries(logs: LogRepository, executionId: string, unstored: readonly LogEntry[] = []): Promise<ErrorLogEntry[]> {
  const page = await logs.search({ executionId, minLevel: 'ERROR', size: MAX_ERROR_LOGS });
  const pending = unstored.filter((l) => l.executionId === executionId && l.level === 'ERROR');
  return [...page.results, ...pending].map(entry);
}
