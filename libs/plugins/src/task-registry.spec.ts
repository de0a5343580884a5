import { TASK_TYPES } from '@osprey/flow-model';
import { describe, expect, it } from '@jest/globals';
import { createTaskRegistry } from './task-registry.js';
import { LogTask } from './core/log.js';
import { ReturnTask } from './core/return.js';
import { LocalFilesTask } from './core/local-files.js';
import { ScriptTask } from './scripts/script-task.js';

describe('createTaskRegistry', () => {
  const registry = createTaskRegistry();

  it('answers canonical io.kestra.plugin.core names', () => {
    expect(registry.get('io.kestra.plugin.core.log.Log')).toBeInstanceOf(LogTask);
    expect(registry.get('io.kestra.plugin.core.debug.Return')).toBeInstanceOf(ReturnTask);
    expect(registry.get('io.kestra.plugin.scripts.shell.Commands')).toBeInstanceOf(ScriptTask);
  });

  it('runs each script language with its own Commands and Script task', () => {
    const python = registry.get('io.kestra.plugin.scripts.python.Script') as ScriptTask;
    expect([python.language, python.kind]).toEqual(['python', 'script']);
    const go = registry.get('io.kestra.plugin.scripts.go.Commands') as ScriptTask;
    expect([go.language, go.kind]).toEqual(['go', 'commands']);
  });

  it('answers legacy aliases with the same runner', () => {
    expect(registry.get('io.kestra.core.tasks.log.Log')).toBe(registry.get('io.kestra.plugin.core.log.Log'));
    expect(registry.get('io.kestra.core.tasks.debugs.Return')).toBe(registry.get('io.kestra.plugin.core.debug.Return'));
    expect(registry.get('io.kestra.core.tasks.storages.LocalFiles')).toBeInstanceOf(LocalFilesTask);
    expect(registry.get('io.kestra.core.tasks.executions.Fail')).toBe(registry.get('io.kestra.plugin.core.execution.Fail'));
  });

  it('has a runner for every runnable type the flow model accepts, under every alias', () => {
    const runnable = TASK_TYPES.filter((definition) => definition.kind === 'runnable');
    expect(runnable.filter((definition) => !registry.has(definition.name)).map((d) => d.name)).toEqual([]);
    for (const definition of runnable) for (const alias of definition.aliases ?? []) expect(registry.get(alias)).toBe(registry.get(definition.name));
  });

  it('knows every runnable type the conformance flows use, and no flowable one', () => {
    for (const type of [
      'io.kestra.plugin.core.debug.Return',
      'io.kestra.plugin.core.log.Log',
      'io.kestra.plugin.core.execution.Fail',
      'io.kestra.plugin.core.execution.Labels',
      'io.kestra.plugin.core.debug.Echo',
      'io.kestra.plugin.core.storage.LocalFiles',
      'io.kestra.plugin.core.output.OutputValues',
      'io.kestra.plugin.core.flow.Sleep',
    ]) {
      expect(registry.has(type)).toBe(true);
    }
    expect(registry.get('io.kestra.plugin.core.flow.Sequential')).toBeUndefined();
    expect(registry.get('io.kestra.plugin.core.flow.Pause')).toBeUndefined();
    expect(registry.types()).toContain('io.kestra.plugin.core.kv.Set');
  });
});
