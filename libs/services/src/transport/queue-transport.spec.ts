import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { VersionConflictError, type BroadcastMessage } from '@osprey/queue';
import { OspreyMetrics } from '../metrics.js';
import { ErrorFilter } from '../webserver/error.filter.js';
import { openRecordedQueue, type RecordedQueue } from '../testing/recorded-queues.js';
import { recordingLogger, until, type LogLine } from '../testing/test-support.js';
import { QueueContext, type QueueConsumer, type QueueDispatch } from './queue-context.js';
import { QueueHandlers } from './queue-handlers.decorator.js';
import { BroadcastConsumer } from './broadcast-consumer.js';
import { BROADCAST_PATTERN, EXECUTION_EVENTS_PATTERN, WORKER_JOB_PATTERN, type QueuePattern } from './queue-patterns.js';
import { NoQueueHandlerError, QueueTransport } from './queue-transport.js';

/** What the test handler does with a message: its `outcome`. */
interface TestMessage {
  outcome: 'ok' | 'conflict' | 'fail';
}

@QueueHandlers()
class TestController {
  @EventPattern<QueuePattern>(EXECUTION_EVENTS_PATTERN)
  async handle(@Payload() message: TestMessage): Promise<void> {
    if (message.outcome === 'conflict') throw new VersionConflictError('exec-1', 1, 2);
    if (message.outcome === 'fail') throw new Error('the store refused the commit');
  }
}

/** Two handlers of the broadcasts in two controllers, as the executor, worker and scheduler each have one. */
const heard: Array<{ by: string; message: BroadcastMessage }> = [];

@QueueHandlers()
class FirstBroadcastController {
  @EventPattern<QueuePattern>(BROADCAST_PATTERN)
  hear(@Payload() message: BroadcastMessage): void {
    heard.push({ by: 'first', message });
  }
}

@QueueHandlers()
class SecondBroadcastController {
  @EventPattern<QueuePattern>(BROADCAST_PATTERN)
  async hear(@Payload() message: BroadcastMessage): Promise<void> {
    heard.push({ by: 'second', message });
    if (message.type === 'flowChanged' && message.flowId === 'refused') throw new Error('the cache refused the flow');
  }
}

/** A consumer the test drives: it keeps the dispatch the transport gave it. */
class CapturingConsumer implements QueueConsumer {
  dispatch?: QueueDispatch;
  stops = 0;
  start(dispatch: QueueDispatch): void {
    this.dispatch = dispatch;
  }
  async stop(): Promise<void> {
    this.stops++;
  }
}

describe('QueueTransport as a Nest microservice', () => {
  let app: INestMicroservice | undefined;
  let lines: LogLine[];
  let metrics: OspreyMetrics;
  let consumer: CapturingConsumer;
  let queue: RecordedQueue;

  beforeEach(async () => {
    const recording = recordingLogger();
    lines = recording.lines;
    queue = await openRecordedQueue();
    metrics = new OspreyMetrics(queue.events, queue.jobs);
    consumer = new CapturingConsumer();
    heard.length = 0;
    @Module({ controllers: [TestController, FirstBroadcastController, SecondBroadcastController], providers: [{ provide: OspreyMetrics, useValue: metrics }] })
    class TestModule {}
    app = await NestFactory.createMicroservice<MicroserviceOptions>(TestModule, { strategy: new QueueTransport([consumer, new BroadcastConsumer(queue.broadcast)], recording.logger), logger: false });
    // The server's HTTP filter is global there (inheritAppConfig): the queue handlers' own filter must come first.
    app.useGlobalFilters(new ErrorFilter(recording.logger));
    await app.listen();
  });

  afterEach(async () => {
    await app?.close();
    await queue.close();
  });

  const deliver = (outcome: TestMessage['outcome'], pattern: QueuePattern = EXECUTION_EVENTS_PATTERN) =>
    consumer.dispatch!(pattern, { outcome } satisfies TestMessage, new QueueContext(pattern, { executionId: 'exec-1', events: 1 }));

  it('starts its consumers on listen and stops them on close', async () => {
    expect(consumer.dispatch).toBeDefined();
    await app!.close();
    app = undefined;
    expect(consumer.stops).toBe(1);
  });

  it('resolves the dispatch when the @EventPattern handler is done, and times it as ok', async () => {
    await deliver('ok');
    expect(await metrics.registry.getSingleMetricAsString('osprey_queue_handler_seconds')).toContain(`osprey_queue_handler_seconds_count{pattern="${EXECUTION_EVENTS_PATTERN}",outcome="ok"} 1`);
    expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
  });

  it('hands the handler\'s own error back to the consumer, logs it with its pattern and ids, and times it as failed', async () => {
    await expect(deliver('fail')).rejects.toThrow('the store refused the commit');
    const line = await until(() => lines.find((l) => l.msg === 'queue handler failed'));
    expect(line).toMatchObject({ level: 'error', pattern: EXECUTION_EVENTS_PATTERN, executionId: 'exec-1', events: 1, err: { message: 'the store refused the commit' } });
    expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).toHaveLength(1);
    expect(await metrics.registry.getSingleMetricAsString('osprey_queue_handler_seconds')).toContain(`osprey_queue_handler_seconds_count{pattern="${EXECUTION_EVENTS_PATTERN}",outcome="failed"} 1`);
  });

  it('keeps a version conflict\'s type, so the consumer decides again at once, and logs it as a warning', async () => {
    await expect(deliver('conflict')).rejects.toBeInstanceOf(VersionConflictError);
    expect(lines.find((l) => l.msg === 'execution changed elsewhere; reloading')).toMatchObject({ level: 'warn', executionId: 'exec-1' });
  });

  it('tells at info, not as an error, a handler that failed because its consumer stopped it', async () => {
    const stopped = new AbortController();
    stopped.abort(new Error('stopping'));
    await expect(consumer.dispatch!(EXECUTION_EVENTS_PATTERN, { outcome: 'fail' }, new QueueContext(EXECUTION_EVENTS_PATTERN, { executionId: 'exec-1' }, stopped.signal))).rejects.toThrow();
    expect(lines.find((l) => l.msg.startsWith('queue handler stopped with its consumer'))).toMatchObject({ level: 'info', pattern: EXECUTION_EVENTS_PATTERN });
    expect(lines.some((l) => l.msg === 'queue handler failed')).toBe(false);
  });

  it('delivers each broadcast to every handler of the pattern, and unsubscribes on close', async () => {
    const kill: BroadcastMessage = { type: 'killTaskRuns', executionId: 'exec-1', taskRunIds: ['tr-1'] };
    await queue.broadcast.publish(kill);
    await until(() => heard.length === 2);
    expect(heard.map((h) => h.by).sort()).toEqual(['first', 'second']);
    // One subscription per process: both handlers get the one message it read.
    expect(heard[0]!.message).toEqual(kill);
    expect(heard[1]!.message).toBe(heard[0]!.message);
    expect(queue.broadcast.subscribers).toBe(1);
    await app!.close();
    app = undefined;
    expect(queue.broadcast.subscribers).toBe(0);
  });

  it('logs a failed broadcast handler once, with the broadcast\'s ids, and still delivers it to the other handlers', async () => {
    await queue.broadcast.publish({ type: 'flowChanged', namespace: 'company.team', flowId: 'refused' });
    await until(() => heard.length === 2 && lines.some((l) => l.msg === 'queue handler failed'));
    // The consumer's own catch must not tell it a second time (it runs before close() settles).
    await app!.close();
    app = undefined;
    expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([
      expect.objectContaining({ level: 'error', msg: 'queue handler failed', pattern: BROADCAST_PATTERN, type: 'flowChanged', flowId: 'refused', err: expect.objectContaining({ message: 'the cache refused the flow' }) }),
    ]);
  });

  it('refuses a pattern no handler takes, naming it, and logs it', async () => {
    await expect(deliver('ok', WORKER_JOB_PATTERN)).rejects.toBeInstanceOf(NoQueueHandlerError);
    expect(lines.find((l) => l.msg === 'queue handler failed')).toMatchObject({ level: 'error', pattern: WORKER_JOB_PATTERN, err: { message: `no @EventPattern handler for ${WORKER_JOB_PATTERN}` } });
  });
});
