import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRecordingHttpServer, type RecordingHttpServer } from '@osprey/plugins/testing';
import { runCli } from './support/osprey-cli.js';

interface TaskRunView {
  taskId: string;
  state: { current: string };
  outputs?: Record<string, unknown>;
}

/**
 * A flow written for Kestra's JDBC, HTTP and notification plugins runs unchanged through `osprey flow test`: SQLite
 * queries on a file, a download from a local server, and Slack messages to a local webhook, one of them the
 * execution summary read from Osprey's own repository while the execution runs.
 */
describe('Kestra plugin families in one flow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-plugin-families-'));
  let server: RecordingHttpServer;
  let base: string;

  beforeAll(async () => {
    server = await startRecordingHttpServer((request, res) => {
      if (request.url === '/prices.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end('sku,price\na,1.5\nb,2\n');
      else res.end('ok');
    });
    base = server.url;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs SQLite queries, a download and Slack notifications', async () => {
    const file = join(dir, 'flow.yaml');
    const db = join(dir, 'shop.db');
    writeFileSync(
      file,
      [
        'id: plugin-families',
        'namespace: io.osprey.tests',
        'tasks:',
        '  - id: schema',
        '    type: io.kestra.plugin.jdbc.sqlite.Queries',
        `    url: jdbc:sqlite:${db}`,
        '    sql: |',
        '      CREATE TABLE orders (id INTEGER PRIMARY KEY, sku TEXT, qty INTEGER);',
        "      INSERT INTO orders (sku, qty) VALUES ('a', 2), ('b', 5);",
        '  - id: total',
        '    type: io.kestra.plugin.jdbc.sqlite.Query',
        `    url: jdbc:sqlite:${db}`,
        '    sql: SELECT sum(qty) AS total FROM orders WHERE qty >= :min',
        '    parameters:',
        '      min: 2',
        '    fetchType: FETCH_ONE',
        '  - id: export',
        '    type: io.kestra.plugin.jdbc.sqlite.Query',
        `    url: jdbc:sqlite:${db}`,
        '    sql: SELECT sku, qty FROM orders ORDER BY id',
        '    fetchType: STORE',
        '  - id: first',
        '    type: io.kestra.plugin.core.debug.Return',
        '    format: "{{ fromIon(read(outputs.export.uri)).sku }}"',
        '  - id: prices',
        '    type: io.kestra.plugin.fs.http.Download',
        `    uri: ${base}/prices.csv`,
        '  - id: tell',
        '    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook',
        `    url: ${base}/hook`,
        '    messageText: "**{{ outputs.total.row.total }}** items, {{ outputs.export.size }} orders, prices {{ outputs.prices.length }} bytes"',
        '  - id: summary',
        '    type: io.kestra.plugin.notifications.slack.SlackExecution',
        `    url: ${base}/summary`,
        '    customMessage: nightly',
      ].join('\n') + '\n',
    );
    const result = await runCli(['flow', 'test', file]);
    expect(result.stderr).not.toMatch(/"level":"?(50|error)/i);
    expect(result.code).toBe(0);
    const execution = JSON.parse(result.stdout).execution as { state: { current: string }; taskRunList: TaskRunView[] };
    const run = (id: string) => execution.taskRunList.find((taskRun) => taskRun.taskId === id)!;
    expect(execution.state.current).toBe('SUCCESS');
    expect(run('total').outputs).toEqual({ row: { total: 7 }, size: 1 });
    expect(run('export').outputs).toMatchObject({ uri: expect.stringMatching(/\.ion$/), size: 2 });
    // The stored rows are Ion text that the expression language reads back.
    expect(run('first').outputs).toEqual({ value: 'a' });
    expect(run('prices').outputs).toMatchObject({ code: 200, length: 20, uri: expect.stringMatching(/\.csv$/) });
    const posted = (path: string) => JSON.parse(server.requests.find((request) => request.url === path)!.body) as Record<string, unknown>;
    expect(posted('/hook')).toEqual({ text: '*7* items, 2 orders, prices 20 bytes' });
    const summary = posted('/summary') as { text: string; blocks: unknown[] };
    expect(summary.text).toMatch(/^\*\[io\.osprey\.tests\] plugin-families ➛ RUNNING\*\n> Succeeded after /);
    expect(summary.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'nightly' } });
  });
});
