import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
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
import type { LoadedPlugin } from '@osprey/plugins';
import { NotFoundError } from '@osprey/repository';
import { ApiErrors } from './api-docs.js';
import { boolParam } from './query-params.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { LOADED_PLUGINS } from '../nest/tokens.js';
import { UnsupportedQuery } from './query-declarations.js';
import { pluginGroups, type PluginGroup } from './plugin-groups.js';

class PluginElementModel {
  @ApiProperty({ description: 'The type name, e.g. io.kestra.plugin.core.log.Log.' }) cls!: string;
  @ApiPropertyOptional({ description: 'Present (true) only on a deprecated type.' }) deprecated?: boolean;
  @ApiPropertyOptional({ description: 'What the plugin declared of the type (types of the `plugins` key).' }) description?: string;
}

class PluginGroupModel {
  @ApiProperty({ description: 'The plugin: `core`, `plugin-aws`, ..., or the package name of a plugin of the `plugins` key.' }) name!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'The package prefix of its types, e.g. io.kestra.plugin.core.' }) group!: string;
  @ApiPropertyOptional({ description: 'The package version of a plugin of the `plugins` key.' }) version?: string;
  @ApiProperty({ type: [String] }) guides!: string[];
  @ApiProperty({ type: [String], description: 'Older names of its types.' }) aliases!: string[];
  @ApiProperty({ type: [PluginElementModel] }) tasks!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) triggers!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) conditions!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel], description: 'Always empty, as are storages, secrets, taskRunners, apps, appBlocks, charts, dataFilters, dataFiltersKPI, logExporters and additionalPlugins: Osprey has no plugins of those kinds.' })
  controllers!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) storages!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) secrets!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) taskRunners!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) apps!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) appBlocks!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) charts!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) dataFilters!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) dataFiltersKPI!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) logExporters!: PluginElementModel[];
  @ApiProperty({ type: [PluginElementModel] }) additionalPlugins!: PluginElementModel[];
  @ApiProperty({ type: [String], description: 'Kestra\'s plugin categories: CORE, SCRIPT, DATABASE, ...' }) categories!: string[];
  @ApiPropertyOptional({ description: 'The subgroup package (in /plugins/groups/subgroups only).' }) subGroup?: string;
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
  private groups: PluginGroup[] | undefined;

  constructor(@Inject(LOADED_PLUGINS) private readonly loaded: readonly LoadedPlugin[]) {}

  @Get()
  @ApiOperation({
    summary: 'List the plugins',
    description: 'Kestra\'s plugin list: one entry per plugin (`core`, `plugin-aws`, ..., then each plugin of the `plugins` configuration key) with the class names of its tasks, triggers and conditions.',
  })
  @ApiOkResponse({ type: [PluginGroupModel] })
  @UnsupportedQuery(Object.fromEntries(['page', 'size', 'sort', 'filters'].map((name) => [name, 'the plugin list is answered whole'])))
  plugins(): PluginGroup[] {
    return this.allGroups().filter((group) => group.subGroup === undefined);
  }

  @Get('groups/subgroups')
  @ApiOperation({ summary: 'List the plugins and their subgroups', description: 'The plugin list, then one entry per package below a plugin\'s group (its `subGroup`) listing only that package\'s types.' })
  @ApiOkResponse({ type: [PluginGroupModel] })
  subgroups(): PluginGroup[] {
    return this.allGroups();
  }

  @Get('icons/groups')
  @ApiOperation({ summary: 'List the icon entry of every plugin group and subgroup', description: 'Keyed by group and subgroup package, as Kestra answers; Osprey ships no icon images, so entries carry no `icon`.' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      additionalProperties: { type: 'object', required: ['name', 'flowable'], properties: { name: { type: 'string', description: 'Always plugin-icon.' }, flowable: { type: 'boolean', description: 'Always false.' } } },
    },
  })
  groupIcons(): Record<string, PluginIcon> {
    return Object.fromEntries(this.allGroups().map((group) => [group.subGroup ?? group.group, { name: 'plugin-icon', flowable: false }]));
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

  private allGroups(): PluginGroup[] {
    this.groups ??= pluginGroups({ tasks: taskTypes(), triggers: TRIGGER_TYPES, conditions: CONDITION_TYPES }, this.loaded, { subgroups: true });
    return this.groups;
  }

  private documentation(definitionName: string): DocumentationWithSchemaModel {
    this.schema ??= flowJsonSchema();
    const definitions = this.schema.definitions as Record<string, JsonSchema>;
    return { schema: { properties: definitions[definitionName]!, definitions } };
  }
}
