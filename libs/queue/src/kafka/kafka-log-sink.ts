import type { Producer } from 'kafkajs';
import type { KafkaConnection } from './kafka-connection.js';
import type { LogEntry } from '@osprey/flow-model';

/**
 * Task and execution logs in Kafka mode: appended to `<prefix>.logs` (key: execution id, so one execution's
 * lines keep their order) and written to the search server by the indexer, so a search-server outage loses none.
 */
export class KafkaLogSink {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly producer: Producer,
  ) {}

  async append(entries: LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.producer.send({
      topic: this.connection.topics.logs,
      acks: -1,
      messages: entries.map((entry) => ({ key: entry.executionId, value: JSON.stringify(entry) })),
    });
  }
}
