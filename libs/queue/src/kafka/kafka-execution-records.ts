import type { Execution, ExecutionEvent, ExecutionEventEnvelope } from '@osprey/flow-model';
import type { Message } from 'kafkajs';
import { kafkaPartitionOf } from './kafka-partitioner.js';

/** The value of an `execution-events` record (key: execution id). */
export interface ExecutionEventRecord {
  event: ExecutionEvent;
  execution?: Execution;
  /** Epoch millis before which the event is not handed out; absent means now. */
  deliverAt?: number;
}

/** The value of an `executions` record (key: execution id): the executor's state, the whole execution. */
export interface ExecutionStateRecord {
  execution: Execution;
  /**
   * Offsets of this execution's events already consumed but still at or above the committed offset of their
   * partition (an older delayed event holds it back): after a restart they are redelivered and skipped.
   */
  consumedOffsets: number[];
}

/**
 * An `execution-events` record, in the partition of its execution, set explicitly so the writer learns each
 * record's offset. Used by the executor store and by job completion (the worker's results).
 */
export function executionEventMessage(envelope: ExecutionEventEnvelope, partitions: number): Message {
  const record: ExecutionEventRecord = { event: envelope.event };
  if (envelope.execution) record.execution = envelope.execution;
  if (envelope.deliverAt) {
    const at = Date.parse(envelope.deliverAt);
    if (!Number.isNaN(at)) record.deliverAt = at;
  }
  return { key: envelope.executionId, value: JSON.stringify(record), partition: kafkaPartitionOf(envelope.executionId, partitions) };
}

export function executionStateMessage(state: ExecutionStateRecord, partitions: number): Message {
  return { key: state.execution.id, value: JSON.stringify(state), partition: kafkaPartitionOf(state.execution.id, partitions) };
}

export function decodeExecutionEvent(value: Buffer | null): ExecutionEventRecord | undefined {
  return value ? (JSON.parse(value.toString('utf8')) as ExecutionEventRecord) : undefined;
}

export function decodeExecutionState(value: Buffer | null): ExecutionStateRecord | undefined {
  return value ? (JSON.parse(value.toString('utf8')) as ExecutionStateRecord) : undefined;
}
