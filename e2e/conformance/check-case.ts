/**
 * Checks a finished execution against one conformance case's `expect` block, key by key as
 * ../shared/conformance/README.md defines them. Returns the list of mismatches (empty = pass).
 */

interface Run {
  taskId: string;
  state: { current: string };
  outputs?: Record<string, unknown>;
  attempts?: unknown[];
}
export interface ExecutionLike {
  namespace: string;
  flowId: string;
  state: { current: string };
  labels?: { key: string; value: string }[];
  outputs?: Record<string, unknown> | null;
  taskRunList?: Run[];
  trigger?: { type?: string; variables?: Record<string, unknown> };
}

type Expect = Record<string, unknown>;

export function checkCase(expect: Expect, execution: ExecutionLike, triggered: ExecutionLike[]): string[] {
  const problems: string[] = [];
  const runs = execution.taskRunList ?? [];
  const runsOf = (id: string) => runs.filter((r) => r.taskId === id);

  if (expect.state !== undefined && execution.state.current !== expect.state) {
    problems.push(`state: expected ${expect.state}, got ${execution.state.current}`);
  }
  if (expect.taskRunCount !== undefined && runs.length !== expect.taskRunCount) {
    problems.push(`taskRunCount: expected ${expect.taskRunCount}, got ${runs.length} (${runs.map((r) => r.taskId).join(', ')})`);
  }
  for (const [id, state] of Object.entries((expect.taskRuns ?? {}) as Record<string, string>)) {
    const found = runsOf(id);
    if (found.length === 0) problems.push(`taskRuns.${id}: no task run`);
    for (const run of found) if (run.state.current !== state) problems.push(`taskRuns.${id}: expected ${state}, got ${run.state.current}`);
  }
  for (const [id, outputs] of Object.entries((expect.outputs ?? {}) as Record<string, unknown>)) {
    if (!runsOf(id).some((r) => partialMatch(outputs, r.outputs ?? {}, false))) {
      problems.push(`outputs.${id}: no run has ${JSON.stringify(outputs)} (got ${JSON.stringify(runsOf(id).map((r) => r.outputs))})`);
    }
  }
  for (const [id, outputs] of Object.entries((expect.outputsMatch ?? {}) as Record<string, unknown>)) {
    if (!runsOf(id).some((r) => partialMatch(outputs, r.outputs ?? {}, true))) {
      problems.push(`outputsMatch.${id}: no run matches ${JSON.stringify(outputs)} (got ${JSON.stringify(runsOf(id).map((r) => r.outputs))})`);
    }
  }
  for (const [id, list] of Object.entries((expect.outputsAll ?? {}) as Record<string, unknown[]>)) {
    for (const outputs of list) {
      if (!runsOf(id).some((r) => partialMatch(outputs, r.outputs ?? {}, false))) {
        problems.push(`outputsAll.${id}: no run has ${JSON.stringify(outputs)}`);
      }
    }
  }
  for (const id of (expect.absent ?? []) as string[]) {
    if (runsOf(id).length > 0) problems.push(`absent.${id}: has ${runsOf(id).length} task run(s)`);
  }
  for (const [id, count] of Object.entries((expect.attempts ?? {}) as Record<string, number>)) {
    const first = runsOf(id)[0];
    const got = first?.attempts?.length ?? 0;
    if (got !== count) problems.push(`attempts.${id}: expected ${count}, got ${got}`);
  }
  if ('executionOutputs' in expect) {
    const want = expect.executionOutputs;
    const got = execution.outputs && Object.keys(execution.outputs).length > 0 ? execution.outputs : null;
    if (JSON.stringify(canonical(want)) !== JSON.stringify(canonical(got))) {
      problems.push(`executionOutputs: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
  if (expect.labels) problems.push(...checkLabels('labels', expect.labels as Record<string, string>, execution));
  for (const spec of (expect.triggered ?? []) as Expect[]) problems.push(...checkTriggered(spec, triggered));
  return problems;
}

function checkTriggered(spec: Expect, triggered: ExecutionLike[]): string[] {
  const problems: string[] = [];
  const name = `triggered ${spec.namespace}.${spec.flowId}`;
  const found = triggered.filter((e) => e.namespace === spec.namespace && e.flowId === spec.flowId);
  if (spec.count !== undefined) {
    if (found.length !== spec.count) problems.push(`${name}: expected count ${spec.count}, got ${found.length}`);
  } else if (found.length === 0) {
    problems.push(`${name}: none started`);
  }
  for (const e of found) {
    if (spec.state !== undefined && e.state.current !== spec.state) problems.push(`${name}: state expected ${spec.state}, got ${e.state.current}`);
    const count = e.taskRunList?.length ?? 0;
    if (spec.taskRunCount !== undefined && count !== spec.taskRunCount) problems.push(`${name}: taskRunCount expected ${spec.taskRunCount}, got ${count}`);
    if (spec.labels) problems.push(...checkLabels(name, spec.labels as Record<string, string>, e));
    if (spec.labelCount !== undefined && (e.labels?.length ?? 0) !== spec.labelCount) {
      problems.push(`${name}: labelCount expected ${spec.labelCount}, got ${e.labels?.length ?? 0}`);
    }
    for (const [id, outputs] of Object.entries((spec.outputsMatch ?? {}) as Record<string, unknown>)) {
      if (!(e.taskRunList ?? []).some((r) => r.taskId === id && partialMatch(outputs, r.outputs ?? {}, true))) {
        problems.push(`${name}: outputsMatch.${id} not matched`);
      }
    }
    if (spec.trigger && !partialMatch(spec.trigger, e.trigger ?? {}, false)) {
      problems.push(`${name}: trigger expected ${JSON.stringify(spec.trigger)}, got ${JSON.stringify(e.trigger)}`);
    }
  }
  if (spec.executionOutputsSequence) {
    const sequence = found.map((e) => e.outputs ?? null);
    if (!partialMatch(spec.executionOutputsSequence, sequence, false)) {
      problems.push(`${name}: executionOutputsSequence expected ${JSON.stringify(spec.executionOutputsSequence)}, got ${JSON.stringify(sequence)}`);
    }
  }
  return problems;
}

function checkLabels(name: string, expected: Record<string, string>, execution: ExecutionLike): string[] {
  const have = new Map((execution.labels ?? []).map((l) => [l.key, l.value]));
  return Object.entries(expected)
    .filter(([key, value]) => have.get(key) !== String(value))
    .map(([key, value]) => `${name}: label ${key} expected ${JSON.stringify(value)}, got ${JSON.stringify(have.get(key))}`);
}

/** Objects key by key (extra keys allowed), lists element by element, scalars loosely ("1" equals 1) or by regex. */
export function partialMatch(expected: unknown, actual: unknown, regex: boolean): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => partialMatch(e, actual[i], regex));
  }
  if (typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([k, v]) => partialMatch(v, (actual as Record<string, unknown>)[k], regex));
  }
  if (actual === undefined || actual === null) return false;
  const text = typeof actual === 'object' ? JSON.stringify(actual) : String(actual);
  if (regex) return new RegExp(String(expected)).test(text);
  return String(expected) === text;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
