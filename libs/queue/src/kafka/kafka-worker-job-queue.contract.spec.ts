import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import type { ClaimedEvent, Closable, ExecutionEventQueue } from '../ports.js';
import { eventually, queueTestJob, sleep } from '../testing/queue-fixtures.js';
import { workerJobQueueContract } from '../testing/worker-job-queue.contract.js';
import { KafkaConnection } from './kafka-connection.js';
import { decodeExecutionEvent } from './kafka-execution-records.js';
import { workerJobMessage } from './kafka-worker-job-records.js';
import { openKafkaWorkerJobQueue, type KafkaWorkerJobQueue } from './kafka-worker-job-queue.js';
import { deleteTestTopics, testBrokers } from './kafka-test-broker.fixture.js';

jest.setTimeout(90_000);

/** A worker process that takes one job, renews its lease until it is killed, and says what it took. */
const DOOMED_WORKER = `
const [moduleUrl, brokers, topicPrefix] = process.argv.slice(1);
const { openKafkaWorkerJobQueue } = await import(moduleUrl);
const queue = await openKafkaWorkerJobQueue({ brokers: brokers.split(','), topicPrefix, instanceId: 'doomed', partitions: 4,
  sessionTimeoutMs: 6000, heartbeatIntervalMs: 300, onError: () => undefined, liveness: { intervalMs: 25 } });
let leases = [];
while (leases.length === 0) {
  leases = await queue.take('doomed', 10, 1000);
  if (leases.length === 0) await queue.waitForJobs(500);
}
setInterval(() => void queue.renew('doomed', leases.map((lease) => lease.job.id), 1000), 250);
process.stdout.write(JSON.stringify(leases.map((lease) => [lease.job.id, lease.deliveries])) + '\\n');
`;

type TestQueue = KafkaWorkerJobQueue;

/** Test settings: fast group joins and monitor sweeps (the contract's leases last 200 ms). */
function open(topicPrefix: string, instanceId: string = randomUUID()): Promise<TestQueue> {
  return openKafkaWorkerJobQueue({
    brokers: testBrokers(),
    topicPrefix,
    instanceId,
    partitions: 4,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 300,
    // kafkajs logs retried responses (a new transaction while the last one's markers are written) as errors.
    onError: () => undefined,
    liveness: { intervalMs: 25 },
  });
}


/**
 * The results the queue emitted, read straight from `execution-events` (committed records only). Claims hand out
 * each record once; this stands in for the executor's queue, which the contract needs only for `claim`.
 */
class ExecutionEventsReader implements ExecutionEventQueue {
  private readonly seen = new Set<string>();
  constructor(private readonly connection: KafkaConnection) {}

  /** Transaction markers are written just after a commit returns: a result may need a moment to become readable. */
  async claim(): Promise<ClaimedEvent[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const claimed = await this.readNew();
      if (claimed.length > 0 || Date.now() > deadline) return claimed;
      await sleep(50);
    }
  }

  private async readNew(): Promise<ClaimedEvent[]> {
    const { kafka, topics } = this.connection;
    const admin = await this.connection.admin();
    const ends = (await admin.fetchTopicOffsets(topics.executionEvents)).filter((end) => Number(end.high) > Number(end.low));
    if (ends.length === 0) return [];
    const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100, heartbeatInterval: 300 });
    const claimed: ClaimedEvent[] = [];
    const positions = new Map<number, number>();
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.executionEvents], fromBeginning: true });
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => positions.set(payload.partition, Number(payload.lastOffset) + 1));
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const id = `${partition}/${message.offset}`;
          if (this.seen.has(id) || !message.value) return;
          this.seen.add(id);
          const record = decodeExecutionEvent(message.value);
          if (record) claimed.push({ seq: Number(message.offset), executionId: String(message.key), event: record.event });
        },
      });
      await eventually(() => {
        for (const end of ends) expect(positions.get(end.partition) ?? 0).toBeGreaterThanOrEqual(Number(end.high));
      }, 30_000);
      return claimed;
    } finally {
      await consumer.disconnect();
    }
  }

  emit(): Promise<void> {
    throw new Error('not part of this test reader');
  }
  release(): Promise<void> {
    throw new Error('not part of this test reader');
  }
  waitForEvents(): Promise<void> {
    throw new Error('not part of this test reader');
  }
  depth(): Promise<number> {
    throw new Error('not part of this test reader');
  }
}

workerJobQueueContract('kafka', async (): Promise<{ jobs: TestQueue; events: ExecutionEventQueue } & Closable> => {
  const queue = await open(`t-${randomUUID().slice(0, 8)}`);
  const events = new ExecutionEventsReader(queue.connection);
  return {
    jobs: queue,
    events,
    close: async () => {
      await queue.close();
      await deleteTestTopics(queue.connection.options.topicPrefix);
    },
  };
}, { leaseMs: 1000 });

/**
 * Queues of several "processes" (instance ids) on one topic prefix per test; closes them and deletes the topics after
 * each test. Call inside a describe.
 */
function queuesOfOnePrefix() {
  let prefix: string;
  const opened: TestQueue[] = [];
  beforeEach(() => {
    prefix = `t-${randomUUID().slice(0, 8)}`;
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
    await deleteTestTopics(prefix);
  });
  return {
    open: async (instanceId: string): Promise<TestQueue> => {
      const queue = await open(prefix, instanceId);
      opened.push(queue);
      return queue;
    },
    /** This test's topic prefix. */
    prefix: () => prefix,
    /** A queue the test closed (or killed) itself: not closed again after the test. */
    forget: (queue: TestQueue) => void opened.splice(opened.indexOf(queue), 1),
  };
}

describe('Kafka worker jobs: liveness across processes', () => {
  const queues = queuesOfOnePrefix();
  const openQueue = queues.open;

  it('hands the job of a worker that stopped renewing to another process, with one more delivery', async () => {
    const a = await openQueue('a');
    const b = await openQueue('b');
    await a.publish([queueTestJob('e1', 'tr1')]);
    let first: Awaited<ReturnType<TestQueue['take']>> = [];
    await eventually(async () => {
      first = [...(await a.take('stuck', 1, 500)), ...(await b.take('stuck', 1, 500))];
      expect(first).toHaveLength(1);
    }, 20_000);
    expect(first[0]!.deliveries).toBe(1);
    // Nobody renews 'stuck': whichever process runs the monitor requeues the job once the 500 ms lease ran out.
    let again: Awaited<ReturnType<TestQueue['take']>> = [];
    await eventually(async () => {
      again = [...(await a.take('fresh', 1, 10_000)), ...(await b.take('fresh', 1, 10_000))];
      expect(again).toHaveLength(1);
    }, 20_000);
    expect(again[0]!.job.id).toBe('tr1:1');
    expect(again[0]!.deliveries).toBe(2);
    expect(await a.renew('stuck', ['tr1:1'], 500)).toEqual(['tr1:1']);
    expect(await a.renew('fresh', ['tr1:1'], 10_000)).toEqual([]);
  });

  it('keeps the jobs of a renewing worker in another process past their first deadline', async () => {
    const a = await openQueue('a');
    const b = await openQueue('b');
    await a.publish([queueTestJob('e1', 'tr1')]);
    let taker: TestQueue | undefined;
    await eventually(async () => {
      if ((await a.take('w', 1, 400)).length > 0) taker = a;
      else if ((await b.take('w', 1, 400)).length > 0) taker = b;
      expect(taker).toBeDefined();
    }, 20_000);
    for (let i = 0; i < 8; i++) {
      await sleep(150);
      expect(await taker!.renew('w', ['tr1:1'], 400)).toEqual([]);
    }
    expect(await a.depth()).toEqual({ pending: 0, running: 1 });
  });

  it('requeues the jobs of a process that died without closing, once its lease ran out', async () => {
    const a = await openQueue('a');
    await a.publish([queueTestJob('e1', 'tr1'), queueTestJob('e1', 'tr2'), queueTestJob('e1', 'tr3')]);
    const taken = await a.take('doomed', 10, 1000);
    expect(taken.map((lease) => lease.job.id).sort()).toEqual(['tr1:1', 'tr2:1', 'tr3:1']);
    const b = await openQueue('b');
    // `a` drops out the hard way for its jobs: its clients disconnect and nothing is given back or renewed.
    await a.connection.close();
    queues.forget(a);
    const seen: string[] = [];
    await eventually(async () => {
      for (const lease of await b.take('survivor', 10, 10_000)) {
        seen.push(lease.job.id);
        expect(lease.deliveries).toBe(2);
      }
      expect(seen.sort()).toEqual(['tr1:1', 'tr2:1', 'tr3:1']);
    }, 40_000);
    expect(await b.depth()).toEqual({ pending: 0, running: 3 });
  });

  it('requeues the jobs of a process killed with SIGKILL, once the groups notice it is gone', async () => {
    // The job is written before any queue joins, so the doomed process, alone in the groups at first, takes it.
    const setup = await KafkaConnection.open({ brokers: testBrokers(), topicPrefix: queues.prefix(), instanceId: 'setup', partitions: 4, onError: () => undefined });
    try {
      const producer = await setup.producer();
      await producer.send({ topic: setup.topics.workerJobs, messages: [workerJobMessage(queueTestJob('e1', 'tr1'))] });
    } finally {
      await setup.close();
    }
    const child = spawn(
      process.execPath,
      ['--import', fileURLToPath(new URL('../sqlite/cross-process/register-ts.mjs', import.meta.url)), '--input-type=module', '-e', DOOMED_WORKER,
        new URL('./kafka-worker-job-queue.ts', import.meta.url).href, testBrokers().join(','), queues.prefix()],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let output = '';
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const taken = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once('exit', (code) => reject(new Error(`the doomed worker exited early (${code}): ${output}`)));
      });
      expect(JSON.parse(taken)).toEqual([['tr1:1', 1]]);
      const b = await openQueue('b');
      // It keeps renewing while alive: nothing is handed out again before the kill.
      await sleep(1500);
      expect(await b.take('survivor', 10, 10_000)).toEqual([]);
      child.kill('SIGKILL');
      let again: Awaited<ReturnType<TestQueue['take']>> = [];
      await eventually(async () => {
        again = await b.take('survivor', 10, 10_000);
        expect(again).toHaveLength(1);
      }, 45_000);
      expect([again[0]!.job.id, again[0]!.deliveries]).toEqual(['tr1:1', 2]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('gives the jobs of a closing process back at once', async () => {
    const a = await openQueue('a');
    await a.publish([queueTestJob('e1', 'tr1')]);
    const [lease] = await a.take('leaving', 1, 60_000);
    expect(lease?.deliveries).toBe(1);
    const b = await openQueue('b');
    await a.close();
    queues.forget(a);
    let again: Awaited<ReturnType<TestQueue['take']>> = [];
    // The lease lasts a minute: getting the job well before that means the close handed it back.
    await eventually(async () => {
      again = await b.take('next', 1, 10_000);
      expect(again).toHaveLength(1);
    }, 20_000);
    expect(again[0]!.deliveries).toBe(2);
    expect(await b.depth()).toEqual({ pending: 0, running: 1 });
  });
});

describe('Kafka worker jobs: worker groups across processes', () => {
  const openQueue = queuesOfOnePrefix().open;

  it("hands a group's job written elsewhere only to the group's workers, and a dead group worker's job back to the group", async () => {
    const executor = await openQueue('executor');
    const plain = await openQueue('plain');
    const gpu = await openQueue('gpu');
    // The gpu worker joins its group before any job of it exists: its take creates the group's topic.
    expect(await gpu.take('g1', 10, 500, { workerGroup: 'gpu' })).toEqual([]);
    await executor.publish([{ ...queueTestJob('e1', 'gpu1'), workerGroup: 'gpu' }, queueTestJob('e1', 'p1')]);
    // The process that only writes jobs counts every group's.
    expect(await executor.depth()).toEqual({ pending: 2, running: 0 });
    let taken: Awaited<ReturnType<TestQueue['take']>> = [];
    await eventually(async () => {
      taken = [...taken, ...(await plain.take('w', 10, 10_000, { workerGroup: null }))];
      expect(taken).toHaveLength(1);
    }, 20_000);
    expect(taken[0]!.job.taskRun.id).toBe('p1');
    let first: Awaited<ReturnType<TestQueue['take']>> = [];
    await eventually(async () => {
      first = await gpu.take('g1', 10, 500, { workerGroup: 'gpu' });
      expect(first).toHaveLength(1);
    }, 20_000);
    expect([first[0]!.job.taskRun.id, first[0]!.deliveries]).toEqual(['gpu1', 1]);
    // g1 never renews: whichever process runs the monitor requeues the job, to the gpu topic, once the lease ran out.
    let again: Awaited<ReturnType<TestQueue['take']>> = [];
    await eventually(async () => {
      again = await gpu.take('g2', 10, 10_000, { workerGroup: 'gpu' });
      expect(again).toHaveLength(1);
    }, 20_000);
    expect([again[0]!.job.taskRun.id, again[0]!.deliveries]).toEqual(['gpu1', 2]);
    expect(await plain.take('w', 10, 10_000, { workerGroup: null })).toEqual([]);
    // Its pending count is the groups' lag, which transaction markers of the requeue may inflate: only the leases are exact.
    await eventually(async () => expect((await executor.depth()).running).toBe(2), 20_000);
  });
});
