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
  stopAfter: 'disabling the trigger after an execution ends in one of these states is supported on polling triggers only (http.Trigger)',
  logLevel: 'Osprey writes no trigger logs of its own to filter',
  logToFile: 'Osprey writes no trigger logs of its own to a file',
  workerGroup: 'Osprey evaluates polling triggers in the scheduler, not on a worker group',
  failOnTriggerError: 'a polling trigger whose evaluation fails logs the error and polls again at its next interval; it starts no failed execution',
  allowConcurrent: 'a polling trigger waits for the execution it started to end before it polls again',
};

/** The common properties as descriptors, refused ones included (docs, plugins API). */
export const COMMON_TRIGGER_PROPERTIES: Readonly<Record<string, PropertySpec>> = propertySpecs(COMMON_TRIGGER_SHAPE, COMMON_TRIGGER_REFUSED);

function trigger<S extends z.ZodRawShape>(name: string, aliases: string[], shape: S, refused: RefusedProperties = {}): TriggerTypeDefinition<S> {
  return { name, aliases, ...declaredProperties(shape, refused) };
}

/** The end states `stopAfter` may name: only an ended execution disables its trigger. */
const END_STATES = ['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'RETRIED'] as const;

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

/** `io.kestra.plugin.core.http.Trigger`: polls an HTTP endpoint every `interval` (libs/services/src/scheduler/http-trigger.ts). */
export const HTTP_TRIGGER = trigger(
  'io.kestra.plugin.core.http.Trigger',
  [],
  {
    uri: prop.string().describe('The URL to poll.'),
    method: prop.string().describe('HTTP method; GET by default.').optional(),
    body: prop.any().describe('Request body, rendered.').optional(),
    contentType: prop.string().describe('Content type of the body; application/json by default.').optional(),
    headers: prop.map().describe('Request headers, rendered.').optional(),
    // The Request task's options but the response-code ones: on the trigger the responseCondition decides.
    options: prop
      .map(undefined, { keys: ['timeout', 'connectTimeout', 'readTimeout', 'readIdleTimeout', 'followRedirects', 'maxContentLength', 'auth', 'basicAuthUser', 'basicAuthPassword'] })
      .describe('Timeouts, redirects, body size and authentication, as the http.Request task reads them.')
      .optional(),
    // Read by the scheduler as written (Kestra's interval is no dynamic property either).
    interval: prop.duration({ expressions: false }).describe('Time between two polls; PT1M by default.').optional(),
    responseCondition: prop
      .string()
      .describe('Expression on `response.statusCode`, `response.body` and `response.headers`; a truthy result starts an execution. Default `{{ response.statusCode < 400 }}`.')
      .optional(),
    stopAfter: prop.list(prop.enumOf(END_STATES)).describe('End states of an execution it started that disable the trigger.').optional(),
  },
  {
    formData: 'form bodies are not implemented on the HTTP trigger: send a `body` with its `contentType`',
    sslOptions: 'TLS options are not implemented: the system trust store is used',
    encryptBody: 'encrypted bodies are not implemented',
  },
);

/** Every trigger type Osprey supports, by canonical name. */
export const TRIGGER_TYPES: readonly TriggerTypeDefinition[] = [SCHEDULE_TRIGGER, SCHEDULE_ON_DATES_TRIGGER, FLOW_TRIGGER, WEBHOOK_TRIGGER, HTTP_TRIGGER];

const BY_NAME = indexByName(TRIGGER_TYPES);

/** Finds a trigger type by canonical name or legacy alias. */
export function resolveTriggerType(type: string): TriggerTypeDefinition | undefined {
  return BY_NAME.get(type);
}
