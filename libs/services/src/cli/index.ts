// `@osprey/services/cli`: what the `osprey` command and the service apps need to parse their flags and report
// errors, without NestJS, the adapters or the plugins; each command's action imports what it runs (see
// docs/benchmarks.md, start-up time).
export * from '../nest/service-command.js';
export { runService } from '../nest/run-service.js';
export { SERVICE_ROLES, type ServiceRole } from '../service-role.js';
export { InsecureListenError } from '../nest/listen-address.js';
export { FlowTestTimeoutError } from '../flow-test/flow-test-timeout-error.js';
export { locateUiDir } from '../webserver/ui-dir.js';
