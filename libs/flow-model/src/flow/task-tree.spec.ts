import { describe, expect, it } from '@jest/globals';
import { parseFlow } from './parse-flow.js';
import { allTasks, childTaskLists } from './task-tree.js';

const flow = parseFlow(`
id: tree
namespace: io.kestra.tests
tasks:
  - id: sw
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ inputs.x }}"
    cases:
      A:
        - id: a1
          type: io.kestra.plugin.core.debug.Return
      B:
        - id: b1
          type: io.kestra.plugin.core.flow.If
          condition: "{{ true }}"
          then:
            - id: then1
              type: io.kestra.plugin.core.debug.Return
          else:
            - id: else1
              type: io.kestra.plugin.core.debug.Return
    defaults:
      - id: d1
        type: io.kestra.plugin.core.debug.Return
    errors:
      - id: sw-error
        type: io.kestra.plugin.core.debug.Return
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task: { id: n1, type: io.kestra.plugin.core.debug.Return }
      - task: { id: n2, type: io.kestra.plugin.core.debug.Return }
        dependsOn: [n1]
    finally:
      - id: dag-finally
        type: io.kestra.plugin.core.debug.Return
errors:
  - id: e1
    type: io.kestra.plugin.core.debug.Return
finally:
  - id: f1
    type: io.kestra.plugin.core.debug.Return
`);

describe('task tree', () => {
  it('lists the child task lists of a Switch, by case, then defaults and errors', () => {
    const lists = childTaskLists(flow.tasks[0]!);
    expect(lists.map((l) => [l.property, l.key, l.tasks.map((t) => t.id)])).toEqual([
      ['cases', 'A', ['a1']],
      ['cases', 'B', ['b1']],
      ['defaults', undefined, ['d1']],
      ['errors', undefined, ['sw-error']],
    ]);
  });

  it('unwraps Dag entries to their tasks', () => {
    const lists = childTaskLists(flow.tasks[1]!);
    expect(lists.map((l) => [l.property, l.tasks.map((t) => t.id)])).toEqual([
      ['tasks', ['n1', 'n2']],
      ['finally', ['dag-finally']],
    ]);
  });

  it('walks every task depth-first, including errors and finally', () => {
    expect(allTasks(flow).map((t) => t.id)).toEqual([
      'sw', 'a1', 'b1', 'then1', 'else1', 'd1', 'sw-error', 'dag', 'n1', 'n2', 'dag-finally', 'e1', 'f1',
    ]);
  });

  it('gives a runnable task no children', () => {
    expect(childTaskLists({ id: 'x', type: 'io.kestra.plugin.core.log.Log', message: 'm' })).toEqual([]);
  });
});
