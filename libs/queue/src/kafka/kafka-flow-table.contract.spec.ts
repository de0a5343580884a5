/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import type { Flow, StoredFlow } from '@osprey/flow-model';
import { KafkaConnection } from './kafka-connection.js';
import { KafkaFlowTable } from './kafka-flow-table.js';
import { deleteTestTopics, testBrokers } from './kafka-test-broker.fixture.js';

function stored(id: string, revision: number, extra: Partial<StoredFlow> = {}): StoredFlow {
  const flow = { id, namespace: 'company.team', revision, tasks: [], triggers: [], inputs: [], labels: [], variables: {} } as unknown as Flow;
  return { namespace: 'company.team', id, revision, source: `id: ${id} # ${revision}`, disabled: false, deleted: false, updated: '2024-05-01T10:00:00.000Z', flow, ...extra };
}

describe('KafkaFlowTable', () => {
  const prefix = `flows-${randomUUID().slice(0, 8)}`;
  const connections: KafkaConnection[] = [];
  const open = async (): Promise<KafkaFlowTable> => {
    const connection = await KafkaConnection.open({ brokers: testBrokers(), topicPrefix: prefix, instanceId: randomUUID(), onError: () => undefined });
    connections.push(connection);
    return new KafkaFlowTable(connection, await connection.producer());
  };

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    await deleteTestTopics(prefix);
  }, 60_000);

  it('reads every revision written before it started, follows later writes, and hides deleted flows from latest reads', async () => {
    const writer = await open();
    await writer.publish(stored('a', 1));
    await writer.publish(stored('a', 2));
    await writer.publish(stored('b', 1));

    const reader = await open();
    await reader.start();
    expect(reader.get('company.team', 'a')?.revision).toBe(2);
    expect(reader.get('company.team', 'a', 1)?.source).toBe('id: a # 1');
    expect(reader.list().map((flow) => `${flow.id}@${flow.revision}`).sort()).toEqual(['a@2', 'b@1']);

    const before = reader.version;
    await writer.publish({ ...stored('b', 1), deleted: true });
    await writer.publish(stored('c', 1));
    expect(await reader.catchUp(30_000)).toBe(true);
    expect(reader.version).toBeGreaterThan(before);
    expect(reader.get('company.team', 'b')).toBeUndefined();
    // An execution of a deleted flow still reads its revision.
    expect(reader.get('company.team', 'b', 1)).toMatchObject({ revision: 1, deleted: false });
    expect(reader.has('company.team', 'b')).toBe(true);
    expect(reader.list().map((flow) => `${flow.id}@${flow.revision}`).sort()).toEqual(['a@2', 'c@1']);
    await reader.close();
  }, 120_000);
});
