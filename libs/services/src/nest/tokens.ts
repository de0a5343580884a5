/** Injection tokens of the process-wide values the service modules consume (provided by OspreyCoreModule). */

/** The validated `OspreyConfig`. */
export const OSPREY_CONFIG = Symbol('OspreyConfig');
/** The process's pino `Logger`; each service takes a child with its component. */
export const OSPREY_LOGGER = Symbol('OspreyLogger');
/** The `ServiceRole[]` this process runs. */
export const OSPREY_ROLES = Symbol('OspreyRoles');
/** This process's instance id (heartbeats, Kafka client ids, `/api/v1/configs` uuid). */
export const INSTANCE_ID = Symbol('InstanceId');
/** `RenderOptions` of every expression the process renders (secrets from the environment). */
export const RENDER_OPTIONS = Symbol('RenderOptions');
/** The worker's `TaskRegistry`. */
export const TASK_REGISTRY = Symbol('TaskRegistry');
/** The `LoadedPlugin[]` of the configuration's `plugins`, loaded (and their task types registered) at start. */
export const LOADED_PLUGINS = Symbol('LoadedPlugins');
