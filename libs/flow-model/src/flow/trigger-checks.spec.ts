import { describe, expect, it } from '@jest/globals';
import { parseFlow } from './parse-flow.js';
import { flowViolations } from '../testing/flow-violations.js';

const yaml = (...lines: string[]) => ['id: f', 'namespace: company.team', 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.log.Log', '    message: hi', 'triggers:', ...lines].join('\n') + '\n';

describe('trigger condition and precondition checks', () => {
  it('refuses a condition on an ended execution in a Schedule trigger, at its type', () => {
    const found = flowViolations(
      yaml('  - id: daily', '    type: io.kestra.plugin.core.trigger.Schedule', '    cron: "0 9 * * *"', '    conditions:', '      - type: io.kestra.plugin.core.condition.ExecutionStatus', '        in: [SUCCESS]'),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'triggers[0].conditions[0].type', line: 12, column: 15 });
    expect(found[0]!.message).toMatch(/a Schedule trigger cannot evaluate it/);
  });

  it('accepts time conditions on a Schedule trigger', () => {
    expect(
      flowViolations(yaml('  - id: daily', '    type: io.kestra.plugin.core.trigger.Schedule', '    cron: "0 9 * * *"', '    conditions:', '      - type: io.kestra.plugin.core.condition.Weekend')),
    ).toEqual([]);
  });

  it('accepts preconditions on several flows and where filters', () => {
    const found = flowViolations(
      yaml(
        '  - id: both',
        '    type: io.kestra.plugin.core.trigger.Flow',
        '    preconditions:',
        '      id: both',
        '      flows:',
        '        - namespace: company.team',
        '          flowId: a',
        '        - namespace: company.team',
        '          flowId: b',
        '      where:',
        '        - id: prod',
        '          filters:',
        '            - { field: NAMESPACE, type: STARTS_WITH, value: company }',
      ),
    );
    expect(found).toEqual([]);
  });

  it('refuses preconditions that keep results across executions where the backend keeps none, by path', () => {
    const source = yaml(
      '  - id: both',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    preconditions:',
      '      id: both',
      '      resetOnSuccess: false',
      '      flows:',
      '        - namespace: company.team',
      '          flowId: a',
      '        - namespace: company.team',
      '          flowId: b',
    );
    const found = flowViolations(source, { storedPreconditions: false });
    expect(found.map((v) => [v.path, v.line])).toEqual([
      ['triggers[0].preconditions', 11],
      ['triggers[0].preconditions.resetOnSuccess', 12],
    ]);
    expect(found[0]!.message).toMatch(/2 conditions .* Kafka backend does not keep yet/);
    expect(flowViolations(source)).toEqual([]);
    const one = yaml('  - id: one', '    type: io.kestra.plugin.core.trigger.Flow', '    preconditions:', '      id: one', '      flows:', '        - namespace: company.team');
    expect(() => parseFlow(one, { storedPreconditions: false })).not.toThrow();
  });

  it('accepts preconditions on one flow with a daily window, and checks the window fields', () => {
    const pre = (...window: string[]) =>
      yaml('  - id: one', '    type: io.kestra.plugin.core.trigger.Flow', '    preconditions:', '      id: one', '      flows:', '        - namespace: company.team', '          flowId: a', '      timeWindow:', ...window);
    expect(flowViolations(pre('        type: DAILY_TIME_WINDOW', '        startTime: "06:00:00"', '        endTime: "09:00:00"'))).toEqual([]);
    expect(flowViolations(pre('        type: DAILY_TIME_DEADLINE')).map((v) => [v.path, v.message])).toEqual([
      ['triggers[0].preconditions.timeWindow.deadline', 'a time window of type DAILY_TIME_DEADLINE must have deadline'],
    ]);
    expect(flowViolations(pre('        type: SLIDING_WINDOW', '        deadline: "09:00:00"')).map((v) => v.path)).toEqual(['triggers[0].preconditions.timeWindow.deadline']);
  });

  it('accepts resetOnSuccess: false and a MultipleCondition of several conditions, and refuses a resetOnSuccess that is no boolean', () => {
    const reset = flowViolations(
      yaml('  - id: one', '    type: io.kestra.plugin.core.trigger.Flow', '    preconditions:', '      id: one', '      resetOnSuccess: false', '      flows:', '        - namespace: company.team'),
    );
    expect(reset).toEqual([]);
    const notBoolean = flowViolations(
      yaml('  - id: one', '    type: io.kestra.plugin.core.trigger.Flow', '    preconditions:', '      id: one', '      resetOnSuccess: sometimes', '      flows:', '        - namespace: company.team'),
    );
    expect(notBoolean.map((v) => v.path)).toEqual(['triggers[0].preconditions.resetOnSuccess']);
    const multiple = flowViolations(
      yaml(
        '  - id: legacy',
        '    type: io.kestra.plugin.core.trigger.Flow',
        '    conditions:',
        '      - type: io.kestra.plugin.core.condition.MultipleCondition',
        '        id: both',
        '        conditions:',
        '          a: { type: io.kestra.plugin.core.condition.ExecutionFlow, namespace: company.team, flowId: a }',
        '          b: { type: io.kestra.plugin.core.condition.ExecutionFlow, namespace: company.team, flowId: b }',
      ),
    );
    expect(multiple).toEqual([]);
  });

  it('refuses the trigger properties it does not honour, by name', () => {
    const found = flowViolations(yaml('  - id: daily', '    type: io.kestra.plugin.core.trigger.Schedule', '    cron: "0 9 * * *"', '    stopAfter: [FAILED]', '    logLevel: WARN'));
    expect(found.map((v) => [v.path, v.line])).toEqual([
      ['triggers[0].stopAfter', 11],
      ['triggers[0].logLevel', 12],
    ]);
    expect(found[0]!.message).toMatch(/property 'stopAfter' is not supported by Osprey/);
  });

  it('accepts an HTTP polling trigger with stopAfter, and refuses what it cannot honour by path and line', () => {
    const accepted = flowViolations(
      yaml('  - id: poll', '    type: io.kestra.plugin.core.http.Trigger', '    uri: https://example.com/health', '    interval: PT30S', '    stopAfter: [SUCCESS, FAILED]', '    responseCondition: "{{ response.statusCode == 200 }}"'),
    );
    expect(accepted).toEqual([]);
    const templated = flowViolations(yaml('  - id: poll', '    type: io.kestra.plugin.core.http.Trigger', '    uri: https://example.com/health', '    interval: "{{ vars.every }}"'));
    expect(templated.map((v) => [v.path, v.line])).toEqual([['triggers[0].interval', 11]]);
    const found = flowViolations(
      yaml(
        '  - id: poll',
        '    type: io.kestra.plugin.core.http.Trigger',
        '    uri: https://example.com/health',
        '    encryptBody: true',
        '    formData: { a: b }',
        '    stopAfter: [RUNNING]',
        '    allowConcurrent: true',
        '    interval: every minute',
        '    options: { allowFailed: false }',
        '    conditions:',
        '      - type: io.kestra.plugin.core.condition.ExecutionStatus',
        '        in: [SUCCESS]',
      ),
    );
    expect(found.map((v) => [v.path, v.line])).toEqual(
      expect.arrayContaining([
        ['triggers[0].encryptBody', 11],
        ['triggers[0].formData', 12],
        ['triggers[0].stopAfter', 13],
        ['triggers[0].allowConcurrent', 14],
        ['triggers[0].interval', 15],
        ['triggers[0].options.allowFailed', 16],
        ['triggers[0].conditions[0].type', 18],
      ]),
    );
  });
});
