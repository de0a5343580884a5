import type { Label } from '../flow/flow.js';

/** Later labels override earlier ones with the same key. */
export function mergeLabelLists(base: Label[], extra: Label[]): Label[] {
  const map = new Map(base.map((l) => [l.key, l.value]));
  for (const l of extra) map.set(l.key, l.value);
  return [...map].map(([key, value]) => ({ key, value }));
}
