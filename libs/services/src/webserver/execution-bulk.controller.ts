import { applyDecorators, Body, Controller, Delete, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { UnqueueState } from '@osprey/flow-model';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { BulkExecutionAction, type ExecutionAction } from '../executions/bulk-execution-action.js';
import { DeleteExecution } from '../executions/delete-execution.js';
import { ExecutionCommands } from '../executions/execution-commands.js';
import { ExecutionFiles } from '../executions/execution-files.js';
import { ForceRunExecution } from '../executions/force-run-execution.js';
import { KillExecution } from '../executions/kill-execution.js';
import { ReplayExecution } from '../executions/replay-execution.js';
import { RestartExecution } from '../executions/restart-execution.js';
import { ResumeExecution } from '../executions/resume-execution.js';
import { checkLabels, SetExecutionLabels } from '../executions/set-execution-labels.js';
import { UnqueueExecution, unqueueState } from '../executions/unqueue-execution.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { NotSupportedError } from '../not-supported-error.js';
import { BulkErrorResponseModel, BulkResponseModel, ErrorResponse, LabelModel, SetLabelsByIdsModel } from './api-models.js';
import { ApiExecutionFilters, isFiltered, readExecutionQuery } from './execution-query.js';
import type { RawQuery } from './filter-params.js';
import { boolParam, oneParam } from './query-params.js';

const PAGE = 500;
const DELETE_OPTIONS = ['includeNonTerminated', 'deleteLogs', 'deleteMetrics', 'deleteStorage'] as const;

const BULK_ANSWERS = applyDecorators(
  ApiOkResponse({ type: BulkResponseModel, description: 'How many executions took the action' }),
  ApiExtraModels(BulkErrorResponseModel, ErrorResponse),
  ApiResponse({
    status: 400,
    description: 'An execution is unknown or cannot take the action: nothing was changed, each one is listed (BulkErrorResponse); or a parameter or the body is malformed (ErrorResponse naming it)',
    schema: { anyOf: [{ $ref: getSchemaPath(BulkErrorResponseModel) }, { $ref: getSchemaPath(ErrorResponse) }] },
  }),
);
const IDS_BODY = ApiBody({ type: [String], description: 'Execution ids' });
const DELETE_QUERY = applyDecorators(
  ApiQuery({ name: 'includeNonTerminated', required: false, type: Boolean, description: 'Only false (the default): running executions are killed first, then deleted; true is a 400.' }),
  ApiQuery({ name: 'deleteLogs', required: false, type: Boolean, description: 'default true' }),
  ApiQuery({ name: 'deleteStorage', required: false, type: Boolean, description: 'default true' }),
  ApiQuery({ name: 'deleteMetrics', required: false, type: Boolean, description: "Only true (the default): a task run's metrics are part of the execution and go with it; false is a 400." }),
);
const LATEST_REVISION = ApiQuery({ name: 'latestRevision', required: false, type: Boolean, description: "Replay on the flow's latest revision instead of each execution's own (default false)" });
const NOT_SUPPORTED = (what: string) => ApiResponse({ status: 501, description: `Osprey does not ${what}`, type: ErrorResponse });

/**
 * Kestra's bulk execution actions (`/executions/{action}/by-ids` with a JSON list of ids, `/by-query` with the
 * search's filters). Each runs the single action's use case on every execution, all or nothing (BulkExecutionAction).
 * Its own controller, registered before ExecutionsController, so that `kill/by-ids` is never read as an execution id.
 */
@ApiTags('Executions')
@Controller('api/v1/executions')
export class ExecutionBulkController {
  private readonly bulk: BulkExecutionAction;

  constructor(
    @Inject(REPOSITORY) private readonly repository: Repository,
    @Inject(ExecutionCommands) private readonly commands: ExecutionCommands,
    @Inject(ExecutionFiles) private readonly files: ExecutionFiles,
  ) {
    this.bulk = new BulkExecutionAction(commands);
  }

  @Delete('by-ids')
  @ApiOperation({ summary: 'Delete ended executions named by id, with their logs and storage files unless told otherwise' })
  @IDS_BODY
  @DELETE_QUERY
  @BULK_ANSWERS
  async deleteByIds(@Body() body: unknown, @Query() raw: RawQuery) {
    return this.bulk.execute('delete', idsBody(body), this.deleteAction(readDeleteOptions(raw)));
  }

  @Delete('by-query')
  @ApiOperation({ summary: 'Delete the ended executions matching filters (at least one filter is required)' })
  @ApiExecutionFilters()
  @DELETE_QUERY
  @BULK_ANSWERS
  async deleteByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    noBodyFilters(body);
    const { ids, params } = await this.matching(raw, 'delete', DELETE_OPTIONS);
    return this.bulk.execute('delete', ids, this.deleteAction(readDeleteOptions(params)));
  }

  @Delete('kill/by-ids')
  @ApiOperation({ summary: 'Kill running executions named by id (not the executions their Subflow tasks started, as in Kestra)' })
  @IDS_BODY
  @BULK_ANSWERS
  async killByIds(@Body() body: unknown) {
    return this.bulk.execute('kill', idsBody(body), this.killAction());
  }

  @Delete('kill/by-query')
  @ApiOperation({ summary: 'Kill the running executions matching filters (at least one filter is required)' })
  @ApiExecutionFilters()
  @BULK_ANSWERS
  async killByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    noBodyFilters(body);
    return this.bulk.execute('kill', (await this.matching(raw, 'kill')).ids, this.killAction());
  }

  @Post('restart/by-ids')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restart failed or killed executions named by id' })
  @IDS_BODY
  @BULK_ANSWERS
  async restartByIds(@Body() body: unknown) {
    return this.bulk.execute('restart', idsBody(body), new RestartExecution(this.commands));
  }

  @Post('restart/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restart the failed or killed executions matching filters (at least one filter is required)' })
  @ApiExecutionFilters()
  @BULK_ANSWERS
  async restartByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    noBodyFilters(body);
    return this.bulk.execute('restart', (await this.matching(raw, 'restart')).ids, new RestartExecution(this.commands));
  }

  @Post('replay/by-ids')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay ended executions named by id, each as a new execution from the start' })
  @IDS_BODY
  @LATEST_REVISION
  @BULK_ANSWERS
  async replayByIds(@Body() body: unknown, @Query('latestRevision') latestRevision: string | string[] | undefined) {
    return this.bulk.execute('replay', idsBody(body), this.replayAction(boolParam(latestRevision, 'latestRevision')));
  }

  @Post('replay/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay the ended executions matching filters, each as a new execution (at least one filter is required)' })
  @ApiExecutionFilters()
  @LATEST_REVISION
  @BULK_ANSWERS
  async replayByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    noBodyFilters(body);
    const { ids, params } = await this.matching(raw, 'replay', ['latestRevision']);
    return this.bulk.execute('replay', ids, this.replayAction(boolParam(params.latestRevision, 'latestRevision')));
  }

  @Post('resume/by-ids')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume paused executions named by id, without inputs' })
  @IDS_BODY
  @BULK_ANSWERS
  async resumeByIds(@Body() body: unknown) {
    return this.bulk.execute('resume', idsBody(body), this.resumeAction());
  }

  @Post('resume/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume the paused executions matching filters, without inputs (at least one filter is required)' })
  @ApiExecutionFilters()
  @BULK_ANSWERS
  async resumeByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    noBodyFilters(body);
    return this.bulk.execute('resume', (await this.matching(raw, 'resume')).ids, this.resumeAction());
  }

  @Post('labels/by-ids')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the labels of executions named by id (system labels are kept)' })
  @ApiBody({ type: SetLabelsByIdsModel })
  @BULK_ANSWERS
  async labelsByIds(@Body() body: unknown) {
    const { executionsId, executionLabels } = (isObject(body) ? body : {}) as { executionsId?: unknown; executionLabels?: unknown };
    const ids = idsBody(executionsId, 'executionsId');
    return this.bulk.execute('set labels', ids, this.labelsAction(executionLabels));
  }

  @Post('labels/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the labels of the executions matching filters (system labels are kept; at least one filter is required)' })
  @ApiExecutionFilters()
  @ApiBody({ type: [LabelModel] })
  @BULK_ANSWERS
  async labelsByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    checkLabels(body); // a malformed body is refused before the query runs
    return this.bulk.execute('set labels', (await this.matching(raw, 'set labels on')).ids, this.labelsAction(body));
  }

  @Post('unqueue/by-ids')
  @HttpCode(200)
  @ApiOperation({ summary: "Take queued executions named by id out of their flow's concurrency queue" })
  @IDS_BODY
  @ApiQuery({ name: 'state', required: false, enum: ['RUNNING', 'CANCELLED', 'FAILED'], description: 'The state to take them to (default RUNNING)' })
  @BULK_ANSWERS
  async unqueueByIds(@Body() body: unknown, @Query('state') state: string | string[] | undefined) {
    return this.bulk.execute('unqueue', idsBody(body), this.unqueueAction(unqueueState(oneParam(state, 'state'), 'state')));
  }

  @Post('unqueue/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: "Take the queued executions matching filters out of their flow's concurrency queue (at least one filter is required)" })
  @ApiExecutionFilters()
  @ApiQuery({ name: 'newState', required: false, enum: ['RUNNING', 'CANCELLED', 'FAILED'], description: 'The state to take them to (default RUNNING)' })
  @BULK_ANSWERS
  async unqueueByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    noBodyFilters(body);
    const { ids, params } = await this.matching(raw, 'unqueue', ['newState']);
    return this.bulk.execute('unqueue', ids, this.unqueueAction(unqueueState(oneParam(params.newState, 'newState'), 'newState')));
  }

  @Post('force-run/by-ids')
  @HttpCode(200)
  @ApiOperation({ summary: 'Force queued executions named by id to run past their concurrency limit, or paused ones to resume' })
  @IDS_BODY
  @BULK_ANSWERS
  async forceRunByIds(@Body() body: unknown) {
    return this.bulk.execute('force run', idsBody(body), new ForceRunExecution(this.commands));
  }

  @Post('force-run/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Force the queued or paused executions matching filters to run (at least one filter is required)' })
  @ApiExecutionFilters()
  @BULK_ANSWERS
  async forceRunByQuery(@Query() raw: RawQuery, @Body() body: unknown) {
    noBodyFilters(body);
    return this.bulk.execute('force run', (await this.matching(raw, 'force-run')).ids, new ForceRunExecution(this.commands));
  }

  @Post(['pause/by-ids', 'pause/by-query'])
  @ApiOperation({ summary: 'Pause running executions: not supported, answers 501' })
  @ApiQuery({ name: 'filters', required: false, style: 'deepObject', explode: true, schema: { type: 'object', additionalProperties: true }, description: 'Read by Kestra; Osprey refuses the request whole' })
  @NOT_SUPPORTED('pause a running execution from the API')
  pause(): never {
    throw new NotSupportedError('pausing a running execution from the API (a Pause task in the flow pauses it)');
  }

  @Post(['change-status/by-ids', 'change-status/by-query'])
  @ApiOperation({ summary: "Change ended executions' status: not supported, answers 501" })
  @ApiQuery({ name: 'newStatus', required: false, description: 'The new status' })
  @ApiQuery({ name: 'filters', required: false, style: 'deepObject', explode: true, schema: { type: 'object', additionalProperties: true }, description: 'Read by Kestra; Osprey refuses the request whole' })
  @NOT_SUPPORTED("change an ended execution's status")
  changeStatus(): never {
    throw new NotSupportedError("changing an ended execution's status (POST /executions/{executionId}/state changes one of its task runs)");
  }

  private killAction(): ExecutionAction {
    const kill = new KillExecution(this.commands);
    // Kestra's bulk kill never cascades to the executions Subflow tasks started.
    return { check: (e) => kill.check(e), apply: (e) => kill.apply(e, false) };
  }

  private deleteAction(options: { deleteLogs?: boolean; deleteStorage?: boolean }): ExecutionAction {
    const remove = new DeleteExecution(this.commands, this.files);
    return { check: (e) => remove.check(e), apply: (e) => remove.apply(e, options) };
  }

  private replayAction(latestRevision: boolean | undefined): ExecutionAction {
    const replay = new ReplayExecution(this.commands);
    return { check: (e) => replay.check(e), apply: (e) => replay.apply(e, { latestRevision }) };
  }

  private resumeAction(): ExecutionAction {
    const resume = new ResumeExecution(this.commands);
    return { check: (e) => resume.check(e), apply: (e) => resume.apply(e) };
  }

  private unqueueAction(state: UnqueueState): ExecutionAction {
    const unqueue = new UnqueueExecution(this.commands);
    return { check: (e) => unqueue.check(e), apply: (e) => unqueue.apply(e, state) };
  }

  private labelsAction(labels: unknown): ExecutionAction {
    checkLabels(labels);
    const set = new SetExecutionLabels(this.commands);
    return { check: () => undefined, apply: (e) => set.apply(e, labels) };
  }

  /**
   * The ids of every execution matching the query's filters (all pages). A bulk action needs at least one filter:
   * an empty query would select every execution, which no one means by "kill these".
   */
  private async matching(raw: RawQuery, action: string, extra: readonly string[] = []) {
    const { query, params } = readExecutionQuery(raw, extra);
    if (!isFiltered(query)) {
      throw new InvalidArgumentError('filters', `give filters[field][OPERATION]=value (or namespace, flowId, state, labels, ...): to ${action} every execution takes an explicit filter`);
    }
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const found = await this.repository.executions.search({ ...query, page, size: PAGE });
      ids.push(...found.results.map((e) => e.id));
      if (found.results.length < PAGE || ids.length >= found.total) return { ids, params };
    }
  }
}

/** A JSON list of execution ids; anything else is a 400 naming the field. */
function idsBody(body: unknown, field = 'body'): string[] {
  if (!Array.isArray(body) || body.some((id) => typeof id !== 'string' || id === '')) {
    throw new InvalidArgumentError(field, `${field} must be a JSON list of execution ids`);
  }
  return body as string[];
}

/**
 * Some Kestra clients send a by-query's filters as a JSON body (`{"filters": [...]}`): an empty one is the same as
 * none, any other is refused by name rather than ignored, since the filters are read from the query string.
 */
function noBodyFilters(body: unknown): void {
  if (body === undefined || body === null) return;
  if (isObject(body)) {
    const { filters, ...rest } = body;
    if (Object.keys(rest).length === 0 && (filters === undefined || filters === null || (Array.isArray(filters) && filters.length === 0))) return;
  }
  throw new InvalidArgumentError('body', 'a by-query action takes no body: send its filters as query parameters, filters[field][OPERATION]=value');
}

/** The single delete's options, with the values it cannot honour refused by name. */
function readDeleteOptions(params: Record<string, unknown>): { deleteLogs?: boolean; deleteStorage?: boolean } {
  const param = (name: string) => boolParam(params[name] as string | string[] | undefined, name);
  if (param('deleteMetrics') === false) {
    throw new InvalidArgumentError('deleteMetrics', "deleteMetrics=false is not supported: a task run's metrics are stored in the execution and deleted with it");
  }
  if (param('includeNonTerminated') === true) {
    throw new InvalidArgumentError('includeNonTerminated', 'includeNonTerminated=true is not supported: kill running executions first (DELETE /executions/kill/by-ids), then delete them');
  }
  return { deleteLogs: param('deleteLogs'), deleteStorage: param('deleteStorage') };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
