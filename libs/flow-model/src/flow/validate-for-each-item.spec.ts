import { describe, expect, it } from '@jest/globals';
import { flowViolations } from '../testing/flow-violations.js';

const flow = (...extra: string[]) =>
  [
    'id: parent',
    'namespace: company.team',
    'tasks:',
    '  - id: each',
    '    type: io.kestra.plugin.core.flow.ForEachItem',
    '    items: "{{ outputs.extract.uri }}"',
    '    batch:',
    '      rows: 1',
    '    namespace: company.team',
    '    flowId: orders',
    '    wait: true',
    '    transmitFailed: true',
    '    inputs:',
    '      order: "{{ taskrun.items }}"',
    ...extra,
  ].join('\n') + '\n';

describe('ForEachItem validation', () => {
  it("accepts the blueprint's ForEachItem, and the legacy type name", () => {
    expect(flowViolations(flow('    labels:', '      team: orders', '    inheritLabels: true', '    revision: 2'))).toEqual([]);
    expect(flowViolations(flow().replace('io.kestra.plugin.core.flow.ForEachItem', 'io.kestra.core.tasks.flows.ForEachItem'))).toEqual([]);
  });

  it('refuses scheduleDate by name with its line and column: a subflow always starts at once', () => {
    const found = flowViolations(flow('    scheduleDate: "{{ now() }}"'));
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([['tasks[0].scheduleDate', 15, 5]]);
    expect(found[0]!.message).toMatch(/^property 'scheduleDate' is not supported by Osprey: /);
  });

  it('refuses a batch option it does not know or of the wrong type, and a missing items or flowId', () => {
    const unknown = flowViolations(flow().replace('      rows: 1', '      lines: 1'));
    expect(unknown.map((v) => [v.path, v.line])).toEqual([['tasks[0].batch.lines', 8]]);
    const typed = flowViolations(flow().replace('      rows: 1', '      rows: many'));
    expect(typed.map((v) => [v.path, v.line, v.message])).toEqual([['tasks[0].batch.rows', 8, "expected an integer but got 'many'"]]);
    expect(flowViolations(flow().replace('      rows: 1', '      rows: "{{ inputs.size }}"\n      separator: ";"'))).toEqual([]);
    const missing = flowViolations(flow().replace('    items: "{{ outputs.extract.uri }}"\n', '').replace('    flowId: orders\n', ''));
    expect(missing.map((v) => v.path)).toEqual(['tasks[0].items', 'tasks[0].flowId']);
  });
});
