import type { LogLevel } from './task-log-level.js';

/** One log line of an execution, a task run or a trigger, as tasks emit it and the repository stores it. */
export interface LogEntry {
  namespace: string;
  flowId: string;
  executionId: string;
  taskId?: string;
  taskRunId?: string;
  attemptNumber?: number;
  triggerId?: string;
  timestamp: string;
  level: LogLevel;
  message: string;
  thread?: string;
}
