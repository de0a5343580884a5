// Parsing the command line loads commander and the flag definitions only: each action imports what it runs, so
// `--help` does not load NestJS and `flow validate` does not load the services (see docs/benchmarks.md).
import { readFile } from 'node:fs/promises';
import nodeModule from 'node:module';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  commanderExitCode,
  configFromFlags,
  configOption,
  dataDirOption,
  workerGroupOption,
  FlowTestTimeoutError,
  hostOption,
  InsecureListenError,
  locateUiDir,
  portOption,
  serviceCommand,
  SERVICE_ROLES,
  throwOnUsageError,
  type ServerFlags,
} from '@osprey/services/cli';

// Node 22.1+ keeps the compiled code of the modules a command loads on disk (keyed by their contents, in
// NODE_COMPILE_CACHE or the temp dir): the next start skips compiling them. Node 20 has no such cache.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/** The built web UI that the webserver serves (a few file checks, no import). */
const uiDir = locateUiDir(import.meta.url);

/** Errors a user can fix: printed as their message alone, with exit code 1 (2 for usage). */
class UsageError extends Error {}

const program = new Command();
program
  .name('osprey')
  .description('Osprey: workflow orchestration that runs Kestra flows')
  .version('0.1.0')
  .showHelpAfterError();

const server = program.command('server').description('run several services in one process');
server
  .command('local')
  .description('all services in one process on the embedded SQLite backend and local storage (default ./data)')
  .addOption(portOption('HTTP port of the API, UI, health and metrics'))
  .addOption(hostOption('127.0.0.1, this machine only'))
  .addOption(new Option('--insecure-no-auth', 'serve the API without credentials on an address other machines can reach (anyone who reaches it can run shell commands here)'))
  .addOption(dataDirOption())
  .addOption(configOption())
  .addOption(workerGroupOption())
  .action(async (flags: ServerFlags) => {
    const config = await configFromFlags(flags);
    const { startServer } = await import('@osprey/services');
    await startServer({
      config,
      roles: ['executor', 'worker', 'scheduler', 'webserver'],
      service: 'local',
      uiDir,
      listen: { defaultHost: '127.0.0.1', refuseOpenApi: true, insecureNoAuth: flags.insecureNoAuth === true },
    });
  });
server
  .command('standalone')
  .description('all services in one process on the backend the configuration names')
  .addOption(portOption('HTTP port of the API, UI, health and metrics'))
  .addOption(hostOption('0.0.0.0, every interface'))
  .addOption(dataDirOption())
  .addOption(configOption())
  .addOption(workerGroupOption())
  .action(async (flags: ServerFlags) => {
    const config = await configFromFlags(flags);
    const { startServer } = await import('@osprey/services');
    await startServer({ config, roles: ['executor', 'worker', 'scheduler', 'webserver', 'indexer'], service: 'standalone', uiDir });
  });

for (const role of SERVICE_ROLES) program.addCommand(serviceCommand(role, { uiDir }));

program
  .command('migrate')
  .description('bring the database schemas of the configured backend up to date, then exit (services also do it at start)')
  .addOption(dataDirOption())
  .addOption(configOption())
  .action(async (flags: ServerFlags) => {
    const config = await configFromFlags(flags);
    const { migrateBackend } = await import('@osprey/server');
    const applied = await migrateBackend(config);
    process.stdout.write(applied.length > 0 ? `applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}`).join('\n')}\n` : 'schema up to date\n');
  });

/**
 * Loads the plugins of the configuration, when one is named (`--config`, OSPREY_CONFIG) or OSPREY_PLUGINS is set: their
 * task types then validate as Osprey's own. Without either, nothing but the flow model is loaded.
 */
async function loadConfiguredPlugins(flags: { config?: string }) {
  if (!flags.config && !process.env.OSPREY_CONFIG && !process.env.OSPREY_PLUGINS) return [];
  const config = await configFromFlags(flags);
  if (config.plugins.length === 0) return [];
  const { loadPlugins } = await import('@osprey/plugins');
  return loadPlugins(config.plugins);
}

const flow = program.command('flow').description('work with flow files');
flow
  .command('validate')
  .description('validate flow files; prints each problem with its line and column, exits 1 if any')
  .argument('<files...>', 'flow YAML files')
  .addOption(new Option('-c, --config <file>', 'YAML configuration file whose plugins flows may use (default: $OSPREY_CONFIG)'))
  .action(async (files: string[], flags: { config?: string }) => {
    await loadConfiguredPlugins(flags);
    const { FlowValidationError, parseFlow } = await import('@osprey/flow-model');
    let bad = 0;
    for (const file of files) {
      let source: string;
      try {
        source = await readFile(file, 'utf8');
      } catch (error) {
        bad++;
        process.stderr.write(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
        continue;
      }
      try {
        const parsed = parseFlow(source, { fileName: file });
        process.stdout.write(`${file}: ok (${parsed.namespace}.${parsed.id})\n`);
      } catch (error) {
        if (!(error instanceof FlowValidationError)) throw error;
        bad++;
        process.stderr.write(`${error.message}\n`);
      }
    }
    if (bad > 0) process.exitCode = 1;
  });

flow
  .command('test')
  .description('run a flow once on a throw-away embedded backend and print {"execution", "triggered"} as JSON')
  .argument('<file>', 'the flow to run')
  .option('-f, --flows <dir>', 'deploy the flows of this folder first (subflows, Flow trigger listeners)')
  .option('-i, --input <key=value...>', 'an input value, as text (repeatable)', collect, [])
  .addOption(new Option('-t, --timeout <seconds>', 'give up after this many seconds').default(300).argParser(positiveSeconds))
  .addOption(new Option('--log-level <level>', 'service log level on stderr').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('warn'))
  .addOption(new Option('-c, --config <file>', 'YAML configuration file whose plugins the flow may use (default: $OSPREY_CONFIG); its backend is not used'))
  .action(async (file: string, flags: { flows?: string; input: string[]; timeout: number; logLevel: string; config?: string }) => {
    const inputs: Record<string, string> = {};
    for (const pair of flags.input) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--input ${pair}: expected key=value`);
      inputs[pair.slice(0, at)] = pair.slice(at + 1);
    }
    const { createLogger } = await import('@osprey/server');
    const { runFlowTest } = await import('@osprey/services');
    const logger = createLogger({ service: 'flow-test', instance: `pid-${process.pid}`, level: flags.logLevel, destination: process.stderr });
    const plugins = (await loadConfiguredPlugins(flags)).map((plugin) => plugin.spec);
    const result = await runFlowTest({ flowFile: file, flowsDir: flags.flows, inputs, timeoutMs: flags.timeout * 1000, logger, plugins });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });

const plugins = program.command('plugins').description('the plugins the configuration lists');
plugins
  .command('list')
  .description('load the configured plugins (configuration key plugins) and print each with its task types; exits 2 if one fails to load')
  .addOption(configOption())
  .option('--json', 'print the list as JSON')
  .action(async (flags: { config?: string; json?: boolean }) => {
    const loaded = await loadConfiguredPlugins(flags);
    const list = loaded.map((plugin) => ({
      name: plugin.name,
      ...(plugin.version ? { version: plugin.version } : {}),
      spec: plugin.spec,
      entry: plugin.entry,
      taskTypes: plugin.tasks.map((task) => ({ type: task.definition.name, aliases: [...task.definition.aliases], ...(task.description ? { description: task.description } : {}) })),
    }));
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      return;
    }
    if (list.length === 0) {
      process.stdout.write('no plugins configured (configuration key plugins, OSPREY_PLUGINS)\n');
      return;
    }
    for (const plugin of list) {
      process.stdout.write(`${plugin.name}${plugin.version ? ` ${plugin.version}` : ''} (${plugin.spec})\n`);
      for (const task of plugin.taskTypes) process.stdout.write(`  ${task.type}${task.description ? `  ${task.description}` : ''}\n`);
    }
  });

program
  .command('render')
  .description('render a template with Kestra expression syntax and print the text')
  .argument('<template>', 'the template, e.g. "{{ name | upper }}"')
  .option('--context <json>', 'variables as a JSON object', '{}')
  .action(async (template: string, flags: { context: string }) => {
    let context: unknown;
    try {
      context = JSON.parse(flags.context);
    } catch (error) {
      throw new UsageError(`--context is not valid JSON: ${(error as Error).message}`);
    }
    if (!context || typeof context !== 'object' || Array.isArray(context)) throw new UsageError('--context must be a JSON object');
    const { renderTemplate } = await import('@osprey/flow-model');
    const { envSecrets } = await import('@osprey/server');
    process.stdout.write(renderTemplate(template, context as Record<string, unknown>, { secret: envSecrets() }));
  });

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a number of seconds greater than 0');
  return seconds;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

program.addOption(new Option('--no-color').hideHelp());

try {
  await throwOnUsageError(program).parseAsync(process.argv);
} catch (error) {
  process.exitCode = await report(error);
}

async function report(error: unknown): Promise<number> {
  const commanderCode = commanderExitCode(error);
  if (commanderCode !== undefined) return commanderCode; // commander printed the message or the help
  // Imported here rather than at start (--help needs neither); the action that threw one of them has loaded it already.
  const { ExpressionError, FlowValidationError, InputValidationError } = await import('@osprey/flow-model');
  const { ConfigError } = await import('@osprey/server');
  // The plugins lib is loaded only when its error is the one to report (flow validate must stay light).
  const pluginLoadError = error instanceof Error && error.name === 'PluginLoadError' && error instanceof (await import('@osprey/plugins')).PluginLoadError;
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof InsecureListenError || pluginLoadError) {
    process.stderr.write(`osprey: ${error.message}\n`);
    return 2;
  }
  if (error instanceof FlowValidationError || error instanceof InputValidationError || error instanceof ExpressionError) {
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (error instanceof FlowTestTimeoutError) {
    process.stderr.write(`osprey: ${error.message}\n`);
    return 3;
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    process.stderr.write(`osprey: ${(error as Error).message}\n`);
    return 1;
  }
  if (code === 'EADDRINUSE') {
    process.stderr.write(`osprey: the port is already in use (${(error as Error).message}); pick another with --port\n`);
    return 1;
  }
  process.stderr.write(`osprey: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.OSPREY_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  return 70;
}
