import { flag, type Label, type Trigger } from '@osprey/flow-model';
import type { BroadcastQueue } from '@osprey/queue';
import { NotFoundError, type Repository, type TriggerState } from '@osprey/repository';
import { ExecutionConflictError } from '../executions/execution-conflict-error.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { nextPollDate } from '../scheduler/polling-state.js';
import { pollingTypeOf } from '../scheduler/polling-trigger-types.js';
import { isScheduleTrigger, nextFireDate } from '../scheduler/scheduler-service.js';

export interface TriggerKey {
  namespace: string;
  flowId: string;
  triggerId: string;
}

export interface BackfillRequest {
  start: string;
  end?: string;
  inputs?: Record<string, unknown>;
  labels?: Label[];
}

/**
 * What operators do to triggers: enable/disable, unlock, backfills. The stored trigger state is what the scheduler
 * honours (a disabled trigger is never acquired; an active backfill makes the trigger due at once), and every change
 * is broadcast so schedulers drop what they cached.
 */
export class TriggerCommands {
  constructor(
    private readonly repository: Repository,
    private readonly broadcast: BroadcastQueue,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async setDisabled(key: TriggerKey, disabled: boolean): Promise<TriggerState> {
    const trigger = await this.triggerOf(key);
    const now = this.clock();
    const state = (await this.repository.triggers.get(key.namespace, key.flowId, key.triggerId)) ?? this.initial(key, trigger, now);
    const next: TriggerState = { ...state, disabled, updated: now.toISOString() };
    // Occurrences missed while disabled are skipped, as in Kestra: the schedule goes on from now.
    if (!disabled && (isScheduleTrigger(trigger) || pollingTypeOf(trigger))) next.nextDate = firstDate(trigger, now);
    return this.store(next);
  }

  async unlock(key: TriggerKey): Promise<TriggerState> {
    const state = await this.stateOf(key);
    if (!state.owner && !state.executionId) throw new ExecutionConflictError(`trigger ${describe(key)} is not locked`);
    await this.repository.triggers.unlock(key.namespace, key.flowId, key.triggerId);
    await this.changed(key);
    return (await this.repository.triggers.get(key.namespace, key.flowId, key.triggerId))!;
  }

  /**
   * Kestra's restart: the trigger is evaluated afresh by whichever scheduler takes it next. Osprey drops the
   * scheduler's lease and the execution the trigger waits on (as unlock does), locked or not.
   */
  async restart(key: TriggerKey): Promise<TriggerState> {
    await this.stateOf(key);
    await this.repository.triggers.unlock(key.namespace, key.flowId, key.triggerId);
    await this.changed(key);
    return (await this.repository.triggers.get(key.namespace, key.flowId, key.triggerId))!;
  }

  async startBackfill(key: TriggerKey, request: BackfillRequest): Promise<TriggerState> {
    const trigger = await this.triggerOf(key);
    if (!isScheduleTrigger(trigger)) throw new InvalidArgumentError('triggerId', `trigger ${describe(key)} is a ${trigger.type}: only Schedule triggers have backfills`);
    const now = this.clock();
    const start = parseDate(request.start, 'backfill.start');
    const end = request.end ? parseDate(request.end, 'backfill.end') : now;
    if (end.getTime() < start.getTime()) throw new InvalidArgumentError('backfill.end', 'backfill.end is before backfill.start');
    if (request.labels !== undefined && !Array.isArray(request.labels)) throw new InvalidArgumentError('backfill.labels', 'backfill.labels must be a list of {key, value}');
    const state = (await this.repository.triggers.get(key.namespace, key.flowId, key.triggerId)) ?? this.initial(key, trigger, now);
    if (state.backfill) throw new ExecutionConflictError(`trigger ${describe(key)} already has a backfill: delete it first`);
    return this.store({
      ...state,
      backfill: { start: start.toISOString(), end: end.toISOString(), current: start.toISOString(), paused: false, inputs: request.inputs, labels: request.labels },
      nextDate: dueNow(state.nextDate, now),
      updated: now.toISOString(),
    });
  }

  async setBackfillPaused(key: TriggerKey, paused: boolean): Promise<TriggerState> {
    const state = await this.stateOf(key);
    if (!state.backfill) throw new ExecutionConflictError(`trigger ${describe(key)} has no backfill`);
    const now = this.clock();
    return this.store({
      ...state,
      backfill: { ...state.backfill, paused },
      nextDate: paused ? state.nextDate : dueNow(state.nextDate, now),
      updated: now.toISOString(),
    });
  }

  async deleteBackfill(key: TriggerKey): Promise<TriggerState> {
    const state = await this.stateOf(key);
    if (!state.backfill) throw new ExecutionConflictError(`trigger ${describe(key)} has no backfill`);
    const { backfill: _backfill, ...rest } = state;
    return this.store({ ...rest, updated: this.clock().toISOString() });
  }

  private async triggerOf(key: TriggerKey): Promise<Trigger> {
    const stored = await this.repository.flows.get(key.namespace, key.flowId);
    if (!stored || stored.deleted) throw new NotFoundError('flow', `${key.namespace}.${key.flowId}`);
    const trigger = stored.flow.triggers.find((t) => t.id === key.triggerId);
    if (!trigger) throw new NotFoundError('trigger', describe(key));
    return trigger;
  }

  private async stateOf(key: TriggerKey): Promise<TriggerState> {
    const state = await this.repository.triggers.get(key.namespace, key.flowId, key.triggerId);
    if (!state) throw new NotFoundError('trigger', describe(key));
    return state;
  }

  private initial(key: TriggerKey, trigger: Trigger, now: Date): TriggerState {
    const state: TriggerState = { ...key, disabled: flag(trigger.disabled, false), updated: now.toISOString() };
    const nextDate = firstDate(trigger, now);
    if (nextDate) state.nextDate = nextDate;
    return state;
  }

  private async store(state: TriggerState): Promise<TriggerState> {
    await this.repository.triggers.save(state);
    await this.changed(state);
    return (await this.repository.triggers.get(state.namespace, state.flowId, state.triggerId)) ?? state;
  }

  private changed(key: TriggerKey): Promise<void> {
    return this.broadcast.publish({ type: 'triggerChanged', namespace: key.namespace, flowId: key.flowId, triggerId: key.triggerId });
  }
}

function describe(key: TriggerKey): string {
  return `${key.namespace}.${key.flowId}.${key.triggerId}`;
}

function parseDate(value: unknown, field: string): Date {
  const millis = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(millis)) throw new InvalidArgumentError(field, `${field} must be an ISO-8601 date-time, got ${JSON.stringify(value)}`);
  return new Date(millis);
}

/** The scheduler acquires a trigger when its next date is due; the regular schedule resumes at its first occurrence from there. */
function dueNow(nextDate: string | undefined, now: Date): string {
  return nextDate && Date.parse(nextDate) < now.getTime() ? nextDate : now.toISOString();
}

/** When an enabled Schedule next fires, or an enabled polling trigger next polls (one interval from now); undefined for other triggers. */
function firstDate(trigger: Trigger, now: Date): string | undefined {
  if (isScheduleTrigger(trigger)) return nextFireDate(trigger, now)?.toISOString();
  const polling = pollingTypeOf(trigger);
  return polling ? nextPollDate(now, polling.intervalMs(trigger)) : undefined;
}
