import { flowableKind, type FlowableKind } from '../flowable-kind.js';
import { allowFailureFlowable } from './allow-failure.js';
import { dagFlowable } from './dag.js';
import { eachParallelFlowable } from './each-parallel.js';
import { eachSequentialFlowable } from './each-sequential.js';
import { exitFlowable } from './exit.js';
import type { Flowable } from './flowable.js';
import { forEachFlowable } from './for-each.js';
import { forEachItemFlowable } from './for-each-item.js';
import { forEachItemExecutableFlowable } from './for-each-item-executable.js';
import { ifFlowable } from './if.js';
import { loopUntilFlowable } from './loop-until.js';
import { parallelFlowable } from './parallel.js';
import { pauseFlowable } from './pause.js';
import { resumeFlowable } from './resume.js';
import { sequentialFlowable } from './sequential.js';
import { setVariablesFlowable } from './set-variables.js';
import { subflowFlowable } from './subflow.js';
import { switchFlowable } from './switch.js';
import { unsetVariablesFlowable } from './unset-variables.js';
import { workingDirectoryFlowable } from './working-directory.js';

/** The resolver of each flowable kind; a kind without one does not compile. */
export const flowables: Readonly<Record<FlowableKind, Flowable>> = {
  Sequential: sequentialFlowable,
  Parallel: parallelFlowable,
  ForEach: forEachFlowable,
  EachSequential: eachSequentialFlowable,
  EachParallel: eachParallelFlowable,
  Switch: switchFlowable,
  If: ifFlowable,
  AllowFailure: allowFailureFlowable,
  Subflow: subflowFlowable,
  Pause: pauseFlowable,
  Dag: dagFlowable,
  WorkingDirectory: workingDirectoryFlowable,
  LoopUntil: loopUntilFlowable,
  Exit: exitFlowable,
  SetVariables: setVariablesFlowable,
  UnsetVariables: unsetVariablesFlowable,
  Resume: resumeFlowable,
  ForEachItem: forEachItemFlowable,
  ForEachItemExecutable: forEachItemExecutableFlowable,
};

/** The flowable that resolves a task type (current or legacy name); undefined for a runnable task. */
export function flowableOf(type: string): Flowable | undefined {
  const kind = flowableKind(type);
  return kind ? flowables[kind] : undefined;
}

/** Flowables resolved entirely by the executor; a WorkingDirectory is flowable but runs as one worker job. */
export function isExecutorResolved(type: string): boolean {
  const flowable = flowableOf(type);
  return flowable !== undefined && flowable.runsOnWorker !== true;
}
