import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, httpJson, OspreyProcess } from '../support/osprey-process.js';

/**
 * A flow's concurrency limit holds when many executions of it wait at once: the executor decides the executions of
 * a claimed batch side by side, but the starts of a limited flow one at a time, so no two see the same free slot.
 * The executions are created while no executor runs, so that the executor's first claim holds all of them.
 */
const FLOW = (behavior: string) => `id: limited-${behavior.toLowerCase()}
namespace: io.osprey.concurrency
concurrency:
  limit: 1
  behavior: ${behavior}
tasks:
  - id: hold
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT2S
`;

const ENDED = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED']);

describe('flow concurrency limit when a batch of executions starts at once', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'osprey-concurrency-'));
  const processes: OspreyProcess[] = [];
  const deployment = { api: '' };
  const start = async (role: string) => {
    const p = new OspreyProcess(role, [role, '--port', '0', '--data-dir', dataDir], { OSPREY_LOGGING_LEVEL: 'info' });
    processes.push(p);
    await p.waitForLog(/osprey services started/, 60_000);
    return p;
  };
  beforeAll(async () => {
    const web = await start('webserver');
    deployment.api = String((await web.waitForLog(/listening on/)).url);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function burst(behavior: string, count: number): Promise<string[]> {
    const deployed = await httpJson(`${deployment.api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW(behavior) });
    expect(deployed.status).toBe(200);
    const created = await Promise.all(
      Array.from({ length: count }, () => httpJson<{ id: string }>(`${deployment.api}/api/v1/executions/io.osprey.concurrency/limited-${behavior.toLowerCase()}`, { method: 'POST' })),
    );
    expect(created.map((c) => c.status)).toEqual(Array(count).fill(200));
    const ids = created.map((c) => c.body.id);
    if (processes.length === 1) await Promise.all([start('executor'), start('worker')]);
    return eventually(
      'every execution to end',
      async () => {
        // An execution is stored once the executor has taken its start event: until then it answers 404.
        const states = await Promise.all(ids.map(async (id) => (await httpJson<{ state?: { current: string } }>(`${deployment.api}/api/v1/executions/${id}`)).body?.state?.current));
        return states.every((s) => s !== undefined && ENDED.has(s)) ? (states as string[]) : undefined;
      },
      90_000,
      250,
    );
  }

  it('CANCEL: one of eight waiting executions runs, the others are cancelled', async () => {
    const states = await burst('CANCEL', 8);
    expect(states.filter((s) => s === 'SUCCESS')).toHaveLength(1);
    expect(states.filter((s) => s === 'CANCELLED')).toHaveLength(7);
  }, 120_000);

  it('QUEUE: four executions created at once all run, one after the other', async () => {
    const states = await burst('QUEUE', 4);
    expect(states).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    const search = await httpJson<{ results: { state: { startDate: string; endDate: string; histories: { state: string; date: string }[] } }[] }>(
      `${deployment.api}/api/v1/executions/search?namespace=io.osprey.concurrency&flowId=limited-queue&size=10`,
    );
    // Never two RUNNING at once: each RUNNING period starts after the previous one ended.
    const periods = search.body.results
      .map((e) => ({ from: Date.parse(e.state.histories.find((h) => h.state === 'RUNNING')!.date), to: Date.parse(e.state.endDate) }))
      .sort((a, b) => a.from - b.from);
    for (let i = 1; i < periods.length; i++) expect(periods[i]!.from).toBeGreaterThanOrEqual(periods[i - 1]!.to);
  }, 120_000);
});
