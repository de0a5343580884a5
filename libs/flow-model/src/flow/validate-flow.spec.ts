import { describe, expect, it } from '@jest/globals';
import { parseFlow } from './parse-flow.js';
import { flowViolations } from '../testing/flow-violations.js';
import { FlowValidationError, type Violation } from './violation.js';

const yaml = (...lines: string[]) => lines.join('\n') + '\n';
const HEADER = ['id: f', 'namespace: io.kestra.tests'];

function only(source: string): Violation {
  const found = flowViolations(source);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('flow validation', () => {
  it('accepts a minimal flow and fills defaults', () => {
    const flow = parseFlow(yaml(...HEADER, 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.log.Log', '    message: hi'));
    expect(flow).toMatchObject({
      id: 'f',
      namespace: 'io.kestra.tests',
      labels: [],
      inputs: [],
      variables: {},
      errors: [],
      finally: [],
      outputs: [],
      triggers: [],
      pluginDefaults: [],
      disabled: false,
    });
    expect(flow.tasks).toEqual([{ id: 't', type: 'io.kestra.plugin.core.log.Log', message: 'hi' }]);
  });

  it('requires id and namespace, located at the document', () => {
    const found = flowViolations(yaml('tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'));
    expect(found).toEqual([
      { path: 'id', message: "missing required property 'id'", line: 1, column: 1 },
      { path: 'namespace', message: "missing required property 'namespace'", line: 1, column: 1 },
    ]);
  });

  it('rejects an id or namespace outside Kestra charset', () => {
    const found = flowViolations(yaml('id: "-bad"', 'namespace: "io kestra"', 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'));
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['id', 1, 5],
      ['namespace', 2, 12],
    ]);
    expect(found[0]!.message).toMatch(/invalid flow id '-bad'/);
  });

  it('requires a non-empty tasks list', () => {
    expect(only(yaml(...HEADER))).toMatchObject({ path: 'tasks', message: "missing required property 'tasks'", line: 1, column: 1 });
    expect(only(yaml(...HEADER, 'tasks: []'))).toMatchObject({ path: 'tasks', line: 3, column: 8 });
  });

  it('reports an unknown task type at its type node', () => {
    const v = only(yaml(...HEADER, 'tasks:', '  - id: ok', '    type: io.kestra.plugin.core.debug.Return', '  - id: t2', '    type: io.kestra.plugin.core.nope.Nope'));
    expect(v).toEqual({ path: 'tasks[1].type', message: "unknown task type 'io.kestra.plugin.core.nope.Nope'", line: 7, column: 11 });
  });

  it('still checks errors/finally children of a task of unknown type', () => {
    const found = flowViolations(
      yaml(...HEADER, 'tasks:', '  - id: t', '    type: com.example.Custom', '    errors:', '      - id: e', '        type: com.example.Other'),
    );
    expect(found.map((v) => v.path)).toEqual(['tasks[0].type', 'tasks[0].errors[0].type']);
  });

  it('reports a missing required property at the task that lacks it', () => {
    const v = only(yaml(...HEADER, 'tasks:', '  - id: log', '    type: io.kestra.plugin.core.log.Log'));
    expect(v).toEqual({ path: 'tasks[0].message', message: "missing required property 'message'", line: 4, column: 5 });
  });

  it('accepts a required property supplied by pluginDefaults', () => {
    const flow = parseFlow(
      yaml(...HEADER, 'tasks:', '  - id: log', '    type: io.kestra.plugin.core.log.Log', 'pluginDefaults:', '  - type: io.kestra.plugin.core.log', '    values:', '      message: from defaults'),
    );
    expect(flow.pluginDefaults).toEqual([{ type: 'io.kestra.plugin.core.log', values: { message: 'from defaults' } }]);
  });

  it('rejects unknown properties of known task types, at the key', () => {
    const v = only(yaml(...HEADER, 'tasks:', '  - id: r', '    type: io.kestra.plugin.core.debug.Return', '    formt: x'));
    expect(v).toEqual({
      path: 'tasks[0].formt',
      message: "unknown property 'formt' for task type io.kestra.plugin.core.debug.Return",
      line: 6,
      column: 5,
    });
  });

  it('allows the properties every task has', () => {
    expect(() =>
      parseFlow(
        yaml(
          ...HEADER,
          'tasks:',
          '  - id: r',
          '    type: io.kestra.plugin.core.debug.Return',
          '    description: d',
          '    disabled: false',
          '    timeout: PT1M',
          '    runIf: "{{ true }}"',
          '    allowFailure: true',
          '    allowWarning: true',
          '    finally:',
          '      - id: fin',
          '        type: io.kestra.plugin.core.debug.Return',
        ),
      ),
    ).not.toThrow();
  });

  it('type-checks property values but accepts {{ }} expressions', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: p',
        '    type: io.kestra.plugin.core.flow.Parallel',
        '    concurrent: many',
        '    tasks:',
        '      - id: c',
        '        type: io.kestra.plugin.core.log.Log',
        '        message: x',
        '  - id: p2',
        '    type: io.kestra.plugin.core.flow.Parallel',
        '    concurrent: "{{ inputs.n }}"',
        '    tasks:',
        '      - id: c2',
        '        type: io.kestra.plugin.core.log.Log',
        '        message: x',
        '        level: LOUD',
      ),
    );
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['tasks[0].concurrent', 6, 17],
      ['tasks[1].tasks[0].level', 18, 16],
    ]);
    expect(found[0]!.message).toBe("expected an integer but got 'many'");
    expect(found[1]!.message).toMatch(/must be one of TRACE, DEBUG, INFO, WARN, ERROR/);
  });

  it('names the expected shape when a text that is no expression stands for a map, a list or a boolean', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: sub',
        '    type: io.kestra.plugin.core.flow.Subflow',
        '    namespace: n',
        '    flowId: f',
        '    inputs: some text',
        '    wait: yes please',
        'triggers:',
        '  - id: on',
        '    type: io.kestra.plugin.core.trigger.Flow',
        '    states: SUCCESS',
      ),
    );
    expect(found.map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['tasks[0].inputs', "expected a map but got 'some text'", 8, 13],
      ['tasks[0].wait', "expected a boolean but got 'yes please'", 9, 11],
      ['triggers[0].states', "expected a list but got 'SUCCESS'", 13, 13],
    ]);
  });
  it('refuses an expression in place of a property the executor reads as written', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: sub',
        '    type: io.kestra.plugin.core.flow.Subflow',
        '    namespace: n',
        '    flowId: f',
        '    inputs: "{{ inputs.all }}"',
        'triggers:',
        '  - id: on',
        '    type: io.kestra.plugin.core.trigger.Flow',
        '    conditions:',
        '      - type: io.kestra.plugin.core.condition.ExecutionStatus',
        '        in: "{{ inputs.states }}"',
      ),
    );
    expect(found.map((v) => [v.path, v.line])).toEqual([
      ['tasks[0].inputs', 8],
      ['triggers[0].conditions[0].in', 14],
    ]);
    expect(found.every((v) => /expected a (map|list)/.test(v.message))).toBe(true);
  });
  it('refuses an HTTP request option it does not honour, naming it, and accepts the ones it reads', () => {
    const found = only(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: call',
        '    type: io.kestra.plugin.core.http.Request',
        '    uri: https://example.com',
        '    options:',
        '      followRedirects: false',
        '      timeout:',
        '        connectTimeout: PT5S',
        '      proxyAddress: 10.0.0.1',
      ),
    );
    expect([found.path, found.line]).toEqual(['tasks[0].options.proxyAddress', 11]);
    expect(found.message).toContain("unknown or unsupported option 'proxyAddress'");
  });
  it('reports duplicate task ids anywhere in the flow', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: a',
        '    type: io.kestra.plugin.core.flow.Sequential',
        '    tasks:',
        '      - id: b',
        '        type: io.kestra.plugin.core.debug.Return',
        '    errors:',
        '      - id: a',
        '        type: io.kestra.plugin.core.debug.Return',
        'finally:',
        '  - id: b',
        '    type: io.kestra.plugin.core.debug.Return',
      ),
    );
    expect(found).toEqual([
      { path: 'tasks[0].errors[0].id', message: "duplicate task id 'a' (first declared at tasks[0].id)", line: 10, column: 13 },
      { path: 'finally[0].id', message: "duplicate task id 'b' (first declared at tasks[0].tasks[0].id)", line: 13, column: 9 },
    ]);
  });

  it('reports duplicate ids inside Switch cases and Dag entries', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: s',
        '    type: io.kestra.plugin.core.flow.Switch',
        '    value: x',
        '    cases:',
        '      A:',
        '        - id: x',
        '          type: io.kestra.plugin.core.debug.Return',
        '  - id: d',
        '    type: io.kestra.plugin.core.flow.Dag',
        '    tasks:',
        '      - task:',
        '          id: x',
        '          type: io.kestra.plugin.core.debug.Return',
      ),
    );
    expect(found).toEqual([
      { path: 'tasks[1].tasks[0].task.id', message: "duplicate task id 'x' (first declared at tasks[0].cases.A[0].id)", line: 15, column: 15 },
    ]);
  });

  it('checks Dag dependencies exist and have no cycle', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: d',
        '    type: io.kestra.plugin.core.flow.Dag',
        '    tasks:',
        '      - task: { id: a, type: io.kestra.plugin.core.debug.Return }',
        '        dependsOn: [b]',
        '      - task: { id: b, type: io.kestra.plugin.core.debug.Return }',
        '        dependsOn: [a, ghost]',
      ),
    );
    expect(found.map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['tasks[0].tasks[0]', 'the Dag has a dependency cycle: a -> b -> a', 7, 9],
      ['tasks[0].tasks[1].dependsOn[1]', "depends on 'ghost', which is not a task of this Dag", 10, 24],
    ]);
  });

  it('requires cases or defaults on a Switch and tasks on flowables', () => {
    const found = flowViolations(
      yaml(...HEADER, 'tasks:', '  - id: s', '    type: io.kestra.plugin.core.flow.Switch', '    value: x', '  - id: q', '    type: io.kestra.plugin.core.flow.Sequential', '    tasks: []'),
    );
    expect(found.map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['tasks[0]', 'a Switch needs at least one of cases or defaults', 4, 5],
      ['tasks[1].tasks', 'must hold at least one task', 9, 12],
    ]);
  });

  it('requires exactly one of bytes, partitions or rows on a storage.Split, its plugin defaults included', () => {
    const split = (...lines: string[]) => yaml(...HEADER, 'tasks:', '  - id: s', '    type: io.kestra.plugin.core.storage.Split', '    from: "{{ inputs.file }}"', ...lines);
    expect(flowViolations(split('    rows: 10', '    bytes: 1MB')).map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['tasks[0].rows', 'only one of bytes, partitions or rows may be set, not bytes and rows', 7, 5],
    ]);
    expect(flowViolations(split()).map((v) => [v.path, v.message, v.line, v.column])).toEqual([['tasks[0]', 'a Split needs one of bytes, partitions or rows', 4, 5]]);
    expect(flowViolations(split('    rows: 10', 'pluginDefaults:', '  - type: io.kestra.plugin.core.storage.Split', '    values:', '      partitions: 2')).map((v) => [v.path, v.message])).toEqual([
      ['tasks[0].rows', 'only one of bytes, partitions or rows may be set, not partitions and rows'],
    ]);
    const byDefaults = split('pluginDefaults:', '  - type: io.kestra.plugin.core.storage.Split', '    values:', '      rows: 2', '      bytes: 1MB');
    expect(flowViolations(byDefaults).map((v) => [v.path, v.message])).toEqual([['tasks[0]', 'only one of bytes, partitions or rows may be set, not bytes and rows']]);
    expect(() => parseFlow(split('    partitions: "{{ inputs.n }}"'))).not.toThrow();
  });

  it('refuses a version purge and namespaces with namespacePattern on a kv.PurgeKV, by name', () => {
    const purge = (...lines: string[]) => yaml(...HEADER, 'tasks:', '  - id: p', '    type: io.kestra.plugin.core.kv.PurgeKV', ...lines);
    expect(flowViolations(purge('    behavior:', '      type: version', '      keepAmount: 2')).map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['tasks[0].behavior.type', expect.stringContaining("Osprey's KV store keeps one version of each key"), 7, 13],
      ['tasks[0].behavior.keepAmount', expect.stringContaining('a version purge is not supported'), 8, 7],
    ]);
    expect(flowViolations(purge('    namespaces: [company]', '    namespacePattern: "company*"')).map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['tasks[0].namespacePattern', 'namespaces and namespacePattern cannot be used together: use one or the other', 7, 5],
    ]);
    expect(() => parseFlow(purge('    behavior:', '      type: key', '      expiredOnly: false', '    namespaces: [company]', '    keyPattern: "AI_*"'))).not.toThrow();
  });

  it('refuses flowId without namespace and batchSize on a log.PurgeLogs, by name', () => {
    const purge = (...lines: string[]) => yaml(...HEADER, 'tasks:', '  - id: p', '    type: io.kestra.plugin.core.log.PurgeLogs', '    endDate: "2026-01-01T00:00:00Z"', ...lines);
    expect(flowViolations(purge('    flowId: hello', '    batchSize: 100')).map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['tasks[0].flowId', 'flowId needs namespace: name the namespace of the flow whose data is purged', 7, 5],
      ['tasks[0].batchSize', expect.stringContaining('not supported by Osprey'), 8, 5],
    ]);
    expect(() => parseFlow(purge('    namespace: company', '    flowId: hello', '    logLevels: [INFO, DEBUG]'))).not.toThrow();
  });

  it('refuses flowId without namespace, unfinished states and purgeMetric unlike purgeExecution on an execution.PurgeExecutions, by name', () => {
    const purge = (...lines: string[]) => yaml(...HEADER, 'tasks:', '  - id: p', '    type: io.kestra.plugin.core.execution.PurgeExecutions', '    endDate: "2026-01-01T00:00:00Z"', ...lines);
    expect(flowViolations(purge('    flowId: hello', '    states: [SUCCESS, RUNNING]', '    purgeMetric: false')).map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['tasks[0].flowId', 'flowId needs namespace: name the namespace of the flow whose data is purged', 7, 5],
      ['tasks[0].states[1]', expect.stringContaining("value 'RUNNING' is not supported by Osprey: an execution that has not ended is never purged"), 8, 23],
      ['tasks[0].purgeMetric', expect.stringContaining('purgeMetric must equal purgeExecution'), 9, 5],
    ]);
    expect(() => parseFlow(purge('    namespace: company', '    flowId: hello', '    states: [SUCCESS, FAILED]', '    purgeExecution: false', '    purgeMetric: false'))).not.toThrow();
    expect(() => parseFlow(purge().replace('PurgeExecutions', 'Purge').replace('plugin.core.execution', 'plugin.core.storage'))).not.toThrow();
  });

  it('reports duplicate input, output and trigger ids', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'inputs:',
        '  - id: a',
        '    type: STRING',
        '  - name: a',
        '    type: INT',
        'tasks:',
        '  - id: t',
        '    type: io.kestra.plugin.core.debug.Return',
        'outputs:',
        '  - { id: o, type: STRING, value: x }',
        '  - { id: o, type: STRING, value: y }',
        'triggers:',
        '  - id: w',
        '    type: io.kestra.plugin.core.trigger.Webhook',
        '    key: k',
        '  - id: w',
        '    type: io.kestra.plugin.core.trigger.Webhook',
        '    key: k2',
      ),
    );
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['inputs[1].name', 6, 11],
      ['outputs[1].id', 13, 11],
      ['triggers[1].id', 18, 9],
    ]);
    expect(found[0]!.message).toBe("duplicate input id 'a' (first declared at inputs[0].id)");
  });

  it('validates cron expressions, including seconds and nicknames', () => {
    const trigger = (cron: string, extra: string[] = []) =>
      yaml(...HEADER, 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return', 'triggers:', '  - id: s', '    type: io.kestra.plugin.core.trigger.Schedule', `    cron: "${cron}"`, ...extra);
    expect(() => parseFlow(trigger('@hourly'))).not.toThrow();
    expect(() => parseFlow(trigger('*/5 * * * * *', ['    withSeconds: true']))).not.toThrow();
    expect(() => parseFlow(trigger('0 9 * * MON-FRI', ['    timezone: Europe/Paris', '    backfill:', '      start: 2024-01-01T00:00:00Z']))).not.toThrow();
    const bad = only(trigger('61 * * * *'));
    expect(bad).toMatchObject({ path: 'triggers[0].cron', line: 9, column: 11 });
    expect(bad.message).toMatch(/invalid cron expression '61 \* \* \* \*'.*minute/);
    expect(only(trigger('*/5 * * * * *')).message).toMatch(/needs withSeconds: true/);
    expect(only(trigger('@sometimes')).message).toMatch(/unknown nickname/);
    expect(only(trigger('0 * * * *', ['    timezone: Mars/Olympus']))).toMatchObject({
      path: 'triggers[0].timezone',
      message: "unknown time zone 'Mars/Olympus'",
      line: 10,
    });
  });

  it('requires the Webhook key and rejects unknown trigger and condition types', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: t',
        '    type: io.kestra.plugin.core.debug.Return',
        'triggers:',
        '  - id: hook',
        '    type: io.kestra.plugin.core.trigger.Webhook',
        '  - id: listen',
        '    type: io.kestra.plugin.core.trigger.Flow',
        '    conditions:',
        '      - type: io.kestra.plugin.core.condition.ExecutionStatus',
        '        in: [SUCCESS]',
        '      - type: io.kestra.core.models.conditions.types.ExecutionFlowCondition',
        '        namespace: n',
        '      - type: io.kestra.plugin.core.condition.Bogus',
        '  - id: other',
        '    type: io.kestra.plugin.core.trigger.Nope',
      ),
    );
    expect(found.map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['triggers[0].key', "missing required property 'key'", 7, 5],
      ['triggers[1].conditions[1].flowId', "missing required property 'flowId'", 14, 9],
      ['triggers[1].conditions[2].type', "unknown condition type 'io.kestra.plugin.core.condition.Bogus'", 16, 15],
      ['triggers[2].type', "unknown trigger type 'io.kestra.plugin.core.trigger.Nope'", 18, 11],
    ]);
  });

  it('validates ISO-8601 durations', () => {
    const found = flowViolations(
      yaml(...HEADER, 'timeout: 5 minutes', 'tasks:', '  - id: s', '    type: io.kestra.plugin.core.flow.Sleep', '    duration: PT1X', '    timeout: PT1H30M'),
    );
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['timeout', 3, 10],
      ['tasks[0].duration', 7, 15],
    ]);
    expect(found[1]!.message).toMatch(/invalid ISO-8601 duration 'PT1X'/);
  });

  it('validates the retry policy shape', () => {
    const task = (...retry: string[]) =>
      yaml(...HEADER, 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.execution.Fail', '    retry:', ...retry.map((l) => `      ${l}`));
    expect(() => parseFlow(task('type: constant', 'interval: PT0.25s', 'maxAttempt: 3'))).not.toThrow();
    expect(() => parseFlow(task('type: random', 'minInterval: PT1S', 'maxInterval: PT2S'))).not.toThrow();
    expect(only(task('type: constant', 'maxAttempt: 3'))).toEqual({
      path: 'tasks[0].retry.interval',
      message: "missing required property 'interval'",
      line: 7,
      column: 7,
    });
    expect(only(task('type: linear', 'interval: PT1S'))).toMatchObject({ path: 'tasks[0].retry.type', line: 7, column: 13 });
    expect(flowViolations(task('type: exponential', 'interval: PT1S', 'maxAttempt: 0', 'minInterval: PT1S')).map((v) => v.path)).toEqual([
      'tasks[0].retry.maxInterval', // missing: located at the retry map, line 7
      'tasks[0].retry.maxAttempt',
      'tasks[0].retry.minInterval',
    ]);
    expect(only(task('type: constant', 'interval: soon'))).toMatchObject({ path: 'tasks[0].retry.interval', line: 8, column: 17 });
  });

  it('validates input declarations: type, properties and defaults', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'inputs:',
        '  - id: a',
        '    type: TEXT',
        '  - id: n',
        '    type: INT',
        '    defaults: many',
        '  - id: d',
        '    type: DATETIME',
        '    defaults: "{{ now() }}"',
        '  - id: s',
        '    type: STRING',
        '    min: 3',
        '  - id: arr',
        '    type: ARRAY',
        '  - id: sel',
        '    type: SELECT',
        '    values: [A, B]',
        '    defaults: C',
        'tasks:',
        '  - id: t',
        '    type: io.kestra.plugin.core.debug.Return',
      ),
    );
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['inputs[0].type', 5, 11],
      ['inputs[1].defaults', 8, 15],
      ['inputs[3].min', 14, 5],
      ['inputs[4].itemType', 15, 5],
      ['inputs[5].defaults', 20, 15],
    ]);
    expect(found[0]!.message).toMatch(/^unknown input type 'TEXT'/);
    expect(found[1]!.message).toBe("invalid default: expected INT but received 'many'");
    expect(found[4]!.message).toBe("invalid default: 'C' is not one of the values [A, B]");
    expect(found[2]!.message).toBe("unknown property 'min' for a STRING input");
  });

  it('normalises inputs: legacy name, required defaulting to true', () => {
    const flow = parseFlow(
      yaml(...HEADER, 'inputs:', '  - name: legacy', '    type: STRING', '  - id: opt', '    type: INT', '    required: false', '    defaults: 3', 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'),
    );
    expect(flow.inputs).toEqual([
      { id: 'legacy', type: 'STRING', required: true },
      { id: 'opt', type: 'INT', required: false, defaults: 3 },
    ]);
  });

  it('normalises labels given as a map or as a list', () => {
    const tasks = ['tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'];
    expect(parseFlow(yaml(...HEADER, 'labels:', '  team: data', '  tier: 1', ...tasks)).labels).toEqual([
      { key: 'team', value: 'data' },
      { key: 'tier', value: '1' },
    ]);
    expect(parseFlow(yaml(...HEADER, 'labels:', '  - key: team', '    value: data', ...tasks)).labels).toEqual([{ key: 'team', value: 'data' }]);
    expect(only(yaml(...HEADER, 'labels:', '  team: [a]', ...tasks))).toMatchObject({ path: 'labels.team', line: 4, column: 9 });
  });

  it('checks concurrency.limit is a positive integer', () => {
    const tasks = ['tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'];
    expect(only(yaml(...HEADER, 'concurrency:', '  limit: 0', ...tasks))).toEqual({
      path: 'concurrency.limit',
      message: 'must be a positive integer',
      line: 4,
      column: 10,
    });
    expect(only(yaml(...HEADER, 'concurrency:', '  limit: 1.5', ...tasks))).toMatchObject({ path: 'concurrency.limit', line: 4 });
    expect(parseFlow(yaml(...HEADER, 'concurrency:', '  limit: 2', ...tasks)).concurrency).toEqual({ limit: 2, behavior: 'QUEUE' });
  });

  it('reads each SLA: type and behavior regardless of case, labels as a map or a list', () => {
    const tasks = ['tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'];
    const flow = parseFlow(
      yaml(
        ...HEADER,
        'sla:',
        '  - id: slow',
        '    type: MAX_DURATION',
        '    behavior: fail',
        '    duration: PT1H',
        '    labels:',
        '      sla: miss',
        '  - id: ok',
        '    type: EXECUTION_ASSERTION',
        '    behavior: NONE',
        '    assert: "{{ inputs.x != 1 }}"',
        '    labels: [{ key: a, value: b }]',
        ...tasks,
      ),
    );
    expect(flow.sla).toEqual([
      { id: 'slow', type: 'MAX_DURATION', behavior: 'FAIL', duration: 'PT1H', labels: [{ key: 'sla', value: 'miss' }] },
      { id: 'ok', type: 'EXECUTION_ASSERTION', behavior: 'NONE', assert: '{{ inputs.x != 1 }}', labels: [{ key: 'a', value: 'b' }] },
    ]);
    expect(parseFlow(yaml(...HEADER, ...tasks)).sla).toBeUndefined();
  });

  it('refuses SLAs of the wrong shape, naming the property with its line and column', () => {
    const tasks = ['tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'];
    const sla = (...lines: string[]) => flowViolations(yaml(...HEADER, 'sla:', ...lines, ...tasks)).map((v) => [v.path, v.message, v.line, v.column]);
    expect(sla('  - id: a', '    type: MIN_DURATION', '    behavior: FAIL', '    duration: PT1H')).toEqual([
      ['sla[0].type', "must be one of MAX_DURATION, EXECUTION_ASSERTION but got 'MIN_DURATION'", 5, 11],
    ]);
    expect(sla('  - id: a', '    type: MAX_DURATION', '    behavior: KILL', '    duration: PT1H')).toEqual([
      ['sla[0].behavior', "must be one of FAIL, CANCEL, NONE but got 'KILL'", 6, 15],
    ]);
    expect(sla('  - id: a', '    type: MAX_DURATION', '    behavior: FAIL')).toEqual([['sla[0].duration', "missing required property 'duration'", 4, 5]]);
    expect(sla('  - id: a', '    type: EXECUTION_ASSERTION', '    behavior: CANCEL', '    duration: PT1H')).toEqual([
      ['sla[0].assert', "missing required property 'assert'", 4, 5],
      ['sla[0].duration', "unknown property 'duration' for an SLA of type EXECUTION_ASSERTION", 7, 5],
    ]);
    expect(sla('  - type: MAX_DURATION', '    duration: 1 hour')).toEqual([
      ['sla[0].id', "missing required property 'id'", 4, 5],
      ['sla[0].behavior', "missing required property 'behavior'", 4, 5],
      ['sla[0].duration', "invalid ISO-8601 duration '1 hour': expected a form like PT5S, PT0.25S, PT1H30M or P1D", 5, 15],
    ]);
    expect(sla('  - id: a', '    type: MAX_DURATION', '    behavior: FAIL', '    duration: "{{ inputs.d }}"')).toEqual([
      ['sla[0].duration', 'an SLA duration is not rendered: write an ISO-8601 duration such as PT1H', 7, 15],
    ]);
    expect(sla('  - id: a', '    behavior: FAIL', '    duration: PT1H')).toEqual([['sla[0].type', "missing required property 'type'", 4, 5]]);
    expect(sla('  - id: a', '    type: MAX_DURATION', '    behavior: FAIL', '    duration: PT1H', '    labels: nope')).toEqual([
      ['sla[0].labels', 'labels must be a map or a list of {key, value}', 8, 13],
    ]);
    expect(sla('  - id: a', '    type: MAX_DURATION', '    behavior: NONE', '    duration: PT1H', '    labels:', '      system.readOnly: "true"')).toEqual([
      ['sla[0].labels["system.readOnly"]', "label 'system.readOnly' is reserved: the 'system.' prefix is for labels Osprey sets itself", 9, 7],
    ]);
    expect(sla('  - id: a', '    type: MAX_DURATION', '    behavior: NONE', '    duration: PT1H', '    labels: [{ key: system.app, value: x }]')).toEqual([
      ['sla[0].labels[0].key', "label 'system.app' is reserved: the 'system.' prefix is for labels Osprey sets itself", 8, 16],
    ]);
    expect(sla('  - just a string')).toEqual([['sla[0]', "an SLA must be a map but got 'just a string'", 4, 5]]);
  });

  it('checks pluginDefaults entries have a type and values', () => {
    const found = flowViolations(
      yaml(...HEADER, 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return', 'pluginDefaults:', '  - values: { format: x }', '  - type: io.kestra.plugin.core.log.Log', '    value: {}'),
    );
    expect(found.map((v) => [v.path, v.message, v.line, v.column])).toEqual([
      ['pluginDefaults[0].type', "missing required property 'type'", 7, 5],
      ['pluginDefaults[1].values', "missing required property 'values'", 8, 5],
      ['pluginDefaults[1].value', "unknown property 'value' for a plugin default", 9, 5],
    ]);
  });

  it('rejects unknown top-level properties', () => {
    const v = only(yaml(...HEADER, 'taks: []', 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'));
    expect(v).toEqual({ path: 'taks', message: "unknown property 'taks' for flow", line: 3, column: 1 });
  });

  it('accepts legacy io.kestra.core.tasks aliases and keeps the type as written', () => {
    const flow = parseFlow(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: seq',
        '    type: io.kestra.core.tasks.flows.Sequential',
        '    tasks:',
        '      - id: log',
        '        type: io.kestra.core.tasks.log.Log',
        '        message: hi',
        '      - id: sub',
        '        type: io.kestra.plugin.core.flow.Flow',
        '        namespace: n',
        '        flowId: f2',
      ),
    );
    expect(flow.tasks[0]!.type).toBe('io.kestra.core.tasks.flows.Sequential');
  });

  it('collects every violation, not just the first, and formats file:line:column', () => {
    const source = yaml('id: f', 'tasks:', '  - id: a', '    type: nope.A', '  - id: a', '    type: io.kestra.plugin.core.log.Log');
    let error: FlowValidationError | undefined;
    try {
      parseFlow(source, { fileName: 'flows/f.yaml' });
    } catch (e) {
      error = e as FlowValidationError;
    }
    expect(error).toBeInstanceOf(FlowValidationError);
    expect(error!.violations).toHaveLength(4);
    expect(error!.message.split('\n')).toEqual([
      'Invalid flow (4 violations):',
      "flows/f.yaml:1:1: namespace: missing required property 'namespace'",
      "flows/f.yaml:4:11: tasks[0].type: unknown task type 'nope.A'",
      "flows/f.yaml:5:5: tasks[1].message: missing required property 'message'",
      "flows/f.yaml:5:9: tasks[1].id: duplicate task id 'a' (first declared at tasks[0].id)",
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const v = only('id: f\nnamespace: n\ntasks:\n  - id: t\n   type: x\n');
    expect(v.path).toBe('');
    expect(v.line).toBe(5);
  });

  it('reports duplicate YAML keys', () => {
    const v = only(yaml(...HEADER, 'id: g', 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'));
    expect(v).toMatchObject({ line: 3, column: 1 });
    expect(v.message).toMatch(/unique/i);
  });

  it('refuses the task properties Osprey does not honour, at their key', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        'tasks:',
        '  - id: r',
        '    type: io.kestra.plugin.core.debug.Return',
        '    logToFile: true',
        '    taskCache: { enabled: true }',
      ),
    );
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['tasks[0].logToFile', 6, 5],
      ['tasks[0].taskCache', 7, 5],
    ]);
    expect(found[0]!.message).toMatch(/^property 'logToFile' is not supported by Osprey: /);
  });

  it('accepts a worker group on a runnable task and on a WorkingDirectory', () => {
    const flow = parseFlow(
      yaml(...HEADER, 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.log.Log', '    message: hi', '    workerGroup:', '      key: gpu-1', '      fallback: FAIL',
        '  - id: wd', '    type: io.kestra.plugin.core.flow.WorkingDirectory', '    workerGroup: { key: gpu }', '    tasks:', '      - id: inner', '        type: io.kestra.plugin.core.log.Log', '        message: hi'),
    );
    expect(flow.tasks[0]!.workerGroup).toEqual({ key: 'gpu-1', fallback: 'FAIL' });
  });

  it('refuses a worker group without a key, with a malformed key, with fallback CANCEL or an unknown property, by path', () => {
    const found = flowViolations(
      yaml(...HEADER, 'tasks:',
        '  - id: a', '    type: io.kestra.plugin.core.log.Log', '    message: hi', '    workerGroup: { fallback: WAIT }',
        '  - id: b', '    type: io.kestra.plugin.core.log.Log', '    message: hi', '    workerGroup: { key: "gpu 1" }',
        '  - id: c', '    type: io.kestra.plugin.core.log.Log', '    message: hi', '    workerGroup: { key: gpu, fallback: CANCEL }',
        '  - id: d', '    type: io.kestra.plugin.core.log.Log', '    message: hi', '    workerGroup: { key: gpu, tenant: x }'),
    );
    expect(found.map((v) => [v.path, v.line])).toEqual([
      ['tasks[0].workerGroup.key', 7],
      ['tasks[1].workerGroup.key', 11],
      ['tasks[2].workerGroup.fallback', 15],
      ['tasks[3].workerGroup.tenant', 19],
    ]);
    expect(found[1]!.message).toBe("invalid worker group key 'gpu 1': it must match ^[a-zA-Z0-9_-]+$");
    expect(found[2]!.message).toMatch(/^value 'CANCEL' is not supported by Osprey: /);
  });

  it('refuses a worker group on a flowable the executor resolves, on a flow and on a trigger', () => {
    const found = flowViolations(
      yaml(...HEADER, 'workerGroup: { key: gpu }', 'tasks:', '  - id: seq', '    type: io.kestra.plugin.core.flow.Sequential', '    workerGroup: { key: gpu }', '    tasks:',
        '      - id: inner', '        type: io.kestra.plugin.core.log.Log', '        message: hi',
        'triggers:', '  - id: hook', '    type: io.kestra.plugin.core.trigger.Webhook', '    key: k', '    workerGroup: { key: gpu }'),
    );
    expect(found.map((v) => v.path)).toEqual(['workerGroup', 'tasks[0].workerGroup', 'triggers[0].workerGroup']);
    expect(found[1]!.message).toBe("property 'workerGroup' is not supported on io.kestra.plugin.core.flow.Sequential: the executor runs this task itself, no worker does");
  });

  it("refuses a worker group on a task inside a WorkingDirectory, which runs on the WorkingDirectory's worker", () => {
    const found = only(
      yaml(...HEADER, 'tasks:', '  - id: wd', '    type: io.kestra.plugin.core.flow.WorkingDirectory', '    tasks:', '      - id: inner', '        type: io.kestra.plugin.core.log.Log', '        message: hi', '        workerGroup: { key: gpu }'),
    );
    expect([found.path, found.line]).toEqual(['tasks[0].tasks[0].workerGroup', 10]);
  });

  it('refuses a task the executor runs inside a WorkingDirectory, whose tasks all run on its worker', () => {
    const inner = (...lines: string[]) => yaml(...HEADER, 'tasks:', '  - id: wd', '    type: io.kestra.plugin.core.flow.WorkingDirectory', '    tasks:', ...lines);
    const found = only(inner('      - id: branch', '        type: io.kestra.plugin.core.flow.If', '        condition: "true"', '        then:', '          - id: hi', '            type: io.kestra.plugin.core.log.Log', '            message: hi'));
    expect([found.path, found.line, found.column]).toEqual(['tasks[0].tasks[0].type', 8, 15]);
    expect(found.message).toBe("task type 'io.kestra.plugin.core.flow.If' cannot run inside a WorkingDirectory: its tasks run on one worker, and the executor runs this one; only runnable tasks are allowed there");
    expect(only(inner('      - id: stop', '        type: io.kestra.plugin.core.execution.Exit')).path).toBe('tasks[0].tasks[0].type');
    expect(() => parseFlow(inner('      - id: hi', '        type: io.kestra.plugin.core.log.Log', '        message: hi'))).not.toThrow();
  });

  it('refuses a container or a task runner other than Process on script tasks, and accepts Process', () => {
    const script = (...lines: string[]) =>
      yaml(...HEADER, 'tasks:', '  - id: s', '    type: io.kestra.plugin.scripts.shell.Commands', '    commands: [ls]', ...lines);
    const found = flowViolations(script('    containerImage: ubuntu', '    runner: DOCKER', '    taskRunner:', '      type: io.kestra.plugin.scripts.runner.docker.Docker'));
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['tasks[0].containerImage', 7, 5],
      ['tasks[0].runner', 8, 13],
      ['tasks[0].taskRunner.type', 10, 13],
    ]);
    expect(found[1]!.message).toMatch(/^value 'DOCKER' is not supported by Osprey/);
    expect(found[2]!.message).toMatch(/^task runner 'io.kestra.plugin.scripts.runner.docker.Docker' is not supported by Osprey/);
    expect(() => parseFlow(script('    runner: PROCESS', '    taskRunner:', '      type: io.kestra.plugin.core.runner.Process'))).not.toThrow();
  });

  it('accepts the script tasks of every language with their own properties, and refuses what they do not honour by name', () => {
    const task = (type: string, ...lines: string[]) => yaml(...HEADER, 'tasks:', '  - id: s', `    type: ${type}`, ...lines);
    expect(() =>
      parseFlow(
        task('io.kestra.plugin.scripts.python.Script', '    script: print(1)', '    dependencies: [kestra]', '    pythonVersion: "3.11"', '    packageManager: pip', '    dependencyCacheEnabled: false', '    executionContext: true'),
      ),
    ).not.toThrow();
    expect(() => parseFlow(task('io.kestra.plugin.scripts.node.Commands', '    commands: [node main.js]', '    dependencies: ["@kestra-io/libs"]'))).not.toThrow();
    for (const language of ['ruby', 'r', 'julia', 'powershell', 'go']) {
      expect(() => parseFlow(task(`io.kestra.plugin.scripts.${language}.Script`, '    script: x', '    executionContext: "{{ true }}"'))).not.toThrow();
    }
    const found = flowViolations(
      task('io.kestra.plugin.scripts.python.Commands', '    commands: [python main.py]', '    containerImage: python:3.12-slim', '    namespaceFiles: { enabled: true, folderPerNamespace: true }', '    uvAutoInstallEnabled: true'),
    );
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['tasks[0].containerImage', 7, 5],
      ['tasks[0].namespaceFiles.folderPerNamespace', 8, 58],
      ['tasks[0].uvAutoInstallEnabled', 9, 5],
    ]);
    expect(found[2]!.message).toMatch(/not supported by Osprey: Osprey never downloads uv/);
    // Only python and node tasks install dependencies.
    expect(flowViolations(task('io.kestra.plugin.scripts.ruby.Commands', '    commands: [ruby x.rb]', '    dependencies: [json]')).map((v) => v.path)).toEqual(['tasks[0].dependencies']);
  });

  it('refuses flow-level properties Osprey does not honour', () => {
    const found = flowViolations(yaml(...HEADER, 'listeners: []', 'tenantId: main', 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.debug.Return'));
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['listeners', 3, 1],
      ['tenantId', 4, 1],
    ]);
  });

  it('rejects a document that is not a map', () => {
    expect(only('- a\n- b\n')).toEqual({ path: '', message: 'a flow must be a YAML map', line: 1, column: 1 });
  });
});

describe('YAML conversion errors', () => {
  it('turns an unresolved alias into a violation', () => {
    expect(only('id: f\nnamespace: n\ntasks: *missing\n').message).toMatch(/alias/i);
  });
});
