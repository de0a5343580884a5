import type { LogRepository } from '@osprey/repository';
import type { Logger } from '@osprey/server';
import type { LogEntry } from '@osprey/flow-model';

const FLUSH_MS = 100;
const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
const MAX_BATCH = 500;

/** Collects task logs and appends them in batches, so that a chatty task costs one write per batch. */
export class LogBuffer {
  private entries: LogEntry[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly logs: LogRepository, private readonly logger: Logger) {}

  add(entry: LogEntry): void {
    this.entries.push(entry);
    // Task logs also reach the service log, so `kubectl logs` shows them with their ids.
    const level = LEVELS[entry.level];
    this.logger[level]({ executionId: entry.executionId, taskRunId: entry.taskRunId, taskId: entry.taskId }, entry.message);
    if (this.entries.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.entries;
    this.entries = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.logs.append(batch).catch((error) => this.logger.error({ err: error, lost: batch.length }, 'writing task logs failed')),
    );
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
