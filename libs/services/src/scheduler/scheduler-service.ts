import { Cron } from 'croner';
import { flag, isTooLate, nextScheduledDate, scheduleOccurrenceHolds, triggerLabels, type Flow, type Label, type RenderOptions, type ScheduleOccurrence, type Trigger } from '@osprey/flow-model';
import type { BroadcastMessage } from '@osprey/queue';
import type { Repository, TriggerState } from '@osprey/repository';
import { idFrom, newId, type Logger } from '@osprey/server';
import type { TriggerExecution } from '../executions/trigger-execution.js';
import { initialPollingState, pollingStep, polledState } from './polling-state.js';
import type { PollingTriggerType } from './polling-trigger.js';
import { pollingTypeOf } from './polling-trigger-types.js';

const ON_DATES = 'io.kestra.plugin.core.trigger.ScheduleOnDates';
const SCHEDULE_TYPES = new Set(['io.kestra.plugin.core.trigger.Schedule', 'io.kestra.core.models.triggers.types.Schedule', ON_DATES]);
const FLOW_REFRESH_MS = 10_000;
/** Missed schedules fired at most per trigger and tick, so that a long outage drains gradually. */
const MAX_FIRES_PER_TICK = 50;
/** When a polling trigger's interval cannot be read, the wait before it is tried (and logged) again. */
const UNREADABLE_RETRY_MS = 60_000;

export interface SchedulerOptions {
  tickMs: number;
  leaseMs: number;
  /** Country of PublicHoliday conditions that name none (Kestra takes the server's locale). */
  defaultCountry?: string;
  /** Renderer of polling triggers' properties (secrets). */
  render?: RenderOptions;
}

export function isScheduleTrigger(trigger: Trigger): boolean {
  return SCHEDULE_TYPES.has(trigger.type);
}

/** A trigger the scheduler owns: a Schedule or a polling trigger. */
function isScheduledTrigger(trigger: Trigger): boolean {
  return isScheduleTrigger(trigger) || pollingTypeOf(trigger) !== undefined;
}

/** Next fire time of a Schedule trigger strictly after `after`, in its time zone; a ScheduleOnDates' next date. */
export function nextFireDate(trigger: Trigger, after: Date): Date | undefined {
  if (trigger.type === ON_DATES) return nextScheduledDate(trigger.dates, after);
  const cron = new Cron(String(trigger.cron), { timezone: typeof trigger.timezone === 'string' ? trigger.timezone : undefined, paused: true });
  return cron.nextRun(after) ?? undefined;
}

/**
 * Fires Schedule triggers and evaluates polling triggers. Each trigger is leased by one scheduler replica at a time through the
 * trigger repository, and its next date is stored with the release, so replicas never fire twice.
 */
export class SchedulerService {
  readonly id = `scheduler-${newId()}`;
  private timer?: NodeJS.Timeout;
  private flows?: { at: number; byKey: Map<string, Flow> };
  private ticking?: Promise<void>;
  private stopped = false;
  private readonly stopping = new AbortController();

  constructor(
    private readonly repository: Repository,
    private readonly trigger: TriggerExecution,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
  ) {}

  /** A changed flow or trigger (the transport's broadcasts): the scheduled flows are listed again at the next tick. */
  onBroadcast(message: BroadcastMessage): void {
    if (message.type === 'flowChanged' || message.type === 'triggerChanged') this.flows = undefined;
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      this.ticking = this.tick(new Date()).catch((error) => this.logger.error({ err: error }, 'scheduler tick failed'));
      await this.ticking;
      if (!this.stopped) this.timer = setTimeout(loop, this.options.tickMs);
    };
    this.timer = setTimeout(loop, 0);
    this.logger.info({ schedulerId: this.id }, 'scheduler started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort(new Error('the scheduler stopped'));
    clearTimeout(this.timer);
    await this.ticking;
  }

  async tick(now: Date): Promise<void> {
    const flows = await this.scheduledFlows();
    await this.register(flows, now);
    const due = await this.repository.triggers.acquire(this.id, 100, this.options.leaseMs, now);
    const polls: Promise<void>[] = [];
    for (const state of due) {
      const flow = flows.get(`${state.namespace}\u0000${state.flowId}`);
      const trigger = flow?.triggers.find((t) => t.id === state.triggerId && isScheduledTrigger(t));
      const polling = trigger && pollingTypeOf(trigger);
      if (!flow || !trigger) {
        await this.repository.triggers.release(this.id, { ...state, owner: undefined, ownerUntil: undefined }, state);
      } else if (polling) {
        // Polls are I/O: they run side by side, each within the lease, so a slow endpoint holds up no other trigger.
        polls.push(this.poll(flow, trigger, polling, state, now));
      } else {
        await this.fire(flow, trigger, state, now);
      }
    }
    await Promise.all(polls);
  }

  /**
   * Evaluates one due polling trigger and starts an execution when it returns variables; its next evaluation date is
   * stored with the release. A failed evaluation is logged with the trigger's ids and polled again one interval later.
   */
  private async poll(flow: Flow, trigger: Trigger, type: PollingTriggerType, state: TriggerState, now: Date): Promise<void> {
    const ids = { namespace: flow.namespace, flowId: flow.id, triggerId: trigger.id };
    let evaluated: TriggerState | undefined;
    let intervalMs = UNREADABLE_RETRY_MS;
    let budgetTimer: NodeJS.Timeout | undefined;
    try {
      intervalMs = type.intervalMs(trigger);
      const running = state.executionId ? await this.repository.executions.get(state.executionId) : null;
      const stopAfter = Array.isArray(trigger.stopAfter) ? trigger.stopAfter.map(String) : [];
      const step = pollingStep(state, running?.state.current, stopAfter, now, intervalMs);
      if (step.kind === 'wait' || flag(trigger.disabled, false)) {
        if (step.state.disabled && !state.disabled) this.logger.info({ ...ids, executionId: state.executionId }, 'polling trigger disabled: its execution ended in a stopAfter state');
        evaluated = polledState(step.state, now, intervalMs, undefined);
        return;
      }
      evaluated = polledState(step.state, now, intervalMs, undefined);
      // The lease bounds the evaluation, so that no other replica takes the trigger over while it still polls; a poll
      // cut by it fails naming the setting (an options.timeout beyond it cannot be honoured).
      const budgetMs = Math.max(1000, this.options.leaseMs - 1000);
      const budget = new AbortController();
      budgetTimer = setTimeout(
        () => budget.abort(new Error(`the poll ran longer than its lease allows: polls end within scheduler.leaseMs - 1 s (${budgetMs} ms), so a longer options.timeout is not waited for`)),
        budgetMs,
      );
      const signal = AbortSignal.any([this.stopping.signal, budget.signal]);
      const variables = await type.evaluate({ flow, trigger, now, render: this.options.render ?? {}, signal });
      if (!variables) {
        this.logger.debug(ids, 'polling trigger evaluated: no execution');
        return;
      }
      if (!scheduleOccurrenceHolds(trigger, { date: now }, { defaultCountry: this.options.defaultCountry, render: this.options.render })) {
        this.logger.debug(ids, 'polling trigger skipped: conditions not met');
        return;
      }
      const execution = await this.trigger.execute({
        executionId: idFrom(`${flow.namespace}\u0000${flow.id}\u0000${trigger.id}\u0000${now.toISOString()}\u0000poll`),
        namespace: flow.namespace,
        flowId: flow.id,
        labels: triggerLabels(trigger, { flow: { id: flow.id, namespace: flow.namespace }, trigger: variables }, this.options.render),
        trigger: { id: trigger.id, type: trigger.type, variables },
      });
      evaluated = polledState(step.state, now, intervalMs, execution.id);
      this.logger.info({ ...ids, executionId: execution.id }, 'polling trigger fired');
    } catch (error) {
      this.logger.error({ err: error, ...ids }, 'polling trigger evaluation failed; it polls again at its next interval');
    } finally {
      clearTimeout(budgetTimer);
      // Failed before it was evaluated (the repository unavailable): tried again one interval later, or a minute later
      // when the interval itself cannot be read (a flow stored before its check).
      const released = evaluated ?? polledState(state, now, intervalMs, undefined);
      await this.repository.triggers
        .release(this.id, { ...released, owner: undefined, ownerUntil: undefined }, state)
        .catch((error) => this.logger.error({ err: error, ...ids }, 'releasing the polling trigger failed'));
    }
  }

  private async fire(flow: Flow, trigger: Trigger, state: TriggerState, now: Date): Promise<void> {
    // A stored date that is no occurrence (set to "now" to make a backfill due) resumes at the first occurrence from it.
    let next = state.nextDate ? nextFireDate(trigger, new Date(Date.parse(state.nextDate) - 1)) : nextFireDate(trigger, now);
    let fired = 0;
    let last = state.lastDate;
    let executionId = state.executionId;
    let backfill = state.backfill;
    if (backfill && !backfill.paused && !state.disabled) {
      const end = Math.min(Date.parse(backfill.end ?? now.toISOString()), now.getTime());
      let at = nextFireDate(trigger, new Date(Date.parse(backfill.current) - 1));
      while (at && at.getTime() <= end && fired < MAX_FIRES_PER_TICK) {
        const following = nextFireDate(trigger, at);
        const outcome = this.evaluate(flow, trigger, { date: at, next: following });
        if (outcome !== 'skip') {
          executionId = (await this.startOccurrence(flow, trigger, at, following, undefined, backfill, outcome)) ?? executionId;
        }
        at = following;
        fired++;
      }
      backfill = at && at.getTime() <= end ? { ...backfill, current: at.toISOString() } : undefined;
    }
    next = this.skipMissed(trigger, next, now);
    while (next && next.getTime() <= now.getTime() && fired < MAX_FIRES_PER_TICK && !state.disabled && !flag(trigger.disabled, false)) {
      const following = nextFireDate(trigger, next);
      if (isTooLate(trigger, next, now)) {
        this.logger.info({ namespace: flow.namespace, flowId: flow.id, triggerId: trigger.id, date: next.toISOString() }, 'schedule skipped: later than its lateMaximumDelay');
      } else {
        const outcome = this.evaluate(flow, trigger, { date: next, next: following, previous: last ? new Date(last) : undefined });
        if (outcome !== 'skip') {
          executionId = (await this.startOccurrence(flow, trigger, next, following, last, undefined, outcome)) ?? executionId;
          last = next.toISOString();
        }
      }
      next = following;
      fired++;
    }
    // An unfinished backfill keeps the trigger due, so the next tick goes on with it.
    const nextDate = backfill && !backfill.paused && next && next.getTime() > now.getTime() ? now.toISOString() : next?.toISOString();
    await this.repository.triggers.release(this.id, {
      ...state,
      backfill,
      nextDate,
      lastDate: last,
      executionId,
      owner: undefined,
      ownerUntil: undefined,
      updated: now.toISOString(),
    }, state);
  }

  /**
   * Occurrences missed while no scheduler ran (an outage, a long stop) fire according to the trigger's
   * `recoverMissedSchedules`: ALL (the default) fires each, LAST only the latest, NONE none of them.
   */
  private skipMissed(trigger: Trigger, next: Date | undefined, now: Date): Date | undefined {
    const recover = String(trigger.recoverMissedSchedules ?? 'ALL').toUpperCase();
    if (recover === 'ALL' || !next || next.getTime() > now.getTime()) return next;
    let latest = next;
    let after = nextFireDate(trigger, next);
    while (after && after.getTime() <= now.getTime()) {
      latest = after;
      after = nextFireDate(trigger, after);
    }
    if (recover === 'LAST') return latest;
    // NONE: an occurrence no later than a tick or two is on time, not missed.
    return now.getTime() - latest.getTime() <= this.options.tickMs * 2 + 1000 ? latest : after;
  }

  /**
   * Whether the trigger's conditions let an occurrence fire ('fire') or not ('skip'); conditions that cannot be
   * evaluated give the error, and the occurrence then records a FAILED execution that says why, as in Kestra.
   */
  private evaluate(flow: Flow, trigger: Trigger, occurrence: ScheduleOccurrence): 'fire' | 'skip' | { error: Error } {
    try {
      const holds = scheduleOccurrenceHolds(trigger, occurrence, { defaultCountry: this.options.defaultCountry });
      if (!holds) this.logger.debug({ namespace: flow.namespace, flowId: flow.id, triggerId: trigger.id, date: occurrence.date.toISOString() }, 'schedule skipped: conditions not met');
      return holds ? 'fire' : 'skip';
    } catch (error) {
      this.logger.error({ err: error, namespace: flow.namespace, flowId: flow.id, triggerId: trigger.id, date: occurrence.date.toISOString() }, 'schedule conditions could not be evaluated; the occurrence fails');
      return { error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /**
   * Starts one occurrence's execution; a backfill adds its inputs and labels. An occurrence whose conditions could not
   * be evaluated gets a FAILED execution instead, with the error in its logs. Returns the execution id, if created.
   */
  private async startOccurrence(
    flow: Flow,
    trigger: Trigger,
    date: Date,
    following: Date | undefined,
    previous: string | undefined,
    backfill: TriggerState['backfill'] | undefined,
    outcome: 'fire' | { error: Error },
  ): Promise<string | undefined> {
    const failure = outcome === 'fire' ? undefined : outcome.error;
    const dates = { date: date.toISOString(), next: following?.toISOString(), previous };
    try {
      const execution = await this.trigger.execute({
        // One id per occurrence: if this replica dies before it stores the next date, the replica that takes the
        // trigger over fires the same occurrence again under the same id, and the executor starts it only once.
        executionId: idFrom(`${flow.namespace}\u0000${flow.id}\u0000${trigger.id}\u0000${date.toISOString()}\u0000${backfill ? 'backfill' : 'schedule'}`),
        namespace: flow.namespace,
        flowId: flow.id,
        inputs: { ...((trigger.inputs ?? {}) as Record<string, unknown>), ...(backfill?.inputs ?? {}) },
        labels: [
          ...triggerLabels(trigger, { flow: { id: flow.id, namespace: flow.namespace }, trigger: dates }),
          ...(backfill ? [...(backfill.labels ?? []), { key: 'system.backfill', value: 'true' }] : []),
        ],
        scheduleDate: date.toISOString(),
        trigger: {
          id: trigger.id,
          type: trigger.type,
          variables: dates,
        },
        failed: failure !== undefined,
      });
      if (failure) {
        const message = `Unable to evaluate the Schedule trigger '${trigger.id}': ${failure.message}`;
        await this.repository.logs
          .append([{ namespace: flow.namespace, flowId: flow.id, executionId: execution.id, triggerId: trigger.id, timestamp: new Date().toISOString(), level: 'ERROR', message }])
          .catch((error) => this.logger.error({ err: error, executionId: execution.id }, 'writing the schedule failure to the execution logs failed'));
      }
      this.logger.info(
        { executionId: execution.id, namespace: flow.namespace, flowId: flow.id, triggerId: trigger.id, date: date.toISOString(), backfill: backfill !== undefined },
        failure ? 'schedule failed: its conditions could not be evaluated' : backfill ? 'backfill fired' : 'schedule fired',
      );
      return execution.id;
    } catch (error) {
      this.logger.warn({ err: error, namespace: flow.namespace, flowId: flow.id, triggerId: trigger.id }, 'schedule could not start an execution');
      return undefined;
    }
  }

  /** Creates the state of new Schedule triggers: they fire from the next occurrence on, after their flow's `backfill` if any. */
  private async register(flows: Map<string, Flow>, now: Date): Promise<void> {
    for (const flow of flows.values()) {
      for (const trigger of flow.triggers) {
        if (!isScheduledTrigger(trigger)) continue;
        const existing = await this.repository.triggers.get(flow.namespace, flow.id, trigger.id);
        if (existing) continue;
        const polling = pollingTypeOf(trigger);
        if (polling) {
          // A flow stored before its interval was checked must not stop the registration of the others.
          let intervalMs = UNREADABLE_RETRY_MS;
          try {
            intervalMs = polling.intervalMs(trigger);
          } catch (error) {
            this.logger.error({ err: error, namespace: flow.namespace, flowId: flow.id, triggerId: trigger.id }, 'polling trigger interval unreadable');
          }
          await this.repository.triggers.create(initialPollingState(flow.namespace, flow.id, trigger.id, flag(trigger.disabled, false), now, intervalMs));
          continue;
        }
        await this.repository.triggers.create({
          namespace: flow.namespace,
          flowId: flow.id,
          triggerId: trigger.id,
          ...initialSchedule(trigger, now),
          disabled: flag(trigger.disabled, false),
          updated: now.toISOString(),
        });
      }
    }
  }

  private async scheduledFlows(): Promise<Map<string, Flow>> {
    const now = Date.now();
    if (!this.flows || now - this.flows.at > FLOW_REFRESH_MS) {
      const stored = await this.repository.flows.list();
      const byKey = new Map<string, Flow>();
      for (const s of stored) {
        if (s.disabled || s.flow.disabled || !s.flow.triggers.some(isScheduledTrigger)) continue;
        byKey.set(`${s.namespace}\u0000${s.id}`, s.flow);
      }
      this.flows = { at: now, byKey };
    }
    return this.flows.byKey;
  }
}

/**
 * The first state of a Schedule: its next occurrence, or, when the flow gives a `backfill`, a backfill from its start
 * to its end (now when it has none) that is due at once, the regular schedule going on from now after it.
 */
function initialSchedule(trigger: Trigger, now: Date): Pick<TriggerState, 'nextDate' | 'backfill'> {
  const backfill = trigger.backfill as { start?: string; end?: string; inputs?: Record<string, unknown>; labels?: Label[] | Record<string, unknown> } | undefined;
  if (!backfill?.start) return { nextDate: nextFireDate(trigger, now)?.toISOString() };
  const start = new Date(Date.parse(backfill.start)).toISOString();
  const end = new Date(backfill.end ? Date.parse(backfill.end) : now.getTime()).toISOString();
  return {
    nextDate: now.toISOString(),
    backfill: { start, end, current: start, paused: false, ...(backfill.inputs ? { inputs: backfill.inputs } : {}), ...(backfill.labels ? { labels: labelList(backfill.labels) } : {}) },
  };
}

/** Labels as a flow writes them: a list of {key, value} or a map. */
function labelList(labels: Label[] | Record<string, unknown>): Label[] {
  return Array.isArray(labels) ? labels : Object.entries(labels).map(([key, value]) => ({ key, value: String(value) }));
}
