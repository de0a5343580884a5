import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpenApiDocument } from './openapi.js';

@ApiTags('Misc')
@Controller('api/v1')
export class OpenApiController {
  constructor(@Inject(OpenApiDocument) private readonly holder: OpenApiDocument) {}

  @Get('openapi.json')
  @ApiOperation({ summary: 'Get the OpenAPI document of this API' })
  @ApiOkResponse({ description: 'An OpenAPI 3 document.', schema: { type: 'object', additionalProperties: true } })
  document() {
    return this.holder.document;
  }
}
