import { setImmediate as nextTurn, setTimeout as wait } from 'node:timers/promises';
import { ConditionWindowConflictError, VersionConflictError, type ClaimedEvent, type ExecutionEventQueue } from '@osprey/queue';
import type { Logger } from '@osprey/server';
import { ifAborted, runConsumerLoop } from './consumer-loop.js';
import { inParallel } from './in-parallel.js';
import { QueueContext, type QueueConsumer, type QueueDispatch } from './queue-context.js';
import { EXECUTION_EVENTS_PATTERN } from './queue-patterns.js';

/** What an `EXECUTION_EVENTS_PATTERN` handler receives: the claimed events of one execution, in `seq` order. */
export interface ExecutionEventsMessage {
  executionId: string;
  events: ClaimedEvent[];
}

export interface ExecutionEventsConsumerOptions {
  /** The claims' owner: the executor commits and acknowledges under the same id. */
  consumerId: string;
  batchSize: number;
  leaseMs: number;
  /** Executions of one claimed batch handled at the same time (EXECUTOR_IN_FLIGHT; Kafka: 1). */
  inFlight?: number;
  /** Longest wait for new events before claiming again, should a wake-up be missed (executor.idleWaitMs). */
  idleWaitMs?: number;
  /** Wait after a failed claim before claiming again (executor.retryMs). */
  retryMs?: number;
  /** Pause after a batch in which a handler failed (not a conflict), so a failing store is not hammered. */
  failedBatchPauseMs?: number;
}

const EXECUTIONS_IN_FLIGHT = 16;
const IDLE_WAIT_MS = 1000;
const RETRY_MS = 1000;
const FAILED_BATCH_PAUSE_MS = 200;

/**
 * Claims execution events in batches, groups them by execution and delivers each execution's events to the handler,
 * executions side by side up to `inFlight`. A handler that fails has its execution's claims released (they are
 * claimed again at once), and a batch with a failure other than a version conflict is followed by a short pause.
 */
export class ExecutionEventsConsumer implements QueueConsumer {
  private readonly abort = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly events: ExecutionEventQueue,
    private readonly logger: Logger,
    private readonly options: ExecutionEventsConsumerOptions,
  ) {}

  start(dispatch: QueueDispatch): void {
    this.loop ??= this.run(dispatch);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(dispatch: QueueDispatch): Promise<void> {
    const signal = this.abort.signal;
    const { consumerId, batchSize, leaseMs } = this.options;
    this.logger.info({ executorId: consumerId }, 'executor started');
    await runConsumerLoop(signal, {
      take: () => this.events.claim(consumerId, batchSize, leaseMs),
      waitForMore: () => this.events.waitForEvents(this.options.idleWaitMs ?? IDLE_WAIT_MS, signal),
      handle: (claimed) => this.dispatchBatch(dispatch, claimed, signal),
      onTakeFailed: (error) => this.logger.error({ err: error }, 'claiming execution events failed; retrying'),
      retryMs: this.options.retryMs ?? RETRY_MS,
    });
    this.logger.info({ executorId: consumerId }, 'executor stopped');
  }

  private async dispatchBatch(dispatch: QueueDispatch, claimed: ClaimedEvent[], signal: AbortSignal): Promise<void> {
    const { consumerId, leaseMs } = this.options;
    const byExecution = new Map<string, ClaimedEvent[]>();
    for (const event of claimed) {
      const list = byExecution.get(event.executionId) ?? [];
      list.push(event);
      byExecution.set(event.executionId, list);
    }
    // Executions are independent (each one's events are claimed by this consumer alone), so their handlers overlap:
    // a backend whose commit is a network round trip is not paid once per execution in a row.
    let failed = false;
    await inParallel([...byExecution], this.options.inFlight ?? EXECUTIONS_IN_FLIGHT, async ([executionId, events]) => {
      const message: ExecutionEventsMessage = { executionId, events };
      try {
        await dispatch(EXECUTION_EVENTS_PATTERN, message, new QueueContext(EXECUTION_EVENTS_PATTERN, { executionId, events: events.length }));
      } catch (error) {
        // Unreleased, the events stay claimed by this executor until the lease ends: the execution waits that long.
        await this.events.release(consumerId, [executionId]).catch((releaseError: unknown) =>
          this.logger.error({ err: releaseError, executionId, leaseMs }, 'releasing claimed events failed; they are claimed again when the lease ends'),
        );
        if (!isConflict(error)) failed = true;
      }
    });
    if (failed) await wait(this.options.failedBatchPauseMs ?? FAILED_BATCH_PAUSE_MS, undefined, { signal }).catch(ifAborted);
    // The batch's commits woke other consumers of this process (a worker taking the job just dispatched, whose handler
    // reports taskStarted at once). Their handlers start behind Nest's pipeline, dozens of promise turns later: claiming
    // before they ran finds nothing and pays an empty claim, a wait and a wake-up per task, so let them run first.
    await nextTurn();
  }
}

/** The execution changed elsewhere: deciding again from the stored state is the normal answer, not a failure. */
export function isConflict(error: unknown): boolean {
  return error instanceof VersionConflictError || error instanceof ConditionWindowConflictError;
}
