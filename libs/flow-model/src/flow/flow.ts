/** A flow as written by users (Kestra's YAML shape), after parsing and validation. */
export interface Flow {
  id: string;
  namespace: string;
  revision?: number;
  description?: string;
  labels: Label[];
  inputs: FlowInput[];
  variables: Record<string, unknown>;
  tasks: Task[];
  errors: Task[];
  finally: Task[];
  afterExecution?: Task[];
  outputs: FlowOutput[];
  triggers: Trigger[];
  pluginDefaults: PluginDefault[];
  retry?: RetryPolicy;
  timeout?: string;
  disabled: boolean;
  concurrency?: { limit: number; behavior: 'QUEUE' | 'CANCEL' | 'FAIL' };
  sla?: Sla[];
  /** The YAML text the flow was parsed from, kept verbatim. */
  source?: string;
}

/**
 * A service level the flow's executions must meet. MAX_DURATION is checked when `duration` has passed since the
 * execution was created; EXECUTION_ASSERTION each time the running execution changes. A violation adds `labels`, and
 * FAIL or CANCEL ends the execution in that state (NONE only logs).
 */
export interface Sla {
  id: string;
  type: 'MAX_DURATION' | 'EXECUTION_ASSERTION';
  behavior: 'FAIL' | 'CANCEL' | 'NONE';
  labels: Label[];
  /** MAX_DURATION: an ISO-8601 duration. */
  duration?: string;
  /** EXECUTION_ASSERTION: an expression that must render truthy. */
  assert?: string;
}

export interface Label {
  key: string;
  value: string;
}

/** A boolean as the source wrote it (Kestra's Jackson reads the texts too): read it with `flag()`. */
export type Flag = boolean | 'true' | 'false';

/** Any task: `id`, `type` and the type's own properties, which stay unrendered until run time. */
export interface Task {
  id: string;
  type: string;
  description?: string;
  disabled?: Flag;
  retry?: RetryPolicy;
  timeout?: string;
  runIf?: string;
  allowFailure?: Flag;
  allowWarning?: Flag;
  errors?: Task[];
  finally?: Task[];
  /** Child tasks of flowable tasks (Sequential, Parallel, ForEach, If.then, ...) are typed by their task definition. */
  [property: string]: unknown;
}

export type InputType =
  | 'STRING' | 'INT' | 'FLOAT' | 'BOOLEAN' | 'BOOL' | 'DATETIME' | 'DATE' | 'TIME' | 'DURATION'
  | 'JSON' | 'YAML' | 'URI' | 'FILE' | 'SELECT' | 'MULTISELECT' | 'ARRAY' | 'ENUM' | 'SECRET' | 'EMAIL';

export interface FlowInput {
  id: string;
  type: InputType;
  description?: string;
  required: boolean;
  defaults?: unknown;
  /** Validators by input type: validator (regex), min/max, minLength/maxLength, values, itemType, after/before... */
  [property: string]: unknown;
}

export interface FlowOutput {
  id: string;
  type: string;
  value: unknown;
  description?: string;
}

export interface Trigger {
  id: string;
  type: string;
  disabled?: Flag;
  conditions?: Condition[];
  inputs?: Record<string, unknown>;
  [property: string]: unknown;
}

export interface Condition {
  type: string;
  [property: string]: unknown;
}

export interface PluginDefault {
  type: string;
  forced?: Flag;
  values: Record<string, unknown>;
}

export interface RetryPolicy {
  type: 'constant' | 'exponential' | 'random';
  maxAttempt?: number;
  maxDuration?: string;
  warningOnRetry?: Flag;
  behavior?: 'RETRY_FAILED_TASK' | 'CREATE_NEW_EXECUTION';
  /** constant and exponential */
  interval?: string;
  /** exponential */
  maxInterval?: string;
  delayFactor?: number;
  /** random */
  minInterval?: string;
}

/** Identifies one flow revision. */
export interface FlowRef {
  namespace: string;
  id: string;
  revision?: number;
}
