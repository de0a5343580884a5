import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OspreyConfig } from '@osprey/server';
import { INSTANCE_ID, OSPREY_CONFIG } from '../nest/tokens.js';
import { ApiCredentials } from './auth/api-credentials.js';
import { ConfigsModel, VersionModel } from './api-models.js';

/**
 * Osprey's version: that of the nearest package.json above this file (this lib's when run from its dist or src,
 * the CLI's when bundled into apps/cli/dist; the workspace's packages share one version).
 */
export const OSPREY_VERSION: string = nearestPackageVersion(dirname(fileURLToPath(import.meta.url)));

function nearestPackageVersion(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** What a client (Kestra's UI, scripts) asks the server about itself. */
@ApiTags('Misc')
@Controller('api/v1')
export class ConfigsController {
  constructor(
    @Inject(OSPREY_CONFIG) private readonly config: OspreyConfig,
    @Inject(INSTANCE_ID) private readonly instanceId: string,
  ) {}

  @Get('configs')
  @ApiOperation({ summary: 'Get the server configuration a client needs', description: 'Kestra\'s fields; no secret is ever included.' })
  @ApiOkResponse({ type: ConfigsModel })
  configs() {
    const config = this.config;
    return {
      uuid: this.instanceId,
      version: OSPREY_VERSION,
      isTaskRunEnabled: true,
      isAnonymousUsageEnabled: false,
      isTemplateEnabled: false,
      isBasicAuthEnabled: new ApiCredentials(config.auth).basicEnabled,
      systemNamespace: 'system',
      hiddenLabelsPrefixes: [],
      maxUploadBytes: config.maxUploadBytes,
    };
  }

  @Get('version')
  @ApiOperation({ summary: 'Get the server version' })
  @ApiOkResponse({ type: VersionModel })
  version() {
    return { version: OSPREY_VERSION };
  }
}
