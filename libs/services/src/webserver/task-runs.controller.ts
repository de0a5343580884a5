import { Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { ApiFilters, ApiPaging } from './api-docs.js';
import { readSearchQuery, type RawQuery, type SearchQuerySpec } from './filter-params.js';
import { dateParam, MAX_PAGE_SIZE, oneParam, pageParams, statesParam } from './query-params.js';

/** The largest page the task runs search answers. */
const MAX_TASK_RUN_PAGE = MAX_PAGE_SIZE;
const SEARCH: SearchQuerySpec = { resource: 'taskRun', params: ['namespace', 'flowId', 'executionId', 'taskId', 'state', 'startDate', 'endDate', 'page', 'size', 'sort'] };

/** Kestra's Task Runs view (`/api/v1/taskruns`), which its database backend lacks: task runs are rows of their own here. */
@ApiTags('Executions')
@Controller('api/v1')
export class TaskRunsController {
  constructor(@Inject(REPOSITORY) private readonly repository: Repository) {}

  @Get('taskruns/search')
  @ApiOperation({ summary: 'Search task runs' })
  @ApiQuery({ name: 'namespace', required: false, description: 'Namespace, children included' })
  @ApiQuery({ name: 'flowId', required: false })
  @ApiQuery({ name: 'executionId', required: false })
  @ApiQuery({ name: 'taskId', required: false })
  @ApiQuery({ name: 'state', required: false, isArray: true, description: 'States, repeated or comma-separated' })
  @ApiQuery({ name: 'startDate', required: false, description: 'ISO-8601, task runs started at or after' })
  @ApiQuery({ name: 'endDate', required: false, description: 'ISO-8601, task runs started at or before' })
  @ApiPaging(MAX_TASK_RUN_PAGE, 25, 'id, namespace, flowId, executionId, taskId, state.current, state.startDate, state.endDate')
  @ApiFilters('taskRun')
  @ApiResponse({ status: 200, description: '{results, total}' })
  @ApiResponse({ status: 400, description: 'A parameter is malformed or unknown; the body names it' })
  async search(@Query() raw: RawQuery) {
    const { filters, params } = readSearchQuery(raw, SEARCH);
    return this.repository.taskRuns.search({
      namespace: oneParam(params.namespace, 'namespace'),
      flowId: oneParam(params.flowId, 'flowId'),
      executionId: oneParam(params.executionId, 'executionId'),
      taskId: oneParam(params.taskId, 'taskId'),
      state: statesParam(params.state),
      startDate: dateParam(params.startDate, 'startDate'),
      endDate: dateParam(params.endDate, 'endDate'),
      filters,
      ...pageParams(params.page, params.size, params.sort, MAX_TASK_RUN_PAGE),
    });
  }

  @Get('taskruns/maxTaskRunSetting')
  @ApiOperation({ summary: 'The largest page size the task runs search answers', description: 'Kestra clients read it to size their task run pages.' })
  @ApiOkResponse({ schema: { type: 'integer', example: MAX_TASK_RUN_PAGE } })
  @Header('Content-Type', 'application/json') // a bare number would go out as text/html
  maxTaskRunSetting(): number {
    return MAX_TASK_RUN_PAGE;
  }
}
