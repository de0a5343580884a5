import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTemplate, type LogEntry, type RenderOptions } from '@osprey/flow-model';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { ExpressionLookups, MAX_LOOKUP_ROUNDS } from './expression-lookups.js';

const NS = 'io.osprey.tests';
const log = (message: string, level: LogEntry['level'] = 'ERROR'): LogEntry => ({ namespace: NS, flowId: 'f', executionId: 'e1', timestamp: '2026-01-01T00:00:00.000Z', level, message });

/** A stand-in for decide(): renders `template`, a failed render being part of its result as it is of a decision. */
function renderer(template: (take: number) => string): { takes: () => number; take: (render: RenderOptions) => string } {
  let takes = 0;
  return {
    takes: () => takes,
    take: (render) => {
      const text = template(++takes);
      try {
        return renderTemplate(text, {}, render);
      } catch (error) {
        return `failed: ${(error as Error).message}`;
      }
    },
  };
}

describe('ExpressionLookups', () => {
  let dir: string;
  let repository: SqliteRepository;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-lookups-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
  });

  afterEach(async () => {
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the decision again after fetching each kv() value it asked for; only the last one stands', async () => {
    await repository.kv.set(NS, 'a', 'A');
    await repository.kv.set('io.osprey.other', 'b', { x: 'B' });
    const lookups = new ExpressionLookups(repository, 'e1', NS, []);
    const decision = renderer(() => "{{ kv('a') }} {{ kv('b', 'io.osprey.other').x }} [{{ kv('missing') }}]");
    expect(await lookups.settle({}, decision.take)).toBe('A B []');
    // A render stops at its first unknown value: one round per value here, then the decision that stands.
    expect(decision.takes()).toBe(4);
  });

  it('takes a decision that asks for nothing once, and keeps the render options it was given', async () => {
    const lookups = new ExpressionLookups(repository, 'e1', NS, []);
    const decision = renderer(() => "{{ secret('TOKEN') }}");
    expect(await lookups.settle({ secret: () => 'shh' }, decision.take)).toBe('shh');
    expect(decision.takes()).toBe(1);
  });

  it('errorLogs() are the stored ERROR logs of the execution, then those of the batch not stored yet', async () => {
    await repository.logs.append([log('stored'), log('just info', 'INFO'), { ...log('other execution'), executionId: 'e2' }]);
    const lookups = new ExpressionLookups(repository, 'e1', NS, [log('unstored'), log('unstored info', 'INFO')]);
    const decision = renderer(() => "{{ errorLogs() | jq('[.[].message]') | first | join(',') }}");
    expect(await lookups.settle({}, decision.take)).toBe('stored,unstored');
  });

  it(`after ${MAX_LOOKUP_ROUNDS} rounds, the decision that stands fails the expression still asking, saying why`, async () => {
    const lookups = new ExpressionLookups(repository, 'e1', NS, []);
    // Each take asks for a key it never asked for before.
    const decision = renderer((take) => `{{ kv('k${take}') }}`);
    const result = await lookups.settle({}, decision.take);
    expect(decision.takes()).toBe(MAX_LOOKUP_ROUNDS + 1);
    expect(result).toMatch(new RegExp(`failed: .*key k${MAX_LOOKUP_ROUNDS + 1} of namespace ${NS} was not fetched: the executor fetches what its expressions ask for in at most ${MAX_LOOKUP_ROUNDS} rounds`));
  });
});
