// Payloads of the REST API as it returns them (Kestra's JSON shapes). See docs/api.md.
// Executions, task runs and log entries are the engine's own types, imported as types only (nothing of it is bundled).
import type { Label, StateType } from '@osprey/flow-model';

export type { Execution, ExecutionTrigger, Label, State, StateHistory, StateType, TaskRun, TaskRunAttempt, TaskRunMetric } from '@osprey/flow-model';
export type { LogEntry, LogLevel } from '@osprey/flow-model';

export const STATE_TYPES: readonly StateType[] = [
  'CREATED', 'QUEUED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'SUCCESS', 'WARNING',
  'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'RETRYING', 'RETRIED', 'BREAKPOINT',
];

export interface Paged<T> {
  results: T[];
  total: number;
}

/** A task, trigger or condition as written in the flow (type plus its properties). */
export interface TaskDefinition {
  id: string;
  type: string;
  description?: string;
  disabled?: boolean;
  tasks?: TaskDefinition[];
  errors?: TaskDefinition[];
  finally?: TaskDefinition[];
  then?: TaskDefinition[];
  else?: TaskDefinition[];
  cases?: Record<string, TaskDefinition[]>;
  defaults?: TaskDefinition[];
  [property: string]: unknown;
}

export type InputType =
  | 'STRING' | 'INT' | 'FLOAT' | 'BOOLEAN' | 'BOOL' | 'SELECT' | 'MULTISELECT' | 'DATE' | 'DATETIME' | 'TIME'
  | 'DURATION' | 'JSON' | 'YAML' | 'URI' | 'EMAIL' | 'FILE' | 'SECRET' | 'ARRAY' | 'ENUM';

export interface FlowInput {
  id: string;
  type: InputType | string;
  description?: string;
  displayName?: string;
  required?: boolean;
  defaults?: unknown;
  values?: unknown[];
  options?: unknown[];
  allowCustomValue?: boolean;
  itemType?: string;
  [property: string]: unknown;
}

export interface Flow {
  id: string;
  namespace: string;
  revision: number;
  description?: string;
  labels?: Label[] | Record<string, string>;
  inputs?: FlowInput[];
  outputs?: unknown[];
  variables?: Record<string, unknown>;
  tasks: TaskDefinition[];
  errors?: TaskDefinition[];
  finally?: TaskDefinition[];
  afterExecution?: TaskDefinition[];
  triggers?: TaskDefinition[];
  disabled: boolean;
  deleted: boolean;
  updated?: string;
  /** The YAML source, when asked for (`source=true`) and on writes. */
  source?: string;
}

export interface FlowViolation {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** One result of POST /api/v1/flows/validate. */
export interface FlowValidation {
  index: number;
  namespace?: string;
  flow?: string;
  constraints?: string;
  outdated: boolean;
  deprecationPaths: string[];
  warnings: string[];
  infos: string[];
  violations: FlowViolation[];
}

/** A trigger's state as the scheduler keeps it (Kestra's TriggerContext). */
export interface TriggerContext {
  namespace: string;
  flowId: string;
  triggerId: string;
  disabled: boolean;
  date?: string;
  nextExecutionDate?: string;
  executionId?: string;
  updatedDate?: string;
  workerId?: string;
  evaluateRunningDate?: string;
  backfill?: { start: string; end?: string; currentDate: string; paused: boolean; inputs?: Record<string, unknown>; labels?: Label[] };
}

/** One row of GET /api/v1/triggers/search. */
export interface TriggerSearchItem {
  abstractTrigger: TaskDefinition;
  triggerContext: TriggerContext;
}

export interface Namespace {
  id: string;
  deleted: boolean;
}

export interface FileAttributes {
  fileName: string;
  lastModifiedTime: number;
  creationTime: number;
  type: 'File' | 'Directory';
  size: number;
}

export interface KvEntry {
  key: string;
  creationDate?: string;
  updateDate: string;
  expirationDate?: string;
}

export interface KvTypedValue {
  type: 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'DATE' | 'DURATION' | 'JSON';
  value: unknown;
}

export interface Configs {
  version: string;
  commitId?: string;
  uuid: string;
  isTaskRunEnabled: boolean;
  isBasicAuthEnabled: boolean;
  systemNamespace: string;
  hiddenLabelsPrefixes: string[];
  maxUploadBytes: number;
}

