import type { StoredConditionWindow } from '@osprey/flow-model';
import type { Message } from 'kafkajs';
import { kafkaPartitionOf } from './kafka-partitioner.js';

/**
 * The value of a `condition-windows` record, key the triggered flow's window inbox key (`conditionWindowInboxKey`),
 * in that key's partition: the flow's precondition windows, which only the owner of the partition changes.
 */
export interface FlowConditionWindowsRecord {
  /** Grows with each commit: a record read after a newer one was committed here (a lagging read) is ignored. */
  revision: number;
  /** By condition id (the trigger's id and its precondition's id). */
  windows: Record<string, StoredConditionWindow>;
  /**
   * Offsets of the key's `preconditionResult` events already consumed but still at or above the committed offset of
   * their partition: after a restart they are redelivered and skipped, as an execution's are.
   */
  consumedOffsets: number[];
}

/** A record of the flow's windows; never a tombstone, whose late read could not be told from a newer state. */
export function conditionWindowsMessage(key: string, record: FlowConditionWindowsRecord, partitions: number): Message {
  return { key, value: JSON.stringify(record), partition: kafkaPartitionOf(key, partitions) };
}

export function decodeConditionWindows(value: Buffer | null): FlowConditionWindowsRecord | undefined {
  return value ? (JSON.parse(value.toString('utf8')) as FlowConditionWindowsRecord) : undefined;
}
