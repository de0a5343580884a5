import { flowableOf, flowables, isExecutorResolved } from './index.js';
import { subflowFlowable } from './subflow.js';
import { workingDirectoryFlowable } from './working-directory.js';

describe('flowable registry', () => {
  const kinds = Object.keys(flowables);

  const executionKinds = ['Exit', 'SetVariables', 'UnsetVariables', 'Resume'];

  it('finds the resolver of each flowable kind by its current and its legacy type name', () => {
    for (const kind of kinds.filter((k) => !executionKinds.includes(k))) {
      const resolver = flowables[kind as keyof typeof flowables];
      // The run of a ForEachItem that starts its subflows has Kestra's inner class name.
      const name = kind === 'ForEachItemExecutable' ? 'ForEachItem$ForEachItemExecutable' : kind;
      expect(flowableOf(`io.kestra.plugin.core.flow.${name}`)).toBe(resolver);
      expect(flowableOf(`io.kestra.core.tasks.flows.${name}`)).toBe(resolver);
    }
    expect(kinds).toHaveLength(19);
    expect(flowableOf('io.kestra.plugin.core.flow.WaitFor')).toBe(flowables.LoopUntil);
  });

  it('finds the tasks that change the execution by their full name only', () => {
    for (const kind of executionKinds) {
      expect(flowableOf(`io.kestra.plugin.core.execution.${kind}`)).toBe(flowables[kind as keyof typeof flowables]);
      expect(flowableOf(`io.kestra.plugin.core.flow.${kind}`)).toBeUndefined();
      expect(isExecutorResolved(`io.kestra.plugin.core.execution.${kind}`)).toBe(true);
    }
    expect(flowableOf('io.kestra.plugin.core.execution.Labels')).toBeUndefined();
    expect(flowableOf('io.kestra.plugin.core.flow.constructor')).toBeUndefined();
  });

  it('resolves the older Flow task as a Subflow', () => {
    expect(flowableOf('io.kestra.core.tasks.flows.Flow')).toBe(subflowFlowable);
  });

  it("leaves a ForEachItem's split and merge runs to the workers", () => {
    expect(flowableOf('io.kestra.plugin.core.flow.ForEachItem$ForEachItemSplit')).toBeUndefined();
    expect(flowableOf('io.kestra.plugin.core.flow.ForEachItem$ForEachItemMergeOutputs')).toBeUndefined();
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
