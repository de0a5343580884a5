import { readFileSync } from 'node:fs';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OspreyConfig } from '@osprey/server';
import { INSTANCE_ID, OSPREY_CONFIG } from '../nest/tokens.js';
import { ApiCredentials } from './auth/api-credentials.js';
import { ConfigsModel, VersionModel } from './api-models.js';

/** This package's version (src/ and dist/ sit at the same depth below package.json). */
export const OSPREY_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

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
