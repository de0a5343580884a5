/** The task types the executor resolves itself (flowables, and tasks that change the execution); everything else runs on a worker. */
export type FlowableKind =
  | 'Sequential'
  | 'Parallel'
  | 'ForEach'
  | 'EachSequential'
  | 'EachParallel'
  | 'Switch'
  | 'If'
  | 'AllowFailure'
  | 'Subflow'
  | 'Pause'
  | 'Dag'
  | 'WorkingDirectory'
  | 'LoopUntil'
  | 'Exit'
  | 'SetVariables'
  | 'UnsetVariables'
  | 'Resume'
  | 'ForEachItem'
  | 'ForEachItemExecutable';

const FLOWABLE_PACKAGES = ['io.kestra.plugin.core.flow.', 'io.kestra.core.tasks.flows.'];
const KINDS: Record<string, FlowableKind> = {
  Sequential: 'Sequential',
  Parallel: 'Parallel',
  ForEach: 'ForEach',
  EachSequential: 'EachSequential',
  EachParallel: 'EachParallel',
  Switch: 'Switch',
  If: 'If',
  AllowFailure: 'AllowFailure',
  Subflow: 'Subflow',
  Flow: 'Subflow',
  Pause: 'Pause',
  Dag: 'Dag',
  WorkingDirectory: 'WorkingDirectory',
  Worker: 'WorkingDirectory',
  LoopUntil: 'LoopUntil',
  WaitFor: 'LoopUntil',
  ForEachItem: 'ForEachItem',
  // The run of a ForEachItem that starts its subflows (its split and merge runs go to workers).
  'ForEachItem$ForEachItemExecutable': 'ForEachItemExecutable',
};

/** Tasks that change the execution itself (Kestra's ExecutionUpdatableTask), by their full name. */
const EXECUTION_KINDS: Record<string, FlowableKind> = {
  'io.kestra.plugin.core.execution.Exit': 'Exit',
  'io.kestra.plugin.core.execution.SetVariables': 'SetVariables',
  'io.kestra.plugin.core.execution.UnsetVariables': 'UnsetVariables',
  'io.kestra.plugin.core.execution.Resume': 'Resume',
};

export function flowableKind(type: string): FlowableKind | undefined {
  if (Object.hasOwn(EXECUTION_KINDS, type)) return EXECUTION_KINDS[type];
  const pkg = FLOWABLE_PACKAGES.find((p) => type.startsWith(p));
  const name = pkg && type.slice(pkg.length);
  return name && Object.hasOwn(KINDS, name) ? KINDS[name] : undefined;
}
