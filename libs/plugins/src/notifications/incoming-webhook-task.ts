import { DISCORD_INCOMING_WEBHOOK_TASK, SLACK_INCOMING_WEBHOOK_TASK, TEAMS_INCOMING_WEBHOOK_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { isPlainObject, TaskProperties, toText, type TaskSchema } from '../support/task-properties.js';
import { TaskAbortedError, TaskPropertyError } from '../support/task-errors.js';
import { durationOption } from '../core/http-request.js';

/** The chat services whose incoming webhooks Osprey posts to. */
export type WebhookService = 'slack' | 'teams' | 'discord';

/** What every incoming-webhook task reads (Slack also has `messageText`). */
interface WebhookProperties {
  url: string | number | boolean;
  payload?: string | number | boolean;
  messageText?: string | number | boolean;
  options?: Record<string, unknown> | string;
}

const DEFINITIONS = { slack: SLACK_INCOMING_WEBHOOK_TASK, teams: TEAMS_INCOMING_WEBHOOK_TASK, discord: DISCORD_INCOMING_WEBHOOK_TASK };
const NAMES: Record<WebhookService, string> = { slack: 'Slack', teams: 'Microsoft Teams', discord: 'Discord' };
// Kestra's notification tasks give a response 10 seconds by default (RequestOptions.readTimeout).
const DEFAULT_READ_TIMEOUT_MS = 10_000;
const ERROR_BODY_LIMIT = 4096;

/**
 * `io.kestra.plugin.notifications.{slack.SlackIncomingWebhook, teams.TeamsIncomingWebhook, discord.DiscordIncomingWebhook}`:
 * posts the rendered `payload` (Slack: or `messageText`) as JSON to the webhook `url`. A response code of 400 or
 * more fails the task, as Kestra's HTTP client does. No outputs.
 */
export class IncomingWebhookTask implements TaskRunner {
  constructor(readonly service: WebhookService) {}

  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties<WebhookProperties>(ctx, DEFINITIONS[this.service] as unknown as TaskSchema<WebhookProperties>);
    const body = await this.body(properties);
    await postWebhook(ctx, NAMES[this.service], await properties.string('url'), body, await properties.map('options'));
    return {};
  }

  private async body(properties: TaskProperties<WebhookProperties>): Promise<string> {
    const payload = await properties.string('payload');
    if (payload !== undefined) {
      // Teams posts the text as it is; Slack and Discord parse it first, so that invalid JSON fails here.
      return this.service === 'teams' ? payload : JSON.stringify(parseJson('payload', payload));
    }
    const messageText = this.service === 'slack' ? await properties.string('messageText') : undefined;
    if (messageText !== undefined) {
      const json = tryJson(messageText);
      return JSON.stringify(isPlainObject(json) ? json : { text: slackMrkdwn(messageText) });
    }
    throw new TaskPropertyError('payload', this.service === 'slack' ? "either 'messageText' or 'payload' must be provided" : 'is required');
  }
}

/** Posts a JSON body to a webhook with the notification `options`; fails on a response code of 400 or more. */
export async function postWebhook(ctx: RunContext, service: string, url: string, body: string, options: Record<string, unknown> | undefined): Promise<void> {
  try {
    new URL(url);
  } catch {
    throw new TaskPropertyError('url', `'${redactUrl(url)}' is not an absolute URL`);
  }
  const headers = new Headers({ 'content-type': 'application/json' });
  const extraHeaders = options?.['headers'];
  if (extraHeaders !== undefined && !isPlainObject(extraHeaders)) throw new TaskPropertyError('options.headers', 'expected a map');
  for (const [name, value] of Object.entries(extraHeaders ?? {})) headers.set(name, toText(value));
  const connectMs = durationOption(options?.['connectTimeout'], 'options.connectTimeout') ?? 0;
  // fetch has one deadline: readIdleTimeout bounds the reading when readTimeout is not set, as in the Request task.
  const readKey = options?.['readTimeout'] === undefined || options['readTimeout'] === null ? 'readIdleTimeout' : 'readTimeout';
  const readMs = durationOption(options?.[readKey], `options.${readKey}`) ?? DEFAULT_READ_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(connectMs + readMs);
  ctx.logger.debug(`Send ${service} webhook: ${body}`);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.any([ctx.signal, timeout]) });
    text = await response.text();
  } catch (error) {
    if (ctx.signal.aborted) throw new TaskAbortedError(ctx.signal.reason);
    if (timeout.aborted) throw new TaskFailure(`${service} webhook ${redactUrl(url)} gave no response within ${connectMs + readMs} ms`);
    const cause = (error as { cause?: unknown }).cause;
    throw new TaskFailure(`${service} webhook ${redactUrl(url)} failed: ${cause instanceof Error ? cause.message : (error as Error).message}`);
  }
  ctx.logger.debug(`Response: ${text}`);
  if (response.status >= 400) {
    throw new TaskFailure(`${service} webhook answered ${response.status}: ${text.length > ERROR_BODY_LIMIT ? `${text.slice(0, ERROR_BODY_LIMIT)}...` : text}`);
  }
  ctx.logger.info('Request succeeded');
}

/** Slack's mrkdwn for the Markdown people write: **bold**, __italic__ and [text](link). */
function slackMrkdwn(text: string): string {
  return text
    .replace(/\*\*(.*?)\*\*/g, '*$1*')
    .replace(/__(.*?)__/g, '_$1_')
    .replace(/\[(.*?)\]\((.*?)\)/g, '<$2|$1>');
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Parses a JSON property, failing with its name. */
export function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TaskPropertyError(name, `is not valid JSON: ${(error as Error).message}`);
  }
}

/** Webhook URLs carry their secret in the path: only the origin goes into messages. */
function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/...`;
  } catch {
    return '(invalid URL)';
  }
}
