import { conditionWindowAt, type TimeWindowSpec, type WindowBounds } from './precondition-window.js';

/**
 * The results a precondition of several conditions has gathered so far, within one time window (Kestra's
 * MultipleConditionWindow): which of its conditions an ended execution has met since `start`.
 */
export interface ConditionWindow extends WindowBounds {
  namespace: string;
  flowId: string;
  /** The trigger's id and its precondition's id (see `conditionIdOf`). */
  conditionId: string;
  /** Condition id -> met; only met conditions are recorded. */
  results: Record<string, true>;
}

/** A window as the executor store holds it: `version` guards concurrent updates (0: not stored). */
export interface StoredConditionWindow {
  window: ConditionWindow;
  version: number;
}

/** What a decision changes in the stored windows: the new window, or null to delete it. */
export interface ConditionWindowWrite {
  namespace: string;
  flowId: string;
  conditionId: string;
  /** The version read (0 when none was stored): the write fails if the stored window changed since. */
  expectedVersion: number;
  window: ConditionWindow | null;
}

/** The identity of a stored window: one per triggered flow and precondition. */
export function conditionWindowKey(namespace: string, flowId: string, conditionId: string): string {
  return JSON.stringify([namespace, flowId, conditionId]);
}

const INBOX_KEY_PREFIX = 'precondition-windows:';

/**
 * The inbox key under which a triggered flow's windows change, on backends that keep each flow's windows with one
 * owner (Kafka): upstream results travel there as `preconditionResult` events. Never an execution id (ids have no `:`).
 */
export function conditionWindowInboxKey(namespace: string, flowId: string): string {
  return `${INBOX_KEY_PREFIX}${JSON.stringify([namespace, flowId])}`;
}

/** The triggered flow of an inbox key from `conditionWindowInboxKey`; undefined for any other key (an execution's). */
export function parseConditionWindowInboxKey(key: string): { namespace: string; flowId: string } | undefined {
  if (!key.startsWith(INBOX_KEY_PREFIX)) return undefined;
  const [namespace, flowId] = JSON.parse(key.slice(INBOX_KEY_PREFIX.length)) as [string, string];
  return { namespace, flowId };
}

/** The inbox key of the flow a window key (`conditionWindowKey`) belongs to. */
export function conditionWindowInboxKeyOf(windowKey: string): string {
  const [namespace, flowId] = JSON.parse(windowKey) as [string, string, string];
  return conditionWindowInboxKey(namespace, flowId);
}

export interface ConditionWindowSpec {
  namespace: string;
  flowId: string;
  conditionId: string;
  timeWindow?: TimeWindowSpec;
  /** Ids of all the conditions that must be met. */
  conditionIds: string[];
}

export interface ConditionWindowStep {
  /** The window after this execution's results; undefined when the window is closed now and nothing is evaluated. */
  window?: ConditionWindow;
  /** All the conditions are met within the window. */
  met: boolean;
}

/**
 * Adds the conditions an ended execution meets (`metNow`) to the window open at `now`: the stored one while it
 * lasts, else a new one from the time window. A condition met again stays met once; nothing is evaluated while
 * the window is closed (a daily window outside its hours).
 */
export function advanceConditionWindow(spec: ConditionWindowSpec, stored: ConditionWindow | undefined, metNow: readonly string[], now: Date): ConditionWindowStep {
  let window: ConditionWindow | undefined = stored && isOpen(stored, now) ? stored : undefined;
  if (!window) {
    const { start, end } = conditionWindowAt(spec.timeWindow, now);
    window = { namespace: spec.namespace, flowId: spec.flowId, conditionId: spec.conditionId, start, end, results: {} };
  }
  if (!isOpen(window, now)) return { met: false };
  const results = { ...window.results };
  for (const id of metNow) results[id] = true;
  const next = { ...window, results };
  // Only an execution that meets one of the conditions fires: a window kept full (resetOnSuccess: false) fires again
  // each time one is met again, as Kestra documents it, not on every execution in the trigger's states.
  return { window: next, met: metNow.length > 0 && spec.conditionIds.every((id) => results[id] === true) };
}

/** Start included: a sliding window opened by an execution counts that execution's results. */
function isOpen(window: WindowBounds, now: Date): boolean {
  return now.getTime() >= window.start && now.getTime() < window.end;
}

/** A stored window whose end has passed: it is purged. */
export function isConditionWindowExpired(window: ConditionWindow, now: Date): boolean {
  return window.end < now.getTime();
}
