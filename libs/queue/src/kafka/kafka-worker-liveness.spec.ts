import { queueTestJob } from '../testing/queue-fixtures.js';
import type { KafkaHeartbeatRecord, KafkaLeaseRecord } from './kafka-worker-job-records.js';
import { leaseDeadline } from './kafka-worker-liveness.js';

function lease(workerId: string, jobId: string, leaseUntil: number): KafkaLeaseRecord {
  const job = { ...queueTestJob('e1', jobId.split(':')[0]!), id: jobId };
  return { kind: 'lease', jobId, workerId, instanceId: 'p1', job, deliveries: 1, leaseUntil };
}

function heartbeats(...records: KafkaHeartbeatRecord[]) {
  return { heartbeats: new Map(records.map((record) => [record.workerId, record])) };
}

describe('leaseDeadline', () => {
  it('is the lease deadline when the worker never renewed', () => {
    expect(leaseDeadline(lease('w1', 'tr1:1', 1000), heartbeats())).toBe(1000);
  });

  it('is extended by a heartbeat of the same worker that lists the job', () => {
    const renewed = heartbeats({ workerId: 'w1', instanceId: 'p1', jobIds: ['tr1:1'], until: 5000 });
    expect(leaseDeadline(lease('w1', 'tr1:1', 1000), renewed)).toBe(5000);
  });

  it('is not extended by a heartbeat that does not list the job (a restarted worker reusing the id)', () => {
    const restarted = heartbeats({ workerId: 'w1', instanceId: 'p2', jobIds: ['tr2:1'], until: 5000 });
    expect(leaseDeadline(lease('w1', 'tr1:1', 1000), restarted)).toBe(1000);
  });

  it('is not extended by another worker’s heartbeat, nor shortened by an old one', () => {
    const other = heartbeats({ workerId: 'w2', instanceId: 'p1', jobIds: ['tr1:1'], until: 5000 });
    expect(leaseDeadline(lease('w1', 'tr1:1', 1000), other)).toBe(1000);
    const old = heartbeats({ workerId: 'w1', instanceId: 'p1', jobIds: ['tr1:1'], until: 500 });
    expect(leaseDeadline(lease('w1', 'tr1:1', 1000), old)).toBe(1000);
  });
});
