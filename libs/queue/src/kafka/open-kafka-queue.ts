import type { Closable } from '../ports.js';
import { KafkaBroadcastQueue } from './kafka-broadcast-queue.js';
import { KafkaConnection, type KafkaQueueOptions } from './kafka-connection.js';
import { KafkaExecutionEventQueue, type KafkaExecutionEventQueueOptions } from './kafka-execution-event-queue.js';
import { KafkaExecutorStore } from './kafka-executor-store.js';
import { KafkaFlowTable } from './kafka-flow-table.js';
import { KafkaLogSink } from './kafka-log-sink.js';
import { KafkaWorkerJobQueue, type KafkaWorkerJobQueueSettings } from './kafka-worker-job-queue.js';
import { KafkaWorkerJobWriter } from './kafka-worker-job-writer.js';

export interface OpenKafkaQueueOptions extends KafkaQueueOptions {
  events?: KafkaExecutionEventQueueOptions;
  jobs?: KafkaWorkerJobQueueSettings;
  /** Receives exceptions thrown by broadcast handlers (default: `onError`). */
  onBroadcastHandlerError?: (error: unknown) => void;
}

/** The four queue ports on Kafka, plus the log sink; one client per process. */
export interface KafkaQueue extends Closable {
  events: KafkaExecutionEventQueue;
  jobs: KafkaWorkerJobQueue;
  broadcast: KafkaBroadcastQueue;
  store: KafkaExecutorStore;
  logs: KafkaLogSink;
  /** Flow revisions for executors; read only once `flows.start()` is called (processes that run an executor). */
  flows: KafkaFlowTable;
  connection: KafkaConnection;
}

/**
 * Opens the Kafka queue: creates the topics when absent and joins its own broadcast group. The executor group
 * (this process's share of the executions) is joined by the first claim, the workers' group by the first take.
 */
export async function openKafkaQueue(options: OpenKafkaQueueOptions): Promise<KafkaQueue> {
  const connection = await KafkaConnection.open(options);
  const started: Closable[] = [];
  try {
    const { topicPrefix, instanceId } = connection.options;
    const producer = await connection.producer();
    const jobs = await KafkaWorkerJobQueue.start(connection, options.jobs);
    started.push(jobs);
    const events = new KafkaExecutionEventQueue(connection, producer, options.events);
    started.push(events);
    const transactional = await connection.transactionalProducer(`${topicPrefix}.executor.${instanceId}`);
    const writer = new KafkaWorkerJobWriter(transactional, events.groupId);
    const broadcast = new KafkaBroadcastQueue(connection, producer, options.onBroadcastHandlerError);
    started.push(broadcast);
    // The executor group is joined by the first claim: only processes that run an executor consume events.
    await broadcast.start();
    const store = new KafkaExecutorStore(connection, events, writer, (taskRunIds) => jobs.cancel(taskRunIds), jobs);
    jobs.onEventsWritten = (records) => events.noteWritten(records);
    const flows = new KafkaFlowTable(connection, producer);
    let closing: Promise<void> | undefined;
    return {
      connection,
      events,
      jobs,
      broadcast,
      store,
      logs: new KafkaLogSink(connection, producer),
      flows,
      close: () => {
        closing ??= (async () => {
          // Jobs first: its close gives back what this process's workers hold.
          await closeAll([jobs]);
          await writer.idle();
          await closeAll([events, broadcast, flows]);
          await connection.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeAll(started.reverse());
    await connection.close();
    throw error;
  }
}

async function closeAll(parts: Closable[]): Promise<void> {
  const results = await Promise.allSettled(parts.map((part) => part.close()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
