import { flowableOf, flowables, isExecutorResolved } from './index.js';
import { subflowFlowable } from './subflow.js';
import { workingDirectoryFlowable } from './working-directory.js';

describe('flowable registry', () => {
  const kinds = Object.keys(flowables);

  it('finds the resolver of each flowable kind by its current and its legacy type name', () => {
    for (const kind of kinds) {
      const resolver = flowables[kind as keyof typeof flowables];
      expect(flowableOf(`io.kestra.plugin.core.flow.${kind}`)).toBe(resolver);
      expect(flowableOf(`io.kestra.core.tasks.flows.${kind}`)).toBe(resolver);
    }
    expect(kinds).toHaveLength(13);
  });

  it('resolves the older Flow task as a Subflow', () => {
    expect(flowableOf('io.kestra.core.tasks.flows.Flow')).toBe(subflowFlowable);
  });

  it('has no resolver for runnable tasks, which go to the workers', () => {
    expect(flowableOf('io.kestra.plugin.core.log.Log')).toBeUndefined();
    expect(flowableOf('io.kestra.plugin.scripts.shell.Commands')).toBeUndefined();
    expect(flowableOf('io.kestra.plugin.core.flow.Unknown')).toBeUndefined();
  });

  it('sends only a WorkingDirectory to a worker as one job', () => {
    expect(kinds.filter((kind) => flowables[kind as keyof typeof flowables].runsOnWorker)).toEqual(['WorkingDirectory']);
    expect(workingDirectoryFlowable.runsOnWorker).toBe(true);
    expect(isExecutorResolved('io.kestra.plugin.core.flow.WorkingDirectory')).toBe(false);
    expect(isExecutorResolved('io.kestra.plugin.core.flow.Dag')).toBe(true);
    expect(isExecutorResolved('io.kestra.plugin.core.log.Log')).toBe(false);
  });
});
