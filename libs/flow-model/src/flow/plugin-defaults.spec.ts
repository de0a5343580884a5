import { describe, expect, it } from '@jest/globals';
import type { Task } from './flow.js';
import { applyPluginDefaults } from './plugin-defaults.js';

const log: Task = { id: 'l', type: 'io.kestra.plugin.core.log.Log', message: 'mine', options: { a: 1 } };

describe('applyPluginDefaults', () => {
  it('fills missing properties from non-forced defaults without overriding the task', () => {
    const task = applyPluginDefaults(log, [{ type: 'io.kestra.plugin.core.log.Log', values: { message: 'default', level: 'WARN' } }]);
    expect(task).toEqual({ ...log, level: 'WARN' });
  });

  it('lets forced defaults override the task', () => {
    const task = applyPluginDefaults(log, [{ type: 'io.kestra.plugin.core.log.Log', forced: true, values: { message: 'forced' } }]);
    expect(task.message).toBe('forced');
  });

  it('reads forced given as the text "true" or "false", as Kestra does', () => {
    expect(applyPluginDefaults(log, [{ type: 'io.kestra.plugin.core.log.Log', forced: 'true', values: { message: 'forced' } }]).message).toBe('forced');
    expect(applyPluginDefaults(log, [{ type: 'io.kestra.plugin.core.log.Log', forced: 'false', values: { message: 'default' } }]).message).toBe('mine');
  });

  it('matches by package prefix but not by a partial segment', () => {
    expect(applyPluginDefaults(log, [{ type: 'io.kestra.plugin.core.log', values: { level: 'DEBUG' } }]).level).toBe('DEBUG');
    expect(applyPluginDefaults(log, [{ type: 'io.kestra.plugin.core.lo', values: { level: 'DEBUG' } }]).level).toBeUndefined();
    expect(applyPluginDefaults(log, [{ type: 'io.kestra.plugin.core.debug.Return', values: { level: 'DEBUG' } }])).toBe(log);
  });

  it('matches a task written with a legacy alias', () => {
    const legacy: Task = { id: 'l', type: 'io.kestra.core.tasks.log.Log', message: 'x' };
    expect(applyPluginDefaults(legacy, [{ type: 'io.kestra.plugin.core.log.Log', values: { level: 'ERROR' } }]).level).toBe('ERROR');
  });

  it('merges nested maps key by key and never changes id or type', () => {
    const task = applyPluginDefaults(log, [
      { type: 'io.kestra.plugin.core.log.Log', values: { options: { a: 2, b: 2 }, id: 'other' } },
      { type: 'io.kestra.plugin.core.log.Log', forced: true, values: { options: { c: 3 }, type: 'x' } },
    ]);
    expect(task).toEqual({ id: 'l', type: 'io.kestra.plugin.core.log.Log', message: 'mine', options: { a: 1, b: 2, c: 3 } });
  });

  it('does not modify the given task', () => {
    applyPluginDefaults(log, [{ type: 'io.kestra.plugin.core.log.Log', forced: true, values: { message: 'forced' } }]);
    expect(log.message).toBe('mine');
  });
});
