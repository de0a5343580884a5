import { describe, expect, it } from '@jest/globals';
import { parseFlow } from './parse-flow.js';
import { resolveTaskType } from './task-types.js';
import { FlowValidationError, type Violation } from './violation.js';

const flow = (...taskLines: string[]) => ['id: f', 'namespace: io.kestra.tests', 'tasks:', '  - id: t', ...taskLines.map((line) => `    ${line}`)].join('\n') + '\n';

function violations(source: string): Violation[] {
  try {
    parseFlow(source, { fileName: 'f.yaml' });
  } catch (error) {
    if (error instanceof FlowValidationError) return error.violations;
    throw error;
  }
  return [];
}

// The storage, KV and state tasks the worker runs: what each accepts at flow load, and what it refuses by name.
describe('worker core task types', () => {
  it.each([
    ['io.kestra.core.tasks.storages.Split', 'io.kestra.plugin.core.storage.Split'],
    ['io.kestra.core.tasks.storages.Reverse', 'io.kestra.plugin.core.storage.Reverse'],
    ['io.kestra.core.tasks.storages.FilterItems', 'io.kestra.plugin.core.storage.FilterItems'],
    ['io.kestra.core.tasks.storages.DeduplicateItems', 'io.kestra.plugin.core.storage.DeduplicateItems'],
    ['io.kestra.core.tasks.storages.PurgeExecution', 'io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles'],
    ['io.kestra.plugin.core.storage.PurgeExecution', 'io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles'],
    ['io.kestra.core.tasks.states.Set', 'io.kestra.plugin.core.state.Set'],
    ['io.kestra.core.tasks.states.Get', 'io.kestra.plugin.core.state.Get'],
    ['io.kestra.core.tasks.states.Delete', 'io.kestra.plugin.core.state.Delete'],
    ['io.kestra.plugin.core.kv.GetKeys', 'io.kestra.plugin.core.kv.GetKeys'],
  ])('resolves %s to %s', (alias, canonical) => {
    expect(resolveTaskType(alias)?.name).toBe(canonical);
  });

  it('accepts the properties Kestra documents', () => {
    expect(violations(flow('type: io.kestra.plugin.core.storage.Split', 'from: "{{ inputs.file }}"', 'rows: 10', 'separator: ";"'))).toEqual([]);
    expect(violations(flow('type: io.kestra.plugin.core.storage.Reverse', 'from: x', 'charset: ISO-8859-1'))).toEqual([]);
    expect(violations(flow('type: io.kestra.plugin.core.storage.FilterItems', 'from: x', 'filterCondition: "{{ value == null }}"', 'filterType: EXCLUDE', 'errorOrNullBehavior: INCLUDE'))).toEqual([]);
    expect(violations(flow('type: io.kestra.plugin.core.storage.DeduplicateItems', 'from: x', 'expr: "{{ key }}"'))).toEqual([]);
    expect(violations(flow('type: io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles'))).toEqual([]);
    expect(violations(flow('type: io.kestra.plugin.core.kv.GetKeys', 'prefix: a', 'namespace: other'))).toEqual([]);
    expect(violations(flow('type: io.kestra.plugin.core.state.Set', 'name: s', 'namespace: true', 'taskrunValue: false', 'data:', '  a: 1'))).toEqual([]);
    expect(violations(flow('type: io.kestra.plugin.core.state.Get', 'errorOnMissing: true'))).toEqual([]);
  });

  it('refuses an unknown property and a wrong value, with path, line and column', () => {
    expect(violations(flow('type: io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles', 'uri: x'))).toEqual([
      { path: 'tasks[0].uri', message: "unknown property 'uri' for task type io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles", line: 6, column: 5 },
    ]);
    expect(violations(flow('type: io.kestra.plugin.core.storage.FilterItems', 'from: x', 'filterCondition: y', 'filterType: KEEP'))).toEqual([
      { path: 'tasks[0].filterType', message: 'must be one of INCLUDE, EXCLUDE but got \'KEEP\'', line: 8, column: 17 },
    ]);
    expect(violations(flow('type: io.kestra.plugin.core.storage.Split', 'from: x', 'rows: many'))).toEqual([
      { path: 'tasks[0].rows', message: "expected an integer but got 'many'", line: 7, column: 11 },
    ]);
    expect(violations(flow('type: io.kestra.plugin.core.state.Delete', 'data: {}'))).toMatchObject([{ path: 'tasks[0].data', line: 6, column: 5 }]);
  });

  it('refuses what the log and execution tasks do not honour', () => {
    expect(violations(flow('type: io.kestra.plugin.core.log.Fetch', 'level: LOUD'))).toMatchObject([{ path: 'tasks[0].level', line: 6, column: 12 }]);
    expect(violations(flow('type: io.kestra.plugin.core.execution.Count', 'namespaces: [a]', 'startDate: x', 'expression: y', 'states: [DONE]'))).toMatchObject([
      { path: 'tasks[0].states[0]' },
    ]);
    expect(violations(flow('type: io.kestra.plugin.core.execution.Count', 'namespaces: [a]', 'expression: y')).map((v) => v.message)).toEqual([
      "missing required property 'startDate'",
    ]);
  });

  it('requires from, filterCondition and expr', () => {
    expect(violations(flow('type: io.kestra.plugin.core.storage.DeduplicateItems')).map((v) => v.message)).toEqual([
      "missing required property 'from'",
      "missing required property 'expr'",
    ]);
  });
});
