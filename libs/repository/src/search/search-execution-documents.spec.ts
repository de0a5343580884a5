import type { Execution } from '@osprey/flow-model';
import { testExecution } from '../testing/repository-fixtures.js';
import { executionOperations, taskRunExecutionFields, type TaskRunDocument } from './search-execution-documents.js';
import { searchIndexNames } from './search-indices.js';

const indices = searchIndexNames('t');

function taskRunDocuments(projection: Parameters<typeof executionOperations>[1][number]): TaskRunDocument[] {
  return executionOperations(indices, [projection])
    .filter((op) => op.index === indices.taskRuns)
    .map((op) => op.document as TaskRunDocument);
}

describe('task-run documents', () => {
  it("carry their execution's label terms and parent on every task run written", () => {
    const execution = testExecution('c', { taskRuns: 2, parent: 'p', labels: [{ key: 'team', value: 'ops' }] });
    const docs = taskRunDocuments(execution);
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      expect(doc.labels).toEqual(['["team","ops"]']);
      expect(doc.parentId).toBe('p');
      expect(doc.executionDigest).toBe(taskRunExecutionFields({ labels: ['["team","ops"]'], parentId: 'p' }).executionDigest);
    }
    const changedOnly = taskRunDocuments({ execution, changedTaskRuns: [execution.taskRunList[1]!] });
    expect(changedOnly.map((doc) => [doc.id, doc.parentId, doc.labels])).toEqual([['c-tr1', 'p', ['["team","ops"]']]]);
  });

  it('have no parent field for a main execution, and an empty label list without labels', () => {
    const [doc] = taskRunDocuments(testExecution('m', { taskRuns: 1 }));
    expect(doc!.labels).toEqual([]);
    expect('parentId' in doc!).toBe(false);
  });

  it('get a different digest whenever the labels, their order or the parent differ', () => {
    const digest = (labels: string[], parentId?: string) => taskRunExecutionFields({ labels, parentId }).executionDigest;
    const digests = [digest([]), digest(['a']), digest(['a', 'b']), digest(['b', 'a']), digest(['a'], 'p'), digest([], 'p'), digest([], 'q')];
    expect(new Set(digests).size).toBe(digests.length);
    expect(digest(['a'], 'p')).toBe(digest(['a'], 'p'));
  });

  it('of several versions of one execution in a batch are written once, from the newest, with its labels', () => {
    const v1 = testExecution('e', { taskRuns: 1, labels: [{ key: 'k', value: 'old' }] });
    const v2: Execution = { ...v1, version: 2, labels: [{ key: 'k', value: 'new' }] };
    const ops = executionOperations(indices, [v2, v1]).filter((op) => op.index === indices.taskRuns);
    expect(ops.map((op) => [op.version, (op.document as TaskRunDocument).labels])).toEqual([[2, ['["k","new"]']]]);
  });
});
