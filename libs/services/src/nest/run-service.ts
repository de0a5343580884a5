import nodeModule from 'node:module';
import type { ServiceRole } from '../service-role.js';
import { InsecureListenError } from './listen-address.js';
import { commanderExitCode, serviceCommand, throwOnUsageError, USAGE_EXIT_CODE } from './service-command.js';

/** Entry point of one service's app: the same flags as `osprey <role>` (`--help` prints them and exits). */
export async function runService(role: ServiceRole, options: { uiDir?: string } = {}): Promise<void> {
  // Node 22.1+: the next start reuses the compiled code of the modules (see apps/cli/src/main.ts).
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  try {
    await throwOnUsageError(serviceCommand(role, { name: `osprey-${role}`, uiDir: options.uiDir })).parseAsync(process.argv);
  } catch (error) {
    const commanderCode = commanderExitCode(error);
    if (commanderCode !== undefined) process.exit(commanderCode);
    // Loaded here, not at start: `--help` needs no configuration loader (the command's action loaded it already).
    const { ConfigError } = await import('@osprey/server');
    const usage = error instanceof ConfigError || error instanceof InsecureListenError;
    process.stderr.write(`osprey ${role}: ${(error as Error).message}\n`);
    process.exit(usage ? USAGE_EXIT_CODE : 1);
  }
}
