import { Controller, Delete, Get, HttpCode, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { isTerminated, type LogEntry } from '@osprey/flow-model';
import { LogFollower, NotFoundError, type LogQuery, type StoredLogEntry, REPOSITORY, type Repository } from '@osprey/repository';
import { ApiFileResponse, ApiFilters, ApiPaging } from './api-docs.js';
import { readSearchQuery, type RawQuery, type SearchQuerySpec } from './filter-params.js';
import { dateParam, intParam, levelParam, oneParam, pageParams } from './query-params.js';
import { ServerSentEvents, sleep, type SseResponse } from './server-sent-events.js';
import { UnsupportedQuery } from './query-declarations.js';

type Q = string | string[] | undefined;

interface TextResponse extends SseResponse {
  setHeader(name: string, value: string): unknown;
}

const SEARCH: SearchQuerySpec = {
  resource: 'log',
  params: ['q', 'namespace', 'flowId', 'executionId', 'taskRunId', 'minLevel', 'startDate', 'endDate', 'page', 'size', 'sort'],
  legacy: { triggerId: { field: 'triggerId', operation: 'EQUALS' }, timeRange: { field: 'timeRange', operation: 'EQUALS' } },
};
const POLL_MS = 100;
/** Worker logs of the last task may land just after the execution ended. */
const TAIL_MS = 500;
const BAD_REQUEST = ApiResponse({ status: 400, description: 'A parameter is malformed; the body names it' });
const NOT_FOUND = ApiResponse({ status: 404, description: 'Unknown execution' });

/** Kestra's log endpoints (`/api/v1/logs`). */
@ApiTags('Logs')
@Controller('api/v1')
export class LogsController {
  constructor(@Inject(REPOSITORY) private readonly repository: Repository) {}

  @Get('logs/search')
  @ApiOperation({ summary: 'Search logs' })
  @ApiQuery({ name: 'q', required: false, description: 'Text the message contains' })
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'flowId', required: false })
  @ApiQuery({ name: 'executionId', required: false })
  @ApiQuery({ name: 'taskRunId', required: false })
  @ApiQuery({ name: 'minLevel', required: false, enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] })
  @ApiQuery({ name: 'startDate', required: false })
  @ApiQuery({ name: 'endDate', required: false })
  @ApiQuery({ name: 'triggerId', required: false, description: 'Entries of this trigger (as filters[triggerId][EQUALS])' })
  @ApiQuery({ name: 'timeRange', required: false, description: 'ISO-8601 duration: entries within it (as filters[timeRange][EQUALS])' })
  @ApiPaging(10_000, 1000, 'seq, timestamp, level')
  @UnsupportedQuery({ cursor: 'page with page and size' })
  @ApiFilters('log')
  @ApiResponse({ status: 200, description: '{results, total}' })
  @BAD_REQUEST
  async search(@Query() raw: RawQuery) {
    const { filters, params } = readSearchQuery(raw, SEARCH);
    const found = await this.repository.logs.search({
      q: oneParam(params.q, 'q'),
      namespace: oneParam(params.namespace, 'namespace'),
      flowId: oneParam(params.flowId, 'flowId'),
      executionId: oneParam(params.executionId, 'executionId'),
      taskRunId: oneParam(params.taskRunId, 'taskRunId'),
      minLevel: levelParam(params.minLevel),
      startDate: dateParam(params.startDate, 'startDate'),
      endDate: dateParam(params.endDate, 'endDate'),
      filters,
      ...pageParams(params.page, params.size, params.sort, 10_000, 1000),
    });
    // Kestra's log search pages by offset or by cursor and says which: Osprey's by offset.
    return { type: 'OFFSET', total: found.total, results: found.results.map(withoutSeq) };
  }

  @Get('logs/:executionId')
  @ApiOperation({ summary: 'Logs of an execution, oldest first' })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'minLevel', required: false, enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] })
  @ApiQuery({ name: 'taskRunId', required: false })
  @ApiQuery({ name: 'taskId', required: false })
  @ApiQuery({ name: 'attempt', required: false, schema: { type: 'integer', minimum: 1 } })
  @UnsupportedQuery({ filters: 'this endpoint filters with minLevel, taskRunId and taskId only' })
  @ApiResponse({ status: 200, description: 'A list of log entries' })
  @BAD_REQUEST
  @NOT_FOUND
  async logs(@Param('executionId') executionId: string, @Query('minLevel') minLevel: Q, @Query('taskRunId') taskRunId: Q, @Query('taskId') taskId: Q, @Query('attempt') attempt: Q) {
    return (await this.all(executionId, this.filters(minLevel, taskRunId, taskId), intParam(attempt, 'attempt', 1))).map(withoutSeq);
  }

  @Get('logs/:executionId/download')
  @ApiOperation({ summary: 'Logs of an execution as plain text, one line per entry' })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'minLevel', required: false, enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] })
  @ApiQuery({ name: 'taskRunId', required: false })
  @ApiQuery({ name: 'taskId', required: false })
  @ApiFileResponse('text/plain', 'The log as text')
  @UnsupportedQuery({ filters: 'this endpoint filters with minLevel, taskRunId and taskId only' })
  @BAD_REQUEST
  @NOT_FOUND
  async download(@Param('executionId') executionId: string, @Query('minLevel') minLevel: Q, @Query('taskRunId') taskRunId: Q, @Query('taskId') taskId: Q, @Res() response: TextResponse) {
    const entries = await this.all(executionId, this.filters(minLevel, taskRunId, taskId));
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${executionId.replace(/[^\w.-]/g, '_')}.log"`);
    for (const entry of entries) response.write(`${formatLine(entry)}\n`);
    response.end();
  }

  @Get('logs/:executionId/follow')
  @ApiOperation({ summary: "Follow an execution's logs as Server-Sent Events; the stream closes once the execution ended" })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'minLevel', required: false, enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] })
  @ApiQuery({ name: 'taskRunId', required: false })
  @ApiFileResponse('text/event-stream', 'Events `id: progress` with one log entry each')
  @UnsupportedQuery({ filters: 'this endpoint filters with minLevel, taskRunId and taskId only' })
  @BAD_REQUEST
  @NOT_FOUND
  async follow(@Param('executionId') executionId: string, @Query('minLevel') minLevel: Q, @Query('taskRunId') taskRunId: Q, @Res() response: SseResponse) {
    const filters = this.filters(minLevel, taskRunId, undefined);
    await this.execution(executionId, true);
    const stream = new ServerSentEvents(response);
    stream.send('start', { executionId });
    // Re-reads the repository's late window each time, so an entry indexed late is still sent (once).
    const follower = new LogFollower(this.repository.logs, { ...filters, executionId });
    let endedAt: number | undefined;
    while (!stream.isClosed) {
      const entries = await follower.next();
      for (const entry of entries) stream.send('progress', withoutSeq(entry));
      if (entries.length >= 1000) continue;
      if (endedAt === undefined) {
        const execution = await this.repository.executions.get(executionId);
        if (!execution || isTerminated(execution.state.current)) endedAt = Date.now();
      } else if (Date.now() - endedAt > TAIL_MS) {
        break;
      }
      await sleep(POLL_MS);
    }
    stream.close();
  }

  @Delete('logs/:executionId')
  @ApiOperation({ summary: 'Delete the logs of an execution, or of one of its tasks, task runs or attempts', description: 'With minLevel, only the entries at that level or above go.' })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'minLevel', required: false, enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] })
  @ApiQuery({ name: 'taskRunId', required: false })
  @ApiQuery({ name: 'taskId', required: false })
  @ApiQuery({ name: 'attempt', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @BAD_REQUEST
  @HttpCode(204)
  async delete(@Param('executionId') executionId: string, @Query('minLevel') minLevel: Q, @Query('taskRunId') taskRunId: Q, @Query('taskId') taskId: Q, @Query('attempt') attempt: Q) {
    await this.repository.logs.deleteByQuery({ executionId, ...this.filters(minLevel, taskRunId, taskId), attempt: intParam(attempt, 'attempt', 1) });
  }

  @Delete('logs/:namespace/:flowId')
  @ApiOperation({ summary: 'Delete the logs of a flow (all its executions and trigger evaluations), or those one trigger wrote', description: 'The namespace is matched exactly.' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiQuery({ name: 'triggerId', required: false, description: 'Only the entries this trigger wrote.' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @BAD_REQUEST
  @HttpCode(204)
  async deleteFromFlow(@Param('namespace') namespace: string, @Param('flowId') flowId: string, @Query('triggerId') triggerId: Q) {
    await this.repository.logs.deleteByQuery({ namespace, flowId, triggerId: oneParam(triggerId, 'triggerId') });
  }

  private filters(minLevel: Q, taskRunId: Q, taskId: Q): Pick<LogQuery, 'minLevel' | 'taskRunId' | 'taskId'> {
    return { minLevel: levelParam(minLevel), taskRunId: oneParam(taskRunId, 'taskRunId'), taskId: oneParam(taskId, 'taskId') };
  }

  /** Every entry of an execution in order (paged through the repository, so memory stays bounded per page). */
  private async all(executionId: string, filters: Pick<LogQuery, 'minLevel' | 'taskRunId' | 'taskId'>, attempt?: number): Promise<StoredLogEntry[]> {
    await this.execution(executionId, false);
    const entries: StoredLogEntry[] = [];
    let afterSeq: number | undefined;
    for (;;) {
      const page = await this.repository.logs.search({ ...filters, executionId, afterSeq, size: 1000, sort: 'seq:asc' } as LogQuery);
      entries.push(...page.results.filter((e) => attempt === undefined || e.attemptNumber === attempt));
      if (page.results.length < 1000) return entries;
      afterSeq = page.results[page.results.length - 1]!.seq;
    }
  }

  /** 404 for an execution that does not exist (after a moment, when following one just triggered). */
  private async execution(executionId: string, wait: boolean): Promise<void> {
    const deadline = Date.now() + (wait ? 5_000 : 0);
    for (;;) {
      if (await this.repository.executions.get(executionId)) return;
      if (Date.now() >= deadline) {
        // Logs outlive nothing: an execution deleted with its logs kept still has them to show.
        const orphan = await this.repository.logs.search({ executionId, size: 1 });
        if (orphan.total > 0) return;
        throw new NotFoundError('execution', executionId);
      }
      await sleep(POLL_MS);
    }
  }
}

/**
 * Kestra's LogEntry JSON: without the store's own ids, with `deleted` and `thread` (which its clients require; empty
 * when no task thread wrote the line).
 */
function withoutSeq(entry: LogEntry & { seq?: number; id?: string }): LogEntry & { deleted: boolean; thread: string } {
  const { seq: _seq, id: _id, ...rest } = entry;
  return { ...rest, thread: rest.thread ?? '', deleted: false };
}

function formatLine(entry: LogEntry): string {
  const where = entry.taskId ? ` [${entry.taskId}]` : '';
  return `${entry.timestamp} ${entry.level.padEnd(5)}${where} ${entry.message}`;
}
