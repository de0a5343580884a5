import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  acceptedProperties,
  CONDITION_TYPES,
  flowJsonSchema,
  INPUT_TYPES,
  isInputType,
  resolveConditionType,
  resolveTaskType,
  resolveTriggerType,
  taskTypes,
  TRIGGER_TYPES,
  type JsonSchema,
  type PluginDefinition,
} from '@osprey/flow-model';
import { NotFoundError } from '@osprey/repository';
import { ApiErrors } from './api-docs.js';
import { boolParam } from './query-params.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';
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

class PluginSchemaModel {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The JSON Schema (draft-07) of the type: its properties, required ones, and `additionalProperties: false`.' })
  properties!: JsonSchema;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The definitions its `$ref`s (`#/definitions/...`) point at: those of the flow schema.' })
  definitions!: JsonSchema;
}

class DocumentationWithSchemaModel {
  @ApiProperty({ type: PluginSchemaModel }) schema!: PluginSchemaModel;
}

class InputTypeModel {
  @ApiProperty({ description: 'The input type, e.g. STRING.' }) type!: string;
  @ApiProperty({ description: 'Kestra\'s class of that input type.' }) cls!: string;
}

interface PluginIcon {
  name: string;
  flowable: boolean;
}

/** Kestra's class names of the input types (`io.kestra.core.models.flows.input.StringInput`, ...). */
const INPUT_CLASS_NAMES: Readonly<Record<string, string>> = { DATETIME: 'DateTime', URI: 'URI', MULTISELECT: 'Multiselect' };
const inputClass = (type: string) => `io.kestra.core.models.flows.input.${INPUT_CLASS_NAMES[type] ?? type.charAt(0) + type.slice(1).toLowerCase()}Input`;

/** The task, trigger and condition types a flow can use, and the flow JSON Schema the UI editor completes with. */
@ApiTags('Plugins')
@Controller('api/v1/plugins')
export class PluginsController {
  // Built once: the registries are fixed once the configured plugins are loaded, before the API serves.
  private schema: JsonSchema | undefined;
  private list: PluginModel[] | undefined;

  @Get()
  @ApiOperation({ summary: 'List the task, trigger and condition types', description: 'Each type with its aliases and specific properties.' })
  @ApiOkResponse({ type: [PluginModel] })
  @UnsupportedQuery(Object.fromEntries(['page', 'size', 'sort', 'filters'].map((name) => [name, 'the plugin list is answered whole'])))
  plugins(): PluginModel[] {
    this.list ??= [
      ...taskTypes().map((t) => pluginJson(t, 'task', t.kind === 'flowable')),
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

  @Get('icons')
  @ApiOperation({ summary: 'List the icon entry of every task, trigger and condition type', description: 'Keyed by type name and alias, as Kestra answers; Osprey ships no icon images, so entries carry the name and whether the type is flowable.' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      additionalProperties: { type: 'object', required: ['name', 'flowable'], properties: { name: { type: 'string', description: 'The simple name of the type.' }, flowable: { type: 'boolean' } } },
    },
  })
  icons(): Record<string, PluginIcon> {
    const icons: Record<string, PluginIcon> = {};
    const add = (definition: PluginDefinition, flowable: boolean) => {
      for (const name of [definition.name, ...definition.aliases]) icons[name] = { name: name.split('.').pop()!, flowable };
    };
    for (const t of taskTypes()) add(t, t.kind === 'flowable');
    for (const t of [...TRIGGER_TYPES, ...CONDITION_TYPES]) add(t, false);
    return icons;
  }

  @Get('inputs')
  @ApiOperation({ summary: 'List the input types' })
  @ApiOkResponse({ type: [InputTypeModel] })
  inputs(): InputTypeModel[] {
    return INPUT_TYPES.map((type) => ({ type, cls: inputClass(type) }));
  }

  @Get('inputs/:type')
  @ApiOperation({ summary: 'Get the JSON Schema of an input type', description: 'Draft-07, the one the flow schema holds for this input type.' })
  @ApiParam({ name: 'type', description: 'An input type, e.g. STRING.' })
  @ApiOkResponse({ type: DocumentationWithSchemaModel })
  @ApiErrors(404)
  inputSchema(@Param('type') type: string): DocumentationWithSchemaModel {
    if (!isInputType(type)) throw new NotFoundError('input type', type);
    return this.documentation(`input.${type}`);
  }

  @Get(':cls')
  @ApiOperation({
    summary: 'Get the JSON Schema of a task, trigger or condition type',
    description: 'Kestra\'s plugin documentation shape, `{schema: {properties, definitions}}`: the type\'s JSON Schema as the flow schema holds it (an alias answers its canonical type). An unknown type is a 404 naming it.',
  })
  @ApiParam({ name: 'cls', description: 'The type name, e.g. io.kestra.plugin.core.log.Log.' })
  @ApiQuery({ name: 'all', required: false, type: Boolean, description: 'true (Kestra\'s clients send it): every property a flow may use, which Osprey always answers; false, a narrower schema, is refused (400).' })
  @ApiOkResponse({ type: DocumentationWithSchemaModel })
  @ApiErrors(400, 404)
  pluginSchema(@Param('cls') cls: string, @Query('all') all?: string | string[]): DocumentationWithSchemaModel {
    // Osprey always answers every property a flow may use: all=false asks for a narrower schema it does not give.
    if (boolParam(all, 'all') === false) throw new InvalidArgumentError('all', 'false is not supported: the schema always holds every property a flow may use (omit it or send true)');
    const definition = resolveTaskType(cls) ?? resolveTriggerType(cls) ?? resolveConditionType(cls);
    if (!definition) throw new NotFoundError('plugin type', cls);
    return this.documentation(definition.name);
  }

  private documentation(definitionName: string): DocumentationWithSchemaModel {
    this.schema ??= flowJsonSchema();
    const definitions = this.schema.definitions as Record<string, JsonSchema>;
    return { schema: { properties: definitions[definitionName]!, definitions } };
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
