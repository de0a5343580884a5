// Its own entry point (`@osprey/flow-model/worker-group-key`): the CLI checks `--worker-group` with it while parsing
// its flags, before any command has loaded the flow model.

/** The key form a worker group takes, on a task as on the worker's `--worker-group` flag. */
export const WORKER_GROUP_KEY = /^[a-zA-Z0-9_-]+$/;
