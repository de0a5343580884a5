import { validateTask } from './validate-task.js';

describe('validateTask', () => {
  it('accepts a valid task and a valid trigger, answering Kestra\'s empty violation', () => {
    expect(validateTask('id: hello\ntype: io.kestra.plugin.core.log.Log\nmessage: hi\n', 'task')).toEqual({ index: 0, outdated: false, deprecationPaths: [], warnings: [], infos: [], violations: [] });
    expect(validateTask('id: daily\ntype: io.kestra.plugin.core.trigger.Schedule\ncron: "0 9 * * *"\n', 'trigger').constraints).toBeUndefined();
  });

  it('names an unknown property by its path in the element, with the line and column of the element\'s own text', () => {
    const result = validateTask('id: hello\ntype: io.kestra.plugin.core.log.Log\nmessage: hi\nbogus: 1\n', 'task');
    expect(result.violations).toEqual([expect.objectContaining({ path: 'bogus', line: 4, column: 1 })]);
    expect(result.constraints).toMatch(/^line 4, column 1: bogus: /);
  });

  it('judges a trigger as a trigger and a task as a task', () => {
    const cron = validateTask('id: daily\ntype: io.kestra.plugin.core.trigger.Schedule\ncron: "not a cron"\n', 'trigger');
    expect(cron.violations).toEqual([expect.objectContaining({ path: 'cron', line: 3 })]);
    const triggerAsTask = validateTask('id: daily\ntype: io.kestra.plugin.core.trigger.Schedule\ncron: "0 9 * * *"\n', 'task');
    expect(triggerAsTask.violations).toEqual([expect.objectContaining({ path: 'type', line: 2 })]);
  });

  it('takes JSON text and reports a missing id at the element', () => {
    const result = validateTask('{"type": "io.kestra.plugin.core.log.Log", "message": "hi"}', 'task');
    expect(result.violations).toEqual([expect.objectContaining({ path: expect.stringMatching(/^(id)?$/), line: 1 })]);
  });
});
