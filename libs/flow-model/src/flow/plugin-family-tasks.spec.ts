import { describe, expect, it } from '@jest/globals';
import { parseFlow } from './parse-flow.js';
import { flowViolations } from '../testing/flow-violations.js';

const yaml = (...lines: string[]) => lines.join('\n') + '\n';
const HEADER = ['id: f', 'namespace: io.kestra.tests', 'tasks:'];

describe('JDBC task types', () => {
  it('accepts a Kestra PostgreSQL Query, MySQL Queries and SQLite Query as written for Kestra', () => {
    const flow = parseFlow(
      yaml(
        ...HEADER,
        '  - id: pg',
        '    type: io.kestra.plugin.jdbc.postgresql.Query',
        '    url: jdbc:postgresql://127.0.0.1:5432/db',
        '    username: "{{ secret(\'PG_USER\') }}"',
        '    password: pw',
        '    sql: select * from t where id = :id',
        '    parameters: { id: 1 }',
        '    fetchType: FETCH_ONE',
        '  - id: my',
        '    type: io.kestra.plugin.jdbc.mysql.Queries',
        '    url: jdbc:mysql://127.0.0.1:3306/db',
        '    sql: insert into t values (1); select * from t',
        '    transaction: false',
        '    fetchType: store',
        '  - id: lite',
        '    type: io.kestra.plugin.jdbc.sqlite.Query',
        '    sql: select 1',
        '    fetch: true',
      ),
    );
    expect(flow.tasks.map((task) => task.type)).toEqual([
      'io.kestra.plugin.jdbc.postgresql.Query',
      'io.kestra.plugin.jdbc.mysql.Queries',
      'io.kestra.plugin.jdbc.sqlite.Query',
    ]);
  });

  it('refuses the JDBC properties Osprey does not honour, at their key', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        '  - id: pg',
        '    type: io.kestra.plugin.jdbc.postgresql.Query',
        '    url: jdbc:postgresql://127.0.0.1:5432/db',
        '    sql: select 1',
        '    fetchSize: 100',
        '    sslMode: REQUIRE',
        '  - id: q',
        '    type: io.kestra.plugin.jdbc.sqlite.Queries',
        '    sql: select 1',
        '    afterSQL: update t set done = 1',
        '    sqliteFile: kestra:///db.sqlite',
      ),
    );
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['tasks[0].fetchSize', 8, 5],
      ['tasks[0].sslMode', 9, 5],
      ['tasks[1].afterSQL', 13, 5],
      ['tasks[1].sqliteFile', 14, 5],
    ]);
    expect(found[0]!.message).toMatch(/^property 'fetchSize' is not supported by Osprey: /);
  });

  it('requires url and sql on a server database, and refuses an unknown fetchType', () => {
    const found = flowViolations(yaml(...HEADER, '  - id: my', '    type: io.kestra.plugin.jdbc.mysql.Query', '    fetchType: ALL'));
    expect(found.map((v) => v.path).sort()).toEqual(['tasks[0].fetchType', 'tasks[0].sql', 'tasks[0].url']);
    expect(found.find((v) => v.path === 'tasks[0].fetchType')!.message).toMatch(/must be one of NONE, FETCH_ONE, FETCH, STORE/);
  });
});

describe('notification, HTTP download and S3 task types', () => {
  it('accepts the Kestra notification, download and S3 tasks as written for Kestra', () => {
    const flow = parseFlow(
      yaml(
        ...HEADER,
        '  - id: slack',
        '    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook',
        '    url: "{{ secret(\'SLACK\') }}"',
        '    messageText: done',
        '    options: { readTimeout: PT5S, headers: { x-a: b } }',
        '  - id: get',
        '    type: io.kestra.plugin.fs.http.Download',
        '    uri: https://example.com/a.csv',
        '  - id: put',
        '    type: io.kestra.plugin.minio.Upload',
        '    endpoint: http://minio:9000',
        '    bucket: data',
        '    key: a.csv',
        '    from: "{{ outputs.get.uri }}"',
      ),
    );
    expect(flow.tasks.map((task) => task.type)).toEqual([
      'io.kestra.plugin.notifications.slack.SlackIncomingWebhook',
      'io.kestra.plugin.fs.http.Download',
      'io.kestra.plugin.minio.Upload',
    ]);
  });

  it('refuses the options, template and S3 properties Osprey does not honour, at their key', () => {
    const found = flowViolations(
      yaml(
        ...HEADER,
        '  - id: teams',
        '    type: io.kestra.plugin.notifications.teams.TeamsExecution',
        '    url: https://hooks.example.com/x',
        '    templateUri: teams.peb',
        '    options: { defaultCharset: UTF-8 }',
        '  - id: up',
        '    type: io.kestra.plugin.aws.s3.Upload',
        '    bucket: b',
        '    key: k',
        '    from: kestra:///f',
        '    acl: public-read',
        '    stsRoleArn: arn:aws:iam::1:role/x',
      ),
    );
    expect(found.map((v) => [v.path, v.line, v.column])).toEqual([
      ['tasks[0].templateUri', 7, 5],
      ['tasks[0].options.defaultCharset', 8, 32],
      ['tasks[1].acl', 14, 5],
      ['tasks[1].stsRoleArn', 15, 5],
    ]);
    expect(found[1]!.message).toMatch(/unknown or unsupported option 'defaultCharset'/);
  });
});
