import type { TriggerState } from './ports.js';

type Field = Exclude<keyof TriggerState, 'owner' | 'ownerUntil'>;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * The state a scheduler's release stores: what it evaluated, except the fields that someone else (the triggers API:
 * disable, backfill start/pause/delete, unlock) changed since it acquired the trigger, which keep their stored value.
 * A backfill that both advanced and had its settings changed keeps the settings and the progress.
 */
export function releasedTriggerState(stored: TriggerState, read: TriggerState, evaluated: TriggerState): TriggerState {
  const result: TriggerState = { ...stored };
  const fields = new Set<Field>([...Object.keys(stored), ...Object.keys(read), ...Object.keys(evaluated)].filter((k) => k !== 'owner' && k !== 'ownerUntil') as Field[]);
  for (const field of fields) {
    if (field === 'updated') continue;
    if (!same(stored[field], read[field])) continue;
    if (evaluated[field] === undefined) delete result[field];
    else (result as unknown as Record<string, unknown>)[field] = evaluated[field];
  }
  const [before, now, after] = [read.backfill, stored.backfill, evaluated.backfill];
  if (before && now && after && !same(now, before) && now.start === before.start && now.end === before.end) {
    result.backfill = { ...now, current: after.current };
  }
  result.updated = [stored.updated, evaluated.updated].sort().at(-1)!;
  return result;
}
