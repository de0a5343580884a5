import type { Trigger } from '@osprey/flow-model';
import { httpTrigger } from './http-trigger.js';
import type { PollingTriggerType } from './polling-trigger.js';

/** The polling trigger types the scheduler evaluates; a new one is added here and nowhere else in the scheduler. */
const POLLING_TRIGGER_TYPES: readonly PollingTriggerType[] = [httpTrigger];

const BY_TYPE = new Map(POLLING_TRIGGER_TYPES.flatMap((type) => type.types.map((name) => [name, type] as const)));

/** The polling type of a trigger, undefined for a trigger that is not polled. */
export function pollingTypeOf(trigger: Trigger): PollingTriggerType | undefined {
  return BY_TYPE.get(trigger.type);
}
