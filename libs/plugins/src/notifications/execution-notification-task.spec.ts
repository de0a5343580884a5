import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Execution, StateType, TaskRun } from '@osprey/flow-model';
import { startRecordingHttpServer, type RecordingHttpServer } from '../testing/index.js';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { ExecutionNotificationTask } from './execution-notification-task.js';

// A local server standing in for the chat services' incoming webhooks: it records the JSON bodies posted to it.
let server: RecordingHttpServer;
let base: string;
beforeAll(async () => {
  server = await startRecordingHttpServer();
  base = server.url;
});
afterAll(() => server.close());
const bodies = (): unknown[] => server.requests.map((request) => JSON.parse(request.body) as unknown);
beforeEach(() => void server.requests.splice(0));

function taskRun(taskId: string, state: StateType): TaskRun {
  return { id: `${taskId}-run`, executionId: 'upstream', namespace: 'company.team', flowId: 'etl', taskId, attempts: [], state: { current: state, histories: [], startDate: '2026-01-01T10:00:00.000Z' } } as TaskRun;
}

function execution(state: StateType, taskRuns: TaskRun[], ended = true): Execution {
  return {
    id: 'upstream',
    namespace: 'company.team',
    flowId: 'etl',
    flowRevision: 1,
    labels: [],
    inputs: {},
    version: 3,
    taskRunList: taskRuns,
    state: { current: state, histories: [], startDate: '2026-01-01T10:00:00.000Z', ...(ended ? { endDate: '2026-01-01T10:01:02.345Z', duration: 'PT1M2.345S' } : {}) },
  };
}

describe('io.kestra.plugin.notifications.slack.SlackExecution', () => {
  const slack = taskContexts({ id: 'notify', type: 'io.kestra.plugin.notifications.slack.SlackExecution' });

  it('reports the failed task of another execution, with the custom message and fields, once it has ended', async () => {
    let polls = 0;
    // The upstream execution is still RUNNING on the first read: the task waits for its final state.
    const upstream = () => (++polls === 1 ? execution('RUNNING', [taskRun('extract', 'SUCCESS')], false) : execution('FAILED', [taskRun('extract', 'SUCCESS'), taskRun('load', 'FAILED')]));
    const ctx = await slack.context(
      { url: `${base}/slack`, executionId: '{{ trigger.executionId }}', customMessage: 'Nightly ETL', customFields: { env: 'prod' }, channel: '#alerts' },
      { trigger: { executionId: 'upstream' } },
      { executions: { upstream } },
    );
    await new ExecutionNotificationTask('slack', { firstPollMs: 10, waitLimitMs: 5000 }).run(ctx);
    expect(polls).toBe(2);
    const text = '*[company.team] etl ➛ FAILED*\n> Failed on task `load` after 0:01:02.345';
    expect(bodies()).toEqual([
      {
        text,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Nightly ETL' } },
          { type: 'section', text: { type: 'mrkdwn', text } },
        ],
        attachments: [
          {
            color: 'danger',
            fields: [
              { title: 'Namespace', value: 'company.team', short: true },
              { title: 'Flow ID', value: 'etl', short: true },
              { title: 'Execution ID', value: 'upstream', short: true },
              { title: 'Execution Status', value: 'FAILED', short: true },
              { title: 'env', value: 'prod', short: true },
              { title: 'Final task ID', value: 'load', short: true },
            ],
            ts: 1767261600,
          },
        ],
        channel: '#alerts',
      },
    ]);
  });

  it('reports the current execution at once, as it is while the task runs', async () => {
    const running = { ...execution('RUNNING', [taskRun('first', 'SUCCESS'), taskRun('notify', 'RUNNING')], false), id: 'test-execution' };
    const ctx = await slack.context({ url: `${base}/slack` }, undefined, { executions: { 'test-execution': running } });
    await new ExecutionNotificationTask('slack', { firstPollMs: 10, waitLimitMs: 5000 }).run(ctx);
    expect((bodies()[0] as { text: string }).text).toMatch(/^\*\[company.team\] etl ➛ RUNNING\*\n> Succeeded after \d+:\d\d:\d\d\.\d{3}$/);
  });

  it('fails naming the execution it could not find', async () => {
    const ctx = await slack.context({ url: `${base}/slack`, executionId: 'missing' });
    await expect(new ExecutionNotificationTask('slack', { firstPollMs: 10, waitLimitMs: 50 }).run(ctx)).rejects.toThrow("Unable to find execution 'missing'");
    expect(bodies()).toEqual([]);
  });
});

describe('Teams and Discord execution notifications', () => {
  const teams = taskContexts({ id: 'notify', type: 'io.kestra.plugin.notifications.teams.TeamsExecution' });
  const discord = taskContexts({ id: 'notify', type: 'io.kestra.plugin.notifications.discord.DiscordExecution' });
  const succeeded = execution('SUCCESS', [taskRun('extract', 'SUCCESS'), taskRun('load', 'SUCCESS')]);

  it('Teams posts a MessageCard with the facts of the execution', async () => {
    const ctx = await teams.context({ url: `${base}/teams`, executionId: 'upstream', activityTitle: 'ETL' }, undefined, { executions: { upstream: succeeded } });
    await new ExecutionNotificationTask('teams').run(ctx);
    expect(bodies()[0]).toEqual({
      '@type': 'MessageCard',
      '@context': 'http://schema.org/extensions',
      themeColor: '0076D7',
      summary: '*[company.team] etl ➛ SUCCESS*\n> Succeeded after 0:01:02.345',
      sections: [
        {
          activityTitle: 'ETL',
          facts: [
            { name: 'Namespace', value: 'company.team' },
            { name: 'Flow ID', value: 'etl' },
            { name: 'Execution ID', value: 'upstream' },
            { name: 'Execution Status', value: 'SUCCESS' },
            { name: 'Final task ID', value: 'load' },
          ],
          markdown: true,
        },
      ],
    });
  });

  it('Discord posts one embed with the outcome as its footer, or the payload as it is when one is given', async () => {
    const ctx = await discord.context({ url: `${base}/discord`, executionId: 'upstream', username: 'osprey', content: 'ETL done' }, undefined, {
      executions: { upstream: succeeded },
    });
    await new ExecutionNotificationTask('discord').run(ctx);
    expect(bodies()[0]).toEqual({
      username: 'osprey',
      content: 'ETL done',
      tts: false,
      embeds: [
        {
          description: 'Namespace: company.team\nFlow ID: etl\nExecution ID: upstream\nExecution Status: SUCCESS\nFinal task ID: load',
          footer: { text: 'Succeeded after 0:01:02.345' },
        },
      ],
    });
    await new ExecutionNotificationTask('discord').run(await discord.context({ url: `${base}/discord`, payload: '{"content": "custom"}' }));
    expect(bodies()[1]).toEqual({ content: 'custom' });
  });
});
