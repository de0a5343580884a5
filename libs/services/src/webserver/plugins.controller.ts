import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { acceptedProperties, CONDITION_TYPES, flowJsonSchema, TASK_TYPES, TRIGGER_TYPES, type JsonSchema, type PluginDefinition } from '@osprey/flow-model';
import { UnsupportedQuery } from './query-declarations.js';

class PluginPropertyModel {
  @ApiProperty() name!: string;
  @ApiProperty() required!: boolean;
  @ApiProperty({ description: 'string, number, integer, boolean, duration, map, list, stringOrList, tasks, taskCases, dagTasks, conditions, conditionMap, inputs or any' })
  kind!: string;
  @ApiPropertyOptional({ type: [String], description: 'Allowed values of an enum property.' })
  values?: string[];
}

class PluginModel {
  @ApiProperty({ description: 'Canonical type name, e.g. io.kestra.plugin.core.log.Log' }) type!: string;
  @ApiProperty({ enum: ['task', 'trigger', 'condition'] }) category!: string;
  @ApiProperty({ type: [String], description: 'Older names accepted for the same type.' }) aliases!: string[];
  @ApiPropertyOptional({ description: 'Tasks only: resolved by the executor (true) or run by a worker (false).' }) flowable?: boolean;
  @ApiProperty() deprecated!: boolean;
  @ApiProperty({ type: [PluginPropertyModel], description: 'Properties of this type besides the common ones (id, type, ...).' })
  properties!: PluginPropertyModel[];
}

/** The task, trigger and condition types a flow can use, and the flow JSON Schema the UI editor completes with. */
@ApiTags('Plugins')
@Controller('api/v1/plugins')
export class PluginsController {
  // Built once: the registries are constants of this build.
  private schema: JsonSchema | undefined;
  private list: PluginModel[] | undefined;

  @Get()
  @ApiOperation({ summary: 'List the task, trigger and condition types', description: 'Each type with its aliases and specific properties.' })
  @ApiOkResponse({ type: [PluginModel] })
  @UnsupportedQuery(Object.fromEntries(['page', 'size', 'sort', 'filters'].map((name) => [name, 'the plugin list is answered whole'])))
  plugins(): PluginModel[] {
    this.list ??= [
      ...TASK_TYPES.map((t) => pluginJson(t, 'task', t.kind === 'flowable')),
      ...TRIGGER_TYPES.map((t) => pluginJson(t, 'trigger')),
      ...CONDITION_TYPES.map((t) => pluginJson(t, 'condition')),
    ];
    return this.list;
  }

  @Get('schemas/flow')
  @ApiOperation({
    summary: 'Get the JSON Schema of a flow',
    description: 'Draft-07, as Kestra serves it at this path: every task, trigger, condition and input type with its properties, for editors (monaco-yaml, VS Code YAML).',
  })
  @ApiOkResponse({ description: 'A JSON Schema (draft-07) document.', schema: { type: 'object', additionalProperties: true } })
  flowSchema(): JsonSchema {
    this.schema ??= flowJsonSchema();
    return this.schema;
  }
}

function pluginJson(definition: PluginDefinition, category: 'task' | 'trigger' | 'condition', flowable?: boolean): PluginModel {
  return {
    type: definition.name,
    category,
    aliases: [...definition.aliases],
    ...(flowable === undefined ? {} : { flowable }),
    deprecated: definition.deprecated ?? false,
    // Only what a flow may use: refused properties and values are left out.
    properties: Object.entries(acceptedProperties(definition.properties))
      .filter(([name]) => name !== 'type')
      .map(([name, spec]) => ({
        name,
        required: spec.required ?? false,
        kind: spec.type,
        ...(spec.values ? { values: spec.values.filter((value) => !spec.refusedValues?.[value]) } : {}),
      })),
  };
}
