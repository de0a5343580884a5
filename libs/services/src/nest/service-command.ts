// Loaded by every `osprey` command, `--help` included: commander and the flag definitions only. What a command runs
// (the configuration loader, NestJS, the services) is imported by its action.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { WORKER_GROUP_KEY } from '@osprey/flow-model/worker-group-key';
import type { OspreyConfig } from '@osprey/server';
import type { ServiceRole } from '../service-role.js';

/** Flags of the commands that start a process (`server local|standalone`, one service, `migrate`). */
export interface ServerFlags {
  config?: string;
  port?: number;
  host?: string;
  dataDir?: string;
  insecureNoAuth?: boolean;
  workerGroup?: string;
}

/** `--port`: an integer 0-65535, refused by its flag name rather than later as `server.port`. */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a TCP port, an integer from 0 to 65535 (0: any free port)');
  return Number(value);
}

export const configOption = () => new Option('-c, --config <file>', 'YAML configuration file (default: $OSPREY_CONFIG)');
export const dataDirOption = () => new Option('-d, --data-dir <dir>', 'folder of the embedded database and local storage files (configuration key dataDir)');
export const portOption = (what: string) => new Option('-p, --port <port>', `${what} (configuration key server.port, default 8080)`).argParser(parsePort);
export const hostOption = (fallback: string) =>
  new Option('--host <address>', `interface to listen on (configuration key server.host, default ${fallback})`);

/** `--worker-group`: refused by its flag name when it is not a worker group key. */
export function parseWorkerGroup(value: string): string {
  if (!WORKER_GROUP_KEY.test(value)) throw new InvalidArgumentError(`expected a worker group key: letters, digits, underscores and hyphens (${WORKER_GROUP_KEY.source})`);
  return value;
}

export const workerGroupOption = () =>
  new Option('-g, --worker-group <key>', 'run only the tasks whose workerGroup.key is <key> (configuration key worker.group; default: only tasks without a group)').argParser(
    parseWorkerGroup,
  );

/** The configuration a command's flags name: the file (`--config`, else OSPREY_CONFIG), OSPREY_* variables, then the flags. */
export async function configFromFlags(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): Promise<OspreyConfig> {
  const { loadConfig } = await import('@osprey/server');
  return loadConfig({
    file: flags.config ?? env.OSPREY_CONFIG,
    env,
    overrides: { 'server.port': flags.port, 'server.host': flags.host, dataDir: flags.dataDir, 'worker.group': flags.workerGroup },
  });
}

/**
 * The command that runs one service alone: `osprey <role>` in the CLI and the whole command line of the service's own
 * app (`node apps/<role>/dist/main.js`, `nx serve <role>`), so both take, document and refuse the same flags.
 */
export function serviceCommand(role: ServiceRole, options: { name?: string; uiDir?: string } = {}): Command {
  const command = new Command(options.name ?? role)
    .description(`run the ${role} service alone (health and metrics on --port${role === 'webserver' ? ', with the API and the web UI' : ''})`)
    .addOption(portOption(role === 'webserver' ? 'HTTP port of the API, UI, health and metrics' : 'HTTP port of health and metrics'))
    .addOption(hostOption('0.0.0.0, every interface'))
    .addOption(dataDirOption())
    .addOption(configOption());
  if (role === 'worker') command.addOption(workerGroupOption());
  return command
    .showHelpAfterError()
    .action(async (flags: ServerFlags) => {
      const config = await configFromFlags(flags);
      const { startServer } = await import('./bootstrap.js');
      await startServer({ config, roles: [role], service: role, uiDir: role === 'webserver' ? options.uiDir : undefined });
    });
}

/** Exit code of a command-line usage error (unknown flag, bad flag value), as the `osprey` CLI documents it. */
export const USAGE_EXIT_CODE = 2;

/**
 * Makes commander throw instead of exiting, on the command and every subcommand (`addCommand` does not inherit it), so
 * the caller maps usage errors to exit code 2; `--help` and `--version` still end the process with 0.
 */
export function throwOnUsageError(command: Command): Command {
  command.exitOverride();
  for (const sub of command.commands) throwOnUsageError(sub);
  return command;
}

/** The exit code of a commander error: 0 for help and version, 2 for a usage error it already printed. */
export function commanderExitCode(error: unknown): number | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
}
