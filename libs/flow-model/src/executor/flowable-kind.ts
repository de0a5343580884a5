/** The flowable task types the executor resolves itself; everything else runs on a worker. */
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
  | 'LoopUntil';

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
  LoopUntil: 'LoopUntil',
  WaitFor: 'LoopUntil',
};

export function flowableKind(type: string): FlowableKind | undefined {
  const pkg = FLOWABLE_PACKAGES.find((p) => type.startsWith(p));
  return pkg ? KINDS[type.slice(pkg.length)] : undefined;
}
