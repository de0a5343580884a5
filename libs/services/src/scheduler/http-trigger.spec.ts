import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseFlow, type Execution } from '@osprey/flow-model';
import { openSqliteQueue, type SqliteQueue } from '@osprey/queue/sql';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { createLogger } from '@osprey/server';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { TriggerCommands } from '../triggers/trigger-commands.js';
import { SchedulerService } from './scheduler-service.js';

const LONG = 60_000;

describe('SchedulerService polling an io.kestra.plugin.core.http.Trigger (embedded backend, real HTTP server)', () => {
  let dir: string;
  let repository: SqliteRepository;
  let queue: SqliteQueue;
  let server: Server;
  let base: string;
  let requests: { url: string; method: string; authorization?: string; token?: string }[];
  let logs: Record<string, unknown>[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-http-trigger-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
    queue = await openSqliteQueue(join(dir, 'osprey.db'));
    requests = [];
    logs = [];
    server = createServer((req: IncomingMessage, res) => {
      requests.push({ url: req.url ?? '', method: req.method ?? '', authorization: req.headers.authorization, token: req.headers['x-token'] as string | undefined });
      if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200).end('late'), 3_000).unref();
      } else if (req.url === '/ready') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready","price":99}');
      } else {
        res.writeHead(404).end('not here');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, LONG);

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await queue.close();
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  }, LONG);

  function scheduler(leaseMs = 30_000): SchedulerService {
    const destination = new Writable({
      write: (chunk, _e, cb) => {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    const logger = createLogger({ service: 'test', instance: 'test', level: 'debug', destination });
    const render = { secret: (key: string) => (key === 'API_TOKEN' ? 'sesame' : undefined) };
    return new SchedulerService(repository, new TriggerExecution(repository.flows, queue.events), logger, { tickMs: 1000, leaseMs, render });
  }

  async function deploy(id: string, triggerYaml: string): Promise<void> {
    const source = `id: ${id}\nnamespace: io.osprey.tests\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ trigger.body }}"\ntriggers:\n${triggerYaml}`;
    await repository.flows.save(parseFlow(source), source);
  }

  /** The executions started so far, read from their start events. */
  async function started(): Promise<Execution[]> {
    const claimed = await queue.events.claim('probe', 10_000, 1);
    await queue.events.release('probe', [...new Set(claimed.map((c) => c.executionId))]);
    return claimed.flatMap((c) => (c.execution ? [c.execution] : []));
  }

  const at = (seconds: number) => new Date(Date.parse('2026-03-02T10:00:00Z') + seconds * 1000);

  it('starts an execution with trigger.uri/code/headers/body when the condition holds, none when it does not', async () => {
    await deploy(
      'watch',
      [
        '  - id: ready',
        '    type: io.kestra.plugin.core.http.Trigger',
        `    uri: ${base}/ready`,
        '    interval: PT10S',
        '    headers:',
        '      x-token: "{{ secret(\'API_TOKEN\') }}"',
        '    options:',
        '      auth: { type: BEARER, token: abc }',
        '    responseCondition: "{{ json(response.body).price < 100 }}"',
        '  - id: missing',
        '    type: io.kestra.plugin.core.http.Trigger',
        `    uri: ${base}/missing`,
        '    interval: PT10S',
        '',
      ].join('\n'),
    );
    const s = scheduler();
    await s.tick(at(0));
    await s.tick(at(5));
    expect(requests).toEqual([]);

    await s.tick(at(10));
    expect(requests.map((r) => r.url).sort()).toEqual(['/missing', '/ready']);
    expect(requests.find((r) => r.url === '/ready')).toMatchObject({ method: 'GET', authorization: 'Bearer abc', token: 'sesame' });
    const executions = await started();
    expect(executions).toHaveLength(1);
    expect(executions[0]!.trigger).toMatchObject({
      id: 'ready',
      type: 'io.kestra.plugin.core.http.Trigger',
      variables: { uri: `${base}/ready`, code: 200, body: '{"status":"ready","price":99}', headers: expect.objectContaining({ 'content-type': ['application/json'] }) },
    });
    const states = await repository.triggers.list({ flowId: 'watch' });
    expect(states.find((t) => t.triggerId === 'ready')).toMatchObject({ executionId: executions[0]!.id, nextDate: at(20).toISOString() });
    expect(states.find((t) => t.triggerId === 'missing')).toMatchObject({ nextDate: at(20).toISOString() });
    expect(states.find((t) => t.triggerId === 'missing')!.executionId).toBeUndefined();

    // A second scheduler (a restart, or a replica) finds the stored date: nothing is due before it.
    await scheduler().tick(at(15));
    expect(requests).toHaveLength(2);
  }, LONG);

  it('waits for the execution it started, polls again after a success, and is disabled after a stopAfter state', async () => {
    await deploy('stop', `  - id: ready\n    type: io.kestra.plugin.core.http.Trigger\n    uri: ${base}/ready\n    interval: PT1S\n    stopAfter: [FAILED]\n`);
    const s = scheduler();
    await s.tick(at(0));
    await s.tick(at(1));
    const [first] = await started();
    expect(first).toBeDefined();

    // Not stored yet, then running: no poll.
    await s.tick(at(2));
    await repository.writeExecution({ ...first!, state: { ...first!.state, current: 'RUNNING' } }, []);
    await s.tick(at(3));
    expect(requests).toHaveLength(1);

    await repository.writeExecution({ ...first!, state: { ...first!.state, current: 'SUCCESS' } }, []);
    await s.tick(at(4));
    expect(requests).toHaveLength(2);
    const second = (await started()).find((e) => e.id !== first!.id);
    expect(second).toBeDefined();

    await repository.writeExecution({ ...second!, state: { ...second!.state, current: 'FAILED' } }, []);
    await s.tick(at(5));
    await s.tick(at(6));
    await s.tick(at(7));
    expect(requests).toHaveLength(2);
    expect(await repository.triggers.get('io.osprey.tests', 'stop', 'ready')).toMatchObject({ disabled: true });
    expect((await repository.triggers.get('io.osprey.tests', 'stop', 'ready'))!.executionId).toBeUndefined();

    // Enabled again through the triggers API: it polls one interval later.
    await new TriggerCommands(repository, queue.broadcast, () => at(8)).setDisabled({ namespace: 'io.osprey.tests', flowId: 'stop', triggerId: 'ready' }, false);
    expect(await repository.triggers.get('io.osprey.tests', 'stop', 'ready')).toMatchObject({ disabled: false, nextDate: at(9).toISOString() });
    await s.tick(at(8.5));
    expect(requests).toHaveLength(2);
    await s.tick(at(9));
    expect(requests).toHaveLength(3);
  }, LONG);

  it('logs a failed poll on the trigger and goes on with the other triggers and the next interval', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await deploy(
      'errors',
      [
        '  - id: down',
        '    type: io.kestra.plugin.core.http.Trigger',
        `    uri: http://127.0.0.1:${deadPort}/`,
        '    interval: PT1S',
        '  - id: ready',
        '    type: io.kestra.plugin.core.http.Trigger',
        `    uri: ${base}/ready`,
        '    interval: PT1S',
        '',
      ].join('\n'),
    );
    const s = scheduler();
    await s.tick(at(0));
    await s.tick(at(1));
    expect(await started()).toHaveLength(1);
    const failure = logs.find((l) => l['msg'] === 'polling trigger evaluation failed; it polls again at its next interval');
    expect(failure).toMatchObject({ namespace: 'io.osprey.tests', flowId: 'errors', triggerId: 'down' });
    expect((await repository.triggers.get('io.osprey.tests', 'errors', 'down'))!.nextDate).toBe(at(2).toISOString());
  }, LONG);

  it('fails a poll that outlasts its lease, naming scheduler.leaseMs, and starts nothing', async () => {
    await deploy('slow', ['  - id: slow', '    type: io.kestra.plugin.core.http.Trigger', `    uri: ${base}/slow`, '    interval: PT1S', '    options:', '      timeout: { readTimeout: PT30S }', ''].join('\n'));
    const s = scheduler(1_500);
    await s.tick(at(0));
    await s.tick(at(1));
    expect(await started()).toHaveLength(0);
    const failure = logs.find((l) => l['msg'] === 'polling trigger evaluation failed; it polls again at its next interval');
    expect(failure).toMatchObject({ flowId: 'slow', triggerId: 'slow' });
    expect(JSON.stringify(failure)).toContain('scheduler.leaseMs - 1 s (1000 ms)');
  }, LONG);

  it('keeps polling the other triggers when a stored trigger has an interval it cannot read', async () => {
    // Written as a flow stored before intervals were checked: validation refuses it today.
    await deploy(
      'unreadable',
      [
        '  - id: templated',
        '    type: io.kestra.plugin.core.http.Trigger',
        `    uri: ${base}/ready`,
        '    interval: PT2S',
        '  - id: ready',
        '    type: io.kestra.plugin.core.http.Trigger',
        `    uri: ${base}/ready`,
        '    interval: PT1S',
        '',
      ].join('\n'),
    );
    const stored = (await repository.flows.get('io.osprey.tests', 'unreadable'))!;
    stored.flow.triggers[0]!.interval = '{{ vars.every }}';
    await repository.flows.save(stored.flow, `${stored.source}# an older revision\n`);
    const s = scheduler();
    await s.tick(at(0));
    await s.tick(at(1));
    expect((await started()).map((e) => e.trigger?.id)).toEqual(['ready']);
    expect(logs.find((l) => l['msg'] === 'polling trigger interval unreadable')).toMatchObject({ triggerId: 'templated' });
    expect((await repository.triggers.get('io.osprey.tests', 'unreadable', 'templated'))!.nextDate).toBe(at(60).toISOString());
  }, LONG);
});
