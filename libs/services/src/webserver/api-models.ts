import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Schemas of the API's answers, for the OpenAPI document only: handlers return plain objects of these shapes
 * (Kestra's), and `@ApiResponse({ type })` points at these classes.
 */

export class ErrorResponse {
  @ApiProperty({ description: 'What is wrong, in words.' })
  message!: string;
  @ApiPropertyOptional({ description: 'The request field at fault (query parameter, path, header or body).' })
  field?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Flow violations: path, message, line, column.' })
  violations?: Record<string, unknown>[];
}

export class LabelModel {
  @ApiProperty() key!: string;
  @ApiProperty() value!: string;
}

export class FlowModel {
  @ApiProperty() id!: string;
  @ApiProperty() namespace!: string;
  @ApiProperty() revision!: number;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ type: [LabelModel] }) labels!: LabelModel[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) inputs!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) tasks!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) triggers!: unknown[];
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ description: 'Always false: Osprey keeps no draft revisions.' }) draft!: boolean;
  @ApiProperty() deleted!: boolean;
  @ApiPropertyOptional({ description: 'The YAML source, when asked for (`source=true`) and on writes.' })
  source?: string;
}

export class PagedFlows {
  @ApiProperty({ type: [FlowModel] }) results!: FlowModel[];
  @ApiProperty({ description: 'Matches over all pages.' }) total!: number;
}

export class FlowViolationModel {
  @ApiProperty({ description: 'Path in the flow, e.g. tasks[0].type' }) path!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'Line in the request body (1-based).' }) line?: number;
  @ApiPropertyOptional() column?: number;
}

export class ValidateConstraintViolationModel {
  @ApiProperty({ description: 'Position of the flow in the multi-document body, from 0.' }) index!: number;
  @ApiPropertyOptional() namespace?: string;
  @ApiPropertyOptional() flow?: string;
  @ApiPropertyOptional({ description: 'Every problem as one text; absent when the flow is valid.' }) constraints?: string;
  @ApiProperty() outdated!: boolean;
  @ApiProperty({ type: [String] }) deprecationPaths!: string[];
  @ApiProperty({ type: [String] }) warnings!: string[];
  @ApiProperty({ type: [String] }) infos!: string[];
  @ApiProperty({ type: [FlowViolationModel] }) violations!: FlowViolationModel[];
}

const RELATION_TYPES = ['SEQUENTIAL', 'CHOICE', 'ERROR', 'PARALLEL', 'DYNAMIC'];

export class GraphNodeModel {
  @ApiProperty({ description: 'Unique in the graph: task ids joined by dots from `root`.' }) uid!: string;
  @ApiProperty({ description: 'Kestra\'s node class: io.kestra.core.models.hierarchies.GraphTask, SubflowGraphTask, GraphTrigger, GraphClusterRoot or GraphClusterEnd.' })
  type!: string;
  @ApiProperty({ description: 'On an error branch.' }) error!: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The task, as in the flow.' }) task?: Record<string, unknown>;
  @ApiPropertyOptional({ enum: RELATION_TYPES }) relationType?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The trigger, as in the flow.' }) triggerDeclaration?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Execution graphs: the task run this node draws.' }) taskRun?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], description: 'Execution graphs: the loop values of the run and its parents, outermost first.' }) values?: string[];
}

export class GraphRelationModel {
  @ApiPropertyOptional({ enum: RELATION_TYPES }) relationType?: string;
  @ApiPropertyOptional({ description: 'The Switch case or If branch (then, else) the edge leads into.' }) value?: string;
}

export class GraphEdgeModel {
  @ApiProperty() source!: string;
  @ApiProperty() target!: string;
  @ApiProperty({ type: GraphRelationModel }) relation!: GraphRelationModel;
}

export class GraphClusterNodeModel {
  @ApiProperty({ description: '`cluster_` and the uid of its task (or `cluster_root.Triggers`).' }) uid!: string;
  @ApiProperty({ description: 'io.kestra.core.models.hierarchies.GraphCluster, or SubflowGraphCluster for an expanded Subflow task.' }) type!: string;
  @ApiProperty() error!: boolean;
  @ApiPropertyOptional({ enum: RELATION_TYPES }) relationType?: string;
  @ApiPropertyOptional({ type: GraphNodeModel, description: 'The flowable task the cluster draws.' }) taskNode?: GraphNodeModel;
}

export class GraphClusterModel {
  @ApiProperty({ type: GraphClusterNodeModel }) cluster!: GraphClusterNodeModel;
  @ApiProperty({ type: [String], description: 'Uids of the nodes and clusters directly inside.' }) nodes!: string[];
  @ApiProperty({ type: [String], description: 'Uids of the enclosing clusters, outermost first.' }) parents!: string[];
  @ApiProperty({ description: 'Uid of the cluster\'s start node.' }) start!: string;
  @ApiProperty({ description: 'Uid of the cluster\'s end node.' }) end!: string;
}

export class FlowGraphModel {
  @ApiProperty({ type: [GraphNodeModel] }) nodes!: GraphNodeModel[];
  @ApiProperty({ type: [GraphEdgeModel] }) edges!: GraphEdgeModel[];
  @ApiProperty({ type: [GraphClusterModel] }) clusters!: GraphClusterModel[];
}

export class IdWithNamespaceModel {
  @ApiProperty() namespace!: string;
  @ApiProperty() id!: string;
}

export class BulkResponseModel {
  @ApiProperty({ description: 'How many items the operation changed.' }) count!: number;
}

export class BulkInvalidModel {
  @ApiProperty({ description: 'Why this execution cannot take the action.' }) message!: string;
  @ApiProperty({ description: 'The execution id.' }) invalidValue!: string;
}

/** Kestra's BulkErrorResponse: a bulk refused whole, each refused item listed. */
export class BulkErrorResponseModel {
  @ApiProperty({ example: 'invalid bulk kill' }) message!: string;
  @ApiProperty({ type: [BulkInvalidModel] }) invalids!: BulkInvalidModel[];
}

/** The body of `POST /executions/labels/by-ids`, as Kestra's SetLabelsByIdsRequest. */
export class SetLabelsByIdsModel {
  @ApiProperty({ type: [String] }) executionsId!: string[];
  @ApiProperty({ type: [LabelModel] }) executionLabels!: LabelModel[];
}

export class NamespaceModel {
  @ApiProperty() id!: string;
  @ApiProperty() deleted!: boolean;
}

export class PagedNamespaces {
  @ApiProperty({ type: [NamespaceModel] }) results!: NamespaceModel[];
  @ApiProperty() total!: number;
}

export class FileAttributesModel {
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'Epoch milliseconds.' }) lastModifiedTime!: number;
  @ApiProperty({ description: 'Epoch milliseconds.' }) creationTime!: number;
  @ApiProperty({ enum: ['File', 'Directory'] }) type!: 'File' | 'Directory';
  @ApiProperty() size!: number;
}

export class KvEntryModel {
  @ApiProperty() namespace!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ format: 'date-time', description: 'The last write (the store keeps one date per key).' }) creationDate!: string;
  @ApiProperty({ format: 'date-time' }) updateDate!: string;
  @ApiPropertyOptional({ format: 'date-time' }) expirationDate?: string;
}

export class KvTypedValueModel {
  @ApiProperty({ enum: ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] }) type!: string;
  // Any JSON value, null included: a schema without `type` (the property's TypeScript type would make it an object).
  @ApiProperty({ description: 'The value, of any JSON type.', nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: {} }] })
  value!: unknown;
  @ApiProperty({ format: 'date-time', description: 'The last write.' }) updated!: string;
}

export class PagedKvEntries {
  @ApiProperty({ type: [KvEntryModel] }) results!: KvEntryModel[];
  @ApiProperty({ type: 'integer' }) total!: number;
}

export class KvDeleteBulkModel {
  @ApiProperty({ type: [String] }) keys!: string[];
}

export class VersionModel {
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiPropertyOptional() commitId?: string;
  @ApiPropertyOptional() commitDate?: string;
}

export class ConfigsModel extends VersionModel {
  @ApiProperty() uuid!: string;
  @ApiProperty() isTaskRunEnabled!: boolean;
  @ApiProperty() isAnonymousUsageEnabled!: boolean;
  @ApiProperty() isTemplateEnabled!: boolean;
  @ApiProperty() isBasicAuthEnabled!: boolean;
  @ApiProperty() systemNamespace!: string;
  @ApiProperty({ type: [String] }) hiddenLabelsPrefixes!: string[];
  @ApiProperty({ description: 'Largest accepted upload, in bytes.' }) maxUploadBytes!: number;
}

const STATE_TYPES = ['CREATED', 'QUEUED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'RETRYING', 'RETRIED', 'BREAKPOINT'];

export class StateHistoryModel {
  @ApiProperty({ enum: STATE_TYPES }) state!: string;
  @ApiProperty({ format: 'date-time' }) date!: string;
}

export class StateModel {
  @ApiProperty({ enum: STATE_TYPES }) current!: string;
  @ApiProperty({ type: [StateHistoryModel] }) histories!: StateHistoryModel[];
  @ApiProperty({ format: 'date-time' }) startDate!: string;
  @ApiPropertyOptional({ format: 'date-time' }) endDate?: string;
  @ApiPropertyOptional({ description: 'ISO-8601 duration once ended, e.g. PT1.234S.' }) duration?: string;
}

export class TaskRunAttemptModel {
  @ApiProperty({ type: StateModel }) state!: StateModel;
  @ApiPropertyOptional() workerId?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } }) metrics?: Record<string, unknown>[];
}

export class TaskRunModel {
  @ApiProperty() id!: string;
  @ApiProperty() executionId!: string;
  @ApiProperty() namespace!: string;
  @ApiProperty() flowId!: string;
  @ApiProperty() taskId!: string;
  @ApiPropertyOptional() parentTaskRunId?: string;
  @ApiPropertyOptional({ description: 'The loop value or branch this run belongs to.' }) value?: string;
  @ApiPropertyOptional({ type: 'integer' }) iteration?: number;
  @ApiProperty({ type: [TaskRunAttemptModel] }) attempts!: TaskRunAttemptModel[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) outputs?: Record<string, unknown>;
  @ApiProperty({ type: StateModel }) state!: StateModel;
}

export class ExecutionMetadataModel {
  @ApiProperty({ type: 'integer', description: '1 for a first execution; one more for each retry in a new execution (retry behavior CREATE_NEW_EXECUTION) and each replay.' }) attemptNumber!: number;
  @ApiProperty({ format: 'date-time', description: 'When the first execution of the chain was created.' }) originalCreatedDate!: string;
}

export class ExecutionModel {
  @ApiProperty() id!: string;
  @ApiProperty() namespace!: string;
  @ApiProperty() flowId!: string;
  @ApiProperty({ type: 'integer' }) flowRevision!: number;
  @ApiProperty({ type: StateModel }) state!: StateModel;
  @ApiProperty({ type: [LabelModel] }) labels!: LabelModel[];
  @ApiProperty({ type: 'object', additionalProperties: true }) inputs!: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) variables?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The flow outputs, once it ended.' }) outputs?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The trigger that started it: id, type, variables.' }) trigger?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Set on subflow executions: the execution that started it.' }) parent?: Record<string, unknown>;
  @ApiProperty({ type: [TaskRunModel] }) taskRunList!: TaskRunModel[];
  @ApiProperty({ type: 'integer', description: 'Incremented on every state change.' }) version!: number;
  @ApiPropertyOptional({ format: 'date-time' }) scheduleDate?: string;
  @ApiProperty({ description: 'The execution this one replays (the first of its chain), else its own id.' }) originalId!: string;
  @ApiProperty() deleted!: boolean;
  @ApiProperty({ type: ExecutionMetadataModel }) metadata!: ExecutionMetadataModel;
}
