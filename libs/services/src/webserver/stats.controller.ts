import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LOG_LEVELS, type LogLevel, type StateType } from '@osprey/flow-model';
import { REPOSITORY, type DailyStateCount, type Repository } from '@osprey/repository';
import { ApiErrors } from './api-docs.js';
import { latestEndedExecution } from '../executions/flow-executions.js';
import { executionJson } from './execution-json.js';
import { dateParam, oneParam, STATE_TYPES } from './query-params.js';
import { booleanField, flowsField, levelField, MAX_STATS_DAYS, statesField, statsBody, statsDays, statsRange, textField } from './stats-request.js';

type Q = string | string[] | undefined;

const DATE = { type: 'string', format: 'date-time' };
const STATES = { type: 'array', items: { type: 'string', enum: [...STATE_TYPES] } };
const FLOWS = { type: 'array', items: { type: 'object', required: ['namespace', 'id'], properties: { namespace: { type: 'string' }, id: { type: 'string' } } } };
const REFUSED = 'Kestra\'s `q` and `scope` are refused (400 naming them) when set; other fields are refused too.';
const RANGE = `startDate and endDate: ISO-8601, by default the 30 days up to now, at most ${MAX_STATS_DAYS} days apart; days are UTC days.`;
const DAYS = { status: 200, description: 'One entry per UTC day of the range, oldest first: {startDate (YYYY-MM-DD), executionCounts: {STATE: n} (every state), total, groupBy: "day"}' };

interface DayCounts {
  startDate: string;
  executionCounts: Record<StateType, number>;
  total: number;
  groupBy: 'day';
}

/** Kestra's statistics (`/api/v1/stats`): executions, task runs and logs per day, counts of flows and triggers, latest executions. */
@ApiTags('Stats')
@Controller('api/v1')
export class StatsController {
  constructor(@Inject(REPOSITORY) private readonly repository: Repository) {}

  @Post('stats/executions/daily')
  @HttpCode(200)
  @ApiOperation({ summary: 'Executions per day and state', description: `namespace takes its children unless flowId is given; state keeps executions in these states. ${RANGE} ${REFUSED}` })
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, properties: { namespace: { type: 'string' }, flowId: { type: 'string' }, startDate: DATE, endDate: DATE, state: STATES } } })
  @ApiResponse(DAYS)
  @ApiErrors(400)
  async dailyPost(@Body() body: unknown) {
    const b = statsBody(body, ['namespace', 'flowId', 'startDate', 'endDate', 'state']);
    const range = statsRange(textField(b, 'startDate'), textField(b, 'endDate'));
    const query = { namespace: textField(b, 'namespace'), flowId: textField(b, 'flowId'), state: statesField(b), ...isoRange(range) };
    return dayCounts(statsDays(range), await this.repository.executions.dailyStats(query));
  }

  @Get('stats/executions/daily')
  @ApiOperation({ summary: 'Executions per day and state, with query parameters' })
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'flowId', required: false })
  @ApiQuery({ name: 'startDate', required: false, description: 'default: 30 days ago' })
  @ApiQuery({ name: 'endDate', required: false, description: 'default: now' })
  @ApiResponse(DAYS)
  @ApiErrors(400)
  async dailyGet(@Query('namespace') namespace: Q, @Query('flowId') flowId: Q, @Query('startDate') startDate: Q, @Query('endDate') endDate: Q) {
    const range = statsRange(oneParam(startDate, 'startDate'), oneParam(endDate, 'endDate'));
    const query = { namespace: oneParam(namespace, 'namespace'), flowId: oneParam(flowId, 'flowId'), ...isoRange(range) };
    return dayCounts(statsDays(range), await this.repository.executions.dailyStats(query));
  }

  @Post('stats/taskruns/daily')
  @HttpCode(200)
  @ApiOperation({ summary: 'Task runs per day of their start and current state', description: `Fields as for the executions per day. ${RANGE} ${REFUSED}` })
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, properties: { namespace: { type: 'string' }, flowId: { type: 'string' }, startDate: DATE, endDate: DATE, state: STATES } } })
  @ApiResponse(DAYS)
  @ApiErrors(400)
  async taskRunsDaily(@Body() body: unknown) {
    const b = statsBody(body, ['namespace', 'flowId', 'startDate', 'endDate', 'state']);
    const range = statsRange(textField(b, 'startDate'), textField(b, 'endDate'));
    const query = { namespace: textField(b, 'namespace'), flowId: textField(b, 'flowId'), state: statesField(b), ...isoRange(range) };
    return dayCounts(statsDays(range), await this.repository.taskRuns.dailyStats(query));
  }

  @Post('stats/executions/daily/group-by-flow')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Executions per day and state of each flow, by namespace then flow id',
    description: `Only flows with executions in the range appear; flows keeps only those named; namespaceOnly groups each namespace's flows under "*". ${RANGE} ${REFUSED}`,
  })
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, properties: { namespace: { type: 'string' }, flowId: { type: 'string' }, flows: FLOWS, startDate: DATE, endDate: DATE, namespaceOnly: { type: 'boolean' } } } })
  @ApiResponse({ status: 200, description: '{namespace: {flowId (or "*"): [day entries as for the executions per day]}}' })
  @ApiErrors(400)
  async dailyByFlow(@Body() body: unknown) {
    const b = statsBody(body, ['namespace', 'flowId', 'flows', 'startDate', 'endDate', 'namespaceOnly']);
    const range = statsRange(textField(b, 'startDate'), textField(b, 'endDate'));
    const namespaceOnly = booleanField(b, 'namespaceOnly');
    const query = { namespace: textField(b, 'namespace'), flowId: textField(b, 'flowId'), flows: flowsField(b), ...isoRange(range) };
    const rows = await this.repository.executions.dailyStats({ ...query, groupBy: namespaceOnly ? 'namespace' : 'flow' });
    const groups = new Map<string, Map<string, DailyStateCount[]>>();
    for (const row of rows) {
      const flows = groups.get(row.namespace!) ?? new Map<string, DailyStateCount[]>();
      groups.set(row.namespace!, flows);
      const key = namespaceOnly ? '*' : row.flowId!;
      const counts = flows.get(key) ?? [];
      flows.set(key, counts);
      counts.push(row);
    }
    const days = statsDays(range);
    return Object.fromEntries([...groups].map(([namespace, flows]) => [namespace, Object.fromEntries([...flows].map(([flow, counts]) => [flow, dayCounts(days, counts)]))]));
  }

  @Post('stats/executions/daily/group-by-namespace')
  @HttpCode(200)
  @ApiOperation({ summary: 'Executions per state of each namespace over a range', description: `Only namespaces with executions in the range appear; namespace keeps that namespace alone (not its children), as Kestra does. ${RANGE}` })
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, properties: { namespace: { type: 'string' }, startDate: DATE, endDate: DATE } } })
  @ApiResponse({ status: 200, description: '{namespace: {counts: {STATE: n} (every state), total}}' })
  @ApiErrors(400)
  async countsByNamespace(@Body() body: unknown) {
    const b = statsBody(body, ['namespace', 'startDate', 'endDate']);
    const namespace = textField(b, 'namespace');
    const range = statsRange(textField(b, 'startDate'), textField(b, 'endDate'));
    const rows = await this.repository.executions.dailyStats({ namespace, ...isoRange(range), groupBy: 'namespace' });
    const result: Record<string, { counts: Record<StateType, number>; total: number }> = {};
    // The database counted per day, namespace and state; the days of each namespace are summed here.
    for (const row of rows) {
      if (namespace !== undefined && row.namespace !== namespace) continue;
      const entry = (result[row.namespace!] ??= { counts: zeroes(STATE_TYPES), total: 0 });
      entry.counts[row.state] += row.count;
      entry.total += row.count;
    }
    return result;
  }

  @Post('stats/logs/daily')
  @HttpCode(200)
  @ApiOperation({ summary: 'Logs per day and level', description: `namespace takes its children unless flowId is given; logLevel keeps that level and those above. ${RANGE} Kestra's \`q\` is refused when set.` })
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, properties: { namespace: { type: 'string' }, flowId: { type: 'string' }, logLevel: { type: 'string', enum: [...LOG_LEVELS] }, startDate: DATE, endDate: DATE } } })
  @ApiResponse({ status: 200, description: 'One entry per UTC day of the range, oldest first: {timestamp (YYYY-MM-DD), counts: {LEVEL: n} (every level), groupBy: "day"}' })
  @ApiErrors(400)
  async logsDaily(@Body() body: unknown) {
    const b = statsBody(body, ['namespace', 'flowId', 'logLevel', 'startDate', 'endDate']);
    const range = statsRange(textField(b, 'startDate'), textField(b, 'endDate'));
    const rows = await this.repository.logs.dailyStats({ namespace: textField(b, 'namespace'), flowId: textField(b, 'flowId'), minLevel: levelField(b, 'logLevel'), ...isoRange(range) });
    return statsDays(range).map((day) => {
      const counts = zeroes<LogLevel>(LOG_LEVELS);
      for (const row of rows) if (row.date === day) counts[row.level] += row.count;
      return { timestamp: day, counts, groupBy: 'day' as const };
    });
  }

  @Post('stats/summary')
  @HttpCode(200)
  @ApiOperation({ summary: 'How many flows, and triggers they declare, a namespace (and its children) holds; all when no namespace is given' })
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, properties: { namespace: { type: 'string' }, startDate: DATE, endDate: DATE } } })
  @ApiResponse({ status: 200, description: '{flows, triggers}', schema: { type: 'object', required: ['flows', 'triggers'], properties: { flows: { type: 'integer' }, triggers: { type: 'integer' } } } })
  @ApiErrors(400)
  async summary(@Body() body: unknown) {
    const b = statsBody(body, ['namespace', 'startDate', 'endDate']);
    const namespace = textField(b, 'namespace');
    // Kestra takes the dates and counts what exists now; they are still checked.
    dateParam(textField(b, 'startDate'), 'startDate');
    dateParam(textField(b, 'endDate'), 'endDate');
    const flows = await this.repository.flows.list(namespace);
    return { flows: flows.length, triggers: flows.reduce((n, f) => n + f.flow.triggers.length, 0) };
  }

  @Post('stats/executions/latest/group-by-flow')
  @HttpCode(200)
  @ApiOperation({ summary: 'The execution that ended last of each flow named (of every flow when none is named); running executions do not count, flows without an ended one are left out' })
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, properties: { flows: FLOWS } } })
  @ApiResponse({ status: 200, description: 'A list of executions' })
  @ApiErrors(400)
  async latestByFlow(@Body() body: unknown) {
    const named = flowsField(statsBody(body, ['flows']));
    const flows = named ?? (await this.repository.flows.list()).map((f) => ({ namespace: f.namespace, id: f.id }));
    const latest = [];
    for (const flow of flows) {
      const execution = await latestEndedExecution(this.repository.executions, flow);
      if (execution) latest.push(executionJson(execution));
    }
    return latest;
  }
}

function isoRange(range: { start: Date; end: Date }): { startDate: string; endDate: string } {
  return { startDate: range.start.toISOString(), endDate: range.end.toISOString() };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Every day present, with every state counted (zeros included), as Kestra answers. */
function dayCounts(days: readonly string[], rows: readonly DailyStateCount[]): DayCounts[] {
  return days.map((day) => {
    const executionCounts = zeroes(STATE_TYPES);
    for (const row of rows) if (row.date === day) executionCounts[row.state] += row.count;
    return { startDate: day, executionCounts, total: Object.values<number>(executionCounts).reduce((a, b) => a + b, 0), groupBy: 'day' };
  });
}
