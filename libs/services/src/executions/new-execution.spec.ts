import { parseFlow } from '@osprey/flow-model';
import { newExecution } from './new-execution.js';

describe('newExecution', () => {
  const flow = parseFlow(`id: f
namespace: io.osprey.tests
labels:
  team: data
inputs:
  - id: day
    type: DATE
    defaults: "{{ now() | date('yyyy-MM-dd') }}"
  - id: greeting
    type: STRING
    defaults: "hello {{ inputs.who }} from {{ flow.id }}"
  - id: who
    type: STRING
    defaults: world
  - id: count
    type: INT
    defaults: 3
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: x
`);
  const now = new Date('2026-05-04T10:00:00Z');

  it('converts given inputs, applies defaults and renders the defaults that are expressions', () => {
    const execution = newExecution({ flow, revision: 2, inputs: { who: 'osprey', count: '7' } }, 'exec-1', now);
    expect(execution.inputs).toEqual({ day: '2026-05-04', greeting: 'hello osprey from f', who: 'osprey', count: 7 });
    expect(execution.state.current).toBe('CREATED');
    expect(execution.flowRevision).toBe(2);
  });

  it('labels the execution with the flow labels, the given ones and its correlation id', () => {
    const execution = newExecution({ flow, revision: 1, labels: [{ key: 'team', value: 'ops' }, { key: 'run', value: 'x' }] }, 'exec-2', now);
    expect(execution.labels).toEqual([
      { key: 'team', value: 'ops' },
      { key: 'run', value: 'x' },
      { key: 'system.correlationId', value: 'exec-2' },
    ]);
  });

  it('keeps the correlation id of the root execution for subflows', () => {
    expect(newExecution({ flow, revision: 1, correlationId: 'root' }, 'child', now).labels).toContainEqual({ key: 'system.correlationId', value: 'root' });
  });

  it('evaluates a SELECT and a MULTISELECT expression with the execution variables to give their allowed values', () => {
    const select = parseFlow(`id: pick
namespace: io.osprey.tests
inputs:
  - id: region
    type: SELECT
    expression: "{{ labels.zone == 'eu' ? ['eu', 'us'] : ['us'] }}"
  - id: sizes
    type: MULTISELECT
    expression: "{{ [flow.id ~ '-s', flow.id ~ '-m'] }}"
labels:
  zone: eu
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: x
`);
    expect(newExecution({ flow: select, revision: 1, inputs: { region: 'eu', sizes: ['pick-m'] } }, 'e', now).inputs).toEqual({ region: 'eu', sizes: ['pick-m'] });
    expect(() => newExecution({ flow: select, revision: 1, inputs: { region: 'asia', sizes: ['pick-xl'] } }, 'e', now)).toThrow(
      "- region: 'asia' is not one of the values [eu, us]\n- sizes: 'pick-xl' is not one of the values [pick-s, pick-m]",
    );
  });

  it('rejects inputs of the wrong type, naming them', () => {
    expect(() => newExecution({ flow, revision: 1, inputs: { count: 'many' } }, 'e', now)).toThrow(/count/);
  });
});
