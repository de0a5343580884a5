import { Module } from '@nestjs/common';
import { BROADCAST_QUEUE, EXECUTION_EVENT_QUEUE, EXECUTOR_STORE, type BroadcastQueue, type ExecutionEventQueue, type ExecutorStore } from '@osprey/queue';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { STORAGE, type Storage } from '@osprey/storage';
import { ExecutionCommands } from '../executions/execution-commands.js';
import { ExecutionFiles } from '../executions/execution-files.js';
import { StartExecutionWithFiles } from '../executions/start-execution-with-files.js';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { ValidateExecutionInputs } from '../executions/validate-execution-inputs.js';
import { DeleteFlow } from '../flows/delete-flow.js';
import { DeployFlow } from '../flows/deploy-flow.js';
import { ImportFlows } from '../flows/import-flows.js';
import { SetFlowDisabled } from '../flows/set-flow-disabled.js';
import { SyncNamespaceFlows } from '../flows/sync-namespace-flows.js';
import { NamespaceFiles } from '../namespaces/namespace-files.js';
import { TriggerCommands } from '../triggers/trigger-commands.js';
import { API_CONTROLLERS } from './api-controllers.js';

/**
 * The REST API (Kestra's endpoints): its controllers and the use cases they call, built on the injected ports. The
 * use cases are plain classes (the CLI and tests build them too): the providers below say what each consumes.
 */
@Module({
  controllers: API_CONTROLLERS,
  providers: [
    {
      provide: ExecutionCommands,
      useFactory: (repository: Repository, events: ExecutionEventQueue) => new ExecutionCommands(repository, events),
      inject: [REPOSITORY, EXECUTION_EVENT_QUEUE],
    },
    { provide: ExecutionFiles, useFactory: (storage: Storage) => new ExecutionFiles(storage), inject: [STORAGE] },
    {
      provide: StartExecutionWithFiles,
      useFactory: (trigger: TriggerExecution, files: ExecutionFiles) => new StartExecutionWithFiles(trigger, files),
      inject: [TriggerExecution, ExecutionFiles],
    },
    { provide: ValidateExecutionInputs, useFactory: (repository: Repository) => new ValidateExecutionInputs(repository.flows), inject: [REPOSITORY] },
    {
      provide: DeployFlow,
      useFactory: (repository: Repository, broadcast: BroadcastQueue, store: ExecutorStore) =>
        new DeployFlow(repository.flows, broadcast, { storedPreconditions: store.keepsConditionWindows }),
      inject: [REPOSITORY, BROADCAST_QUEUE, EXECUTOR_STORE],
    },
    { provide: DeleteFlow, useFactory: (repository: Repository, deploy: DeployFlow) => new DeleteFlow(repository.flows, deploy), inject: [REPOSITORY, DeployFlow] },
    { provide: SetFlowDisabled, useFactory: (repository: Repository, deploy: DeployFlow) => new SetFlowDisabled(repository.flows, deploy), inject: [REPOSITORY, DeployFlow] },
    { provide: ImportFlows, useFactory: (deploy: DeployFlow) => new ImportFlows(deploy), inject: [DeployFlow] },
    {
      provide: SyncNamespaceFlows,
      useFactory: (repository: Repository, importFlows: ImportFlows, remove: DeleteFlow) => new SyncNamespaceFlows(repository.flows, importFlows, remove),
      inject: [REPOSITORY, ImportFlows, DeleteFlow],
    },
    {
      provide: TriggerCommands,
      useFactory: (repository: Repository, broadcast: BroadcastQueue) => new TriggerCommands(repository, broadcast),
      inject: [REPOSITORY, BROADCAST_QUEUE],
    },
    { provide: NamespaceFiles, useFactory: (storage: Storage) => new NamespaceFiles(storage), inject: [STORAGE] },
  ],
})
export class WebserverModule {}
