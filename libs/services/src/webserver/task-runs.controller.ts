import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OspreyRuntime } from '../runtime.js';
import { dateParam, oneParam, pageParams, statesParam } from './query-params.js';

type Q = string | string[] | undefined;

/** Kestra's Task Runs view (`/api/v1/taskruns`), which its database backend lacks: task runs are rows of their own here. */
@ApiTags('Executions')
@Controller('api/v1')
export class TaskRunsController {
  constructor(@Inject(OspreyRuntime) private readonly runtime: OspreyRuntime) {}

  @Get('taskruns/search')
  @ApiOperation({ summary: 'Search task runs' })
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'flowId', required: false })
  @ApiQuery({ name: 'executionId', required: false })
  @ApiQuery({ name: 'taskId', required: false })
  @ApiQuery({ name: 'state', required: false, isArray: true })
  @ApiQuery({ name: 'startDate', required: false })
  @ApiQuery({ name: 'endDate', required: false })
  @ApiQuery({ name: 'page', required: false })
  @ApiQuery({ name: 'size', required: false })
  @ApiQuery({ name: 'sort', required: false, description: 'e.g. state.startDate:desc' })
  @ApiResponse({ status: 200, description: '{results, total}' })
  @ApiResponse({ status: 400, description: 'A parameter is malformed; the body names it' })
  async search(
    @Query('namespace') namespace: Q,
    @Query('flowId') flowId: Q,
    @Query('executionId') executionId: Q,
    @Query('taskId') taskId: Q,
    @Query('state') state: Q,
    @Query('startDate') startDate: Q,
    @Query('endDate') endDate: Q,
    @Query('page') page: Q,
    @Query('size') size: Q,
    @Query('sort') sort: Q,
  ) {
    return this.runtime.backend.repository.taskRuns.search({
      namespace: oneParam(namespace, 'namespace'),
      flowId: oneParam(flowId, 'flowId'),
      executionId: oneParam(executionId, 'executionId'),
      taskId: oneParam(taskId, 'taskId'),
      state: statesParam(state),
      startDate: dateParam(startDate, 'startDate'),
      endDate: dateParam(endDate, 'endDate'),
      ...pageParams(page, size, sort),
    });
  }
}
