import { LineCounter, parseDocument } from 'yaml';
import type { Flow, FlowInput, FlowOutput, Label, PluginDefault, RetryPolicy, Sla, Task, Trigger } from './flow.js';
import { formatPath } from './flow-path.js';
import { collectFlowViolations } from './validate-flow.js';
import { FlowValidationError, type Violation } from './violation.js';
import { YamlPositions } from './yaml-positions.js';
import { flag } from './flag.js';

export interface ParseFlowOptions {
  /** Shown in violation messages (`<file>:<line>:<column>: ...`). */
  fileName?: string;
  /**
   * Whether the backend keeps Flow trigger precondition windows (ExecutorStore.keepsConditionWindows; default true).
   * When false, preconditions that gather results across executions are refused at their path.
   */
  storedPreconditions?: boolean;
}

/**
 * Parses and validates a Kestra flow written in YAML. Throws {@link FlowValidationError} listing every
 * violation, each with its path in the flow and its line and column in `source`.
 */
export function parseFlow(source: string, options: ParseFlowOptions = {}): Flow {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, merge: true, prettyErrors: true });
  const fileName = options.fileName ?? '<flow>';

  if (document.errors.length > 0) {
    const violations = document.errors.map((error): Violation => {
      const position = error.linePos?.[0];
      return { path: '', message: firstLine(error.message), line: position?.line, column: position?.col };
    });
    throw new FlowValidationError(violations, fileName);
  }

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // Unresolved aliases and alias bombs surface only when the document is converted.
    throw new FlowValidationError([{ path: '', message: (error as Error).message, line: 1, column: 1 }], fileName);
  }
  const positions = new YamlPositions(document.contents, lineCounter);
  const violations: Violation[] = [];
  collectFlowViolations(value ?? null, { storedPreconditions: options.storedPreconditions }, (path, message, options) => {
    const position = positions.locate(path, options?.atKey);
    violations.push({ path: formatPath(path), message, line: position?.line, column: position?.column });
  });
  if (violations.length > 0) throw new FlowValidationError(sortByPosition(violations), fileName);

  return toFlow(value as Record<string, unknown>, source);
}

/** Validates a flow given as a plain value (e.g. JSON from the API); violations carry no line numbers. */
export function validateFlowValue(value: unknown): Violation[] {
  const violations: Violation[] = [];
  collectFlowViolations(value, {}, (path, message) => violations.push({ path: formatPath(path), message }));
  return violations;
}

/** Builds the typed flow from a document that passed validation, filling Kestra's defaults. */
export function toFlow(raw: Record<string, unknown>, source?: string): Flow {
  const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
  const flow: Flow = {
    id: String(raw.id),
    namespace: String(raw.namespace),
    labels: toLabels(raw.labels),
    inputs: list<Record<string, unknown>>(raw.inputs).map(toInput),
    variables: (raw.variables as Record<string, unknown> | undefined) ?? {},
    tasks: list<Task>(raw.tasks),
    errors: list<Task>(raw.errors),
    finally: list<Task>(raw.finally),
    outputs: list<FlowOutput>(raw.outputs),
    triggers: list<Trigger>(raw.triggers),
    pluginDefaults: [...list<PluginDefault>(raw.pluginDefaults), ...list<PluginDefault>(raw.taskDefaults)],
    disabled: flag(raw.disabled, false),
  };
  if (raw.revision != null) flow.revision = Number(raw.revision);
  if (typeof raw.description === 'string') flow.description = raw.description;
  if (Array.isArray(raw.afterExecution)) flow.afterExecution = raw.afterExecution as Task[];
  if (raw.retry != null) flow.retry = raw.retry as RetryPolicy;
  if (typeof raw.timeout === 'string') flow.timeout = raw.timeout;
  const concurrency = raw.concurrency as { limit?: unknown; behavior?: unknown } | undefined;
  if (concurrency) {
    flow.concurrency = {
      limit: Number(concurrency.limit),
      behavior: (concurrency.behavior as 'QUEUE' | 'CANCEL' | 'FAIL' | undefined) ?? 'QUEUE',
    };
  }
  if (Array.isArray(raw.sla) && raw.sla.length > 0) flow.sla = (raw.sla as Record<string, unknown>[]).map(toSla);
  if (source !== undefined) flow.source = source;
  return flow;
}

function toLabels(labels: unknown): Label[] {
  if (Array.isArray(labels)) {
    return labels.map((label: { key: unknown; value: unknown }) => ({ key: String(label.key), value: String(label.value) }));
  }
  if (labels && typeof labels === 'object') {
    return Object.entries(labels).map(([key, value]) => ({ key, value: String(value) }));
  }
  return [];
}

function toSla(raw: Record<string, unknown>): Sla {
  // Type and behavior are matched regardless of case, as the validator matches every enum.
  const sla: Sla = {
    id: String(raw.id),
    type: String(raw.type).toUpperCase() as Sla['type'],
    behavior: String(raw.behavior).toUpperCase() as Sla['behavior'],
    labels: toLabels(raw.labels),
  };
  if (raw.duration != null) sla.duration = String(raw.duration);
  if (raw.assert != null) sla.assert = String(raw.assert);
  return sla;
}

function toInput(raw: Record<string, unknown>): FlowInput {
  const { name, ...rest } = raw;
  return {
    ...rest,
    id: String(raw.id ?? name),
    type: raw.type as FlowInput['type'],
    // Kestra: every input is required unless it says otherwise; a default satisfies it.
    required: flag(raw.required, true),
  };
}

function sortByPosition(violations: Violation[]): Violation[] {
  return violations
    .map((violation, index) => ({ violation, index }))
    .sort((a, b) => {
      const lineA = a.violation.line ?? Infinity;
      const lineB = b.violation.line ?? Infinity;
      if (lineA !== lineB) return lineA - lineB;
      const columnA = a.violation.column ?? 0;
      const columnB = b.violation.column ?? 0;
      return columnA !== columnB ? columnA - columnB : a.index - b.index;
    })
    .map(({ violation }) => violation);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
