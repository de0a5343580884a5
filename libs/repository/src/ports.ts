import type { Execution, Flow, Label, LogEntry, LogLevel, StateType, StoredFlow, TaskRun } from '@osprey/flow-model';
import type { QueryFilter } from './query-filter.js';

export interface Page<T> {
  results: T[];
  total: number;
}

export interface PageRequest {
  page?: number; // 1-based
  size?: number;
  sort?: string; // e.g. "state.startDate:desc"
}

/** Kestra's `filters[field][OPERATION]=value` filters, AND-ed with a query's other criteria. */
export interface FilteredQuery {
  filters?: readonly QueryFilter[];
}

export interface FlowQuery extends PageRequest, FilteredQuery {
  q?: string;
  namespace?: string;
  labels?: Label[];
}


export interface FlowRepository {
  /** Saves a new revision when the source differs from the latest; returns the stored revision. */
  save(flow: Flow, source: string): Promise<StoredFlow>;
  get(namespace: string, id: string, revision?: number): Promise<StoredFlow | null>;
  revisions(namespace: string, id: string): Promise<StoredFlow[]>;
  /** Latest revision of every non-deleted flow, optionally in one namespace (and its children). */
  list(namespace?: string): Promise<StoredFlow[]>;
  search(query: FlowQuery): Promise<Page<StoredFlow>>;
  delete(namespace: string, id: string): Promise<boolean>;
  namespaces(): Promise<string[]>;
}

export interface ExecutionQuery extends PageRequest, FilteredQuery {
  namespace?: string;
  flowId?: string;
  state?: StateType[];
  labels?: Label[];
  startDate?: string;
  endDate?: string;
  parentExecutionId?: string;
}

/**
 * What a daily count covers: rows started (logs stamped) in [startDate, endDate]; `namespace` with `flowId` exactly,
 * without it that namespace and its children (`ns.*`).
 */
export interface DailyStatsQuery {
  namespace?: string;
  flowId?: string;
  /** Only these flows (each its exact namespace and id), when not empty. */
  flows?: readonly { namespace: string; id: string }[];
  state?: readonly StateType[];
  startDate: string;
  endDate: string;
}

/** How many executions or task runs of a UTC day (`YYYY-MM-DD`) are in one state. */
export interface DailyStateCount {
  date: string;
  state: StateType;
  count: number;
  /** Set when grouped by namespace or by flow. */
  namespace?: string;
  /** Set when grouped by flow. */
  flowId?: string;
}

export interface ExecutionRepository {
  /** The execution with its task runs, or null. */
  get(id: string): Promise<Execution | null>;
  /** Executions without task runs, newest first unless sorted otherwise. */
  search(query: ExecutionQuery): Promise<Page<Execution>>;
  delete(id: string): Promise<boolean>;
  /** Counts per day and state (and namespace, or namespace and flow), computed by the database, in date order. */
  dailyStats(query: DailyStatsQuery & { groupBy?: 'namespace' | 'flow' }): Promise<DailyStateCount[]>;
}

export interface TaskRunQuery extends PageRequest, FilteredQuery {
  namespace?: string;
  flowId?: string;
  executionId?: string;
  taskId?: string;
  state?: StateType[];
  startDate?: string;
  endDate?: string;
}

export interface TaskRunRepository {
  search(query: TaskRunQuery): Promise<Page<TaskRun>>;
  /** Task runs counted per day of their start and current state, computed by the database, in date order. */
  dailyStats(query: DailyStatsQuery): Promise<DailyStateCount[]>;
}


export interface LogQuery extends PageRequest, FilteredQuery {
  namespace?: string;
  flowId?: string;
  executionId?: string;
  taskRunId?: string;
  taskId?: string;
  minLevel?: LogLevel;
  q?: string;
  startDate?: string;
  endDate?: string;
  /** Only entries after this cursor (for following). */
  afterSeq?: number;
}

/** A log entry as stored: `seq` orders it (and is the `afterSeq` cursor), `id` tells it apart from every other. */
export type StoredLogEntry = LogEntry & { seq: number; id: string };

/** Which logs a purge deletes: every given criterion holds. */
export interface LogPurgeCriteria {
  /** With `flowId`, exactly this namespace; without, this namespace and its children (`ns.*`). */
  namespace?: string;
  flowId?: string;
  executionId?: string;
  /** Only entries at one of these levels. */
  levels?: readonly LogLevel[];
  /** Entries stamped at or after this ISO instant. */
  startDate?: string;
  /** Entries stamped at or before this ISO instant. */
  endDate: string;
}

/**
 * The logs a deletion names (Kestra's log deletions): an execution's (narrowed to a task, task run, attempt or levels
 * from `minLevel` up), or a flow's (narrowed to the entries one trigger wrote).
 */
export type LogDeletion =
  | { executionId: string; taskId?: string; taskRunId?: string; attempt?: number; minLevel?: LogLevel }
  | { namespace: string; flowId: string; triggerId?: string };

/** What a daily count of logs covers (see DailyStatsQuery), from `minLevel` up. */
export interface LogStatsQuery {
  namespace?: string;
  flowId?: string;
  minLevel?: LogLevel;
  startDate: string;
  endDate: string;
}

export interface LogRepository {
  append(entries: LogEntry[]): Promise<void>;
  /** Entries counted per UTC day (`YYYY-MM-DD`) and level, computed by the database, in date order. */
  dailyStats(query: LogStatsQuery): Promise<{ date: string; level: LogLevel; count: number }[]>;
  search(query: LogQuery): Promise<Page<StoredLogEntry>>;
  /**
   * How far below the highest `seq` a reader has seen an entry may still appear (an entry written late gets a `seq`
   * from its own timestamp): a follower re-reads this window and skips the ids it has sent (see LogFollower).
   */
  readonly lateSeqWindow: number;
  deleteByExecution(executionId: string): Promise<number>;
  /** Deletes the entries matching every criterion and returns how many. */
  purge(criteria: LogPurgeCriteria): Promise<number>;
  /** Deletes the entries the deletion names; returns how many went. */
  deleteByQuery(deletion: LogDeletion): Promise<number>;
}

/** State of one trigger of one flow, owned by one scheduler replica at a time. */
export interface TriggerState {
  namespace: string;
  flowId: string;
  triggerId: string;
  /** The next instant a Schedule fires (ISO), or the last one evaluated. */
  nextDate?: string;
  lastDate?: string;
  disabled: boolean;
  /** Owner and lease of the scheduler replica evaluating it. */
  owner?: string;
  ownerUntil?: number;
  backfill?: { start: string; end?: string; current: string; paused: boolean; inputs?: Record<string, unknown>; labels?: Label[] };
  executionId?: string;
  updated: string;
}

export interface TriggerRepository {
  get(namespace: string, flowId: string, triggerId: string): Promise<TriggerState | null>;
  list(query?: { namespace?: string; flowId?: string }): Promise<TriggerState[]>;
  save(state: TriggerState): Promise<void>;
  /** Stores the state of a trigger seen for the first time; does nothing if it exists (two schedulers may both see it new). */
  create(state: TriggerState): Promise<void>;
  delete(namespace: string, flowId: string, triggerId?: string): Promise<void>;
  /**
   * Leases up to `max` triggers that are due (nextDate <= now) or unowned, for `leaseMs`; a trigger is
   * held by one owner at a time, so two scheduler replicas never evaluate the same trigger together.
   */
  acquire(owner: string, max: number, leaseMs: number, now: Date): Promise<TriggerState[]>;
  /**
   * Stores the evaluated state and keeps or drops the lease, only if `owner` still holds it. `read` is the state as
   * acquired: a field changed by someone else since (the triggers API) keeps its stored value (see releasedTriggerState).
   */
  release(owner: string, state: TriggerState, read: TriggerState): Promise<boolean>;
  /**
   * Drops the lease and the running execution of a trigger whatever its owner (an operator's unlock of a trigger
   * held by a dead scheduler); returns false when the trigger does not exist.
   */
  unlock(namespace: string, flowId: string, triggerId: string): Promise<boolean>;
}

export interface KvEntry {
  namespace: string;
  key: string;
  value: unknown;
  expiresAt?: string;
  updated: string;
}

export interface KvRepository {
  set(namespace: string, key: string, value: unknown, ttlMs?: number): Promise<void>;
  get(namespace: string, key: string): Promise<KvEntry | null>;
  list(namespace: string): Promise<KvEntry[]>;
  delete(namespace: string, key: string): Promise<boolean>;
  /** The namespaces holding at least one entry, expired ones included, in order (what a purge walks). */
  namespaces(): Promise<string[]>;
  /** Every entry of a namespace, expired ones included, in key order (live ones are what `list` gives). */
  listAll(namespace: string): Promise<KvEntry[]>;
  /**
   * Deletes these keys of a namespace and returns how many it deleted; with `expiredAt`, only those expired at that
   * instant, so a key set again since it was listed stays.
   */
  purge(namespace: string, keys: readonly string[], expiredAt?: Date): Promise<number>;
}

export interface ServiceInstance {
  id: string;
  type: 'EXECUTOR' | 'WORKER' | 'SCHEDULER' | 'WEBSERVER' | 'INDEXER' | 'STANDALONE';
  hostname: string;
  pid: number;
  startedAt: string;
  heartbeatAt: string;
  state: 'RUNNING' | 'TERMINATING' | 'DEAD' | 'STOPPED';
  /** Set on an instance that runs a worker of a worker group (`--worker-group`). */
  workerGroup?: string;
}

export interface ServiceInstanceRepository {
  heartbeat(instance: ServiceInstance): Promise<void>;
  list(): Promise<ServiceInstance[]>;
  /** Marks instances whose last heartbeat is older than `timeoutMs` as DEAD and returns them. */
  reapDead(timeoutMs: number, now: Date): Promise<ServiceInstance[]>;
}

/** Everything the repository port offers, as one adapter provides it. */
export interface Repository {
  flows: FlowRepository;
  executions: ExecutionRepository;
  taskRuns: TaskRunRepository;
  logs: LogRepository;
  triggers: TriggerRepository;
  kv: KvRepository;
  instances: ServiceInstanceRepository;
  close(): Promise<void>;
}

export const REPOSITORY = Symbol('Repository');

export class NotFoundError extends Error {
  constructor(readonly what: string, readonly key: string) {
    super(`${what} ${key} not found`);
    this.name = 'NotFoundError';
  }
}
