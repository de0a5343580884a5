import { describe, expect, it } from '@jest/globals';
import { resolveConditionType } from './condition-types.js';
import { resolveTaskType, TASK_TYPES } from './task-types.js';
import { resolveTriggerType } from './trigger-types.js';

describe('task type registry', () => {
  it.each([
    ['io.kestra.core.tasks.log.Log', 'io.kestra.plugin.core.log.Log'],
    ['io.kestra.core.tasks.debugs.Return', 'io.kestra.plugin.core.debug.Return'],
    ['io.kestra.core.tasks.debugs.Echo', 'io.kestra.plugin.core.debug.Echo'],
    ['io.kestra.core.tasks.flows.EachSequential', 'io.kestra.plugin.core.flow.EachSequential'],
    ['io.kestra.core.tasks.flows.Flow', 'io.kestra.plugin.core.flow.Subflow'],
    ['io.kestra.plugin.core.flow.Flow', 'io.kestra.plugin.core.flow.Subflow'],
    ['io.kestra.core.tasks.executions.Fail', 'io.kestra.plugin.core.execution.Fail'],
    ['io.kestra.core.tasks.storages.LocalFiles', 'io.kestra.plugin.core.storage.LocalFiles'],
    ['io.kestra.plugin.core.kv.Set', 'io.kestra.plugin.core.kv.Set'],
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

  it('returns undefined for unknown types', () => {
    expect(resolveTaskType('io.kestra.plugin.core.log.Nope')).toBeUndefined();
  });

  it('knows which types are flowable and where their children are', () => {
    expect(resolveTaskType('io.kestra.plugin.core.log.Log')).toMatchObject({ kind: 'runnable', required: ['message'], childTaskProperties: [] });
    expect(resolveTaskType('io.kestra.plugin.core.flow.If')).toMatchObject({ kind: 'flowable', required: ['condition', 'then'], childTaskProperties: ['then', 'else'] });
    expect(resolveTaskType('io.kestra.plugin.core.flow.Switch')?.childTaskProperties).toEqual(['cases', 'defaults']);
    expect(resolveTaskType('io.kestra.plugin.core.flow.Dag')?.properties.tasks?.type).toBe('dagTasks');
    expect(resolveTaskType('io.kestra.plugin.scripts.shell.Commands')?.required).toEqual(['commands']);
  });

  it('has no name claimed by two definitions', () => {
    const names = TASK_TYPES.flatMap((t) => [t.name, ...t.aliases]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('resolves triggers and conditions with their legacy aliases', () => {
    expect(resolveTriggerType('io.kestra.core.models.triggers.types.Schedule')?.name).toBe('io.kestra.plugin.core.trigger.Schedule');
    expect(resolveTriggerType('io.kestra.plugin.core.trigger.Webhook')?.required).toEqual(['key']);
    expect(resolveConditionType('io.kestra.core.models.conditions.types.ExecutionStatusCondition')?.name).toBe(
      'io.kestra.plugin.core.condition.ExecutionStatus',
    );
    expect(resolveConditionType('io.kestra.core.models.conditions.types.VariableCondition')?.name).toBe('io.kestra.plugin.core.condition.Expression');
    expect(resolveConditionType('io.kestra.plugin.core.condition.ExecutionNamespaceCondition')?.name).toBe(
      'io.kestra.plugin.core.condition.ExecutionNamespace',
    );
  });
});
