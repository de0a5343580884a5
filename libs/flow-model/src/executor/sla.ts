import type { Flow, Label, Sla } from '../flow/flow.js';
import { parseDuration } from '../flow/duration.js';
import type { Execution } from '../execution/execution.js';
import type { ExecutionEvent } from './events.js';

/** An SLA the execution does not meet, with why. */
export interface SlaViolation {
  sla: Sla;
  reason: string;
}

/**
 * The wake-ups of a new execution's MAX_DURATION SLAs: each one's deadline is counted from the execution's
 * creation, so time spent QUEUED counts too.
 */
export function slaDeadlines(flow: Flow, execution: Execution): { at: string; event: ExecutionEvent }[] {
  const created = Date.parse(execution.state.startDate);
  return (flow.sla ?? [])
    .filter((sla) => sla.type === 'MAX_DURATION' && sla.duration)
    .map((sla) => ({ at: new Date(created + parseDuration(sla.duration!)).toISOString(), event: { type: 'timer', kind: 'sla', slaId: sla.id } }));
}

/**
 * The MAX_DURATION SLA a deadline timer names, when the execution has now run past it. A restarted execution has
 * ended once: its deadlines ended with it.
 */
export function maxDurationViolation(flow: Flow, execution: Execution, slaId: string | undefined, now: Date): SlaViolation | undefined {
  if (execution.state.histories.some((h) => h.state === 'RESTARTED')) return undefined;
  const elapsed = now.getTime() - Date.parse(execution.state.startDate);
  const sla = (flow.sla ?? []).find((s) => s.type === 'MAX_DURATION' && s.id === slaId && s.duration && elapsed >= parseDuration(s.duration));
  if (!sla) return undefined;
  return { sla, reason: `the execution has run ${(elapsed / 1000).toFixed(3)}s, more than the maximum duration ${sla.duration}` };
}

/**
 * Checks the EXECUTION_ASSERTION SLAs with `holds`, which renders an assertion and says whether it is true. An
 * assertion that cannot be rendered is reported in `errors` and counts as met, so a typo never ends executions.
 */
export function assertionViolations(flow: Flow, holds: (assertion: string) => boolean): { violations: SlaViolation[]; errors: { sla: Sla; error: unknown }[] } {
  const violations: SlaViolation[] = [];
  const errors: { sla: Sla; error: unknown }[] = [];
  for (const sla of flow.sla ?? []) {
    if (sla.type !== 'EXECUTION_ASSERTION' || sla.assert === undefined) continue;
    try {
      if (!holds(sla.assert)) violations.push({ sla, reason: `the assertion is false: ${sla.assert}` });
    } catch (error) {
      errors.push({ sla, error });
    }
  }
  return { violations, errors };
}

/** Whether a violation's labels are all on the execution already (so a violation seen again adds nothing). */
export function hasLabels(current: Label[], labels: Label[]): boolean {
  return labels.every((label) => current.some((l) => l.key === label.key && l.value === label.value));
}

export function hasSla(flow: Flow, type: Sla['type']): boolean {
  return (flow.sla ?? []).some((sla) => sla.type === type);
}
