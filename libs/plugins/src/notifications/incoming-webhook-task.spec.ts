import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startRecordingHttpServer, type RecordedRequest, type RecordingHttpServer } from '../testing/index.js';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { IncomingWebhookTask } from './incoming-webhook-task.js';

// A local server standing in for Slack, Teams and Discord: it records each post; /fail answers 404 like a revoked hook.
let server: RecordingHttpServer;
let base: string;
let received: RecordedRequest[];
beforeAll(async () => {
  server = await startRecordingHttpServer((request, res) => {
    if (request.url === '/fail') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no_service');
    } else if (request.url === '/slow') {
      setTimeout(() => res.end('late'), 30_000).unref();
    } else {
      res.end('ok');
    }
  });
  base = server.url;
  received = server.requests;
});
afterAll(() => server.close());
beforeEach(() => void received.splice(0));

describe('io.kestra.plugin.notifications.slack.SlackIncomingWebhook', () => {
  const slack = taskContexts({ id: 'slack', type: 'io.kestra.plugin.notifications.slack.SlackIncomingWebhook' });

  it('posts the rendered payload as JSON, with the option headers', async () => {
    const ctx = await slack.context(
      { url: `${base}/services/T0/B0/x`, payload: '{"text": "Flow {{ flow.id }} done"}', options: { headers: { 'x-trace': 'abc' } } },
    );
    expect(await new IncomingWebhookTask('slack').run(ctx)).toEqual({});
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/services/T0/B0/x');
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.headers['x-trace']).toBe('abc');
    expect(JSON.parse(received[0]!.body)).toEqual({ text: 'Flow test-flow done' });
  });

  it('wraps messageText in {"text"} with Markdown turned into mrkdwn, and sends a JSON object messageText as is', async () => {
    await new IncomingWebhookTask('slack').run(await slack.context({ url: `${base}/hook`, messageText: '**Done** in __2s__, see [logs](https://x/y)' }));
    expect(JSON.parse(received[0]!.body)).toEqual({ text: '*Done* in _2s_, see <https://x/y|logs>' });
    await new IncomingWebhookTask('slack').run(await slack.context({ url: `${base}/hook`, messageText: '{"blocks": []}' }));
    expect(JSON.parse(received[1]!.body)).toEqual({ blocks: [] });
  });

  it('fails on an error response with its code and body, and on a payload that is not JSON, naming it', async () => {
    await expect(new IncomingWebhookTask('slack').run(await slack.context({ url: `${base}/fail`, payload: '{}' }))).rejects.toThrow(
      'Slack webhook answered 404: no_service',
    );
    await expect(new IncomingWebhookTask('slack').run(await slack.context({ url: `${base}/hook`, payload: 'hello' }))).rejects.toThrow(
      /Invalid property 'payload': is not valid JSON/,
    );
    await expect(new IncomingWebhookTask('slack').run(await slack.context({ url: `${base}/hook` }))).rejects.toThrow(/either 'messageText' or 'payload'/);
    expect(received.map((r) => r.url)).toEqual(['/fail']);
  });

  it('gives up after options.readTimeout without putting the webhook secret in the message', async () => {
    const ctx = await slack.context({ url: `${base}/slow`, payload: '{}', options: { readTimeout: 'PT0.3S' } });
    const error = await new IncomingWebhookTask('slack').run(ctx).catch((failure: Error) => failure);
    expect((error as Error).message).toBe(`Slack webhook ${base}/... gave no response within 300 ms`);
  }, 15_000);

  it('gives up after options.readIdleTimeout when no readTimeout is set', async () => {
    const ctx = await slack.context({ url: `${base}/slow`, payload: '{}', options: { readIdleTimeout: 'PT0.3S' } });
    await expect(new IncomingWebhookTask('slack').run(ctx)).rejects.toThrow(`Slack webhook ${base}/... gave no response within 300 ms`);
    const invalid = await slack.context({ url: `${base}/hook`, payload: '{}', options: { readIdleTimeout: 'soon' } });
    await expect(new IncomingWebhookTask('slack').run(invalid)).rejects.toThrow("Invalid property 'options.readIdleTimeout'");
  }, 15_000);
});

describe('Teams and Discord incoming webhooks', () => {
  const teams = taskContexts({ id: 'teams', type: 'io.kestra.plugin.notifications.teams.TeamsIncomingWebhook' });
  const discord = taskContexts({ id: 'discord', type: 'io.kestra.plugin.notifications.discord.DiscordIncomingWebhook' });

  it('Teams posts the payload text as it is written', async () => {
    const payload = '{ "@type": "MessageCard", "text": "Run {{ execution.id }}" }';
    await new IncomingWebhookTask('teams').run(await teams.context({ url: `${base}/teams`, payload }));
    expect(received[0]!.body).toBe('{ "@type": "MessageCard", "text": "Run test-execution" }');
    expect(received[0]!.headers['content-type']).toBe('application/json');
  });

  it('Discord posts the payload as JSON and requires one', async () => {
    await new IncomingWebhookTask('discord').run(await discord.context({ url: `${base}/discord`, payload: '{"content": "hi", "username": "osprey"}' }));
    expect(JSON.parse(received[0]!.body)).toEqual({ content: 'hi', username: 'osprey' });
    await expect(new IncomingWebhookTask('discord').run(await discord.context({ url: `${base}/discord` }))).rejects.toThrow(/Invalid property 'payload': is required/);
  });
});
