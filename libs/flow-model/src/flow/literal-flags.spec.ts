import { describe, expect, it } from '@jest/globals';
import { flowViolations } from '../testing/flow-violations.js';
import { flag } from './flag.js';
import { propertyCatalog } from './property-catalog.js';

// Booleans Osprey reads as written (never rendered) take true/false or their texts; an expression would be read as
// the default, so it is refused at load instead.
const NO_EXPRESSION = /expected true or false but got '\{\{ inputs\.x \}\}': Osprey reads this property as written, so it takes no expression/;

const source = (...lines: string[]) => ['id: f', 'namespace: company.team', ...lines].join('\n') + '\n';
const LOG = ['  - id: log', '    type: io.kestra.plugin.core.log.Log', '    message: hi'];
const SUBFLOW = ['  - id: sub', '    type: io.kestra.plugin.core.flow.Subflow', '    namespace: a', '    flowId: b'];

describe('flag', () => {
  it('reads true/false and their texts, and falls back to the default when absent', () => {
    expect([flag(true, false), flag('true', false), flag(false, true), flag('false', true)]).toEqual([true, true, false, false]);
    expect([flag(undefined, true), flag(undefined, false), flag(null, true)]).toEqual([true, false, true]);
  });
});

describe('booleans read as written', () => {
  it('accept true, false and the texts "true"/"false"', () => {
    expect(flowViolations(source('disabled: "false"', 'tasks:', ...LOG, '    allowFailure: "true"', '    allowWarning: false', '    disabled: "false"'))).toEqual([]);
    expect(flowViolations(source('tasks:', ...SUBFLOW, '    wait: "false"', '    transmitFailed: "true"', '    inheritLabels: "true"'))).toEqual([]);
  });

  it.each([
    ['task allowFailure', source('tasks:', ...LOG, '    allowFailure: "{{ inputs.x }}"'), 'tasks[0].allowFailure', 7, 19],
    ['task allowWarning', source('tasks:', ...LOG, '    allowWarning: "{{ inputs.x }}"'), 'tasks[0].allowWarning', 7, 19],
    ['task disabled', source('tasks:', ...LOG, '    disabled: "{{ inputs.x }}"'), 'tasks[0].disabled', 7, 15],
    ['Subflow wait', source('tasks:', ...SUBFLOW, '    wait: "{{ inputs.x }}"'), 'tasks[0].wait', 8, 11],
    ['Subflow transmitFailed', source('tasks:', ...SUBFLOW, '    transmitFailed: "{{ inputs.x }}"'), 'tasks[0].transmitFailed', 8, 21],
    ['flow disabled', source('disabled: "{{ inputs.x }}"', 'tasks:', ...LOG), 'disabled', 3, 11],
    ['input required', source('inputs:', '  - id: x', '    type: STRING', '    required: "{{ inputs.x }}"', 'tasks:', ...LOG), 'inputs[0].required', 6, 15],
    ['retry warningOnRetry', source('retry:', '  type: constant', '  interval: PT1S', '  warningOnRetry: "{{ inputs.x }}"', 'tasks:', ...LOG), 'retry.warningOnRetry', 6, 19],
    [
      'Webhook wait',
      source('tasks:', ...LOG, 'triggers:', '  - id: hook', '    type: io.kestra.plugin.core.trigger.Webhook', '    key: k', '    wait: "{{ inputs.x }}"'),
      'triggers[0].wait',
      11,
      11,
    ],
  ])('%s: an expression is refused with its path, line and column', (_, yaml, path, line, column) => {
    expect(flowViolations(yaml)).toEqual([expect.objectContaining({ path, line, column, message: expect.stringMatching(NO_EXPRESSION) })]);
  });

  it('is a declared property of each read-as-written boolean, so the docs table can name them', () => {
    const literal = propertyCatalog().flatMap(({ scope, properties }) => Object.entries(properties).flatMap(([name, spec]) => (spec.expressions === false ? [`${scope} ${name}`] : [])));
    expect(literal).toEqual(expect.arrayContaining(['task allowFailure', 'task allowWarning', 'task disabled', 'trigger disabled', 'flow disabled', 'retry warningOnRetry']));
  });
});
