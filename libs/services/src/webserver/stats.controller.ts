import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { StateType } from '@osprey/flow-model';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { executionJson } from './execution-json.js';
import { dateParam, oneParam, STATE_TYPES } from './query-params.js';

type Q = string | string[] | undefined;
const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

/** Kestra's statistics (`/api/v1/stats`): executions per day and state, counts of flows and triggers, latest executions. */
@ApiTags('Stats')
@Controller('api/v1')
export class StatsController {
  constructor(@Inject(REPOSITORY) private readonly repository: Repository) {}

  @Post('stats/executions/daily')
  @HttpCode(200)
  @ApiOperation({ summary: 'Executions per day and state (Kestra: a JSON body with namespace, flowId, startDate, endDate)' })
  @ApiBody({ schema: { type: 'object', properties: { namespace: { type: 'string' }, flowId: { type: 'string' }, startDate: { type: 'string' }, endDate: { type: 'string' } } } })
  @ApiResponse({ status: 200, description: 'One entry per day: {startDate, executionCounts: {STATE: n}, total}' })
  @ApiResponse({ status: 400, description: 'A field is malformed; the body names it' })
  async dailyPost(@Body() body: unknown) {
    const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const text = (name: string) => {
      const value = b[name];
      if (value !== undefined && value !== null && typeof value !== 'string') throw new InvalidArgumentError(name, 'must be a string');
      return (value ?? undefined) as string | undefined;
    };
    return this.daily(text('namespace'), text('flowId'), dateParam(text('startDate'), 'startDate'), dateParam(text('endDate'), 'endDate'));
  }

  @Get('stats/executions/daily')
  @ApiOperation({ summary: 'Executions per day and state, with query parameters' })
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'flowId', required: false })
  @ApiQuery({ name: 'startDate', required: false, description: 'default: 30 days ago' })
  @ApiQuery({ name: 'endDate', required: false, description: 'default: now' })
  @ApiResponse({ status: 200, description: 'One entry per day: {startDate, executionCounts: {STATE: n}, total}' })
  @ApiResponse({ status: 400, description: 'A parameter is malformed; the body names it' })
  async dailyGet(@Query('namespace') namespace: Q, @Query('flowId') flowId: Q, @Query('startDate') startDate: Q, @Query('endDate') endDate: Q) {
    return this.daily(oneParam(namespace, 'namespace'), oneParam(flowId, 'flowId'), dateParam(startDate, 'startDate'), dateParam(endDate, 'endDate'));
  }

  @Post('stats/summary')
  @HttpCode(200)
  @ApiOperation({ summary: 'How many flows, and triggers they declare, a namespace (and its children) holds; all when no namespace is given' })
  @ApiBody({ required: false, schema: { type: 'object', properties: { namespace: { type: 'string' }, startDate: { type: 'string' }, endDate: { type: 'string' } } } })
  @ApiResponse({ status: 200, description: '{flows, triggers}', schema: { type: 'object', required: ['flows', 'triggers'], properties: { flows: { type: 'integer' }, triggers: { type: 'integer' } } } })
  @ApiResponse({ status: 400, description: 'A field is malformed; the body names it' })
  async summary(@Body() body: unknown) {
    const b = objectBody(body);
    const namespace = textField(b, 'namespace');
    // Kestra takes the dates and counts what exists now; they are still checked.
    dateParam(textField(b, 'startDate'), 'startDate');
    dateParam(textField(b, 'endDate'), 'endDate');
    const flows = await this.repository.flows.list(namespace);
    return { flows: flows.length, triggers: flows.reduce((n, f) => n + f.flow.triggers.length, 0) };
  }

  @Post('stats/executions/latest/group-by-flow')
  @HttpCode(200)
  @ApiOperation({ summary: 'The latest execution of each flow named (of every flow when none is named); flows never run are left out' })
  @ApiBody({ required: false, schema: { type: 'object', properties: { flows: { type: 'array', items: { type: 'object', required: ['namespace', 'id'], properties: { namespace: { type: 'string' }, id: { type: 'string' } } } } } } })
  @ApiResponse({ status: 200, description: 'A list of executions' })
  @ApiResponse({ status: 400, description: 'A field is malformed; the body names it' })
  async latestByFlow(@Body() body: unknown) {
    const list = objectBody(body).flows;
    let flows: { namespace: string; id: string }[];
    if (list === undefined || list === null) {
      flows = (await this.repository.flows.list()).map((f) => ({ namespace: f.namespace, id: f.id }));
    } else {
      if (!Array.isArray(list)) throw new InvalidArgumentError('flows', 'must be a list of {namespace, id}');
      flows = list.map((item: unknown, i) => {
        const { namespace, id } = (item ?? {}) as { namespace?: unknown; id?: unknown };
        if (typeof namespace !== 'string' || typeof id !== 'string') throw new InvalidArgumentError(`flows[${i}]`, 'must be {"namespace": string, "id": string}');
        return { namespace, id };
      });
    }
    const latest = [];
    for (const flow of flows) {
      // `namespace` takes children too: the flow's own namespace is matched exactly with a filter.
      const exact = { field: 'namespace', operation: 'EQUALS', values: [flow.namespace] } as const;
      const found = await this.repository.executions.search({ flowId: flow.id, filters: [exact], sort: 'state.startDate:desc', page: 1, size: 1 });
      if (found.results[0]) latest.push(executionJson(found.results[0]));
    }
    return latest;
  }

  private async daily(namespace?: string, flowId?: string, startDate?: string, endDate?: string) {
    const end = endDate ? new Date(endDate) : new Date();
    const start = startDate ? new Date(startDate) : new Date(end.getTime() - 30 * DAY_MS);
    if (start.getTime() > end.getTime()) throw new InvalidArgumentError('startDate', 'is after endDate');
    if (end.getTime() - start.getTime() > MAX_DAYS * DAY_MS) throw new InvalidArgumentError('endDate', `the range may span at most ${MAX_DAYS} days`);
    const rows = await this.repository.executions.dailyStats({ namespace, flowId, startDate: start.toISOString(), endDate: end.toISOString() });
    // Every day of the range is present, with every state counted (zeros included), as Kestra answers.
    const days: { startDate: string; executionCounts: Record<string, number>; total: number }[] = [];
    for (let day = Date.parse(start.toISOString().slice(0, 10)); day <= end.getTime(); day += DAY_MS) {
      const date = new Date(day).toISOString().slice(0, 10);
      const executionCounts = Object.fromEntries(STATE_TYPES.map((s) => [s, 0])) as Record<StateType, number>;
      for (const row of rows) if (row.date === date) executionCounts[row.state] += row.count;
      days.push({ startDate: date, executionCounts, total: Object.values(executionCounts).reduce((a, b) => a + b, 0) });
    }
    return days;
  }
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}

function textField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value !== undefined && value !== null && typeof value !== 'string') throw new InvalidArgumentError(name, 'must be a string');
  return (value ?? undefined) as string | undefined;
}
