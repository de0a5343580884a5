import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { StateType } from '@osprey/flow-model';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { dateParam, oneParam, STATE_TYPES } from './query-params.js';

type Q = string | string[] | undefined;
const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

/** Kestra's statistics (`/api/v1/stats`): executions per day and state. */
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
