import { HTTP_TRIGGER, isTruthy, parseDuration, renderTemplate, renderValue, type Trigger } from '@osprey/flow-model';
import { readBody, requestError, responseHeaders, sendHttpRequest, TaskProperties, type HttpProperties } from '@osprey/plugins';
import type { PollingContext, PollingTriggerType } from './polling-trigger.js';

const DEFAULT_INTERVAL_MS = 60_000;
const DEFAULT_CONDITION = '{{ response.statusCode < 400 }}';
// The trigger's body lands in the execution's trigger variables: the same default cap as the Request task.
const DEFAULT_MAX_CONTENT_LENGTH = 10 * 1024 * 1024;

/**
 * `io.kestra.plugin.core.http.Trigger`: sends its request with the http.Request task's client (same options, auth
 * and headers) and starts an execution with `trigger.{uri, code, headers, body}` when `responseCondition`, rendered
 * with `response.{statusCode, body, headers}`, is truthy. A failed status is not an error: the condition decides.
 */
export const httpTrigger: PollingTriggerType = {
  types: [HTTP_TRIGGER.name, ...HTTP_TRIGGER.aliases],

  intervalMs(trigger: Trigger): number {
    return typeof trigger.interval === 'string' ? parseDuration(trigger.interval) : DEFAULT_INTERVAL_MS;
  },

  async evaluate(ctx: PollingContext): Promise<Record<string, unknown> | undefined> {
    const variables = { flow: { id: ctx.flow.id, namespace: ctx.flow.namespace, revision: ctx.flow.revision } };
    const run = {
      task: ctx.trigger as unknown as Parameters<typeof sendHttpRequest>[0]['task'],
      signal: ctx.signal,
      render: async <T>(value: T, extra?: Record<string, unknown>) => renderValue(value, { ...variables, ...extra }, ctx.render),
      renderString: async (template: string, extra?: Record<string, unknown>) => renderTemplate(template, { ...variables, ...extra }, ctx.render),
    };
    const properties = new TaskProperties(run, HTTP_TRIGGER) as unknown as TaskProperties<HttpProperties>;
    const { uri, options, response, timeout } = await sendHttpRequest(run, properties);
    let body: string | undefined;
    try {
      body = await readBody(response, options.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH);
    } catch (error) {
      throw requestError(run, timeout, uri, options, error);
    }
    const headers = responseHeaders(response.headers);
    const condition = typeof ctx.trigger.responseCondition === 'string' ? ctx.trigger.responseCondition : DEFAULT_CONDITION;
    const rendered = renderTemplate(condition, { ...variables, response: { statusCode: response.status, body: body ?? null, headers } }, ctx.render);
    if (!isTruthy(rendered)) return undefined;
    return { uri, code: response.status, headers, ...(body === undefined ? {} : { body }) };
  },
};
