import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, StreamableFile, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { readFile, rm } from 'node:fs/promises';
import { NotFoundError, REPOSITORY, type FlowQuery, type Repository } from '@osprey/repository';
import { DeleteFlow } from '../flows/delete-flow.js';
import { DeployFlow } from '../flows/deploy-flow.js';
import { readFlowArchive, writeFlowArchive, type FlowSourceFile } from '../flows/flow-archive.js';
import { ImportFlows } from '../flows/import-flows.js';
import { SetFlowDisabled } from '../flows/set-flow-disabled.js';
import { SyncNamespaceFlows } from '../flows/sync-namespace-flows.js';
import { validateFlows } from '../flows/validate-flows.js';
import { validateTask, type TaskSection } from '../flows/validate-task.js';
import { splitYamlDocuments } from '../flows/yaml-documents.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { checkNamespace } from '../namespaces/namespace-name.js';
import { EXECUTOR_STORE, type ExecutorStore } from '@osprey/queue';
import type { OspreyConfig } from '@osprey/server';
import { OSPREY_CONFIG } from '../nest/tokens.js';
import { ApiErrors, ApiFileResponse, ApiFileUpload, ApiFilters, ApiFlowFilters, ApiPaging, ApiYamlBody } from './api-docs.js';
import { BulkResponseModel, FlowGraphModel, FlowModel, IdWithNamespaceModel, PagedFlows, ValidateConstraintViolationModel } from './api-models.js';
import { readSearchQuery, type RawQuery, type SearchQuerySpec } from './filter-params.js';
import { boolParam, intParam, labelsParam, oneParam, pageParams } from './query-params.js';
import { sourceFragments, sourceMatches } from './source-fragments.js';
import { UploadInterceptor, type UploadedFile } from './upload.interceptor.js';
import { allTasks, flowGraph, parseFlow, type StoredFlow } from '@osprey/flow-model';
import { UnsupportedQuery } from './query-declarations.js';
import { subflowsToExpand, SUBFLOWS_QUERY } from './graph-params.js';

type Param = string | string[] | undefined;

const FILTER_PARAMS = ['q', 'namespace', 'labels'];
const SEARCH: SearchQuerySpec = { resource: 'flow', params: [...FILTER_PARAMS, 'page', 'size', 'sort'] };
const BY_QUERY: SearchQuerySpec = { resource: 'flow', params: FILTER_PARAMS };
/** Flows come back whole (parsed flow and all): pages stay smaller than other searches'. */
const MAX_FLOW_PAGE = 1000;
const FLOW_PAGE = 10;

/**
 * Kestra's flow endpoints (`/api/v1/flows`, no tenant segment). Writes go through the flow use cases
 * (DeployFlow, DeleteFlow, SetFlowDisabled, ImportFlows), which publish `flowChanged` for the other processes.
 * Static paths come before `:namespace/:id` ones: Express matches routes in declaration order.
 */
@ApiTags('Flows')
@Controller('api/v1/flows')
export class FlowsController {
  constructor(
    @Inject(REPOSITORY) private readonly repository: Repository,
    @Inject(EXECUTOR_STORE) private readonly store: ExecutorStore,
    @Inject(OSPREY_CONFIG) private readonly config: OspreyConfig,
    @Inject(DeployFlow) private readonly deploy: DeployFlow,
    @Inject(DeleteFlow) private readonly remove: DeleteFlow,
    @Inject(SetFlowDisabled) private readonly setDisabled: SetFlowDisabled,
    @Inject(ImportFlows) private readonly importFlows: ImportFlows,
    @Inject(SyncNamespaceFlows) private readonly syncNamespace: SyncNamespaceFlows,
  ) {}

  @Post()
  @UnsupportedQuery({ draft: 'Osprey keeps no draft flows: every save is a revision' })
  @HttpCode(200) // Kestra answers 200, and scripts written for it may check exactly that.
  @ApiOperation({ summary: 'Create a flow from its YAML source', description: 'Sending the source of an existing flow again changes nothing; a different source for an existing flow is a 409 (use PUT).' })
  @ApiYamlBody('The flow source.')
  @ApiOkResponse({ type: FlowModel, description: 'The stored flow, with its source and revision.' })
  @ApiErrors(400, 409, 413, 422)
  async create(@Body() body: unknown): Promise<Record<string, unknown>> {
    const stored = await this.deploy.execute({ source: yamlBody(body), mode: 'create' });
    return flowJson(stored, true);
  }

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate flows without storing them', description: 'One result per flow of the body (flows separated by `---`); lines count from the start of the body.' })
  @ApiYamlBody('One or more flow sources separated by `---` lines.')
  @ApiOkResponse({ type: [ValidateConstraintViolationModel] })
  @ApiErrors(400, 413)
  validate(@Body() body: unknown) {
    return validateFlows(yamlBody(body), { storedPreconditions: this.store.keepsConditionWindows });
  }

  @Post('validate/task')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Validate one task (or, with section=TRIGGERS, one trigger)',
    description: 'The body is one task as YAML or JSON; it is checked as it would be inside a flow. Paths, lines and columns are those of the body.',
  })
  @ApiQuery({ name: 'section', required: false, enum: ['TASKS', 'TRIGGERS'], description: 'What the body is (default TASKS).' })
  @ApiYamlBody('One task as YAML (a JSON object is accepted too, with Content-Type: application/json).')
  @ApiOkResponse({ type: ValidateConstraintViolationModel })
  @ApiErrors(400, 413)
  validateTask(@Body() body: unknown, @Query('section') sectionParam?: Param) {
    const section = oneParam(sectionParam, 'section') ?? 'TASKS';
    const kinds: Record<string, TaskSection> = { TASKS: 'task', TRIGGERS: 'trigger' };
    const kind = kinds[section];
    if (!kind) throw new InvalidArgumentError('section', `must be TASKS or TRIGGERS, is ${JSON.stringify(section)}`);
    return validateTask(elementBody(body), kind);
  }

  @Post('validate/trigger')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate one trigger', description: 'The body is one trigger as YAML or JSON; it is checked as it would be inside a flow.' })
  @ApiYamlBody('One trigger as YAML (a JSON object is accepted too, with Content-Type: application/json).')
  @ApiOkResponse({ type: ValidateConstraintViolationModel })
  @ApiErrors(400, 413)
  validateTrigger(@Body() body: unknown) {
    return validateTask(elementBody(body), 'trigger');
  }

  @Post('graph')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate the graph of a flow source', description: 'The flow is validated first (422 with violations when invalid); nothing is stored.' })
  @ApiQuery(SUBFLOWS_QUERY)
  @ApiYamlBody('The flow source.')
  @ApiOkResponse({ type: FlowGraphModel })
  @ApiErrors(400, 413, 422)
  async graphOfSource(@Body() body: unknown, @Query('subflows') subflows?: Param) {
    const flow = parseFlow(yamlBody(body), { storedPreconditions: this.store.keepsConditionWindows });
    return flowGraph(flow, [], await subflowsToExpand(subflows, flow, this.repository.flows));
  }

  @Post('import')
  @UnsupportedQuery({ failOnError: 'an import with an invalid flow always fails whole, storing nothing (422 listing every invalid file)' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import flows from a ZIP archive of YAML files or a multi-document YAML file',
    description: 'Every flow is validated before any is stored: with one invalid flow the answer is 422 listing each failing file, and nothing is stored. On success the answer is the (empty) list of files that failed, as in Kestra.',
  })
  @ApiFileUpload('fileUpload', 'A .zip of .yml/.yaml files, or a YAML file of flows separated by `---`.')
  @ApiOkResponse({ type: [String] })
  @ApiErrors(400, 413, 422)
  @UseInterceptors(UploadInterceptor)
  async import(@UploadedFiles() files: UploadedFile[] = []): Promise<string[]> {
    try {
      const file = files.find((f) => f.fieldname === 'fileUpload');
      if (!file) throw new InvalidArgumentError('fileUpload', 'attach the file to import in the fileUpload field (multipart/form-data)');
      const content = await readFile(file.path);
      let sources: FlowSourceFile[];
      if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
        sources = await readFlowArchive(file.path, { maxBytes: this.config.maxUploadBytes });
      } else {
        const name = file.originalname || 'upload.yml';
        sources = splitYamlDocuments(content.toString('utf8')).map((d) => ({ name: `${name}#${d.index}`, source: d.source, firstLine: d.firstLine }));
      }
      if (sources.length === 0) throw new InvalidArgumentError('fileUpload', 'holds no flow (no .yml/.yaml file, or an empty YAML file)');
      await this.importFlows.execute(sources);
      return [];
    } finally {
      await Promise.all(files.map((f) => rm(f.path, { force: true })));
    }
  }

  @Post('bulk')
  @UnsupportedQuery({ allowNamespaceChild: 'with namespace, a bulk update replaces the flows of exactly that namespace' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create or update many flows from a multi-document YAML, optionally deleting the others of the namespace',
    description: 'Kestra\'s namespace sync (CI): every flow of the body is stored; with `delete=true` (the default) flows of `namespace` that the body does not hold are deleted. All flows are validated first: nothing is written when one is invalid.',
  })
  @ApiYamlBody('Flow sources separated by `---` lines.')
  @ApiQuery({ name: 'namespace', required: false, type: String, description: 'Every flow must be in this namespace; deletion applies to it.' })
  @ApiQuery({ name: 'delete', required: false, type: Boolean, description: 'Delete the flows of `namespace` missing from the body (default true).' })
  @ApiOkResponse({ type: [FlowModel] })
  @ApiErrors(400, 413, 422)
  async bulk(@Body() body: unknown, @Query('namespace') namespaceParam?: Param, @Query('delete') deleteParam?: Param) {
    const namespace = oneParam(namespaceParam, 'namespace');
    if (namespace) checkNamespace(namespace);
    const deleteMissing = boolParam(deleteParam, 'delete') ?? true;
    const documents = yamlDocuments(yamlBody(body));
    if (namespace) {
      const { stored } = await this.syncNamespace.execute(namespace, documents, { deleteMissing });
      return stored.map((f) => flowJson(f, false));
    }
    const stored = await this.importFlows.execute(documents);
    return stored.map((f) => flowJson(f, false));
  }

  @Get('search')
  @ApiOperation({ summary: 'Search flows', description: 'Latest revision of each flow, paged; sortable on id, namespace, revision, updated.' })
  @ApiPaging(MAX_FLOW_PAGE, FLOW_PAGE, 'id, namespace, revision, updated')
  @ApiFlowFilters()
  @ApiFilters('flow')
  @ApiOkResponse({ type: PagedFlows })
  @ApiErrors(400)
  async search(@Query() raw: RawQuery) {
    const { filters, params } = readSearchQuery(raw, SEARCH);
    const paging = pageParams(params.page, params.size, params.sort, MAX_FLOW_PAGE, FLOW_PAGE);
    const page = await this.repository.flows.search({ ...flowFilters(params), filters, size: FLOW_PAGE, ...paging });
    return { results: page.results.map((f) => flowJson(f, false)), total: page.total };
  }

  @Get('source')
  @ApiOperation({
    summary: 'Search in flow sources',
    description:
      "Latest revision of each flow whose YAML source contains q (case-insensitive), ordered by namespace then id, as Kestra's SearchResult: the flow as `model` and one `fragment`, the lines around the first match with each line's first occurrence in [mark]…[/mark].",
  })
  @ApiQuery({ name: 'q', required: false, type: String, description: 'Text the source contains; without it every flow matches.' })
  @ApiQuery({ name: 'namespace', required: false, type: String, description: 'The namespace, its children included.' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 }, description: 'Page number, from 1 (default 1).' })
  @ApiQuery({ name: 'size', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_FLOW_PAGE }, description: `Page size, 1 to ${MAX_FLOW_PAGE} (default ${FLOW_PAGE}).` })
  @UnsupportedQuery({ sort: 'results are ordered by namespace then id' })
  @ApiOkResponse({ description: '{results: [{model: Flow, fragments: [string]}], total}' })
  @ApiErrors(400)
  async searchSource(@Query('q') q?: Param, @Query('namespace') namespace?: Param, @Query('page') page?: Param, @Query('size') size?: Param) {
    const text = oneParam(q, 'q') || undefined;
    const paging = pageParams(page, size, undefined, MAX_FLOW_PAGE, FLOW_PAGE);
    const pageSize = paging.size ?? FLOW_PAGE;
    const offset = ((paging.page ?? 1) - 1) * pageSize;
    const matching = (await this.repository.flows.list(oneParam(namespace, 'namespace')))
      .filter((f) => text === undefined || sourceMatches(text, f.source))
      .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.id, b.id));
    const results = matching.slice(offset, offset + pageSize).map((f) => ({ model: flowJson(f, false), fragments: sourceFragments(text, f.source) }));
    return { results, total: matching.length };
  }

  @Get('distinct-namespaces')
  @ApiOperation({ summary: 'List the namespaces that hold flows' })
  @ApiQuery({ name: 'q', required: false, type: String, description: 'Text contained in the namespace.' })
  @ApiOkResponse({ type: [String] })
  @ApiErrors(400)
  async distinctNamespaces(@Query() raw: RawQuery): Promise<string[]> {
    const { params } = readSearchQuery(raw, { params: ['q'] });
    const text = oneParam(params.q, 'q')?.toLowerCase();
    const namespaces = await this.repository.flows.namespaces();
    return text ? namespaces.filter((n) => n.toLowerCase().includes(text)) : namespaces;
  }

  @Get('export/by-query')
  @ApiOperation({
    summary: 'Export the flows matching filters as a ZIP of YAML sources',
    description: 'Files are named `<namespace>.<id>.yml`; the archive is streamed as it is built. At least one filter is required.',
  })
  @ApiFlowFilters()
  @ApiFilters('flow')
  @ApiFileResponse('application/zip', 'A ZIP archive.')
  @ApiErrors(400)
  async exportByQuery(@Query() raw: RawQuery): Promise<StreamableFile> {
    return zipFile(await this.matching(raw, 'export'));
  }

  @Post('export/by-ids')
  @HttpCode(200)
  @ApiOperation({ summary: 'Export flows named by id as a ZIP of YAML sources' })
  @ApiBody({ type: [IdWithNamespaceModel] })
  @ApiFileResponse('application/zip', 'A ZIP archive.')
  @ApiErrors(400, 404)
  async exportByIds(@Body() body: unknown): Promise<StreamableFile> {
    return zipFile(await this.byIds(body));
  }

  @Post('enable/by-ids')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable flows named by id', description: 'Removes `disabled` from each source, as a new revision.' })
  @ApiBody({ type: [IdWithNamespaceModel] })
  @ApiOkResponse({ type: BulkResponseModel })
  @ApiErrors(400, 404)
  async enableByIds(@Body() body: unknown) {
    return this.setAll(await this.byIds(body), false);
  }

  @Post('disable/by-ids')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable flows named by id', description: 'Sets `disabled: true` in each source, as a new revision; a disabled flow cannot be executed and its triggers stop.' })
  @ApiBody({ type: [IdWithNamespaceModel] })
  @ApiOkResponse({ type: BulkResponseModel })
  @ApiErrors(400, 404)
  async disableByIds(@Body() body: unknown) {
    return this.setAll(await this.byIds(body), true);
  }

  @Post('enable/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable the flows matching filters', description: 'At least one filter is required, so an empty query cannot enable every flow.' })
  @ApiFlowFilters()
  @ApiFilters('flow')
  @ApiOkResponse({ type: BulkResponseModel })
  @ApiErrors(400)
  async enableByQuery(@Query() raw: RawQuery) {
    return this.setAll(await this.matching(raw, 'enable'), false);
  }

  @Post('disable/by-query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable the flows matching filters', description: 'At least one filter is required, so an empty query cannot disable every flow.' })
  @ApiFlowFilters()
  @ApiFilters('flow')
  @ApiOkResponse({ type: BulkResponseModel })
  @ApiErrors(400)
  async disableByQuery(@Query() raw: RawQuery) {
    return this.setAll(await this.matching(raw, 'disable'), true);
  }

  @Delete('delete/by-ids')
  @ApiOperation({ summary: 'Delete flows named by id' })
  @ApiBody({ type: [IdWithNamespaceModel] })
  @ApiOkResponse({ type: BulkResponseModel })
  @ApiErrors(400, 404)
  async deleteByIds(@Body() body: unknown) {
    const flows = await this.byIds(body);
    for (const flow of flows) await this.remove.execute(flow.namespace, flow.id);
    return { count: flows.length };
  }

  @Delete('delete/by-query')
  @ApiOperation({ summary: 'Delete the flows matching filters', description: 'At least one filter is required, so an empty query cannot delete every flow.' })
  @ApiFlowFilters()
  @ApiFilters('flow')
  @ApiOkResponse({ type: BulkResponseModel })
  @ApiErrors(400)
  async deleteByQuery(@Query() raw: RawQuery) {
    const flows = await this.matching(raw, 'delete');
    for (const flow of flows) await this.remove.execute(flow.namespace, flow.id);
    return { count: flows.length };
  }

  @Get(':namespace/:id/revisions')
  @UnsupportedQuery({ allowDelete: 'the revisions of a deleted flow are not listed' })
  @ApiOperation({ summary: 'List the revisions of a flow, with their sources', description: 'Oldest first; revisions of a deleted flow stay listed.' })
  @ApiParam({ name: 'namespace', description: 'The flow namespace.' })
  @ApiParam({ name: 'id', description: 'The flow id.' })
  @ApiOkResponse({ type: [FlowModel] })
  @ApiErrors(404)
  async revisions(@Param('namespace') namespace: string, @Param('id') id: string) {
    const revisions = await this.repository.flows.revisions(namespace, id);
    if (revisions.length === 0) throw new NotFoundError('flow', `${namespace}.${id}`);
    return revisions.map((f) => flowJson(f, true));
  }

  @Get(':namespace/:id/graph')
  @ApiOperation({ summary: 'Generate the graph of a flow', description: 'Kestra\'s FlowGraph: nodes (tasks, triggers, the start and end of each cluster), edges with their relation, clusters (flowable tasks, triggers).' })
  @ApiParam({ name: 'namespace', description: 'The flow namespace.' })
  @ApiParam({ name: 'id', description: 'The flow id.' })
  @ApiQuery({ name: 'revision', required: false, schema: { type: 'integer', minimum: 1 }, description: 'A revision; the latest by default.' })
  @ApiQuery(SUBFLOWS_QUERY)
  @ApiOkResponse({ type: FlowGraphModel })
  @ApiErrors(400, 404)
  async graph(@Param('namespace') namespace: string, @Param('id') id: string, @Query('revision') revision?: Param, @Query('subflows') subflows?: Param) {
    const wanted = intParam(revision, 'revision', 1);
    const stored = await this.repository.flows.get(namespace, id, wanted);
    if (!stored || stored.deleted) throw new NotFoundError('flow', `${namespace}.${id}${wanted === undefined ? '' : ` revision ${wanted}`}`);
    return flowGraph(stored.flow, [], await subflowsToExpand(subflows, stored.flow, this.repository.flows));
  }

  @Get(':namespace/:id/tasks/:taskId')
  @ApiOperation({ summary: 'Get one task of a flow', description: 'Any task of the flow, nested ones included, as written in the flow.' })
  @ApiParam({ name: 'namespace', description: 'The flow namespace.' })
  @ApiParam({ name: 'id', description: 'The flow id.' })
  @ApiParam({ name: 'taskId', description: 'The task id.' })
  @ApiQuery({ name: 'revision', required: false, schema: { type: 'integer', minimum: 1 }, description: 'A revision; the latest by default.' })
  @ApiOkResponse({ description: 'The task, as in the flow.', schema: { type: 'object', required: ['id', 'type'], properties: { id: { type: 'string' }, type: { type: 'string' } }, additionalProperties: true } })
  @ApiErrors(400, 404)
  async flowTask(@Param('namespace') namespace: string, @Param('id') id: string, @Param('taskId') taskId: string, @Query('revision') revision?: Param) {
    const wanted = intParam(revision, 'revision', 1);
    const stored = await this.repository.flows.get(namespace, id, wanted);
    const name = `${namespace}.${id}${wanted === undefined ? '' : ` revision ${wanted}`}`;
    if (!stored || stored.deleted) throw new NotFoundError('flow', name);
    const task = allTasks(stored.flow).find((t) => t.id === taskId);
    if (!task) throw new NotFoundError('task', `${taskId} in flow ${name}`);
    return task;
  }

  @Get(':namespace/:id')
  @ApiOperation({ summary: 'Get a flow (its latest revision, or the one asked for)' })
  @ApiParam({ name: 'namespace', description: 'The flow namespace.' })
  @ApiParam({ name: 'id', description: 'The flow id.' })
  @ApiQuery({ name: 'source', required: false, type: Boolean, description: 'Include the YAML source (default false).' })
  @ApiQuery({ name: 'revision', required: false, type: 'integer', description: 'A revision; the latest by default.' })
  @ApiQuery({ name: 'allowDeleted', required: false, type: Boolean, description: 'Also answer for a deleted flow (default false).' })
  @ApiOkResponse({ type: FlowModel })
  @ApiErrors(400, 404)
  async get(
    @Param('namespace') namespace: string,
    @Param('id') id: string,
    @Query('source') source?: Param,
    @Query('revision') revision?: Param,
    @Query('allowDeleted') allowDeleted?: Param,
  ) {
    const withSource = boolParam(source, 'source') ?? false;
    const wanted = intParam(revision, 'revision', 1);
    const deletedToo = boolParam(allowDeleted, 'allowDeleted') ?? false;
    const flows = this.repository.flows;
    let stored = await flows.get(namespace, id, wanted);
    if (!stored && wanted === undefined && deletedToo) stored = (await flows.revisions(namespace, id)).at(-1) ?? null;
    if (!stored || (stored.deleted && !deletedToo)) throw new NotFoundError('flow', `${namespace}.${id}${wanted === undefined ? '' : ` revision ${wanted}`}`);
    return flowJson(stored, withSource);
  }

  @Put(':namespace/:id')
  @UnsupportedQuery({ draft: 'Osprey keeps no draft flows: every save is a revision' })
  @ApiOperation({ summary: 'Update a flow from its YAML source', description: 'Stores a new revision when the source changed; the source must keep the namespace and id of the path.' })
  @ApiParam({ name: 'namespace', description: 'The flow namespace.' })
  @ApiParam({ name: 'id', description: 'The flow id.' })
  @ApiYamlBody('The new flow source.')
  @ApiOkResponse({ type: FlowModel })
  @ApiErrors(400, 404, 409, 413, 422)
  async update(@Param('namespace') namespace: string, @Param('id') id: string, @Body() body: unknown) {
    const stored = await this.deploy.execute({ source: yamlBody(body), mode: 'update', namespace, id });
    return flowJson(stored, true);
  }

  @Delete(':namespace/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a flow', description: 'Its revisions stay readable with allowDeleted=true; executions that run it finish.' })
  @ApiParam({ name: 'namespace', description: 'The flow namespace.' })
  @ApiParam({ name: 'id', description: 'The flow id.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors(404)
  async delete(@Param('namespace') namespace: string, @Param('id') id: string): Promise<void> {
    await this.remove.execute(namespace, id);
  }

  @Get(':namespace')
  @ApiOperation({ summary: 'List the flows of a namespace', description: 'Exactly this namespace, not its children.' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiOkResponse({ type: [FlowModel] })
  @ApiErrors(400)
  async listByNamespace(@Param('namespace') namespace: string, @Query() raw: RawQuery) {
    readSearchQuery(raw, { params: [] });
    checkNamespace(namespace);
    const flows = await this.repository.flows.list(namespace);
    return flows.filter((f) => f.namespace === namespace).map((f) => flowJson(f, false));
  }

  @Post(':namespace')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Update a complete namespace from YAML sources',
    description:
      'Kestra\'s namespace update (`kestra flow namespace update`, CI deploy actions): every flow of the body (separated by `---`) must be in `namespace` and is created or revised; ' +
      'with `delete=true` (the default) the namespace\'s flows missing from the body are deleted, an empty body deleting them all. All flows are validated first: nothing is written when one is invalid. ' +
      'The answer lists the deleted flows, then the stored ones, with their sources. A JSON array of flow objects is also accepted (Kestra\'s older form).',
  })
  @ApiParam({ name: 'namespace', description: 'The namespace to update.' })
  @ApiQuery({ name: 'delete', required: false, type: Boolean, description: 'Delete the flows of the namespace missing from the body (default true).' })
  @ApiQuery({ name: 'override', required: false, type: Boolean, description: 'Only `false` (the default): Osprey does not rewrite the namespace of the flows sent; a flow of another namespace is a 422.' })
  @ApiYamlBody('Flow sources separated by `---` lines (may be empty).', false)
  @ApiOkResponse({ type: [FlowModel] })
  @ApiErrors(400, 413, 422)
  async updateNamespace(@Param('namespace') namespace: string, @Body() body: unknown, @Query('delete') deleteParam?: Param, @Query('override') overrideParam?: Param) {
    checkNamespace(namespace);
    const deleteMissing = boolParam(deleteParam, 'delete') ?? true;
    if (boolParam(overrideParam, 'override') === true) {
      throw new InvalidArgumentError('override', 'override=true (rewriting the namespace of the flows sent) is not supported: send flows of this namespace');
    }
    const { stored, deleted } = await this.syncNamespace.execute(namespace, namespaceBody(body), { deleteMissing });
    return [...deleted, ...stored].map((f) => flowJson(f, true));
  }

  private async setAll(flows: StoredFlow[], disabled: boolean): Promise<{ count: number }> {
    let count = 0;
    for (const flow of flows) {
      if (flow.disabled === disabled) continue;
      await this.setDisabled.execute(flow.namespace, flow.id, disabled);
      count++;
    }
    return { count };
  }

  /**
   * Every flow matching the query's filters (all pages). A bulk `action` needs at least one filter: an empty query
   * would select every flow, which no one means by "disable these".
   */
  private async matching(raw: RawQuery, action: string): Promise<StoredFlow[]> {
    const { filters, params } = readSearchQuery(raw, BY_QUERY);
    const query: FlowQuery = { ...flowFilters(params), filters };
    if (!query.q && !query.namespace && !query.labels && filters.length === 0) {
      throw new InvalidArgumentError('filters', `give q, namespace, labels or filters[field][OPERATION]=value: to ${action} every flow takes an explicit filter`);
    }
    const all: StoredFlow[] = [];
    for (let page = 1; ; page++) {
      const found = await this.repository.flows.search({ ...query, page, size: 500 });
      all.push(...found.results);
      if (found.results.length < 500 || all.length >= found.total) return all;
    }
  }

  /** The flows a `[{namespace, id}]` body names; an unknown one is a 404 before anything changes. */
  private async byIds(body: unknown): Promise<StoredFlow[]> {
    if (!Array.isArray(body)) throw new InvalidArgumentError('body', 'send a JSON array of {"namespace": ..., "id": ...}');
    const flows: StoredFlow[] = [];
    for (const [i, item] of body.entries()) {
      const { namespace, id } = (item ?? {}) as { namespace?: unknown; id?: unknown };
      if (typeof namespace !== 'string' || typeof id !== 'string') throw new InvalidArgumentError(`body[${i}]`, 'must be {"namespace": string, "id": string}');
      const stored = await this.repository.flows.get(namespace, id);
      if (!stored) throw new NotFoundError('flow', `${namespace}.${id}`);
      flows.push(stored);
    }
    return flows;
  }
}

/** Kestra's Flow JSON: the parsed flow with its revision and state; the source only when asked for. */
export function flowJson(stored: StoredFlow, withSource: boolean): Record<string, unknown> {
  const { source: _ignored, ...flow } = stored.flow;
  const json: Record<string, unknown> = { ...flow, revision: stored.revision, disabled: stored.disabled, draft: false, deleted: stored.deleted, updated: stored.updated };
  if (withSource) json.source = stored.source;
  return json;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function flowFilters(params: Record<string, Param>): Pick<FlowQuery, 'q' | 'namespace' | 'labels'> {
  return { q: oneParam(params.q, 'q'), namespace: oneParam(params.namespace, 'namespace'), labels: labelsParam(params.labels) };
}

function yamlBody(body: unknown): string {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new InvalidArgumentError('body', 'send YAML text with Content-Type: application/x-yaml');
  }
  return body;
}

/** One task or trigger: YAML text, or a JSON object (JSON is YAML, so it is validated from its own text). */
function elementBody(body: unknown): string {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length > 0) return JSON.stringify(body, null, 2);
  if (typeof body !== 'string' || body.trim() === '') {
    throw new InvalidArgumentError('body', 'send one task or trigger as YAML (Content-Type: application/x-yaml) or as a JSON object');
  }
  return body;
}

function yamlDocuments(source: string): FlowSourceFile[] {
  return splitYamlDocuments(source).map((d) => ({ name: `document ${d.index}`, source: d.source, firstLine: d.firstLine }));
}

/** A namespace update's flows: YAML documents, or a JSON array of flow objects (JSON is YAML, so each is its own source). */
function namespaceBody(body: unknown): FlowSourceFile[] {
  if (Array.isArray(body)) {
    return body.map((flow, i) => {
      if (flow === null || typeof flow !== 'object' || Array.isArray(flow)) throw new InvalidArgumentError(`body[${i}]`, 'must be a flow object');
      return { name: `body[${i}]`, source: JSON.stringify(flow, null, 2) };
    });
  }
  if (body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0)) return [];
  if (typeof body !== 'string') throw new InvalidArgumentError('body', 'send YAML flow sources with Content-Type: application/x-yaml');
  return body.trim() === '' ? [] : yamlDocuments(body);
}

function zipFile(flows: StoredFlow[]): StreamableFile {
  return new StreamableFile(writeFlowArchive(flows), { type: 'application/zip', disposition: 'attachment; filename="flows.zip"' });
}
