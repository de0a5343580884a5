import {
  conditionWindowInboxKey,
  conditionWindowKey,
  conditionWindowKeys,
  decide,
  isTerminated,
  matchFlowTriggers,
  meetsConditionWindows,
  outputsVariable,
  parseConditionWindowInboxKey,
  runVariables,
  type ConditionWindowWrite,
  type Execution,
  type ExecutionEvent,
  type ExecutionEventEnvelope,
  type Flow,
  type LogEntry,
  type PreconditionResultEvent,
  type RenderOptions,
  type ResumeRequest,
  type StoredFlow,
  type StoredConditionWindow,
  type SubflowRequest,
  type TaskRun,
  type WorkerJob,
} from '@osprey/flow-model';
import type { BroadcastMessage, BroadcastQueue, ClaimedEvent, ExecutorStore } from '@osprey/queue';
import type { Repository } from '@osprey/repository';
import { newId, type FlowSource, type Logger } from '@osprey/server';
import { newExecution } from '../executions/new-execution.js';
import { resumeEvent } from '../executions/resume-event.js';
import { DisabledTriggers } from './disabled-triggers.js';
import { ExpressionLookups } from './expression-lookups.js';
import { FlowCache } from './flow-cache.js';
import { LiveWorkerGroups } from './live-worker-groups.js';
import { LruCache } from './lru-cache.js';

export interface ExecutorOptions {
  /** The `envs` variable of expressions. */
  envs?: Record<string, string>;
  render?: RenderOptions;
  /** Country of PublicHoliday conditions that name none (Kestra takes the server's locale). */
  defaultCountry?: string;
  /** Called after each committed decision (metrics, tests). */
  onCommitted?: (execution: Execution, events: number) => void;
  /** Where flows are read (EXECUTOR_FLOW_SOURCE); default the repository's flows. */
  flows?: FlowSource;
  /** Unended executions kept in memory between events (default 1000); an evicted one is loaded again on its next event. */
  cachedExecutions?: number;
  /** A worker whose instance has not beaten for this long is not alive (instance.deadAfterMs; default 30 s). */
  deadAfterMs?: number;
}

const CACHED_EXECUTIONS = 1000;

/**
 * The single writer of executions: runs the pure decision function on the claimed events of one execution and
 * commits the next execution with its jobs and events in one write. The queue transport claims the events and
 * delivers them (ExecutorController), under `id`.
 */
export class ExecutorService {
  readonly id = `executor-${newId()}`;
  private readonly flows: FlowCache;
  private readonly disabledTriggers: DisabledTriggers;
  private readonly hot: LruCache<string, Execution>;
  private readonly workerGroups: LiveWorkerGroups;

  constructor(
    private readonly store: ExecutorStore,
    private readonly broadcast: BroadcastQueue,
    private readonly repository: Repository,
    private readonly logger: Logger,
    private readonly options: ExecutorOptions,
  ) {
    this.flows = new FlowCache(options.flows ?? repository.flows);
    this.disabledTriggers = new DisabledTriggers(repository.triggers, logger);
    this.hot = new LruCache(options.cachedExecutions ?? CACHED_EXECUTIONS);
    this.workerGroups = new LiveWorkerGroups(repository.instances, options.deadAfterMs ?? 30_000);
  }

  /** How many executions the executor holds in memory now. */
  get cachedExecutions(): number {
    return this.hot.size;
  }

  /** Flow and trigger changes (the transport's broadcasts): the caches of flows with Flow triggers and of disabled triggers. */
  async onBroadcast(message: BroadcastMessage): Promise<void> {
    this.flows.onBroadcast(message);
    await this.disabledTriggers.onBroadcast(message);
  }

  /**
   * Decides and commits the claimed events of one execution. A failure leaves the claims to the caller (the transport
   * releases them) and forgets the cached execution, which the next attempt loads from the store.
   */
  async process(executionId: string, claimed: ClaimedEvent[]): Promise<void> {
    try {
      await this.processClaimed(executionId, claimed);
    } catch (error) {
      this.hot.delete(executionId);
      throw error;
    }
  }

  private async processClaimed(executionId: string, claimed: ClaimedEvent[]): Promise<void> {
    const windowsOf = parseConditionWindowInboxKey(executionId);
    if (windowsOf) return this.processPreconditionResults(executionId, windowsOf, claimed);
    // The cached execution is used only if no other executor committed it since (multi-executor deployments).
    const storedVersion = claimed.find((c) => c.storedVersion !== undefined)?.storedVersion;
    let execution: Execution | null | undefined = this.hot.get(executionId);
    if (execution && storedVersion !== undefined && execution.version !== storedVersion) execution = undefined;
    execution ??= await this.store.load(executionId);
    let expectedVersion = execution?.version ?? 0;
    const consumed = claimed.map((c) => c.seq);
    const queue: ExecutionEvent[] = [];
    for (const c of claimed) {
      if (!execution && c.execution) {
        execution = c.execution;
        expectedVersion = 0;
      }
      queue.push(c.event);
    }
    if (!execution) {
      this.logger.warn({ executionId, events: claimed.length }, 'events for an unknown execution dropped');
      await this.store.acknowledge(this.id, executionId, consumed);
      return;
    }
    const flow = await this.flows.get(execution.namespace, execution.flowId, execution.flowRevision);
    if (!flow) {
      this.logger.error({ executionId, flowId: execution.flowId, namespace: execution.namespace }, 'flow of execution not found');
    }
    // A concurrency limit counts the flow's running executions: decide and commit them one at a time here, or two
    // starts decided side by side would both see a free slot.
    if (flow?.concurrency) return this.oneAtATime(`${execution.namespace}\u0000${execution.flowId}`, () => this.decideAndCommit(executionId, claimed, execution, expectedVersion, flow));
    return this.decideAndCommit(executionId, claimed, execution, expectedVersion, flow);
  }

  private readonly flowTurns = new Map<string, Promise<void>>();

  /** Runs `task` after the previous task of the same key ended (a promise chain per key). */
  private async oneAtATime(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.flowTurns.get(key) ?? Promise.resolve();
    const turn = previous.then(task, task);
    // The chain only orders the turns: this turn's failure reaches its own caller through `await turn` below.
    const settled = turn.catch(() => undefined);
    this.flowTurns.set(key, settled);
    try {
      await turn;
    } finally {
      if (this.flowTurns.get(key) === settled) this.flowTurns.delete(key);
    }
  }

  private async decideAndCommit(executionId: string, claimed: ClaimedEvent[], execution: Execution, expectedVersion: number, flow: Flow | undefined): Promise<void> {
    const consumed = claimed.map((c) => c.seq);
    const queue: ExecutionEvent[] = claimed.map((c) => c.event);

    const changed = new Map<string, TaskRun>();
    const jobs: WorkerJob[] = [];
    const outbound: ExecutionEventEnvelope[] = [];
    const cancelJobs: string[] = [];
    const kills: string[] = [];
    const logs: LogEntry[] = [];
    const windows = new DecisionWindows();
    let current: Execution = execution;
    for (let i = 0; i < queue.length; i++) {
      if (!flow) break;
      const event = queue[i]!;
      const runningOfFlow = event.type === 'start' && flow.concurrency ? await this.runningOf(current) : undefined;
      const workerGroups = await this.workerGroups.forFlow(flow);
      // decide() is taken again with the kv() values and error logs its expressions asked for; `now` stays the same.
      const lookups = new ExpressionLookups(this.repository, current.id, current.namespace, logs);
      const now = new Date();
      const decision = await lookups.settle(this.options.render, (render) =>
        decide({ flow, execution: current, event, now, newId, render, runningOfFlow, envs: this.options.envs, workerGroups }),
      );
      const transitions = decision.execution.state.histories.slice(current.state.histories.length);
      current = decision.execution;
      for (const run of decision.changedTaskRuns) changed.set(run.id, run);
      for (const action of decision.actions) {
        switch (action.type) {
          case 'dispatch':
            jobs.push(action.job);
            break;
          case 'schedule':
            outbound.push({ executionId: current.id, event: action.event, deliverAt: action.at });
            break;
          case 'emit':
            outbound.push(action.envelope);
            break;
          case 'killJobs':
            cancelJobs.push(...action.taskRunIds);
            kills.push(...action.taskRunIds);
            break;
          case 'startSubflow':
            queue.push(await this.startSubflow(action.request, current, outbound));
            break;
          case 'resumeExecution':
            queue.push(await this.resumeExecution(action.request, current, outbound, logs));
            break;
          case 'log':
            logs.push({
              namespace: current.namespace,
              flowId: current.flowId,
              executionId: current.id,
              taskRunId: action.taskRunId,
              taskId: action.taskId,
              timestamp: new Date().toISOString(),
              level: action.level,
              message: action.message,
            });
            this.logger[action.level === 'ERROR' ? 'error' : action.level === 'WARN' ? 'warn' : 'info'](
              { executionId: current.id, taskRunId: action.taskRunId, taskId: action.taskId },
              action.message,
            );
            break;
        }
      }
      // Flow triggers react to each state the execution went through (RUNNING, PAUSED, RUNNING again, SUCCESS...),
      // not only to its end: a trigger on [RUNNING, PAUSED] fires once per transition, as in Kestra.
      for (const transition of transitions) {
        if (transition.state === 'CREATED') continue;
        const at = transition.state === current.state.current ? current : { ...current, state: { ...current.state, current: transition.state } };
        await this.fireFlowTriggers(flow, at, outbound, windows);
      }
    }
    if (!flow && execution.state.current === 'CREATED') {
      current = { ...execution, version: execution.version + 1 };
    }
    await this.store.commit(this.id, {
      execution: current,
      expectedVersion,
      changedTaskRuns: [...changed.values()],
      jobs,
      events: outbound,
      consumed,
      cancelJobs,
      ...windows.commit(),
    });
    if (isTerminated(current.state.current)) this.hot.delete(current.id);
    else this.hot.set(current.id, current);
    if (logs.length > 0) await this.repository.logs.append(logs).catch((error) => this.logger.error({ err: error }, 'writing executor logs failed'));
    if (kills.length > 0) {
      await this.broadcast.publish({ type: 'killTaskRuns', executionId: current.id, taskRunIds: kills });
    }
    this.options.onCommitted?.(current, claimed.length);
    if (current.state.current !== execution.state.current) {
      this.logger.info(
        { executionId: current.id, namespace: current.namespace, flowId: current.flowId, state: current.state.current },
        `execution ${current.state.current}`,
      );
    }
  }

  /** Executions of the same flow that hold a concurrency slot, this one excluded. */
  private async runningOf(execution: Execution): Promise<number> {
    const page = await this.repository.executions.search({
      namespace: execution.namespace,
      flowId: execution.flowId,
      state: ['RUNNING', 'PAUSED', 'RESTARTED', 'KILLING'],
      size: 1,
    });
    return page.results.some((e) => e.id === execution.id) ? page.total - 1 : page.total;
  }

  /** Creates the child execution in the same commit; the parent learns its id through a follow-up event. */
  private async startSubflow(request: SubflowRequest, parent: Execution, outbound: ExecutionEventEnvelope[]): Promise<ExecutionEvent> {
    try {
      const stored = await this.flows.getStored(request.namespace, request.flowId, request.revision);
      if (!stored) throw new Error(`subflow ${request.namespace}.${request.flowId} not found`);
      if (stored.disabled || stored.flow.disabled) throw new Error(`subflow ${request.namespace}.${request.flowId} is disabled`);
      const child = newExecution(
        {
          flow: stored.flow,
          revision: stored.revision,
          inputs: request.inputs,
          labels: request.labels,
          correlationId: request.labels.find((l) => l.key === 'system.correlationId')?.value,
          trigger: { id: request.parentTaskRunId, type: 'io.kestra.plugin.core.flow.Subflow', variables: request.triggerVariables },
          parent: {
            executionId: parent.id,
            taskRunId: request.parentTaskRunId,
            namespace: parent.namespace,
            flowId: parent.flowId,
            wait: request.wait,
            transmitFailed: request.transmitFailed,
          },
        },
        newId(),
        new Date(),
      );
      outbound.push({ executionId: child.id, event: { type: 'start' }, execution: child });
      return { type: 'subflowStarted', taskRunId: request.parentTaskRunId, childExecutionId: child.id, ...(request.iteration === undefined ? {} : { iteration: request.iteration }) };
    } catch (error) {
      this.logger.warn({ err: error, executionId: parent.id, taskRunId: request.parentTaskRunId }, 'subflow could not start');
      await this.repository.logs
        .append([{ namespace: parent.namespace, flowId: parent.flowId, executionId: parent.id, taskRunId: request.parentTaskRunId, timestamp: new Date().toISOString(), level: 'ERROR', message: (error as Error).message }])
        .catch((logError: unknown) => this.logger.error({ err: logError, executionId: parent.id, taskRunId: request.parentTaskRunId }, 'writing the subflow failure to the execution logs failed'));
      return { type: 'taskResult', taskRunId: request.parentTaskRunId, attempt: request.attempt, state: 'FAILED', error: (error as Error).message };
    }
  }

  /**
   * A Resume task's request: the execution it names is resumed in the same commit when it is PAUSED (and of the
   * namespace and flow the task names); the Resume run learns the outcome through a follow-up event.
   */
  private async resumeExecution(request: ResumeRequest, source: Execution, outbound: ExecutionEventEnvelope[], logs: LogEntry[]): Promise<ExecutionEvent> {
    const result = { type: 'taskResult', taskRunId: request.taskRunId, attempt: request.attempt } as const;
    try {
      // The execution deciding now is not stored yet: it is read as it stands in this decision.
      const target = request.executionId === source.id ? source : await this.store.load(request.executionId);
      if (!target) throw new Error(`no execution ${request.executionId} to resume`);
      if ((request.namespace && target.namespace !== request.namespace) || (request.flowId && target.flowId !== request.flowId)) {
        throw new Error(`execution ${target.id} belongs to ${target.namespace}.${target.flowId}, not ${request.namespace ?? target.namespace}.${request.flowId ?? target.flowId}`);
      }
      const flow = await this.flows.get(target.namespace, target.flowId, target.flowRevision);
      if (!flow) throw new Error(`flow ${target.namespace}.${target.flowId} revision ${target.flowRevision} of execution ${target.id} not found`);
      outbound.push({ executionId: target.id, event: resumeEvent(target, flow, request.inputs) });
      return { ...result, state: 'SUCCESS' };
    } catch (error) {
      const message = `execution ${request.executionId} cannot be resumed: ${(error as Error).message}`;
      logs.push({ namespace: source.namespace, flowId: source.flowId, executionId: source.id, taskRunId: request.taskRunId, timestamp: new Date().toISOString(), level: 'ERROR', message });
      this.logger.warn({ err: error, executionId: source.id, taskRunId: request.taskRunId }, 'a Resume task could not resume its execution');
      return { ...result, state: 'FAILED', error: message };
    }
  }

  private async fireFlowTriggers(flow: Flow, ended: Execution, outbound: ExecutionEventEnvelope[], windows: DecisionWindows): Promise<void> {
    let candidates = await this.flows.withFlowTriggers();
    if (candidates.length === 0) return;
    const now = new Date();
    if (!this.store.routesConditionWindows) return this.evaluateFlowTriggers(candidates, flow, ended, now, outbound, windows);
    // Flows whose windows this state changes are decided by the owner of their window inbox key, all their triggers
    // together and in order. A state meeting none of a flow's window conditions can change no window and fire through
    // none: that flow's other triggers are evaluated here, against no window.
    const vars = runVariables({ flow, execution: ended, outputs: outputsVariable(ended), envs: this.options.envs });
    const options = { render: this.options.render, defaultCountry: this.options.defaultCountry };
    const routed = candidates.filter((c) => !(c.namespace === ended.namespace && c.id === ended.flowId) && meetsConditionWindows(c.flow, ended, vars, options));
    for (const target of routed) {
      const event: PreconditionResultEvent = { type: 'preconditionResult', upstream: ended, at: now.toISOString(), revision: target.revision };
      outbound.push({ executionId: conditionWindowInboxKey(target.namespace, target.id), event });
    }
    candidates = candidates.filter((c) => !routed.includes(c));
    await this.evaluateFlowTriggers(candidates, flow, ended, now, outbound, new DecisionWindows(), false);
  }

  /**
   * The `preconditionResult` events of one triggered flow (routed windows): its Flow triggers evaluated against each
   * upstream state in order, and the windows they change committed with the executions they start.
   */
  private async processPreconditionResults(key: string, target: { namespace: string; flowId: string }, claimed: ClaimedEvent[]): Promise<void> {
    const outbound: ExecutionEventEnvelope[] = [];
    const windows = new DecisionWindows();
    const latest = (await this.flows.withFlowTriggers()).find((c) => c.namespace === target.namespace && c.id === target.flowId);
    for (const { event } of claimed) {
      if (event.type !== 'preconditionResult') continue;
      const stored = latest && latest.revision >= event.revision ? latest : await this.flows.getStored(target.namespace, target.flowId, event.revision);
      if (!stored || stored.disabled || stored.deleted) continue;
      const upstream = event.upstream;
      const flow = await this.flows.get(upstream.namespace, upstream.flowId, upstream.flowRevision);
      if (!flow) {
        this.logger.warn({ executionId: upstream.id, namespace: target.namespace, flowId: target.flowId }, 'flow of an upstream execution not found; its precondition result is dropped');
        continue;
      }
      await this.evaluateFlowTriggers([stored], flow, upstream, new Date(event.at), outbound, windows, true);
    }
    const { conditionWindows = [], purgeConditionWindowsBefore } = windows.commit();
    await this.store.commitConditionWindows(this.id, { key, conditionWindows, purgeConditionWindowsBefore, events: outbound, consumed: claimed.map((c) => c.seq) });
  }

  /**
   * Adds to `outbound` the executions that the Flow triggers of `candidates` start for `ended` (a state of an
   * execution of `flow`). Without `readWindows` the stored windows are not read: the caller knows none can change.
   */
  private async evaluateFlowTriggers(
    candidates: StoredFlow[],
    flow: Flow,
    ended: Execution,
    now: Date,
    outbound: ExecutionEventEnvelope[],
    windows: DecisionWindows,
    readWindows = this.store.keepsConditionWindows,
  ): Promise<void> {
    if (candidates.length === 0) return;
    const flows = candidates.map((c) => c.flow);
    // A failed read fails the decision, which is made again: skipping the triggers would lose this execution's results.
    if (readWindows) await windows.load(conditionWindowKeys(flows, ended.state.current), now, (keys) => this.store.loadConditionWindows(keys));
    const vars = runVariables({ flow, execution: ended, outputs: outputsVariable(ended), envs: this.options.envs });
    const disabled = await this.disabledTriggers.current();
    let evaluation;
    try {
      evaluation = matchFlowTriggers(flows, ended, vars, {
        now,
        render: this.options.render,
        defaultCountry: this.options.defaultCountry,
        isDisabled: (f, t) => disabled(f.namespace, f.id, t.id),
        conditionWindows: this.store.keepsConditionWindows ? windows.current : undefined,
      });
    } catch (error) {
      this.logger.warn({ err: error, executionId: ended.id }, 'evaluating flow triggers failed');
      return;
    }
    windows.record(evaluation.conditionWindows);
    for (const failure of evaluation.failures) {
      this.logger.warn(
        { err: failure.error, executionId: ended.id, namespace: failure.flow.namespace, flowId: failure.flow.id, triggerId: failure.trigger.id },
        'flow trigger conditions could not be evaluated; the trigger does not fire',
      );
    }
    for (const match of evaluation.matches) {
      const stored = candidates.find((c) => c.flow === match.flow)!;
      const request = {
        flow: match.flow,
        revision: stored.revision,
        inputs: match.inputs,
        labels: match.labels,
        skipRequiredInputs: true,
        trigger: { id: match.trigger.id, type: match.trigger.type, variables: match.variables },
      };
      let child: Execution;
      const id = newId();
      try {
        child = newExecution(request, id, new Date());
      } catch (error) {
        // A trigger cannot answer input questions: start with what it has and let the flow fail where it must.
        this.logger.warn({ err: error, flowId: match.flow.id, namespace: match.flow.namespace }, 'flow trigger inputs incomplete');
        child = newExecution({ ...request, flow: { ...match.flow, inputs: [] } }, id, new Date());
        child.inputs = { ...match.inputs };
      }
      outbound.push({ executionId: child.id, event: { type: 'start' }, execution: child });
    }
  }
}

/**
 * The precondition windows one decision reads and changes: loaded once, seen changed by the decision's later
 * transitions, and written with the decision's commit under the version first read.
 */
class DecisionWindows {
  readonly current = new Map<string, StoredConditionWindow>();
  private readonly fetched = new Set<string>();
  private readonly writes = new Map<string, ConditionWindowWrite>();
  private readonly readVersions = new Map<string, number>();
  private purgeBefore?: number;

  async load(keys: string[], now: Date, read: (keys: string[]) => Promise<Map<string, StoredConditionWindow>>): Promise<void> {
    if (keys.length === 0) return;
    this.purgeBefore = now.getTime();
    const missing = keys.filter((key) => !this.fetched.has(key));
    if (missing.length === 0) return;
    const found = await read(missing);
    for (const key of missing) {
      this.fetched.add(key);
      const stored = found.get(key);
      this.readVersions.set(key, stored?.version ?? 0);
      if (stored) this.current.set(key, stored);
    }
  }

  record(writes: ConditionWindowWrite[]): void {
    for (const write of writes) {
      const key = conditionWindowKey(write.namespace, write.flowId, write.conditionId);
      const version = this.readVersions.get(key) ?? 0;
      this.writes.set(key, { ...write, expectedVersion: version });
      // Later transitions see the change, under the version read, which is the one the commit checks.
      if (write.window) this.current.set(key, { window: write.window, version });
      else this.current.delete(key);
    }
  }

  commit(): { conditionWindows?: ConditionWindowWrite[]; purgeConditionWindowsBefore?: number } {
    const writes = [...this.writes.values()].filter((w) => w.window || w.expectedVersion > 0);
    // Expired windows are purged by the commits that write windows: the others pay no delete.
    return writes.length > 0 ? { conditionWindows: writes, purgeConditionWindowsBefore: this.purgeBefore } : {};
  }
}
