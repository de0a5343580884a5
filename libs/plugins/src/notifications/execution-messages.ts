import { toText } from '../support/task-properties.js';
import { summaryOutcome, summaryTitle, type ExecutionSummary } from './execution-summary.js';

/** Slack's message for an execution: a text, a section block (after the custom message) and an attachment of fields. */
export function slackExecutionMessage(summary: ExecutionSummary, extra: { channel?: string; username?: string; iconUrl?: string; iconEmoji?: string }): Record<string, unknown> {
  const { execution } = summary;
  const text = `*${summaryTitle(summary)}*\n> ${summaryOutcome(summary)}`;
  const state = execution.state.current;
  const fields = [
    { title: 'Namespace', value: execution.namespace, short: true },
    { title: 'Flow ID', value: execution.flowId, short: true },
    { title: 'Execution ID', value: execution.id, short: true },
    { title: 'Execution Status', value: state, short: true },
    ...Object.entries(summary.customFields ?? {}).map(([title, value]) => ({ title, value: toText(value), short: true })),
    { title: 'Final task ID', value: summary.lastTask?.taskId ?? null, short: true },
  ];
  return {
    text,
    blocks: [
      ...(summary.customMessage !== undefined ? [{ type: 'section', text: { type: 'mrkdwn', text: summary.customMessage } }] : []),
      { type: 'section', text: { type: 'mrkdwn', text } },
    ],
    attachments: [
      {
        color: state === 'SUCCESS' ? 'good' : state === 'WARNING' ? 'warning' : 'danger',
        fields,
        ts: Math.floor(Date.parse(execution.state.startDate) / 1000),
      },
    ],
    ...(extra.channel !== undefined ? { channel: extra.channel } : {}),
    ...(extra.username !== undefined ? { username: extra.username } : {}),
    ...(extra.iconUrl !== undefined ? { icon_url: extra.iconUrl } : {}),
    ...(extra.iconEmoji !== undefined ? { icon_emoji: extra.iconEmoji } : {}),
  };
}

/** A Teams MessageCard for an execution; custom fields become facts and the custom message the section's text. */
export function teamsExecutionMessage(summary: ExecutionSummary, extra: { themeColor?: string; activityTitle?: string; activitySubtitle?: string }): Record<string, unknown> {
  const { execution } = summary;
  return {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: extra.themeColor ?? '0076D7',
    summary: `*${summaryTitle(summary)}*\n> ${summaryOutcome(summary)}`,
    sections: [
      {
        ...(extra.activityTitle !== undefined ? { activityTitle: extra.activityTitle } : {}),
        ...(extra.activitySubtitle !== undefined ? { activitySubtitle: extra.activitySubtitle } : {}),
        ...(summary.customMessage !== undefined ? { text: summary.customMessage } : {}),
        facts: [
          { name: 'Namespace', value: execution.namespace },
          { name: 'Flow ID', value: execution.flowId },
          { name: 'Execution ID', value: execution.id },
          { name: 'Execution Status', value: execution.state.current },
          ...Object.entries(summary.customFields ?? {}).map(([name, value]) => ({ name, value: toText(value) })),
          { name: 'Final task ID', value: summary.lastTask?.taskId ?? '' },
        ],
        markdown: true,
      },
    ],
  };
}

/** A Discord message for an execution: one embed with the facts, the outcome as its footer. */
export function discordExecutionMessage(summary: ExecutionSummary, extra: { username?: string; avatarUrl?: string; content?: string }): Record<string, unknown> {
  const { execution } = summary;
  const lines = [
    ...(summary.customMessage !== undefined ? [summary.customMessage, ''] : []),
    `Namespace: ${execution.namespace}`,
    `Flow ID: ${execution.flowId}`,
    `Execution ID: ${execution.id}`,
    `Execution Status: ${execution.state.current}`,
    ...Object.entries(summary.customFields ?? {}).map(([name, value]) => `${name}: ${toText(value)}`),
    `Final task ID: ${summary.lastTask?.taskId ?? ''}`,
  ];
  return {
    ...(extra.username !== undefined ? { username: extra.username } : {}),
    ...(extra.avatarUrl !== undefined ? { avatar_url: extra.avatarUrl } : {}),
    ...(extra.content !== undefined ? { content: extra.content } : {}),
    tts: false,
    embeds: [{ description: lines.join('\n'), footer: { text: summaryOutcome(summary) } }],
  };
}
