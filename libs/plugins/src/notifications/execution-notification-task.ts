import { DISCORD_EXECUTION_TASK, SLACK_EXECUTION_TASK, TEAMS_EXECUTION_TASK, type Execution } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { isPlainObject, TaskProperties, type TaskSchema } from '../support/task-properties.js';
import { abortableDelay } from '../support/abortable-delay.js';
import { isReportable, summarizeExecution, type ExecutionSummary } from './execution-summary.js';
import { discordExecutionMessage, slackExecutionMessage, teamsExecutionMessage } from './execution-messages.js';
import { parseJson, postWebhook, type WebhookService } from './incoming-webhook-task.js';

type Text = string | number | boolean;
/** Every property some execution notification reads (each type declares a subset). */
interface ExecutionNotificationProperties {
  url: Text;
  options?: Record<string, unknown> | string;
  executionId?: Text;
  customFields?: Record<string, unknown> | string;
  customMessage?: Text;
  payload?: Text;
  channel?: Text;
  username?: Text;
  iconUrl?: Text;
  iconEmoji?: Text;
  themeColor?: Text;
  activityTitle?: Text;
  activitySubtitle?: Text;
  avatarUrl?: Text;
  content?: Text;
}

const DEFINITIONS = { slack: SLACK_EXECUTION_TASK, teams: TEAMS_EXECUTION_TASK, discord: DISCORD_EXECUTION_TASK };
const NAMES: Record<WebhookService, string> = { slack: 'Slack', teams: 'Microsoft Teams', discord: 'Discord' };
// Kestra waits up to 10 minutes for the reported execution to be stored in its final state, polling 1 s to 15 s apart.
const WAIT_LIMIT_MS = 600_000;
const FIRST_POLL_MS = 1000;
const LONGEST_POLL_MS = 15_000;

/**
 * `io.kestra.plugin.notifications.{slack.SlackExecution, teams.TeamsExecution, discord.DiscordExecution}`: posts a
 * summary of an execution (namespace, flow, id, state, final task, outcome and duration) to an incoming webhook.
 * Another execution than the current one is reported once it has ended (or reached the Flow trigger's state).
 */
export class ExecutionNotificationTask implements TaskRunner {
  constructor(
    readonly service: WebhookService,
    private readonly timing: { firstPollMs: number; waitLimitMs: number } = { firstPollMs: FIRST_POLL_MS, waitLimitMs: WAIT_LIMIT_MS },
  ) {}

  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties<ExecutionNotificationProperties>(ctx, DEFINITIONS[this.service] as unknown as TaskSchema<ExecutionNotificationProperties>);
    const url = await properties.string('url');
    const options = await properties.map('options');
    const payload = this.service === 'discord' ? await properties.string('payload') : undefined;
    if (payload !== undefined && payload.trim() !== '') {
      await postWebhook(ctx, NAMES[this.service], url, JSON.stringify(parseJson('payload', payload)), options);
      return {};
    }
    const executionId = (await properties.string('executionId')) ?? ctx.executionId;
    const current = executionId === ctx.executionId;
    const execution = await this.findExecution(ctx, executionId, current);
    const customMessage = await properties.string('customMessage');
    const customFields = await properties.map('customFields');
    const summary: ExecutionSummary = {
      ...summarizeExecution(execution, current, new Date()),
      ...(customMessage !== undefined ? { customMessage } : {}),
      ...(customFields !== undefined && Object.keys(customFields).length > 0 ? { customFields } : {}),
    };
    const message = await this.message(properties, summary);
    await postWebhook(ctx, NAMES[this.service], url, JSON.stringify(message), options);
    return {};
  }

  private async message(properties: TaskProperties<ExecutionNotificationProperties>, summary: ExecutionSummary): Promise<Record<string, unknown>> {
    switch (this.service) {
      case 'slack':
        return slackExecutionMessage(summary, {
          channel: await properties.string('channel'),
          username: await properties.string('username'),
          iconUrl: await properties.string('iconUrl'),
          iconEmoji: await properties.string('iconEmoji'),
        });
      case 'teams':
        return teamsExecutionMessage(summary, {
          themeColor: await properties.string('themeColor'),
          activityTitle: await properties.string('activityTitle'),
          activitySubtitle: await properties.string('activitySubtitle'),
        });
      case 'discord':
        return discordExecutionMessage(summary, {
          username: await properties.string('username'),
          avatarUrl: await properties.string('avatarUrl'),
          content: await properties.string('content'),
        });
    }
  }

  /** Polls the repository until the execution is there in a state worth reporting (the Flow trigger's, or ended). */
  private async findExecution(ctx: RunContext, id: string, current: boolean): Promise<Execution> {
    const trigger = ctx.variables['trigger'];
    const triggerState = isPlainObject(trigger) && typeof trigger['state'] === 'string' ? trigger['state'] : undefined;
    if (!current) ctx.logger.info(`Waiting for execution '${id}' to be stored in its final state`);
    const deadline = Date.now() + this.timing.waitLimitMs;
    let delay = this.timing.firstPollMs;
    for (;;) {
      const execution = await ctx.repository.executions.get(id);
      if (execution && isReportable(execution, current, triggerState)) return execution;
      if (Date.now() + delay > deadline) {
        throw new TaskFailure(execution ? `Execution '${id}' did not end within ${this.timing.waitLimitMs / 1000} s (it is ${execution.state.current})` : `Unable to find execution '${id}'`);
      }
      await abortableDelay(delay, ctx.signal);
      delay = Math.min(delay * 2, LONGEST_POLL_MS);
    }
  }
}
