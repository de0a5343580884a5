import { testOwnFlow } from '../support/osprey-cli.js';
import { checkCase, type ExecutionLike } from '../conformance/check-case.js';

/**
 * Osprey's own flows (e2e/flows, namespace io.osprey.tests) run through `osprey flow test`, one
 * case per behaviour family of Kestra's corpus. `expect` uses the corpus format (checkCase);
 * `verify` adds what that format cannot say: timing, ordering, ids that are only known at run time.
 */
const CONCURRENCY = 3;

interface StateLike {
  current: string;
  histories?: { state: string; date: string }[];
  startDate?: string;
  endDate?: string;
}
interface TaskRunLike {
  id: string;
  taskId: string;
  parentTaskRunId?: string | null;
  value?: string | null;
  state: StateLike;
  outputs?: Record<string, unknown>;
  attempts?: { state: StateLike; metrics?: unknown[] }[];
}
interface Execution extends ExecutionLike {
  id: string;
  state: StateLike;
  taskRunList?: TaskRunLike[];
  inputs?: Record<string, unknown>;
}

interface OwnCase {
  name: string;
  flow: string;
  needs?: string[];
  inputs?: Record<string, string>;
  expect: Record<string, unknown>;
  verify?: (execution: Execution, triggered: Execution[]) => string[];
}

type Outcome = { ok: true; execution: Execution; triggered: Execution[] } | { ok: false; reason: string };

// ---- helpers for `verify` ------------------------------------------------------------------

const time = (iso: string | undefined): number => (iso ? Date.parse(iso) : NaN);
const runsOf = (e: Execution, taskId: string): TaskRunLike[] => (e.taskRunList ?? []).filter((r) => r.taskId === taskId);

/** Milliseconds the whole execution took (its state's start to end). */
function durationMs(e: Execution): number {
  return time(e.state.endDate) - time(e.state.startDate);
}

function atLeastMs(what: string, got: number, min: number): string[] {
  return got >= min ? [] : [`${what}: expected at least ${min} ms, took ${got} ms`];
}

/** The task run whose parent is `ancestorId` on the way up from `run`, or undefined if `ancestorId` is not above it. */
function childUnder(e: Execution, run: TaskRunLike, ancestorId: string): TaskRunLike | undefined {
  const byId = new Map((e.taskRunList ?? []).map((r) => [r.id, r]));
  let current: TaskRunLike | undefined = run;
  while (current) {
    if (current.parentTaskRunId === ancestorId) return current;
    current = current.parentTaskRunId ? byId.get(current.parentTaskRunId) : undefined;
  }
  return undefined;
}

/**
 * For every run of the flowable `taskId`, groups the task runs below it by the branch they belong
 * to (the loop value for loops, the child task for Parallel) and checks that no more than `limit`
 * branches were ever alive at the same time. A branch lives from its first task run's creation to
 * its last task run's end.
 */
function maxConcurrentBranches(e: Execution, taskId: string, limit: number): string[] {
  const problems: string[] = [];
  for (const parent of runsOf(e, taskId)) {
    const windows = new Map<string, { start: number; end: number }>();
    for (const run of e.taskRunList ?? []) {
      const branchRoot = childUnder(e, run, parent.id);
      if (!branchRoot) continue;
      const key = branchRoot.value ?? branchRoot.taskId;
      const window = windows.get(key) ?? { start: Infinity, end: -Infinity };
      window.start = Math.min(window.start, time(run.state.startDate));
      window.end = Math.max(window.end, time(run.state.endDate));
      windows.set(key, window);
    }
    if (windows.size === 0) problems.push(`${taskId}: no task runs below it`);
    const list = [...windows.values()];
    for (const w of list) {
      if (Number.isNaN(w.start) || Number.isNaN(w.end)) problems.push(`${taskId}: a branch has no start or end date`);
      // Half-open windows: a branch created in the same millisecond another ended does not overlap it.
      const alive = list.filter((o) => o.start <= w.start && w.start < o.end).length;
      if (alive > limit) problems.push(`${taskId} (${parent.value ?? 'no value'}): ${alive} branches alive at once, limit ${limit}`);
    }
  }
  return problems;
}

function statesSeen(run: TaskRunLike | undefined): string[] {
  return (run?.state.histories ?? []).map((h) => h.state);
}

function label(e: Execution, key: string): string | undefined {
  return e.labels?.find((l) => l.key === key)?.value;
}

function same(what: string, got: unknown, want: unknown): string[] {
  return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
}

// ---- the cases ---------------------------------------------------------------------------------

const cases: OwnCase[] = [
  {
    name: 'sequential blocks nested three deep run every leaf in order',
    flow: 'nested-sequence.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 7,
      taskRuns: { outer: 'SUCCESS', middle: 'SUCCESS', inner: 'SUCCESS' },
      outputs: { closing: { value: 'closing after deepest sees after outer starts' } },
    },
  },
  {
    name: 'Parallel with concurrent: 2 runs all branches, at most two at a time',
    flow: 'parallel-concurrent.yaml',
    expect: { state: 'SUCCESS', taskRunCount: 8, outputs: { 'fan-in': { value: 'abcd' } } },
    verify: (e) => maxConcurrentBranches(e, 'fan-out', 2),
  },
  {
    name: 'ForEach with concurrencyLimit 1 runs iterations one after another; outputs are addressed by value',
    flow: 'foreach-values.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 14,
      outputsAll: {
        shout: [{ value: 'RED' }, { value: 'GREEN' }, { value: 'BLUE' }],
        pair: [{ value: 'small red' }, { value: 'large green' }, { value: 'large blue' }],
      },
      outputs: { pick: { value: 'GREEN/large blue' } },
    },
    verify: (e) => [
      ...maxConcurrentBranches(e, 'colours', 1),
      ...same('values of shout', runsOf(e, 'shout').map((r) => r.value), ['red', 'green', 'blue']),
    ],
  },
  {
    name: 'ForEach over an empty list creates no child run and the flow goes on',
    flow: 'foreach-empty.yaml',
    expect: { state: 'SUCCESS', taskRunCount: 2, taskRuns: { 'after-nothing': 'SUCCESS' }, absent: ['never'] },
  },
  {
    name: 'ForEach over objects gives each iteration its object as taskrun.value',
    flow: 'foreach-objects.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 3,
      outputsAll: { describe: [{ value: 'ada born 1815' }, { value: 'alan born 1912' }] },
    },
  },
  {
    name: 'ForEach with concurrencyLimit 0 and a nested limited ForEach runs every cell',
    flow: 'foreach-unbounded.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 13,
      outputsAll: {
        cell: [{ value: 'r1-c1' }, { value: 'r1-c2' }, { value: 'r1-c3' }, { value: 'r2-c1' }, { value: 'r2-c2' }, { value: 'r2-c3' }],
      },
    },
    verify: (e) => maxConcurrentBranches(e, 'cols', 2),
  },
  {
    name: 'EachSequential and EachParallel (concurrent: 2) read taskrun.value and sibling outputs by value',
    flow: 'each-legacy.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 11,
      outputsAll: {
        'seq-item': [{ value: 'seq x' }, { value: 'seq y' }],
        'par-item-parent': [{ value: 'par p!' }, { value: 'par q!' }, { value: 'par r!' }],
      },
      outputs: { 'each-done': { value: 'seq y' } },
    },
    verify: (e) => [...maxConcurrentBranches(e, 'all-at-once', 2), ...maxConcurrentBranches(e, 'one-by-one', 1)],
  },
  {
    name: 'Switch runs the case given by the default input',
    flow: 'switch-route.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 2,
      taskRuns: { 'go-north': 'SUCCESS' },
      outputs: { crossroads: { value: 'north', defaults: false } },
      absent: ['go-south', 'nowhere', 'swamp-path'],
    },
  },
  {
    name: 'Switch falls back to defaults when no case matches',
    flow: 'switch-route.yaml',
    inputs: { route: 'east' },
    expect: {
      state: 'SUCCESS',
      taskRunCount: 2,
      outputs: { crossroads: { value: 'east', defaults: true }, nowhere: { value: 'east: no road' } },
      absent: ['go-north', 'go-south'],
    },
  },
  {
    name: 'Switch case holding a failing Sequential runs its local errors and fails',
    flow: 'switch-route.yaml',
    inputs: { route: 'swamp' },
    expect: {
      state: 'FAILED',
      taskRunCount: 4,
      taskRuns: { crossroads: 'FAILED', 'swamp-path': 'FAILED', sink: 'FAILED', rescue: 'SUCCESS' },
      outputs: { crossroads: { value: 'swamp', defaults: false }, rescue: { value: 'rescued from swamp' } },
    },
  },
  {
    name: 'If treats a non-boolean text as true',
    flow: 'if-branches.yaml',
    inputs: { answer: 'yes' },
    expect: { state: 'SUCCESS', taskRunCount: 3, taskRuns: { 'said-yes': 'SUCCESS' }, absent: ['said-no', 'zero-seen'] },
  },
  {
    name: 'If treats "false" as false and runs else',
    flow: 'if-branches.yaml',
    inputs: { answer: 'false' },
    expect: { state: 'SUCCESS', taskRunCount: 3, outputs: { 'said-no': { value: 'else branch for false' } }, absent: ['said-yes'] },
  },
  {
    name: 'If treats "0" as false; an If without else and a true condition runs then',
    flow: 'if-branches.yaml',
    inputs: { answer: '0' },
    expect: { state: 'SUCCESS', taskRunCount: 4, taskRuns: { 'said-no': 'SUCCESS', 'zero-seen': 'SUCCESS' }, absent: ['said-yes'] },
  },
  {
    name: 'flow-level errors run after a failure inside Parallel and see it through errorLogs()',
    flow: 'errors-flow-level.yaml',
    expect: {
      state: 'FAILED',
      taskRunCount: 5,
      taskRuns: { work: 'FAILED', fine: 'SUCCESS', broken: 'FAILED', report: 'SUCCESS', 'report-count': 'SUCCESS' },
      outputs: { report: { value: 'broken=the disk is on fire;' }, 'report-count': { value: 'true' } },
      absent: ['unreachable'],
    },
  },
  {
    name: 'local errors of a Sequential handle its child; later siblings never start; flow errors run too',
    flow: 'errors-local.yaml',
    expect: {
      state: 'FAILED',
      taskRunCount: 5,
      taskRuns: { prepare: 'SUCCESS', guarded: 'FAILED', trip: 'FAILED', 'local-handler': 'SUCCESS', 'global-handler': 'SUCCESS' },
      absent: ['after-trip', 'never-after'],
    },
  },
  {
    name: 'finally runs after a successful flow, errors do not',
    flow: 'finally-always.yaml',
    expect: { state: 'SUCCESS', taskRunCount: 2, taskRuns: { 'main-work': 'SUCCESS', cleanup: 'SUCCESS' }, absent: ['on-error'] },
  },
  {
    name: 'finally runs after errors when the flow fails',
    flow: 'finally-always.yaml',
    inputs: { breakIt: 'true' },
    expect: { state: 'FAILED', taskRunCount: 3, taskRuns: { 'main-work': 'FAILED', 'on-error': 'SUCCESS', cleanup: 'SUCCESS' } },
    verify: (e) => {
      const [onError] = runsOf(e, 'on-error');
      const [cleanup] = runsOf(e, 'cleanup');
      return time(cleanup?.state.startDate) >= time(onError?.state.endDate) ? [] : ['cleanup started before on-error ended'];
    },
  },
  {
    name: 'AllowFailure turns a failed block into WARNING, runs its errors and lets the flow go on',
    flow: 'allow-failure-mix.yaml',
    expect: {
      state: 'WARNING',
      taskRunCount: 4,
      taskRuns: { tolerant: 'WARNING', wobble: 'FAILED', steady: 'SUCCESS', 'keeps-going': 'SUCCESS' },
      absent: ['after-wobble'],
    },
  },
  {
    name: 'allowFailure on a task gives WARNING; allowFailure + allowWarning on a flowable gives SUCCESS',
    flow: 'allow-flags.yaml',
    expect: {
      state: 'WARNING',
      taskRunCount: 4,
      taskRuns: { 'soft-fail': 'WARNING', 'quiet-block': 'SUCCESS', 'quiet-fail': 'FAILED', tail: 'SUCCESS' },
      absent: ['quiet-skipped'],
    },
  },
  {
    name: 'allowFailure + allowWarning on a failing flowable leave the execution SUCCESS when nothing else warns',
    flow: 'allow-flags.yaml',
    inputs: { warnOnly: 'true' },
    expect: { state: 'SUCCESS', taskRunCount: 4, taskRuns: { 'soft-fail': 'SUCCESS', 'quiet-block': 'SUCCESS', tail: 'SUCCESS' } },
  },
  {
    name: 'constant retry makes every attempt in one task run, waiting between them',
    flow: 'retry-kinds.yaml',
    inputs: { mode: 'constant' },
    expect: { state: 'FAILED', taskRunCount: 2, taskRuns: { 'constant-fail': 'FAILED' }, attempts: { 'constant-fail': 3 } },
    verify: (e) => atLeastMs('two 100 ms waits', durationMs(e), 200),
  },
  {
    name: 'exponential retry doubles its wait up to maxInterval',
    flow: 'retry-kinds.yaml',
    inputs: { mode: 'exponential' },
    expect: { state: 'FAILED', taskRunCount: 2, taskRuns: { 'expo-fail': 'FAILED' }, attempts: { 'expo-fail': 4 } },
    // 50 + 100 + 200 ms; a constant 50 ms wait would take 150 ms.
    verify: (e) => atLeastMs('waits of 50, 100 and 200 ms', durationMs(e), 350),
  },
  {
    name: 'warningOnRetry turns a success after retries into WARNING',
    flow: 'retry-kinds.yaml',
    inputs: { mode: 'recover' },
    expect: { state: 'WARNING', taskRunCount: 2, taskRuns: { 'third-time-lucky': 'WARNING' }, attempts: { 'third-time-lucky': 3 } },
    verify: (e) =>
      same('attempt states', runsOf(e, 'third-time-lucky')[0]?.attempts?.map((a) => a.state.current), ['FAILED', 'FAILED', 'SUCCESS']),
  },
  {
    name: 'a retry declared on a Sequential retries its failing child',
    flow: 'retry-flowable.yaml',
    expect: { state: 'FAILED', taskRunCount: 2, taskRuns: { 'retried-block': 'FAILED', 'block-child': 'FAILED' }, attempts: { 'block-child': 2 } },
    verify: (e) => atLeastMs('one 200 ms wait', durationMs(e), 200),
  },
  {
    name: 'runIf: true runs, false is SKIPPED, a broken expression FAILS the task and the flow',
    flow: 'run-if.yaml',
    expect: {
      state: 'FAILED',
      taskRunCount: 4,
      taskRuns: { runs: 'SUCCESS', skipped: 'SKIPPED', 'skipped-literal': 'SKIPPED', 'broken-condition': 'FAILED' },
      absent: ['after-broken'],
    },
  },
  {
    name: 'disabled tasks inside ForEach, Parallel, Sequential, If and Switch create no task run',
    flow: 'disabled-inside.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 11,
      absent: ['loop-off', 'par-off', 'seq-off', 'cond-off', 'choose-off', 'top-off'],
    },
  },
  {
    name: 'Pause with a delay resumes by itself',
    flow: 'pause-kinds.yaml',
    inputs: { kind: 'delay' },
    expect: { state: 'SUCCESS', taskRunCount: 3, taskRuns: { 'short-nap': 'SUCCESS', resumed: 'SUCCESS' } },
    verify: (e) => [
      ...atLeastMs('a 500 ms pause', durationMs(e), 500),
      ...same('short-nap paused once', statesSeen(runsOf(e, 'short-nap')[0]).filter((s) => s === 'PAUSED').length, 1),
    ],
  },
  {
    name: 'Pause with a timeout and no resume fails at the timeout',
    flow: 'pause-kinds.yaml',
    inputs: { kind: 'timeout' },
    expect: { state: 'FAILED', taskRunCount: 2, taskRuns: { 'wait-for-human': 'FAILED' }, absent: ['resumed'] },
    verify: (e) => [
      ...atLeastMs('a 500 ms timeout', durationMs(e), 500),
      ...same('wait-for-human was PAUSED', statesSeen(runsOf(e, 'wait-for-human')[0]).includes('PAUSED'), true),
    ],
  },
  {
    name: 'Pause without delay or timeout leaves the run PAUSED',
    flow: 'pause-kinds.yaml',
    inputs: { kind: 'manual' },
    expect: { state: 'PAUSED', taskRunCount: 2, taskRuns: { hold: 'PAUSED' }, absent: ['resumed'] },
  },
  {
    name: 'Sleep holds the flow for its duration',
    flow: 'sleep-short.yaml',
    expect: { state: 'SUCCESS', taskRunCount: 2, taskRuns: { nap: 'SUCCESS', awake: 'SUCCESS' } },
    verify: (e) => {
      const [nap] = runsOf(e, 'nap');
      const [awake] = runsOf(e, 'awake');
      return [
        ...atLeastMs('nap', time(nap?.state.endDate) - time(nap?.state.startDate), 800),
        ...(time(awake?.state.startDate) >= time(nap?.state.endDate) ? [] : ['awake started before nap ended']),
      ];
    },
  },
  {
    name: 'Subflow waits for its child, passes inputs and labels down and reads its outputs back',
    flow: 'subflow-caller.yaml',
    needs: ['subflow-callee.yaml'],
    expect: {
      state: 'SUCCESS',
      taskRunCount: 2,
      taskRuns: { call: 'SUCCESS' },
      outputs: { call: { state: 'SUCCESS', outputs: { reply: 'I am calm' } }, 'echo-back': { value: 'callee said I am calm' } },
      attempts: { call: 1 },
      labels: { team: 'herons' },
      triggered: [
        {
          namespace: 'io.osprey.tests',
          flowId: 'subflow-callee',
          count: 1,
          state: 'SUCCESS',
          taskRunCount: 2,
          labels: { team: 'herons', caller: 'subflow-caller' },
          trigger: { type: 'io.kestra.plugin.core.flow.Subflow', variables: { namespace: 'io.osprey.tests', flowId: 'subflow-caller' } },
          executionOutputsSequence: [{ reply: 'I am calm' }],
        },
      ],
    },
    verify: (e, [child]) => [
      ...same('child correlation id', child && label(child, 'system.correlationId'), e.id),
      ...same('child trigger.variables.executionId', child?.trigger?.variables?.executionId, e.id),
      ...same('call outputs.executionId', runsOf(e, 'call')[0]?.outputs?.executionId, child?.id),
      ...same('child input', child?.inputs?.mood, 'calm'),
    ],
  },
  {
    name: 'Subflow with transmitFailed fails when its child fails',
    flow: 'subflow-caller.yaml',
    needs: ['subflow-callee.yaml'],
    inputs: { mood: 'angry' },
    expect: {
      state: 'FAILED',
      taskRunCount: 1,
      taskRuns: { call: 'FAILED' },
      outputs: { call: { state: 'FAILED' } },
      absent: ['echo-back'],
      triggered: [{ namespace: 'io.osprey.tests', flowId: 'subflow-callee', count: 1, state: 'FAILED' }],
    },
  },
  {
    name: 'Subflow with transmitFailed false succeeds although its child fails',
    flow: 'subflow-no-transmit.yaml',
    needs: ['subflow-callee.yaml'],
    expect: {
      state: 'SUCCESS',
      taskRunCount: 2,
      taskRuns: { 'tolerant-call': 'SUCCESS', 'carry-on': 'SUCCESS' },
      outputs: { 'tolerant-call': { state: 'FAILED' } },
      triggered: [{ namespace: 'io.osprey.tests', flowId: 'subflow-callee', count: 1, state: 'FAILED' }],
    },
  },
  {
    name: 'Subflow with wait false ends at once; the child still runs',
    flow: 'subflow-fire-and-forget.yaml',
    needs: ['subflow-callee.yaml'],
    expect: {
      state: 'SUCCESS',
      taskRunCount: 2,
      taskRuns: { launch: 'SUCCESS' },
      outputs: { 'after-launch': { value: 'launched true' } },
      triggered: [{ namespace: 'io.osprey.tests', flowId: 'subflow-callee', count: 1, state: 'FAILED' }],
    },
    verify: (e, [child]) => same('launch outputs.executionId', runsOf(e, 'launch')[0]?.outputs?.executionId, child?.id),
  },
  {
    name: 'a three-level Subflow chain carries the top execution id as system.correlationId',
    flow: 'chain-top.yaml',
    needs: ['chain-middle.yaml', 'chain-bottom.yaml'],
    expect: {
      state: 'SUCCESS',
      taskRunCount: 1,
      triggered: [
        { namespace: 'io.osprey.tests', flowId: 'chain-middle', count: 1, state: 'SUCCESS' },
        { namespace: 'io.osprey.tests', flowId: 'chain-bottom', count: 1, state: 'SUCCESS' },
      ],
    },
    verify: (e, triggered) => [
      ...same('top correlation id', label(e, 'system.correlationId'), e.id),
      ...triggered.flatMap((t) => same(`${t.flowId} correlation id`, label(t, 'system.correlationId'), e.id)),
    ],
  },
  {
    name: 'a Flow trigger on SUCCESS of one flow starts the listener with inputs and trigger variables',
    flow: 'trigger-source.yaml',
    needs: ['trigger-on-success.yaml', 'trigger-on-failure.yaml'],
    expect: {
      state: 'SUCCESS',
      taskRunCount: 2,
      triggered: [
        {
          namespace: 'io.osprey.tests',
          flowId: 'trigger-on-success',
          count: 1,
          state: 'SUCCESS',
          taskRunCount: 1,
          outputsMatch: { received: { value: '^got payload-ok from \\w+ \\(trigger-source, SUCCESS, true\\)$' } },
          trigger: {
            type: 'io.kestra.plugin.core.trigger.Flow',
            variables: { namespace: 'io.osprey.tests', flowId: 'trigger-source', state: 'SUCCESS' },
          },
        },
        { namespace: 'io.osprey.tests', flowId: 'trigger-on-failure', count: 0 },
      ],
    },
    verify: (e, triggered) => {
      const listener = triggered.find((t) => t.flowId === 'trigger-on-success');
      return [
        ...same('trigger.variables.executionId', listener?.trigger?.variables?.executionId, e.id),
        ...same('input sourceId', listener?.inputs?.sourceId, e.id),
      ];
    },
  },
  {
    name: 'a namespace Flow trigger on FAILED fires for a failure and the SUCCESS listener does not',
    flow: 'trigger-source.yaml',
    needs: ['trigger-on-success.yaml', 'trigger-on-failure.yaml'],
    inputs: { outcome: 'fail' },
    expect: {
      state: 'FAILED',
      taskRunCount: 2,
      taskRuns: { 'fail-on-demand': 'FAILED' },
      triggered: [
        { namespace: 'io.osprey.tests', flowId: 'trigger-on-success', count: 0 },
        {
          namespace: 'io.osprey.tests',
          flowId: 'trigger-on-failure',
          count: 1,
          state: 'SUCCESS',
          outputsMatch: { alarm: { value: '^io\\.osprey\\.tests\\.trigger-source ended FAILED$' } },
        },
      ],
    },
    verify: (e, triggered) =>
      same('trigger.variables.executionId', triggered.find((t) => t.flowId === 'trigger-on-failure')?.trigger?.variables?.executionId, e.id),
  },
  {
    name: 'execution.Labels adds labels from a map, a list and JSON text, and overrides a flow label',
    flow: 'labels-runtime.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 3,
      labels: { origin: 'declared', stage: 'labels-runtime-final', colour: 'teal', size: '5', fromJson: 'yes' },
    },
    verify: (e) => same('labels named stage', e.labels?.filter((l) => l.key === 'stage').length, 1),
  },
  {
    name: 'OutputValues, Return with flow.id / task.id and typed flow outputs',
    flow: 'outputs-values.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 3,
      outputs: {
        bundle: { values: { city: 'Lisbon', count: '42' } },
        'who-am-i': { value: 'outputs-values/who-am-i' },
        'from-bundle': { value: 'Lisbon 42' },
      },
      executionOutputs: { place: 'Lisbon', answer: 42 },
    },
    verify: (e) => same('INT flow output is a number', typeof e.outputs?.answer, 'number'),
  },
  {
    name: 'typed inputs take their defaults when not given',
    flow: 'inputs-typed.yaml',
    expect: { state: 'SUCCESS', outputs: { summary: { value: 'world x3 r=1.0 depth=3 tags=a,b level=low opt=none' } } },
  },
  {
    name: 'typed inputs given as text are converted to their declared types',
    flow: 'inputs-typed.yaml',
    inputs: {
      name: 'bob',
      times: '5',
      ratio: '1.25',
      loud: 'true',
      config: '{"depth": 9}',
      tags: '["x", "y", "z"]',
      level: 'high',
      optional: 'here',
    },
    expect: { state: 'SUCCESS', outputs: { summary: { value: 'BOB x6 r=2.5 depth=9 tags=x,y,z level=high opt=here' } } },
  },
  {
    name: 'Dag runs each task after what it depends on',
    flow: 'dag-diamond.yaml',
    expect: { state: 'SUCCESS', taskRunCount: 5, outputs: { join: { value: 'left of root+right of root' } } },
    verify: (e) => {
      const end = (id: string) => time(runsOf(e, id)[0]?.state.endDate);
      const start = (id: string) => time(runsOf(e, id)[0]?.state.startDate);
      const order: [string, string][] = [['root', 'left'], ['root', 'right'], ['left', 'join'], ['right', 'join']];
      return order.filter(([a, b]) => !(start(b) >= end(a))).map(([a, b]) => `${b} started before ${a} ended`);
    },
  },
  {
    name: 'WorkingDirectory shares one folder between LocalFiles and a shell task',
    flow: 'working-dir-files.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 5,
      outputs: { 'count-lines': { exitCode: 0, vars: { lines: 3, note: 'counted' } }, report: { value: '3 lines, 2 files' } },
      outputsMatch: { collect: { uris: { 'data/numbers.txt': '^kestra:///io/osprey/tests/working-dir-files/', 'data/count.txt': '^kestra://' } } },
    },
  },
  {
    name: 'shell Commands turn ::{"outputs":…}:: lines into vars',
    flow: 'shell-protocol.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 2,
      outputs: { script: { exitCode: 0, vars: { greeting: 'hello', nested: { n: 7 } } }, 'use-outputs': { value: 'hello 7 exit=0' } },
    },
  },
  {
    name: 'Python scripts read inputFiles and the execution context, write outputFiles, and install dependencies that report outputs',
    flow: 'python-files.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 4,
      outputs: {
        filter: { exitCode: 0, vars: { kept: ['heron', 'osprey'] } },
        count: { exitCode: 0, vars: { count: 2, first: 'heron', threshold: 2 } },
        report: { value: 'heron,osprey: 2 from heron' },
      },
      outputsMatch: { filter: { outputFiles: { 'kept.txt': '^kestra:///io/osprey/tests/python-files/' } } },
    },
    verify: (e) => same('metrics of count', runsOf(e, 'count')[0]?.attempts?.map((a) => a.metrics), [[{ name: 'kept', type: 'gauge', value: 2 }]]),
  },
  {
    name: 'shell Commands exiting non-zero fail the task',
    flow: 'shell-protocol.yaml',
    inputs: { exitCode: '3' },
    expect: { state: 'FAILED', taskRunCount: 1, taskRuns: { script: 'FAILED' }, absent: ['use-outputs'] },
  },
  {
    name: 'shell Commands record ::{"metrics":…}:: entries on the attempt that reported them',
    flow: 'shell-metrics.yaml',
    expect: { state: 'SUCCESS', taskRunCount: 1, taskRuns: { 'count-rows': 'SUCCESS' } },
    verify: (e) => {
      const attempts = runsOf(e, 'count-rows')[0]?.attempts ?? [];
      const load = { name: 'load', type: 'timer', value: 1.5 };
      const depth = { name: 'depth', type: 'gauge', value: 7 };
      return same(
        'metrics of each attempt',
        attempts.map((a) => [a.state.current, a.metrics]),
        [
          ['FAILED', [{ name: 'rows', type: 'counter', value: 41, tags: { table: 'birds' } }, load, depth]],
          ['SUCCESS', [{ name: 'rows', type: 'counter', value: 42, tags: { table: 'birds' } }, load, depth]],
        ],
      );
    },
  },
  {
    name: 'PurgeKV, PurgeLogs and PurgeExecutions purge only what they name; Toggle disables a trigger of the flow',
    flow: 'purge-housekeeping.yaml',
    needs: ['purge-target.yaml'],
    expect: {
      state: 'SUCCESS',
      taskRunCount: 9,
      outputs: {
        'purge-kv': { size: 1 },
        keys: { keys: ['kept'] },
        'purge-executions': { executionsCount: 1, taskOutputsCount: 1 },
      },
    },
    verify: (e, triggered) => {
      const logs = runsOf(e, 'purge-logs')[0]?.outputs ?? {};
      return [
        ...same('purge-logs nonExecutionLogsCount', logs.nonExecutionLogsCount, 0),
        ...same('purge-logs count is a number', typeof logs.count, 'number'),
        // The child ran (child is SUCCESS), then was purged: no execution of it is left to find.
        ...same('child state', runsOf(e, 'child')[0]?.state.current, 'SUCCESS'),
        ...same('executions left of purge-target', triggered.filter((t) => t.flowId === 'purge-target').length, 0),
      ];
    },
  },
  {
    name: 'kv.Set, kv.Get and kv.Delete round-trip a value',
    flow: 'kv-roundtrip.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 6,
      outputs: {
        read: { value: { wings: 2, name: 'osprey' } },
        remove: { deleted: true },
        'remove-again': { deleted: false },
        summary: { value: 'osprey true gone false' },
      },
    },
    verify: (e) => same('read-again outputs', JSON.stringify(runsOf(e, 'read-again')[0]?.outputs ?? {}), '{}'),
  },
  {
    name: 'namespace.UploadFiles, DownloadFiles and DeleteFiles round-trip the files of another namespace',
    flow: 'namespace-files-roundtrip.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 11,
      outputs: {
        check: { value: 'select 1|from storage|/data/copied.txt,/data/sql/deep/r.sql,/data/sql/q.sql' },
        after: { value: '/data/copied.txt' },
      },
      outputsMatch: { 'download-after': { files: { '/data/copied.txt': '^kestra:///io/osprey/tests/namespace-files-roundtrip/executions/.+/data/copied\\.txt$' } } },
    },
    verify: (e) => same('metrics of delete', runsOf(e, 'delete')[0]?.attempts?.[0]?.metrics, [{ name: 'deleted', type: 'counter', value: 2 }]),
  },
  {
    name: 'storage.Write stores a file whose size storage.Size reports',
    flow: 'storage-write-size.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 2,
      outputs: { write: { size: 9 }, measure: { size: 9 } },
      outputsMatch: { write: { uri: '^kestra:///io/osprey/tests/storage-write-size/executions/.+\\.txt$' } },
    },
  },
  {
    name: 'execution.Fail with a true condition fails the flow',
    flow: 'fail-conditional.yaml',
    inputs: { verdict: 'reject' },
    expect: { state: 'FAILED', taskRunCount: 2, taskRuns: { before: 'SUCCESS', gate: 'FAILED' }, absent: ['past-gate'] },
  },
  {
    name: 'execution.Fail with a false condition lets the flow go on',
    flow: 'fail-conditional.yaml',
    inputs: { verdict: 'accept' },
    expect: { state: 'SUCCESS', taskRunCount: 3, taskRuns: { gate: 'SUCCESS', 'past-gate': 'SUCCESS' } },
  },
  {
    name: 'a Switch whose value matches no case and that has no defaults fails',
    flow: 'switch-no-match.yaml',
    inputs: { string: 'YES' },
    expect: {
      state: 'FAILED',
      taskRunCount: 1,
      taskRuns: { impossible: 'FAILED' },
      outputs: { impossible: { value: 'YES', defaults: true } },
      absent: ['in-no', 'after'],
    },
  },
  {
    name: 'a ForEach whose values hold null fails with only its own task run',
    flow: 'foreach-null.yaml',
    expect: { state: 'FAILED', taskRunCount: 1, taskRuns: { each: 'FAILED' }, absent: ['item', 'end'] },
  },
  {
    name: 'an If that cannot render its condition fails in every iteration a concurrent loop started',
    flow: 'if-fails-in-loop.yaml',
    expect: { state: 'FAILED', taskRunCount: 5, taskRuns: { outer: 'FAILED', inner: 'FAILED', check: 'FAILED' }, absent: ['when-true', 'when-false'] },
  },
  {
    name: 'a Pause whose delay comes from a DURATION input waits that long and goes on',
    flow: 'pause-delay-input.yaml',
    inputs: { delay: 'PT1.5S' },
    expect: { state: 'SUCCESS', taskRunCount: 2, taskRuns: { pause: 'SUCCESS', last: 'SUCCESS' } },
    verify: (e) => {
      const [pause] = runsOf(e, 'pause');
      return atLeastMs('pause', time(pause?.state.endDate) - time(pause?.state.startDate), 1500);
    },
  },
  {
    name: "a Subflow task is retried by the flow's retry policy, one child per attempt",
    flow: 'subflow-retry.yaml',
    needs: ['subflow-callee.yaml'],
    expect: {
      state: 'FAILED',
      taskRunCount: 1,
      taskRuns: { call: 'FAILED' },
      attempts: { call: 3 },
      triggered: [{ namespace: 'io.osprey.tests', flowId: 'subflow-callee', count: 3, state: 'FAILED' }],
    },
  },
  {
    name: "a Subflow task's own errors run when its child fails, and its finally",
    flow: 'subflow-errors-finally.yaml',
    needs: ['subflow-callee.yaml'],
    inputs: { mood: 'angry' },
    expect: { state: 'FAILED', taskRunCount: 3, taskRuns: { call: 'FAILED', 'on-error': 'SUCCESS', cleanup: 'SUCCESS' }, absent: ['after'] },
  },
  {
    name: "a Subflow task's finally runs after its child succeeded, and its errors do not",
    flow: 'subflow-errors-finally.yaml',
    needs: ['subflow-callee.yaml'],
    expect: { state: 'SUCCESS', taskRunCount: 3, taskRuns: { call: 'SUCCESS', cleanup: 'SUCCESS', after: 'SUCCESS' }, absent: ['on-error'] },
  },
  {
    name: 'currentEachOutput reads the outputs of the current iteration of nested loops',
    flow: 'current-each-output.yaml',
    expect: {
      state: 'SUCCESS',
      outputsAll: { consume: [{ value: 'return-v11-v21' }, { value: 'return-v11-v22' }, { value: 'return-v12-v21' }, { value: 'return-v12-v22' }] },
    },
  },
  {
    name: 'a WorkingDirectory in a loop writes its inputFiles, uploads its outputFiles and is its children\'s parent',
    flow: 'working-directory-files.yaml',
    expect: {
      state: 'SUCCESS',
      taskRunCount: 4,
      taskRuns: { wd: 'SUCCESS', copy: 'SUCCESS', read: 'SUCCESS' },
      outputs: { read: { value: 'hello a from wd\n' } },
      outputsMatch: { wd: { outputFiles: { 'out.txt': '^kestra://.*/out\\.txt$' } } },
    },
  },
  {
    name: 'a Flow trigger listening to RUNNING and PAUSED fires once per state of a paused execution',
    flow: 'trigger-pause-source.yaml',
    needs: ['trigger-pause-listener.yaml'],
    expect: { state: 'SUCCESS', taskRunCount: 3, triggered: [{ namespace: 'io.osprey.tests', flowId: 'trigger-pause-listener', count: 4, state: 'SUCCESS' }] },
    verify: (_e, triggered) =>
      same(
        'listener trigger states',
        triggered.filter((t) => t.flowId === 'trigger-pause-listener').map((t) => String(t.outputs?.status)).sort(),
        ['PAUSED', 'RUNNING', 'RUNNING', 'SUCCESS'],
      ),
  },
];

// ---- running them ------------------------------------------------------------------------------

async function runCase(c: OwnCase): Promise<Outcome> {
  try {
    const { execution, triggered } = await testOwnFlow<Execution>(c.flow, { needs: c.needs, inputs: c.inputs });
    return { ok: true, execution, triggered };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Starts each case when one of `limit` slots is free; every `it` awaits only its own case. */
function startAll(list: OwnCase[], limit: number): Map<OwnCase, Promise<Outcome>> {
  const waiting: (() => void)[] = [];
  let running = 0;
  const slot = async (): Promise<void> => {
    if (running < limit) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return new Map(
    list.map((c) => [
      c,
      slot().then(async () => {
        try {
          return await runCase(c);
        } finally {
          release();
        }
      }),
    ]),
  );
}

describe('own flows through `osprey flow test`', () => {
  let outcomes: Map<OwnCase, Promise<Outcome>>;
  beforeAll(() => {
    outcomes = startAll(cases, CONCURRENCY);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const outcome = await outcomes.get(c)!;
    if (!outcome.ok) throw new Error(`${c.flow}: ${outcome.reason}`);
    const problems = [...checkCase(c.expect, outcome.execution, outcome.triggered), ...(c.verify?.(outcome.execution, outcome.triggered) ?? [])];
    expect(problems).toEqual([]);
  }, 180_000);
});
