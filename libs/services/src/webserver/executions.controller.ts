import { unlink } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  applyDecorators,
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UnprocessableEntityException,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { conditionHolds, flag, flowGraph, isTerminated, renderValue, triggerLabels, type Condition, type Execution, type RenderOptions, type Trigger } from '@osprey/flow-model';
import { NotFoundError, REPOSITORY, type Repository } from '@osprey/repository';
import { StorageNotFoundError } from '@osprey/storage';
import { ChangeTaskRunState } from '../executions/change-task-run-state.js';
import { DeleteExecution } from '../executions/delete-execution.js';
import { inNamespaceExactly, latestEndedExecution } from '../executions/flow-executions.js';
import { ExecutionCommands } from '../executions/execution-commands.js';
import { ExecutionFiles } from '../executions/execution-files.js';
import { ForceRunExecution } from '../executions/force-run-execution.js';
import { KillExecution } from '../executions/kill-execution.js';
import { ReplayExecution } from '../executions/replay-execution.js';
import { RestartExecution } from '../executions/restart-execution.js';
import { ResumeExecution } from '../executions/resume-execution.js';
import { SetExecutionLabels } from '../executions/set-execution-labels.js';
import { StartExecutionWithFiles, type UploadedInputFile } from '../executions/start-execution-with-files.js';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { UnqueueExecution, unqueueState } from '../executions/unqueue-execution.js';
import { ValidateExecutionInputs } from '../executions/validate-execution-inputs.js';
import { waitForExecutionEnd, whileClientConnected } from '../executions/wait-for-end.js';
import { RENDER_OPTIONS } from '../nest/tokens.js';
import { ApiErrors, ApiFileResponse, ApiPaging } from './api-docs.js';
import { subflowsToExpand, SUBFLOWS_QUERY } from './graph-params.js';
import { ErrorResponse, ExecutionModel, FlowGraphModel } from './api-models.js';
import { NotSupportedError } from '../not-supported-error.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { executionJson } from './execution-json.js';
import { flowsField } from './stats-request.js';
import { flowForExecution } from './flow-for-execution.js';
import type { RawQuery } from './filter-params.js';
import { ApiExecutionFilters, readExecutionQuery } from './execution-query.js';
import { boolParam, intParam, labelsParam, oneParam, pageParams } from './query-params.js';
import { ServerSentEvents, sleep, type SseResponse } from './server-sent-events.js';
import { UploadInterceptor, type UploadedFile } from './upload.interceptor.js';
import { FreeQuery, UnsupportedQuery } from './query-declarations.js';

type Q = string | string[] | undefined;

interface HttpRequest {
  method: string;
  /** Express's response of this request: its `close` tells that the client went away. */
  res?: { on(event: 'close', listener: () => void): unknown };
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  body?: unknown;
  files?: UploadedFile[];
}

interface StatusResponse {
  status(code: number): unknown;
}

interface FileResponse extends SseResponse {
  setHeader(name: string, value: string | number): unknown;
  status(code: number): FileResponse;
}

const BAD_REQUEST = ApiResponse({ status: 400, description: 'A parameter or body field is malformed; the body names it' });
const NOT_FOUND = ApiResponse({ status: 404, description: 'Unknown execution, flow or task run' });
const WEBHOOK_DOCS = applyDecorators(
  ApiOperation({ summary: 'Start an execution from a Webhook trigger (GET, POST or PUT)' }),
  ApiParam({ name: 'namespace' }),
  ApiParam({ name: 'id', description: 'The flow id' }),
  ApiParam({ name: 'key', description: 'The webhook key' }),
  ApiResponse({ status: 200, description: 'The created execution; with wait, the ended execution or (returnOutputs) the flow outputs' }),
  ApiResponse({ status: 204, description: "The trigger's conditions do not hold: no execution" }),
  ApiResponse({ status: 404, description: 'No flow or no enabled webhook with this key' }),
  ApiResponse({ status: 500, description: 'With wait: the execution failed' }),
  ApiResponse({ status: 409, description: 'The flow is disabled' }),
  ApiResponse({ status: 422, description: "The trigger's inputs do not fit the flow's declarations; the body names them" }),
);
const KILL_CASCADE = ApiQuery({ name: 'isOnKillCascade', required: false, type: Boolean, description: 'Kill the executions its Subflow tasks started too (default true)' });
const POLL_MS = 50;
/** How long a follow waits for an execution that was just triggered to be written by the executor. */
const APPEAR_MS = 5_000;

/** Kestra's execution endpoints (`/api/v1/executions`, no tenant segment), the webhook trigger among them. */
@ApiTags('Executions')
@Controller('api/v1')
export class ExecutionsController {
  constructor(
    @Inject(REPOSITORY) private readonly repository: Repository,
    @Inject(TriggerExecution) private readonly triggerExecution: TriggerExecution,
    @Inject(RENDER_OPTIONS) private readonly render: RenderOptions,
    @Inject(ExecutionCommands) private readonly commands: ExecutionCommands,
    @Inject(ExecutionFiles) private readonly files: ExecutionFiles,
    @Inject(StartExecutionWithFiles) private readonly startWithFiles: StartExecutionWithFiles,
    @Inject(ValidateExecutionInputs) private readonly validate: ValidateExecutionInputs,
  ) {}

  @Get('executions/search')
  @ApiOperation({ summary: 'Search for executions' })
  @ApiExecutionFilters()
  @UnsupportedQuery({ dateFilter: 'dates always apply to the start date' })
  @ApiPaging(10_000, 25, 'id, namespace, flowId, state.current, state.startDate, state.endDate')
  @ApiResponse({ status: 200, description: '{results, total}' })
  @BAD_REQUEST
  async search(@Query() raw: RawQuery) {
    const { query, params } = readExecutionQuery(raw, ['page', 'size', 'sort']);
    const found = await this.repository.executions.search({ ...query, ...pageParams(params.page, params.size, params.sort) });
    return { ...found, results: found.results.map(executionJson) };
  }

  @Get('executions')
  @ApiOperation({ summary: "Search for a flow's executions", description: 'The executions of the flow with exactly this namespace and id (child namespaces excluded), latest started first.' })
  @ApiQuery({ name: 'namespace', required: true, type: String })
  @ApiQuery({ name: 'flowId', required: true, type: String })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 }, description: 'Page number, from 1 (default 1)' })
  @ApiQuery({ name: 'size', required: false, schema: { type: 'integer', minimum: 1, maximum: 10_000 }, description: 'Page size (default 10)' })
  @ApiResponse({ status: 200, description: '{results, total}' })
  @BAD_REQUEST
  async searchByFlow(@Query('namespace') namespace: Q, @Query('flowId') flowId: Q, @Query('page') page: Q, @Query('size') size: Q) {
    const ns = requiredParam(namespace, 'namespace');
    const id = requiredParam(flowId, 'flowId');
    const found = await this.repository.executions.search({ flowId: id, filters: [inNamespaceExactly(ns)], sort: 'state.startDate:desc', size: 10, ...pageParams(page, size, undefined, 10_000, 10) });
    return { ...found, results: found.results.map(executionJson) };
  }

  @Post('executions/latest')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The latest ended execution of each flow named',
    description: 'Among the ended executions of each flow (its namespace exactly), the one that ended last; flows without one are left out. The answer keeps the order of the body.',
  })
  @ApiBody({ schema: { type: 'array', items: { type: 'object', required: ['namespace', 'id'], properties: { namespace: { type: 'string' }, id: { type: 'string', description: 'The flow id' } } } } })
  @ApiResponse({
    status: 200,
    description: 'One entry per flow with an ended execution',
    schema: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, namespace: { type: 'string' }, flowId: { type: 'string' }, startDate: { type: 'string', format: 'date-time' }, status: { type: 'string' } } },
    },
  })
  @BAD_REQUEST
  async latestByFlow(@Body() body: unknown) {
    if (!Array.isArray(body)) throw new InvalidArgumentError('body', 'must be a list of {"namespace": string, "id": string}');
    const latest = [];
    for (const flow of flowsField({ body }, 'body') ?? []) {
      const execution = await latestEndedExecution(this.repository.executions, flow);
      if (execution) latest.push({ id: execution.id, namespace: execution.namespace, flowId: execution.flowId, startDate: execution.state.startDate, status: execution.state.current });
    }
    return latest;
  }

  @Get('executions/namespaces')
  @ApiOperation({ summary: 'The namespaces that hold a flow that can be executed (not deleted), sorted' })
  @ApiOkResponse({ type: [String] })
  async executableNamespaces(): Promise<string[]> {
    const flows = await this.repository.flows.list();
    return [...new Set(flows.filter((f) => !f.deleted).map((f) => f.namespace))].sort();
  }

  @Get('executions/namespaces/:namespace/flows')
  @ApiOperation({ summary: "The flows of a namespace that can be executed (not deleted), each as a FlowForExecution of its latest revision", description: 'Child namespaces are not included; an unknown namespace answers an empty list.' })
  @ApiParam({ name: 'namespace' })
  @ApiResponse({ status: 200, description: 'A list of FlowForExecution: id, namespace, revision, inputs, tasks (id, type, tasks, inputs, subflowId), triggers (id, type), disabled, deleted' })
  async executableFlows(@Param('namespace') namespace: string) {
    const flows = await this.repository.flows.list(namespace);
    return flows.filter((f) => f.namespace === namespace && !f.deleted).map(flowForExecution);
  }

  @Get('executions/flows/:namespace/:flowId')
  @ApiOperation({ summary: 'A flow as a FlowForExecution: its latest revision, or the one asked for (deleted flows too, as executions ran them)' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'flowId' })
  @ApiQuery({ name: 'revision', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiResponse({ status: 200, description: 'The FlowForExecution' })
  @BAD_REQUEST
  @NOT_FOUND
  async flowRevisionForExecution(@Param('namespace') namespace: string, @Param('flowId') flowId: string, @Query('revision') revision: Q) {
    const wanted = intParam(revision, 'revision', 1);
    const stored = await this.repository.flows.get(namespace, flowId, wanted);
    if (!stored) throw new NotFoundError('flow', `${namespace}.${flowId}${wanted === undefined ? '' : ` revision ${wanted}`}`);
    return flowForExecution(stored);
  }

  /**
   * Kestra's webhook trigger: a GET, POST or PUT with the trigger's key starts the flow with body, headers and
   * parameters, if the trigger's conditions hold (204 otherwise). With `wait: true` the answer waits for the execution's
   * end: the execution, or with `returnOutputs: true` the flow's outputs, with 500 when it failed.
   * One handler per method (not `@All`), so that other methods are not routed and the document lists only these three.
   */
  @Get('executions/webhook/:namespace/:id/:key')
  @FreeQuery()
  @WEBHOOK_DOCS
  async webhookGet(@Param('namespace') namespace: string, @Param('id') id: string, @Param('key') key: string, @Req() request: HttpRequest, @Res({ passthrough: true }) response: StatusResponse) {
    return this.webhook(namespace, id, key, request, response);
  }

  @Post('executions/webhook/:namespace/:id/:key')
  @FreeQuery()
  @HttpCode(200)
  @WEBHOOK_DOCS
  async webhookPost(@Param('namespace') namespace: string, @Param('id') id: string, @Param('key') key: string, @Req() request: HttpRequest, @Res({ passthrough: true }) response: StatusResponse) {
    return this.webhook(namespace, id, key, request, response);
  }

  @Put('executions/webhook/:namespace/:id/:key')
  @FreeQuery()
  @WEBHOOK_DOCS
  async webhookPut(@Param('namespace') namespace: string, @Param('id') id: string, @Param('key') key: string, @Req() request: HttpRequest, @Res({ passthrough: true }) response: StatusResponse) {
    return this.webhook(namespace, id, key, request, response);
  }

  private async webhook(namespace: string, id: string, key: string, request: HttpRequest, response: StatusResponse) {
    const stored = await this.repository.flows.get(namespace, id);
    if (!stored || stored.deleted) throw new NotFoundError('flow', `${namespace}.${id}`);
    const trigger = stored.flow.triggers.find((t) => WEBHOOK_TYPES.has(t.type) && !flag(t.disabled, false) && String(t.key) === key);
    // A trigger disabled through the triggers API stays disabled here too.
    const state = trigger ? await this.repository.triggers.get(namespace, id, trigger.id) : null;
    if (!trigger || state?.disabled) throw new NotFoundException({ message: `flow ${namespace}.${id} has no enabled webhook trigger with this key` });
    const body = request.body === undefined || (typeof request.body === 'object' && request.body !== null && Object.keys(request.body).length === 0 && request.method === 'GET') ? null : request.body;
    const variables = { body, headers: request.headers, parameters: request.query };
    const context = { trigger: variables, flow: { id, namespace } };
    if (!webhookConditionsHold(trigger, context, this.render)) {
      response.status(204);
      return undefined;
    }
    // The trigger's inputs are expressions over the request, e.g. `{{ trigger.body.name }}`.
    const inputs = renderValue((trigger.inputs ?? {}) as Record<string, unknown>, context, this.render);
    const execution = await this.triggerExecution.execute({
      namespace,
      flowId: id,
      inputs,
      labels: triggerLabels(trigger, context, this.render),
      trigger: { id: trigger.id, type: trigger.type, variables },
    });
    if (!flag(trigger.wait, false)) return executionJson(execution);
    const ended = await waitForExecutionEnd(execution.id, (executionId) => this.repository.executions.get(executionId), whileClientConnected(request.res));
    // The client went away: nobody reads an answer.
    if (!ended) return undefined;
    response.status(ended.state.current === 'FAILED' ? 500 : 200);
    return flag(trigger.returnOutputs, false) ? (ended.outputs ?? {}) : executionJson(ended);
  }

  // The routes below come before `executions/:namespace/:id` so that `/{executionId}/restart` is never read as a flow.
  // Each action is served at its older path and at Kestra's current one (`/executions/{id}/actions/...`).

  @Post(['executions/:executionId/restart', 'executions/:executionId/actions/restart'])
  @ApiOperation({ summary: 'Restart a failed or killed execution: its failed task runs run again' })
  @ApiParam({ name: 'executionId' })
  @ApiResponse({ status: 200, description: 'The execution, restarted', type: ExecutionModel })
  @ApiResponse({ status: 409, description: 'The execution is not failed or killed' })
  @NOT_FOUND
  @HttpCode(200)
  async restart(@Param('executionId') executionId: string) {
    const before = await new RestartExecution(this.commands).execute(executionId);
    return this.changed(before);
  }

  @Post(['executions/:executionId/replay', 'executions/:executionId/actions/replay'])
  @ApiOperation({ summary: 'Replay an ended execution as a new one, from a task run or from the start' })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'taskRunId', required: false, description: 'Keep what ended before this task run; run it and everything after again' })
  @ApiQuery({ name: 'revision', required: false, schema: { type: 'integer', minimum: 1 }, description: 'Replay on this flow revision' })
  @ApiResponse({ status: 200, description: 'The new execution', type: ExecutionModel })
  @ApiResponse({ status: 409, description: 'The execution has not ended' })
  @BAD_REQUEST
  @NOT_FOUND
  @HttpCode(200)
  async replay(@Param('executionId') executionId: string, @Query('taskRunId') taskRunId: Q, @Query('revision') revision: Q) {
    return executionJson(await new ReplayExecution(this.commands).execute({ executionId, taskRunId: oneParam(taskRunId, 'taskRunId'), revision: intParam(revision, 'revision', 1) }));
  }

  // The older path answers 204 (Kestra before `/actions/`); the current one answers the execution, as Kestra's does.

  @Post('executions/:executionId/resume')
  @UseInterceptors(UploadInterceptor)
  @ApiOperation({ summary: 'Resume a paused execution, with the inputs its Pause task declares (multipart or JSON)' })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiParam({ name: 'executionId' })
  @ApiResponse({ status: 204, description: 'Resumed' })
  @ApiResponse({ status: 409, description: 'The execution is not paused' })
  @ApiResponse({ status: 422, description: 'An input does not fit its declaration; the body names it' })
  @NOT_FOUND
  @HttpCode(204)
  async resume(@Param('executionId') executionId: string, @Req() request: HttpRequest): Promise<void> {
    await this.resumed(executionId, request);
  }

  @Post('executions/:executionId/actions/resume')
  @UseInterceptors(UploadInterceptor)
  @ApiOperation({ summary: 'Resume a paused execution (the path of current Kestra clients): answers the execution, resumed' })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiParam({ name: 'executionId' })
  @ApiResponse({ status: 200, description: 'The execution once the executor resumed it', type: ExecutionModel })
  @ApiResponse({ status: 409, description: 'The execution is not paused' })
  @ApiResponse({ status: 422, description: 'An input does not fit its declaration; the body names it' })
  @NOT_FOUND
  @HttpCode(200)
  async resumeAction(@Param('executionId') executionId: string, @Req() request: HttpRequest) {
    return this.changed(await this.resumed(executionId, request));
  }

  @Post(['executions/:executionId/state', 'executions/:executionId/actions/state'])
  @ApiOperation({ summary: 'Change the state of a task run of an ended or paused execution' })
  @ApiParam({ name: 'executionId' })
  @ApiBody({ schema: { type: 'object', required: ['taskRunId', 'state'], properties: { taskRunId: { type: 'string' }, state: { type: 'string', enum: ['SUCCESS', 'WARNING', 'FAILED'] } } } })
  @ApiResponse({ status: 200, description: 'The execution', type: ExecutionModel })
  @ApiResponse({ status: 409, description: 'The execution is running' })
  @BAD_REQUEST
  @NOT_FOUND
  @HttpCode(200)
  async changeTaskRunState(@Param('executionId') executionId: string, @Body() body: unknown) {
    const { taskRunId, state } = (isObject(body) ? body : {}) as { taskRunId?: unknown; state?: unknown };
    if (typeof taskRunId !== 'string' || taskRunId === '') throw new BadRequestException({ message: 'taskRunId is required', field: 'taskRunId' });
    if (typeof state !== 'string') throw new BadRequestException({ message: 'state is required', field: 'state' });
    const before = await new ChangeTaskRunState(this.commands).execute(executionId, taskRunId, state);
    return this.changed(before);
  }

  @Post(['executions/:executionId/labels', 'executions/:executionId/actions/labels'])
  @ApiOperation({ summary: "Set an execution's labels (system labels are kept)" })
  @ApiParam({ name: 'executionId' })
  @ApiBody({ schema: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, value: { type: 'string' } } } } })
  @ApiResponse({ status: 200, description: 'The execution with its new labels', type: ExecutionModel })
  @BAD_REQUEST
  @NOT_FOUND
  @HttpCode(200)
  async setLabels(@Param('executionId') executionId: string, @Body() body: unknown) {
    const before = await new SetExecutionLabels(this.commands).execute(executionId, body);
    return this.changed(before);
  }

  @Post(['executions/:executionId/unqueue', 'executions/:executionId/actions/unqueue'])
  @ApiOperation({ summary: "Take a queued execution out of its flow's concurrency queue: started past the limit, cancelled or failed" })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'state', required: false, enum: ['RUNNING', 'CANCELLED', 'FAILED'], description: 'The state to take it to (default RUNNING)' })
  @ApiResponse({ status: 200, description: 'The execution once the executor applied it', type: ExecutionModel })
  @ApiResponse({ status: 409, description: 'The execution is not QUEUED' })
  @BAD_REQUEST
  @NOT_FOUND
  @HttpCode(200)
  async unqueue(@Param('executionId') executionId: string, @Query('state') state: Q) {
    return this.changed(await new UnqueueExecution(this.commands).execute(executionId, unqueueState(oneParam(state, 'state'), 'state')));
  }

  @Post(['executions/:executionId/force-run', 'executions/:executionId/actions/force-run'])
  @ApiOperation({ summary: 'Force a queued execution to run past its concurrency limit, or a paused one to resume' })
  @ApiParam({ name: 'executionId' })
  @ApiResponse({ status: 200, description: 'The execution once the executor applied it', type: ExecutionModel })
  @ApiResponse({ status: 409, description: 'The execution is neither QUEUED nor PAUSED' })
  @ApiResponse({ status: 422, description: "The paused execution's Pause task requires resume inputs; the body names them" })
  @NOT_FOUND
  @HttpCode(200)
  async forceRun(@Param('executionId') executionId: string) {
    return this.changed(await new ForceRunExecution(this.commands).execute(executionId));
  }

  // Kestra's newer clients call `actions/kill`, which answers the execution (the older path answers nothing).

  @Delete('executions/:executionId/actions/kill')
  @ApiOperation({ summary: 'Kill a running execution (the path of current Kestra clients): answers the execution' })
  @ApiParam({ name: 'executionId' })
  @ApiResponse({ status: 202, description: 'The kill was accepted: the execution as it was', type: ExecutionModel })
  @ApiResponse({ status: 409, description: 'The execution already ended' })
  @NOT_FOUND
  @KILL_CASCADE
  @HttpCode(202)
  async killAction(@Param('executionId') executionId: string, @Query('isOnKillCascade') cascade: Q) {
    await this.kill(executionId, cascade);
    return executionJson(await this.commands.load(executionId));
  }

  // Before `executions/:namespace/:id`, which would read them as starting flow `{executionId}.pause`.

  @Post(['executions/:executionId/pause', 'executions/:executionId/actions/pause'])
  @ApiOperation({ summary: 'Pause a running execution: not supported, answers 501' })
  @ApiParam({ name: 'executionId' })
  @ApiResponse({ status: 501, description: 'Osprey does not pause a running execution from the API', type: ErrorResponse })
  pause(): never {
    throw new NotSupportedError('pausing a running execution from the API (a Pause task in the flow pauses it)');
  }

  @Post(['executions/:executionId/change-status', 'executions/:executionId/actions/change-status'])
  @ApiOperation({ summary: "Change an ended execution's status: not supported, answers 501" })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'status', required: false, description: 'The new status' })
  @ApiResponse({ status: 501, description: "Osprey does not change an ended execution's status", type: ErrorResponse })
  changeStatus(): never {
    throw new NotSupportedError("changing an ended execution's status (POST /executions/{executionId}/state changes one of its task runs)");
  }

  @Post('executions/:namespace/:id/validate')
  @UseInterceptors(UploadInterceptor)
  @ApiOperation({
    summary: "Check a new execution's inputs without starting it: each declared input with its value and errors",
    description: 'The inputs are read and converted as starting the flow would; an uploaded file counts as given (its name is the value) and is not kept. Nothing is created.',
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'id', description: 'The flow id' })
  @ApiQuery({ name: 'labels', required: false, isArray: true, description: 'Labels as key:value' })
  @ApiQuery({ name: 'revision', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiResponse({ status: 200, description: '{id, namespace, inputs: [{input, value, enabled, errors: [{message}]}]}, one entry per declared input' })
  @ApiResponse({ status: 409, description: 'The flow is disabled' })
  @ApiResponse({ status: 413, description: 'A file is larger than maxUploadBytes' })
  @BAD_REQUEST
  @NOT_FOUND
  @HttpCode(200)
  async validateInputs(@Param('namespace') namespace: string, @Param('id') id: string, @Req() request: HttpRequest, @Query('labels') labels: Q, @Query('revision') revision: Q) {
    try {
      const inputs = formInputs(request);
      for (const file of request.files ?? []) inputs[file.fieldname] = file.originalname;
      return await this.validate.execute({ namespace, flowId: id, inputs, labels: labelsParam(labels), revision: intParam(revision, 'revision', 1) });
    } finally {
      await removeUploads(request.files);
    }
  }

  @Post('executions/:namespace/:id')
  @UseInterceptors(UploadInterceptor)
  @ApiOperation({ summary: 'Start an execution of a flow, with inputs and files as multipart/form-data (or JSON inputs)' })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'id', description: 'The flow id' })
  @ApiQuery({ name: 'labels', required: false, isArray: true, description: 'Labels as key:value' })
  @ApiQuery({ name: 'wait', required: false, type: Boolean, description: 'true: answer once the execution ended (or paused)' })
  @ApiQuery({ name: 'revision', required: false, schema: { type: 'integer', minimum: 1 } })
  @UnsupportedQuery({
    scheduleDate: 'executions start at once; schedule them with a Schedule trigger',
    breakpoints: 'Osprey has no breakpoints',
    kind: 'Osprey runs only normal executions (no test or playground kinds)',
  })
  @ApiResponse({ status: 200, description: 'The created execution (ended, with wait=true)', type: ExecutionModel })
  @ApiResponse({ status: 409, description: 'The flow is disabled' })
  @ApiResponse({ status: 413, description: 'A file is larger than maxUploadBytes' })
  @ApiResponse({ status: 422, description: 'An input does not fit its declaration; the body names it' })
  @BAD_REQUEST
  @NOT_FOUND
  @HttpCode(200)
  async trigger(
    @Param('namespace') namespace: string,
    @Param('id') id: string,
    @Req() request: HttpRequest,
    @Query('wait') wait: Q,
    @Query('labels') labels: Q,
    @Query('revision') revision: Q,
  ) {
    let execution: Execution;
    try {
      const uploads: UploadedInputFile[] = (request.files ?? []).map((f) => ({ inputId: f.fieldname, fileName: f.originalname, path: f.path }));
      execution = await this.startWithFiles.execute(
        { namespace, flowId: id, inputs: formInputs(request), labels: labelsParam(labels), revision: intParam(revision, 'revision', 1) },
        uploads,
      );
    } finally {
      await removeUploads(request.files);
    }
    if (boolParam(wait, 'wait')) {
      const ended = await waitForExecutionEnd(execution.id, (executionId) => this.repository.executions.get(executionId), whileClientConnected(request.res));
      return ended ? executionJson(ended) : undefined;
    }
    return executionJson(execution);
  }

  @Get('executions/:executionId')
  @ApiOperation({ summary: 'Get an execution with its task runs' })
  @ApiParam({ name: 'executionId' })
  @ApiResponse({ status: 200, description: 'The execution', type: ExecutionModel })
  @NOT_FOUND
  async getExecution(@Param('executionId') executionId: string) {
    return executionJson(await this.commands.load(executionId));
  }

  @Get('executions/:executionId/flow')
  @ApiOperation({ summary: 'The flow revision the execution ran, as a FlowForExecution' })
  @ApiParam({ name: 'executionId' })
  @ApiResponse({ status: 200, description: 'The FlowForExecution of the revision the execution ran' })
  @NOT_FOUND
  async executionFlow(@Param('executionId') executionId: string) {
    const execution = await this.commands.load(executionId);
    const stored = await this.repository.flows.get(execution.namespace, execution.flowId, execution.flowRevision);
    if (!stored) throw new NotFoundError('flow', `${execution.namespace}.${execution.flowId} revision ${execution.flowRevision}`);
    return flowForExecution(stored);
  }

  @Get('executions/:executionId/graph')
  @ApiOperation({
    summary: 'Generate the graph of an execution',
    description: 'The FlowGraph of the flow revision it ran, with one node per task run (a loop\'s children once per value, uids suffixed with the values), each carrying its run.',
  })
  @ApiParam({ name: 'executionId' })
  @ApiQuery(SUBFLOWS_QUERY)
  @ApiOkResponse({ type: FlowGraphModel })
  @ApiErrors(400, 404)
  async executionGraph(@Param('executionId') executionId: string, @Query('subflows') subflows?: string | string[]) {
    const execution = await this.commands.load(executionId);
    const flow = await this.commands.flowOf(execution);
    return flowGraph(flow, execution.taskRunList, await subflowsToExpand(subflows, flow, this.repository.flows, execution.taskRunList));
  }

  @Delete('executions/:executionId')
  @ApiOperation({ summary: 'Delete an ended execution, with its logs and storage files unless told otherwise' })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'deleteLogs', required: false, type: Boolean, description: 'default true' })
  @ApiQuery({ name: 'deleteStorage', required: false, type: Boolean, description: 'default true' })
  @ApiQuery({ name: 'deleteMetrics', required: false, type: Boolean, description: "Only true (the default): a task run's metrics are part of the execution and go with it; false is a 400." })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 409, description: 'The execution is still running' })
  @BAD_REQUEST
  @NOT_FOUND
  @HttpCode(204)
  async delete(@Param('executionId') executionId: string, @Query('deleteLogs') deleteLogs: Q, @Query('deleteStorage') deleteStorage: Q, @Query('deleteMetrics') deleteMetrics: Q) {
    if (boolParam(deleteMetrics, 'deleteMetrics') === false) {
      throw new InvalidArgumentError('deleteMetrics', "deleteMetrics=false is not supported: a task run's metrics are stored in the execution and deleted with it");
    }
    await new DeleteExecution(this.commands, this.files).execute(executionId, {
      deleteLogs: boolParam(deleteLogs, 'deleteLogs'),
      deleteStorage: boolParam(deleteStorage, 'deleteStorage'),
    });
  }

  @Delete('executions/:executionId/kill')
  @ApiOperation({ summary: 'Kill a running execution: its running tasks are stopped' })
  @ApiParam({ name: 'executionId' })
  @ApiResponse({ status: 202, description: 'The kill was accepted' })
  @ApiResponse({ status: 409, description: 'The execution already ended' })
  @NOT_FOUND
  @KILL_CASCADE
  @HttpCode(202)
  async kill(@Param('executionId') executionId: string, @Query('isOnKillCascade') cascade: Q) {
    await new KillExecution(this.commands).execute(executionId, boolParam(cascade, 'isOnKillCascade') ?? true);
  }

  @Get('executions/:executionId/follow')
  @ApiOperation({ summary: 'Follow an execution as Server-Sent Events: one event per change, then the stream closes once it ended' })
  @ApiParam({ name: 'executionId' })
  @ApiFileResponse('text/event-stream', 'Events `id: start`, then `id: progress` with the execution, the last with `id: end`')
  @NOT_FOUND
  async follow(@Param('executionId') executionId: string, @Res() response: SseResponse) {
    let execution = await this.appeared(executionId);
    if (!execution) throw new NotFoundError('execution', executionId);
    const stream = new ServerSentEvents(response);
    stream.send('start', { id: executionId });
    let version = -1;
    while (!stream.isClosed) {
      if (execution && execution.version !== version) {
        version = execution.version;
        const ended = isTerminated(execution.state.current);
        stream.send(ended ? 'end' : 'progress', executionJson(execution));
        if (ended) break;
      }
      await sleep(POLL_MS);
      execution = await this.repository.executions.get(executionId);
      if (!execution) break; // deleted meanwhile
    }
    stream.close();
  }

  @Get('executions/:executionId/file')
  @ApiOperation({ summary: "Download a file of the execution's internal storage" })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'path', required: true, description: "kestra:/// URI under the execution's prefix" })
  @UnsupportedQuery({ format: 'files are downloaded as stored' })
  @ApiFileResponse('application/octet-stream', 'The file')
  @ApiResponse({ status: 400, description: "The path is malformed or outside the execution's prefix" })
  @NOT_FOUND
  async file(@Param('executionId') executionId: string, @Query('path') path: Q, @Res() response: FileResponse) {
    const { execution, uri } = await this.fileOf(executionId, path);
    const info = await this.files.stat(execution, uri);
    if (!info) throw new StorageNotFoundError(uri);
    const content = await this.files.read(execution, uri);
    const name = uri.slice(uri.lastIndexOf('/') + 1);
    response.setHeader('Content-Type', 'application/octet-stream');
    response.setHeader('Content-Length', info.size);
    response.setHeader('Content-Disposition', `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`);
    content.on('error', () => response.end());
    content.pipe(response as unknown as NodeJS.WritableStream);
  }

  @Get('executions/:executionId/file/metas')
  @ApiOperation({ summary: "Size of a file of the execution's internal storage" })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'path', required: true })
  @ApiResponse({ status: 200, description: 'The size of the file', schema: { type: 'object', required: ['size'], properties: { size: { type: 'integer' } } } })
  @BAD_REQUEST
  @NOT_FOUND
  async fileMetas(@Param('executionId') executionId: string, @Query('path') path: Q) {
    const { execution, uri } = await this.fileOf(executionId, path);
    const info = await this.files.stat(execution, uri);
    if (!info) throw new StorageNotFoundError(uri);
    return { size: info.size };
  }

  @Get('executions/:executionId/file/preview')
  @ApiOperation({ summary: "Preview the first lines of a text file of the execution's internal storage" })
  @ApiParam({ name: 'executionId' })
  @ApiQuery({ name: 'path', required: true })
  @ApiQuery({ name: 'maxRows', required: false, schema: { type: 'integer', minimum: 1 }, description: 'default 100' })
  @UnsupportedQuery({ encoding: 'files are previewed as UTF-8' })
  @ApiResponse({ status: 200, description: 'The first lines of the file', schema: { type: 'object', required: ['extension', 'type', 'content'], properties: { extension: { type: 'string' }, type: { type: 'string', enum: ['TEXT'] }, content: { type: 'string' } } } })
  @BAD_REQUEST
  @NOT_FOUND
  async preview(@Param('executionId') executionId: string, @Query('path') path: Q, @Query('maxRows') maxRows: Q) {
    const { execution, uri } = await this.fileOf(executionId, path);
    const rows = intParam(maxRows, 'maxRows', 1) ?? 100;
    if (!(await this.files.stat(execution, uri))) throw new StorageNotFoundError(uri);
    const content = await readLines(await this.files.read(execution, uri), rows, 1024 * 1024);
    return { extension: extname(uri).replace(/^\./, ''), type: 'TEXT', content };
  }

  private async resumed(executionId: string, request: HttpRequest): Promise<Execution> {
    try {
      return await new ResumeExecution(this.commands).execute(executionId, formInputs(request));
    } finally {
      await removeUploads(request.files);
    }
  }

  private async fileOf(executionId: string, path: Q): Promise<{ execution: Execution; uri: string }> {
    const uri = oneParam(path, 'path');
    if (!uri) throw new BadRequestException({ message: 'path is required', field: 'path' });
    const execution = await this.commands.load(executionId);
    return { execution, uri: this.files.confine(execution, uri) };
  }

  /** The execution once the executor applied the event just sent (or as it is after a short while). */
  private async changed(before: Execution): Promise<Execution> {
    const deadline = Date.now() + 2_000;
    for (;;) {
      const now = await this.repository.executions.get(before.id);
      if (!now || now.version !== before.version || Date.now() > deadline) return executionJson(now ?? before);
      await sleep(POLL_MS / 2);
    }
  }

  /** An execution just triggered is written by the executor a moment later. */
  private async appeared(executionId: string): Promise<Execution | null> {
    const deadline = Date.now() + APPEAR_MS;
    for (;;) {
      const execution = await this.repository.executions.get(executionId);
      if (execution || Date.now() > deadline) return execution;
      await sleep(POLL_MS);
    }
  }

}

const WEBHOOK_TYPES = new Set(['io.kestra.plugin.core.trigger.Webhook', 'io.kestra.core.models.triggers.types.Webhook']);

/** A webhook's conditions read the request (`trigger.body`, ...); one that cannot be evaluated is a 422 naming it. */
function webhookConditionsHold(trigger: Trigger, variables: Record<string, unknown>, render: RenderOptions): boolean {
  try {
    return ((trigger.conditions ?? []) as Condition[]).every((condition) => conditionHolds(condition, { variables, render }));
  } catch (error) {
    throw new UnprocessableEntityException({ message: `webhook trigger ${trigger.id}: ${(error as Error).message}` });
  }
}

/** A query parameter the operation cannot go without: its absence is a 400 naming it. */
function requiredParam(value: Q, name: string): string {
  const text = oneParam(value, name);
  if (text === undefined || text === '') throw new InvalidArgumentError(name, `${name} is required`);
  return text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Inputs from a multipart form (text fields) or a JSON object body. */
function formInputs(request: HttpRequest): Record<string, unknown> {
  return isObject(request.body) ? { ...request.body } : {};
}

async function removeUploads(files?: UploadedFile[]): Promise<void> {
  // Cleanup of the request's temporary files, whose answer is already decided; the OS temp folder is purged anyway.
  await Promise.all((files ?? []).map((f) => unlink(f.path).catch(() => undefined)));
}

async function readLines(stream: NodeJS.ReadableStream, maxRows: number, maxBytes: number): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    const lines = text.split('\n');
    if (lines.length > maxRows || text.length > maxBytes) {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      return lines.slice(0, maxRows).join('\n').slice(0, maxBytes);
    }
  }
  return text;
}
