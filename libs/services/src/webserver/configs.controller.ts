import { readFileSync } from 'node:fs';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OspreyRuntime } from '../runtime.js';
import { ApiCredentials } from './auth/api-credentials.js';
import { ConfigsModel, VersionModel } from './api-models.js';

/** This package's version (src/ and dist/ sit at the same depth below package.json). */
export const OSPREY_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** What a client (Kestra's UI, scripts) asks the server about itself. */
@ApiTags('Misc')
@Controller('api/v1')
export class ConfigsController {
  constructor(@Inject(OspreyRuntime) private readonly runtime: OspreyRuntime) {}

  @Get('configs')
  @ApiOperation({ summary: 'Get the server configuration a client needs', description: 'Kestra\'s fields; no secret is ever included.' })
  @ApiOkResponse({ type: ConfigsModel })
  configs() {
    const config = this.runtime.options.config;
    return {
      uuid: this.runtime.instanceId,
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
