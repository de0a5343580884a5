import type { StateType } from '../api/types.js';

/** The CSS colour variable of each state (defined per theme in app/theme.css). */
export const STATE_COLOR: Record<StateType, string> = {
  CREATED: 'var(--state-created)',
  QUEUED: 'var(--state-created)',
  RUNNING: 'var(--state-running)',
  PAUSED: 'var(--state-paused)',
  RESTARTED: 'var(--state-running)',
  KILLING: 'var(--state-killed)',
  SUCCESS: 'var(--state-success)',
  WARNING: 'var(--state-warning)',
  FAILED: 'var(--state-failed)',
  KILLED: 'var(--state-killed)',
  CANCELLED: 'var(--state-killed)',
  SKIPPED: 'var(--state-skipped)',
  RETRYING: 'var(--state-paused)',
  RETRIED: 'var(--state-skipped)',
  BREAKPOINT: 'var(--state-paused)',
};

export function stateColor(state: string | undefined): string {
  return (state && STATE_COLOR[state as StateType]) || 'var(--state-skipped)';
}

/** Not ended yet: shown with a pulse. */
export function isActiveState(state: string | undefined): boolean {
  return state === 'CREATED' || state === 'QUEUED' || state === 'RUNNING' || state === 'RESTARTED' || state === 'KILLING' || state === 'RETRYING';
}
