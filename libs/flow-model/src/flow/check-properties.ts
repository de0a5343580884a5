import type { z } from 'zod';
import type { FlowPath, PathSegment } from './flow-path.js';
import type { RefusedProperties } from './plugin-definition.js';

/** Receives each violation found; `atKey` asks to locate it at the property's key rather than its value. */
export type ViolationSink = (path: FlowPath, message: string, options?: { atKey?: boolean }) => void;

export interface PropertyCheck {
  /** Every property the map may hold (the common ones and its type's own); strict unless other keys are let through. */
  schema: z.ZodObject;
  /** Properties refused by name, each with why. */
  refused: RefusedProperties;
  /** Names the owner in `unknown property 'x' for <what>`. */
  what: string;
}

/**
 * Checks one map of a flow (a task, trigger, condition, input, retry...) against its zod schema and reports each problem at its path: refused and
 * unknown properties at their key, wrong values at the value, missing required properties at the map. A null value
 * counts as absent, as in Kestra. `effective` is the map after plugin defaults, which may supply required values.
 */
export function checkProperties(
  value: Readonly<Record<string, unknown>>,
  path: FlowPath,
  check: PropertyCheck,
  report: ViolationSink,
  effective: Readonly<Record<string, unknown>> = value,
): void {
  const present: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(value)) {
    if (property === null || property === undefined) continue;
    if (Object.hasOwn(check.refused, key)) report([...path, key], `property '${key}' is not supported by Osprey: ${check.refused[key]}`, { atKey: true });
    else present[key] = property;
  }
  const result = check.schema.safeParse(present, { reportInput: true });
  if (result.success) return;
  for (const issue of result.error.issues) {
    const at = [...path, ...issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol')];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) report([...at, key], `unknown property '${key}' for ${check.what}`, { atKey: true });
    } else if (issue.path.length === 1 && issue.input === undefined) {
      const key = String(issue.path[0]);
      if (effective[key] === undefined || effective[key] === null) report(at, `missing required property '${key}'`);
    } else {
      report(at, issue.message);
    }
  }
}
