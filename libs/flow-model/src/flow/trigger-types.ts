import { z } from 'zod';
import { declaredProperties, indexByName, propertySpecs, type PluginDefinition, type PropertySpec, type RefusedProperties } from './plugin-definition.js';
import { prop } from './property-schema.js';

export type TriggerTypeDefinition<S extends z.ZodRawShape = z.ZodRawShape> = PluginDefinition<S>;

/** Properties every trigger accepts, whatever its type. */
export const COMMON_TRIGGER_SHAPE = {
  id: prop.string().describe('Identifier, unique among the flow\'s triggers.'),
  type: prop.string().describe('The plugin type, e.g. io.kestra.plugin.core.trigger.Schedule.'),
  description: prop.string().describe('Free text; Markdown in the UI.').optional(),
  disabled: prop.boolean({ expressions: false }).describe('A disabled trigger does not fire.').optional(),
  conditions: prop.conditions().describe('Conditions that must all be true for the trigger to fire.').optional(),
  labels: prop.any().describe('Labels added to the executions it starts.').optional(),
};

export const COMMON_TRIGGER_REFUSED: RefusedProperties = {
  stopAfter: 'disabling the trigger after an execution ends in one of these states is not supported yet',
  logLevel: 'Osprey writes no trigger logs of its own to filter',
  logToFile: 'Osprey writes no trigger logs of its own to a file',
  workerGroup: 'only polling triggers are evaluated on a worker, and Osprey has none',
  failOnTriggerError: 'only polling triggers can fail, and Osprey has none',
  allowConcurrent: 'only polling triggers run concurrently, and Osprey has none',
};

/** The common properties as descriptors, refused ones included (docs, plugins API). */
export const COMMON_TRIGGER_PROPERTIES: Readonly<Record<string, PropertySpec>> = propertySpecs(COMMON_TRIGGER_SHAPE, COMMON_TRIGGER_REFUSED);

function trigger<S extends z.ZodRawShape>(name: string, aliases: string[], shape: S): TriggerTypeDefinition<S> {
  return { name, aliases, ...declaredProperties(shape) };
}

const CORE = 'io.kestra.plugin.core.trigger';
const LEGACY = 'io.kestra.core.models.triggers.types';

export const SCHEDULE_TRIGGER = trigger(`${CORE}.Schedule`, [`${LEGACY}.Schedule`], {
  cron: prop.string().describe('Cron expression (5 fields, 6 with withSeconds) or a nickname such as @daily.'),
  withSeconds: prop.boolean({ expressions: false }).optional(),
  timezone: prop.string().optional(),
  backfill: prop.map().optional(),
  inputs: prop.map().optional(),
  lateMaximumDelay: prop.duration().optional(),
  scheduleConditions: prop.conditions().optional(),
  recoverMissedSchedules: prop.enumOf(['NONE', 'LAST', 'ALL']).optional(),
  interval: prop.duration().describe('Accepted for compatibility: no effect on a Schedule, as in Kestra.').optional(),
});
export const SCHEDULE_ON_DATES_TRIGGER = trigger(`${CORE}.ScheduleOnDates`, [], {
  // Read by the scheduler as written: an expression in place of the list is refused.
  dates: prop.list(undefined, { expressions: false }).describe('The date-times to start an execution at, each with its offset (2026-01-31T09:00:00+01:00).'),
  timezone: prop.string().describe('A time zone id: the zone in which conditions see each date; as in Kestra it changes no instant, the dates carry their offset.').optional(),
  inputs: prop.map().optional(),
  recoverMissedSchedules: prop.enumOf(['NONE', 'LAST', 'ALL']).optional(),
});
export const FLOW_TRIGGER = trigger(`${CORE}.Flow`, [`${LEGACY}.Flow`], {
  inputs: prop.map().optional(),
  preconditions: prop.map().optional(),
  states: prop.list().optional(),
});
export const WEBHOOK_TRIGGER = trigger(`${CORE}.Webhook`, [`${LEGACY}.Webhook`], {
  key: prop.string(),
  inputs: prop.map().optional(),
  wait: prop.boolean({ expressions: false }).optional(),
  returnOutputs: prop.boolean({ expressions: false }).optional(),
});

/** Every trigger type Osprey supports, by canonical name. */
export const TRIGGER_TYPES: readonly TriggerTypeDefinition[] = [SCHEDULE_TRIGGER, SCHEDULE_ON_DATES_TRIGGER, FLOW_TRIGGER, WEBHOOK_TRIGGER];

const BY_NAME = indexByName(TRIGGER_TYPES);

/** Finds a trigger type by canonical name or legacy alias. */
export function resolveTriggerType(type: string): TriggerTypeDefinition | undefined {
  return BY_NAME.get(type);
}
