import { ConfigError, loadConfig } from '@osprey/server';
import type { ServiceRole } from '../runtime.js';
import { startServer } from './bootstrap.js';

/** Entry point of one service's app: configuration from OSPREY_CONFIG and OSPREY_* variables. */
export async function runService(role: ServiceRole, options: { uiDir?: string } = {}): Promise<void> {
  try {
    const config = loadConfig({ file: process.env.OSPREY_CONFIG });
    await startServer({ config, roles: [role], service: role, uiDir: options.uiDir });
  } catch (error) {
    process.stderr.write(`osprey ${role}: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
}
