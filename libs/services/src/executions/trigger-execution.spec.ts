import { type ExecutionEventEnvelope, parseFlow, type StoredFlow } from '@osprey/flow-model';
import type { ExecutionEventQueue } from '@osprey/queue';
import { NotFoundError, RepositoryUnavailableError, type FlowRepository } from '@osprey/repository';
import { TriggerExecution } from './trigger-execution.js';

/** A flow repository that can be taken down, as a search server in an outage. */
function flows(initial: StoredFlow[]) {
  const stored = new Map(initial.map((f) => [`${f.namespace}.${f.id}`, f]));
  let down = false;
  const repository = {
    async get(namespace: string, id: string) {
      if (down) throw new RepositoryUnavailableError('connect ECONNREFUSED');
      return stored.get(`${namespace}.${id}`) ?? null;
    },
  } as unknown as FlowRepository;
  return { repository, setDown: (value: boolean) => void (down = value), stored };
}

function stored(namespace: string, id: string, revision: number): StoredFlow {
  return { namespace, id, revision, source: '', disabled: false, deleted: false, updated: new Date(0).toISOString(), flow: parseFlow(`id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`) };
}

function events() {
  const emitted: ExecutionEventEnvelope[] = [];
  return { queue: { emit: async (e: ExecutionEventEnvelope[]) => void emitted.push(...e) } as unknown as ExecutionEventQueue, emitted };
}

describe('TriggerExecution while the flow repository is unreachable', () => {
  it('starts executions of flows it has read before, with the revision it read', async () => {
    const repo = flows([stored('ns', 'a', 3)]);
    const out = events();
    const trigger = new TriggerExecution(repo.repository, out.queue);
    await trigger.execute({ namespace: 'ns', flowId: 'a' });
    repo.setDown(true);
    const execution = await trigger.execute({ namespace: 'ns', flowId: 'a' });
    expect(execution.flowRevision).toBe(3);
    expect(out.emitted.map((e) => e.executionId)).toHaveLength(2);
  });

  it('answers unavailable for a flow it has not read, and for an explicit revision', async () => {
    const repo = flows([stored('ns', 'a', 1), stored('ns', 'b', 1)]);
    const trigger = new TriggerExecution(repo.repository, events().queue);
    await trigger.execute({ namespace: 'ns', flowId: 'a' });
    repo.setDown(true);
    await expect(trigger.execute({ namespace: 'ns', flowId: 'b' })).rejects.toBeInstanceOf(RepositoryUnavailableError);
    await expect(trigger.execute({ namespace: 'ns', flowId: 'a', revision: 1 })).rejects.toBeInstanceOf(RepositoryUnavailableError);
  });

  it('forgets a flow that was deleted while the repository was up', async () => {
    const repo = flows([stored('ns', 'a', 1)]);
    const trigger = new TriggerExecution(repo.repository, events().queue);
    await trigger.execute({ namespace: 'ns', flowId: 'a' });
    repo.stored.delete('ns.a');
    await expect(trigger.execute({ namespace: 'ns', flowId: 'a' })).rejects.toBeInstanceOf(NotFoundError);
    repo.setDown(true);
    await expect(trigger.execute({ namespace: 'ns', flowId: 'a' })).rejects.toBeInstanceOf(RepositoryUnavailableError);
  });
});
