import type { WorkerJob } from '@osprey/flow-model';
import type { Queue, QueueEvents, RedisClient, Worker } from 'bullmq';
import { TaskRunJobIndex } from './task-run-job-index.js';

/** The BullMQ objects of one lane: the queue of the jobs of no group, or of one worker group's. */
export interface BullmqLane {
  /** The worker group whose jobs the lane holds; null for jobs of no group. */
  group: string | null;
  queue: Queue<WorkerJob>;
  index: TaskRunJobIndex;
  /** Manual processing only (`autorun: false`): hands out jobs under lock tokens and runs the stalled-job check. */
  worker?: Worker<WorkerJob>;
  /** Tells waiting workers that a job entered the wait list (published, given back, or recovered from a dead worker). */
  queueEvents?: QueueEvents;
  /** Bumped on every job that enters the wait list, to tell a waiter what it missed since the last take of the lane. */
  arrivals: number;
  arrivalsAtLastTake: number;
}

/** A lane that can hand out jobs (`take`): its worker and queue events are open. */
export type TakingLane = BullmqLane & Required<Pick<BullmqLane, 'worker' | 'queueEvents'>>;

export interface BullmqLaneOptions {
  connection: { url: string; maxRetriesPerRequest: null };
  prefix: string;
  /** The queue name of the jobs of no group; a worker group's queue is `<queueName>.<group>`. */
  queueName: string;
  stalledCheckMs: number;
  onError: (error: Error) => void;
  /** Called when a job enters the wait list of a lane opened for taking. */
  onArrival: (lane: BullmqLane) => void;
}

type BullmqModule = typeof import('bullmq');

const LAST_EVENT_ID = 'ospreyLastEventId';
// The id of the last entry of a stream, or 0-0 for an empty one.
const LAST_EVENT_ID_LUA = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last == 0 then return '0-0' end
return last[1][1]`;
const withLastEventId = new WeakSet<RedisClient>();

async function lastEventId(client: RedisClient, stream: string): Promise<string> {
  if (!withLastEventId.has(client)) {
    client.defineCommand(LAST_EVENT_ID, { numberOfKeys: 1, lua: LAST_EVENT_ID_LUA, readOnly: true });
    withLastEventId.add(client);
  }
  return String(await client.runCommand(LAST_EVENT_ID, [stream]));
}

/**
 * The BullMQ queues of the worker jobs: one for jobs of no group and one per worker group, opened on first use. A
 * lane a process only writes to (publish, cancel) opens its queue alone; a lane it takes from also opens a worker
 * (which runs the lane's stalled-job check) and queue events. The groups that ever had jobs are listed in a Redis hash,
 * so that cancelling and counting find every lane whatever the process wrote to.
 */
export class BullmqLanes {
  private readonly lanes = new Map<string | null, Promise<BullmqLane>>();
  private readonly taking = new Map<string | null, Promise<TakingLane>>();
  private readonly registered = new Set<string>();
  private readonly groupsKey: string;
  private closed = false;

  constructor(
    private readonly bullmq: BullmqModule,
    private readonly options: BullmqLaneOptions,
  ) {
    this.groupsKey = `${options.prefix}:${options.queueName}:osprey-worker-groups`;
  }

  /** The lane of a worker group's jobs (or of no group's), with its queue open. */
  lane(group: string | null): Promise<BullmqLane> {
    let lane = this.lanes.get(group);
    if (!lane) {
      lane = this.openLane(group);
      this.lanes.set(group, lane);
      lane.catch(() => this.lanes.delete(group));
    }
    return lane;
  }

  /** The lane with its worker and queue events open, to take jobs from. */
  takingLane(group: string | null): Promise<TakingLane> {
    let lane = this.taking.get(group);
    if (!lane) {
      lane = this.openTaking(group);
      this.taking.set(group, lane);
      lane.catch(() => this.taking.delete(group));
    }
    return lane;
  }

  /** Lists a worker group among those that have a lane (before its first job is added). */
  async register(group: string): Promise<void> {
    if (this.registered.has(group)) return;
    const client = await (await this.lane(null)).queue.backend.client;
    await client.hset(this.groupsKey, { [group]: this.queueNameOf(group) });
    this.registered.add(group);
  }

  /** Every lane that has ever had jobs: the one of no group first. */
  async all(): Promise<BullmqLane[]> {
    const client: RedisClient = await (await this.lane(null)).queue.backend.client;
    const groups = Object.keys(await client.hgetall(this.groupsKey)).sort();
    return Promise.all([this.lane(null), ...groups.map((group) => this.lane(group))]);
  }

  /** The lanes opened for taking in this process. */
  async opened(): Promise<TakingLane[]> {
    return Promise.all([...this.taking.values()]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const lanes = await Promise.allSettled([...this.lanes.values()]);
    await Promise.allSettled(
      lanes.flatMap((result) => {
        if (result.status === 'rejected') return [];
        const { worker, queueEvents, queue } = result.value;
        return [worker?.close(true), queueEvents?.close(), queue.close()];
      }),
    );
  }

  private queueNameOf(group: string | null): string {
    return group === null ? this.options.queueName : `${this.options.queueName}.${group}`;
  }

  private async openLane(group: string | null): Promise<BullmqLane> {
    const { connection, prefix, onError } = this.options;
    const queue = new this.bullmq.Queue<WorkerJob>(this.queueNameOf(group), { connection, prefix });
    queue.on('error', onError);
    try {
      await queue.waitUntilReady();
      const index = new TaskRunJobIndex(await queue.backend.client, `${prefix}:${this.queueNameOf(group)}:osprey-task-run-jobs`);
      return { group, queue, index, arrivals: 0, arrivalsAtLastTake: 0 };
    } catch (error) {
      // Cleanup on a failed open: the open's error is what the caller needs.
      await queue.close().catch(() => undefined);
      throw error;
    }
  }

  private async openTaking(group: string | null): Promise<TakingLane> {
    const lane = await this.lane(group);
    const { connection, prefix, onError, stalledCheckMs } = this.options;
    const name = this.queueNameOf(group);
    // Events after the stream's end now, not after its end when the first read reaches Redis: a job published while
    // the lane opens (a worker of a new group waiting for its first job) still wakes the waiter.
    const after = await lastEventId(await lane.queue.backend.client, lane.queue.keys.events);
    const worker = new this.bullmq.Worker<WorkerJob>(name, null, {
      connection,
      prefix,
      autorun: false,
      stalledInterval: stalledCheckMs,
      // A job must never fail for stalling: a dead worker's job runs again, however often workers die.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    const queueEvents = new this.bullmq.QueueEvents(name, { connection, prefix, autorun: true, lastEventId: after });
    worker.on('error', onError);
    queueEvents.on('error', onError);
    // Set on the lane before waiting, so that close() closes them even when opening fails half-way.
    lane.worker = worker;
    lane.queueEvents = queueEvents;
    queueEvents.on('waiting', () => {
      lane.arrivals++;
      this.options.onArrival(lane);
    });
    try {
      await Promise.all([worker.waitUntilReady(), queueEvents.waitUntilReady()]);
    } catch (error) {
      lane.worker = undefined;
      lane.queueEvents = undefined;
      await Promise.allSettled([worker.close(true), queueEvents.close()]);
      throw error;
    }
    void worker.startStalledCheckTimer();
    return lane as TakingLane;
  }
}
