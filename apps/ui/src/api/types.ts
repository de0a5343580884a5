// Payloads of the REST API as it returns them (Kestra's JSON shapes). See docs/api.md.

export type StateType =
  | 'CREATED' | 'QUEUED' | 'RUNNING' | 'PAUSED' | 'RESTARTED' | 'KILLING' | 'SUCCESS' | 'WARNING'
  | 'FAILED' | 'KILLED' | 'CANCELLED' | 'SKIPPED' | 'RETRYING' | 'RETRIED' | 'BREAKPOINT';

export const STATE_TYPES: readonly StateType[] = [
  'CREATED', 'QUEUED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'SUCCESS', 'WARNING',
  'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'RETRYING', 'RETRIED', 'BREAKPOINT',
];

export interface StateHistory {
  state: StateType;
  date: string;
}

export interface State {
  current: StateType;
  histories: StateHistory[];
  startDate: string;
  endDate?: string;
  /** ISO-8601 duration once ended, e.g. PT1.234S */
  duration?: string;
}

export interface Label {
  key: string;
  value: string;
}

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

/** A metric a task reported on one attempt; a timer's value is in seconds. */
export interface TaskRunMetric {
  name: string;
  type: 'counter' | 'timer';
  value: number;
  tags?: Record<string, string>;
}

export interface TaskRunAttempt {
  state: State;
  workerId?: string;
  logFile?: string;
  metrics?: TaskRunMetric[];
}

export interface TaskRun {
  id: string;
  executionId: string;
  namespace: string;
  flowId: string;
  taskId: string;
  parentTaskRunId?: string;
  value?: string;
  iteration?: number;
  attempts: TaskRunAttempt[];
  outputs?: Record<string, unknown>;
  state: State;
  [property: string]: unknown;
}

export interface Execution {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision: number;
  state: State;
  labels: Label[];
  inputs: Record<string, unknown>;
  variables?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  trigger?: { id: string; type: string; variables: Record<string, unknown> };
  parent?: { executionId: string; taskRunId: string; namespace: string; flowId: string };
  taskRunList: TaskRun[];
  scheduleDate?: string;
  deleted?: boolean;
  [property: string]: unknown;
}

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface LogEntry {
  namespace: string;
  flowId: string;
  executionId: string;
  taskId?: string;
  taskRunId?: string;
  attemptNumber?: number;
  triggerId?: string;
  timestamp: string;
  level: LogLevel;
  message: string;
  thread?: string;
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

/** One property of a plugin type, from GET /api/v1/plugins. */
export interface PluginProperty {
  name: string;
  required: boolean;
  kind: string;
  description?: string;
}

/** A task, trigger or condition type, from GET /api/v1/plugins. */
export interface PluginType {
  type: string;
  category: 'task' | 'trigger' | 'condition';
  aliases: string[];
  flowable?: boolean;
  description?: string;
  properties: PluginProperty[];
}
