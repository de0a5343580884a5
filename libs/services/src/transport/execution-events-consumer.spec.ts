import { VersionConflictError } from '@osprey/queue';
import { openRecordedQueue, type RecordedQueue } from '../testing/recorded-queues.js';
import { deferred, type Deferred, recordingLogger, until } from '../testing/test-support.js';
import { ExecutionEventsConsumer, type ExecutionEventsMessage } from './execution-events-consumer.js';
import type { QueueContext, QueueDispatch } from './queue-context.js';
import { EXECUTION_EVENTS_PATTERN } from './queue-patterns.js';

describe('ExecutionEventsConsumer on the embedded queue', () => {
  let queue: RecordedQueue;
  let consumer: ExecutionEventsConsumer | undefined;
  beforeEach(async () => {
    queue = await openRecordedQueue();
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await queue.close();
  });

  const start = (dispatch: QueueDispatch, options: Partial<ConstructorParameters<typeof ExecutionEventsConsumer>[2]> = {}) => {
    const { logger, lines } = recordingLogger();
    consumer = new ExecutionEventsConsumer(queue.events, logger, { consumerId: 'executor-1', batchSize: 10, leaseMs: 30_000, ...options });
    consumer.start(dispatch);
    return lines;
  };
  /** What a committing handler does: the events are consumed and the claim ends. */
  const acknowledge = (message: ExecutionEventsMessage) =>
    queue.store.acknowledge(
      'executor-1',
      message.executionId,
      message.events.map((e) => e.seq),
    );
  const drained = async () => (await queue.events.depth()) === 0;

  it('groups a claimed batch by execution and delivers each execution\'s events in order, with their ids in the context', async () => {
    await queue.events.emit([
      { executionId: 'a', event: { type: 'start' } },
      { executionId: 'b', event: { type: 'start' } },
      { executionId: 'a', event: { type: 'resume' } },
    ]);
    const delivered: Array<{ message: ExecutionEventsMessage; context: QueueContext }> = [];
    start(async (pattern, data, context) => {
      expect(pattern).toBe(EXECUTION_EVENTS_PATTERN);
      const message = data as ExecutionEventsMessage;
      delivered.push({ message, context });
      await acknowledge(message);
    });
    await until(() => delivered.length === 2);
    const a = delivered.find((d) => d.message.executionId === 'a')!;
    expect(a.message.events.map((e) => e.event.type)).toEqual(['start', 'resume']);
    expect(a.context.getPattern()).toBe(EXECUTION_EVENTS_PATTERN);
    expect(a.context.getIds()).toEqual({ executionId: 'a', events: 2 });
    expect(queue.events.claims[0]).toBe(3);
  });

  it('claims again only after what the batch woke has run: an event reported a few dozen promise turns after a commit comes in the next claim, not after an empty claim and a wait', async () => {
    await queue.events.emit([{ executionId: 'a', event: { type: 'start' } }]);
    // The worker that a commit wakes reports taskStarted from its handler, behind Nest's pipeline: many promise turns.
    const reportLater = async () => {
      for (let turn = 0; turn < 100; turn++) await Promise.resolve();
      await queue.events.emit([{ executionId: 'a', event: { type: 'taskStarted', taskRunId: 't1', attempt: 1, workerId: 'worker-1' } }]);
    };
    const delivered: string[] = [];
    let waitsBeforeTaskStarted: number | undefined;
    start(async (_pattern, data) => {
      const message = data as ExecutionEventsMessage;
      delivered.push(...message.events.map((e) => e.event.type));
      if (message.events[0]!.event.type === 'taskStarted') waitsBeforeTaskStarted = queue.events.idleWaits.length;
      await acknowledge(message);
      if (message.events[0]!.event.type === 'start') void reportLater();
    });
    await until(() => delivered.length === 2);
    expect(delivered).toEqual(['start', 'taskStarted']);
    expect(queue.events.claims.slice(0, 2)).toEqual([1, 1]);
    expect(waitsBeforeTaskStarted).toBe(0);
  });

  it('runs at most inFlight executions of a batch at once', async () => {
    await queue.events.emit(['a', 'b', 'c', 'd', 'e'].map((executionId) => ({ executionId, event: { type: 'start' as const } })));
    let running = 0;
    let most = 0;
    const gates = new Map<string, Deferred>();
    start(
      async (_pattern, data) => {
        const message = data as ExecutionEventsMessage;
        running++;
        most = Math.max(most, running);
        const gate = deferred();
        gates.set(message.executionId, gate);
        await gate.promise;
        running--;
        await acknowledge(message);
      },
      { inFlight: 2 },
    );
    for (let done = 0; done < 5; done++) {
      await until(() => gates.size > done);
      expect(running).toBeLessThanOrEqual(2);
      [...gates.values()][done]!.resolve();
    }
    await until(drained);
    expect(most).toBe(2);
  });

  it('releases the claims of an execution whose handler failed, and claims them again', async () => {
    await queue.events.emit([{ executionId: 'a', event: { type: 'start' } }, { executionId: 'b', event: { type: 'start' } }]);
    let attempts = 0;
    start(
      async (_pattern, data) => {
        const message = data as ExecutionEventsMessage;
        if (message.executionId === 'a' && attempts++ === 0) throw new VersionConflictError('a', 1, 2);
        await acknowledge(message);
      },
      { failedBatchPauseMs: 3_600_000 },
    );
    await until(drained);
    // A conflict is decided again at once: no pause (the pause would outlast the test).
    expect(queue.events.releases).toEqual([['a']]);
    expect(attempts).toBe(2);
  });

  it('pauses after a batch with a failure that is not a conflict, and stop() cuts the pause short', async () => {
    await queue.events.emit([{ executionId: 'a', event: { type: 'start' } }]);
    let attempts = 0;
    start(
      async () => {
        attempts++;
        throw new Error('the store refused the commit');
      },
      { failedBatchPauseMs: 3_600_000 },
    );
    await until(() => queue.events.releases.length === 1);
    await consumer!.stop();
    expect(attempts).toBe(1);
    // Released: another executor claims the event at once, without waiting for the lease.
    expect((await queue.events.claim('executor-2', 10, 30_000)).map((e) => e.executionId)).toEqual(['a']);
  });

  it('logs a failed release, whose execution otherwise waits for the lease without a word', async () => {
    queue.events.failReleases = new Error('the queue refused the release');
    await queue.events.emit([{ executionId: 'a', event: { type: 'start' } }]);
    const lines = start(() => Promise.reject(new Error('boom')), { failedBatchPauseMs: 3_600_000 });
    const line = await until(() => lines.find((l) => l.msg.startsWith('releasing claimed events failed')));
    expect(line).toMatchObject({ level: 'error', executionId: 'a', leaseMs: 30_000, err: { message: 'the queue refused the release' } });
  });

  it('waits for events with the idle wait when a claim is empty, and retries a failed claim after the retry wait', async () => {
    queue.events.failClaims = 1;
    const lines = start(async () => undefined, { idleWaitMs: 1234, retryMs: 10 });
    await until(() => queue.events.idleWaits.length > 0);
    expect(queue.events.idleWaits[0]).toBe(1234);
    expect(lines.filter((l) => l.msg === 'claiming execution events failed; retrying')).toHaveLength(1);
  });

  it('stops at once while waiting to claim again after a failed claim', async () => {
    queue.events.failClaims = Infinity;
    const lines = start(async () => undefined, { retryMs: 3_600_000 });
    await until(() => lines.find((l) => l.msg === 'claiming execution events failed; retrying'));
    await consumer!.stop();
    expect(lines.filter((l) => l.msg === 'claiming execution events failed; retrying')).toHaveLength(1);
    expect(lines.some((l) => l.msg === 'executor stopped')).toBe(true);
  });
});
