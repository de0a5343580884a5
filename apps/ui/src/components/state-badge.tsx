import { isActiveState, stateColor } from './state-colors.js';

/** A state as a coloured pill; `data-state` carries the raw state for tests. */
export function StateBadge({ state, testId, title }: { state: string | undefined; testId?: string; title?: string }) {
  const value = state ?? 'UNKNOWN';
  return (
    <span className={`state-badge${isActiveState(state) ? ' state-badge--active' : ''}`} style={{ ['--badge-color' as string]: stateColor(state) }} data-state={value} data-testid={testId} title={title}>
      {value}
    </span>
  );
}
