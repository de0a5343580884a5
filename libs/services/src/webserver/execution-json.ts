import { executionMetadata, type Execution } from '@osprey/flow-model';

/**
 * Kestra's Execution JSON: the stored execution plus the fields its clients read as required (`kestrapy`'s
 * `Execution` model fails without them): `originalId` (the first execution of a replay chain, else its own id),
 * `deleted`, and `metadata` (attempt number and the chain's creation date).
 */
export function executionJson(execution: Execution): Execution & { originalId: string; deleted: boolean } {
  return {
    ...execution,
    originalId: execution.originalId ?? execution.id,
    deleted: execution.deleted ?? false,
    metadata: executionMetadata(execution),
  };
}
