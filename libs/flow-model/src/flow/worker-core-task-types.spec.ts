import { describe, expect, it } from '@jest/globals';
import { flowViolations } from '../testing/flow-violations.js';

const flow = (...taskLines: string[]) => ['id: f', 'namespace: io.kestra.tests', 'tasks:', '  - id: t', ...taskLines.map((line) => `    ${line}`)].join('\n') + '\n';

// The storage, KV and state tasks the worker runs: what each accepts at flow load, and what it refuses by name.
describe('worker core task types', () => {
  it('accepts the properties Kestra documents', () => {
    expect(flowViolations(flow('type: io.kestra.plugin.core.storage.Split', 'from: "{{ inputs.file }}"', 'rows: 10', 'separator: ";"'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.storage.Reverse', 'from: x', 'charset: ISO-8859-1'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.storage.FilterItems', 'from: x', 'filterCondition: "{{ value == null }}"', 'filterType: EXCLUDE', 'errorOrNullBehavior: INCLUDE'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.storage.DeduplicateItems', 'from: x', 'expr: "{{ key }}"'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.kv.GetKeys', 'prefix: a', 'namespace: other'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.state.Set', 'name: s', 'namespace: true', 'taskrunValue: false', 'data:', '  a: 1'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.state.Get', 'errorOnMissing: true'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.namespace.UploadFiles', 'namespace: a.b', 'files: ["**.sql"]', 'destination: /x', 'conflict: skip'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.namespace.UploadFiles', 'namespace: a.b', 'filesMap: "{{ outputs.x.files }}"'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.namespace.DownloadFiles', 'namespace: a.b', 'files: "**"', 'destination: d'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.namespace.DeleteFiles', 'namespace: a.b', 'files: ["**.upl"]', 'deleteParentFolder: true'))).toEqual([]);
  });

  it('checks execution.Assert: conditions is a required list, written as a list', () => {
    expect(flowViolations(flow('type: io.kestra.plugin.core.execution.Assert', 'conditions:', '  - "{{ 1 == 1 }}"', 'errorMessage: nope'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.execution.Assert')).map((v) => v.message)).toEqual(["missing required property 'conditions'"]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.execution.Assert', 'conditions: "{{ [true] }}"'))).toMatchObject([{ path: 'tasks[0].conditions', line: 6, column: 17 }]);
  });

  it('checks templating.TemplatedTask: spec is a required text', () => {
    expect(flowViolations(flow('type: io.kestra.plugin.core.templating.TemplatedTask', 'spec: |', '  type: io.kestra.plugin.core.debug.Return', '  format: "{{ 1 }}"'))).toEqual([]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.templating.TemplatedTask', 'spec:', '  type: x'))).toMatchObject([{ path: 'tasks[0].spec', line: 7, column: 7 }]);
  });

  it('refuses what the namespace file tasks do not take, with path, line and column', () => {
    expect(flowViolations(flow('type: io.kestra.plugin.core.namespace.UploadFiles', 'namespace: a', 'files: [x]', 'conflict: REPLACE'))).toEqual([
      { path: 'tasks[0].conflict', message: "must be one of OVERWRITE, ERROR, SKIP but got 'REPLACE'", line: 8, column: 15 },
    ]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.namespace.DownloadFiles', 'files: "**"')).map((v) => v.message)).toEqual(["missing required property 'namespace'"]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.namespace.DeleteFiles', 'namespace: a', 'files: x', 'recursive: true'))).toEqual([
      { path: 'tasks[0].recursive', message: "unknown property 'recursive' for task type io.kestra.plugin.core.namespace.DeleteFiles", line: 8, column: 5 },
    ]);
  });

  it('refuses an unknown property and a wrong value, with path, line and column', () => {
    expect(flowViolations(flow('type: io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles', 'uri: x'))).toEqual([
      { path: 'tasks[0].uri', message: "unknown property 'uri' for task type io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles", line: 6, column: 5 },
    ]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.storage.FilterItems', 'from: x', 'filterCondition: y', 'filterType: KEEP'))).toEqual([
      { path: 'tasks[0].filterType', message: 'must be one of INCLUDE, EXCLUDE but got \'KEEP\'', line: 8, column: 17 },
    ]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.storage.Split', 'from: x', 'rows: many'))).toEqual([
      { path: 'tasks[0].rows', message: "expected an integer but got 'many'", line: 7, column: 11 },
    ]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.state.Delete', 'data: {}'))).toMatchObject([{ path: 'tasks[0].data', line: 6, column: 5 }]);
  });

  it('refuses what the log and execution tasks do not honour', () => {
    expect(flowViolations(flow('type: io.kestra.plugin.core.log.Fetch', 'level: LOUD'))).toMatchObject([{ path: 'tasks[0].level', line: 6, column: 12 }]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.execution.Count', 'namespaces: [a]', 'startDate: x', 'expression: y', 'states: [DONE]'))).toMatchObject([
      { path: 'tasks[0].states[0]' },
    ]);
    expect(flowViolations(flow('type: io.kestra.plugin.core.execution.Count', 'namespaces: [a]', 'expression: y')).map((v) => v.message)).toEqual([
      "missing required property 'startDate'",
    ]);
  });

  it('requires from, filterCondition and expr', () => {
    expect(flowViolations(flow('type: io.kestra.plugin.core.storage.DeduplicateItems')).map((v) => v.message)).toEqual([
      "missing required property 'from'",
      "missing required property 'expr'",
    ]);
  });
});
