import {
  indexByName,
  properties,
  refused,
  requiredProperties,
  type PluginDefinition,
  type PropertyShorthand,
  type PropertySpec,
} from './plugin-definition.js';

export type TriggerTypeDefinition = PluginDefinition;

/** Properties every trigger accepts, whatever its type. */
export const COMMON_TRIGGER_PROPERTIES: Readonly<Record<string, PropertySpec>> = properties({
  id: 'string!',
  type: 'string!',
  description: 'string',
  disabled: 'boolean',
  conditions: 'conditions',
  labels: 'any',
  stopAfter: refused('disabling the trigger after an execution ends in one of these states is not supported yet'),
  logLevel: refused('Osprey writes no trigger logs of its own to filter'),
  logToFile: refused('Osprey writes no trigger logs of its own to a file'),
  workerGroup: refused('only polling triggers are evaluated on a worker, and Osprey has none'),
  failOnTriggerError: refused('only polling triggers can fail, and Osprey has none'),
  allowConcurrent: refused('only polling triggers run concurrently, and Osprey has none'),
});

function trigger(name: string, aliases: string[], shorthand: Record<string, PropertyShorthand>): TriggerTypeDefinition {
  const props = properties(shorthand);
  return { name, aliases, properties: props, required: requiredProperties(props) };
}

const CORE = 'io.kestra.plugin.core.trigger';
const LEGACY = 'io.kestra.core.models.triggers.types';

/** Every trigger type Osprey supports, by canonical name. */
export const TRIGGER_TYPES: readonly TriggerTypeDefinition[] = [
  trigger(`${CORE}.Schedule`, [`${LEGACY}.Schedule`], {
    cron: 'string!',
    withSeconds: 'boolean',
    timezone: 'string',
    backfill: 'map',
    inputs: 'map',
    lateMaximumDelay: 'duration',
    scheduleConditions: 'conditions',
    recoverMissedSchedules: { type: 'string', values: ['NONE', 'LAST', 'ALL'] },
    interval: 'duration', // no effect on a Schedule, as in Kestra
  }),
  trigger(`${CORE}.Flow`, [`${LEGACY}.Flow`], {
    inputs: 'map',
    preconditions: 'map',
    states: 'list',
  }),
  trigger(`${CORE}.Webhook`, [`${LEGACY}.Webhook`], {
    key: 'string!',
    inputs: 'map',
    wait: 'boolean',
    returnOutputs: 'boolean',
  }),
];

const BY_NAME = indexByName(TRIGGER_TYPES);

/** Finds a trigger type by canonical name or legacy alias. */
export function resolveTriggerType(type: string): TriggerTypeDefinition | undefined {
  return BY_NAME.get(type);
}
