import type { InputType } from './flow.js';
import { declaredProperties, type PluginDefinition } from './plugin-definition.js';
import { prop } from './property-schema.js';

/** Properties every input declaration accepts (`name` is Kestra's legacy spelling of `id`). */
export const COMMON_INPUT_PROPERTIES = declaredProperties({
  id: prop.string().optional(),
  name: prop.string().optional(),
  type: prop.string(),
  description: prop.string().optional(),
  displayName: prop.string().optional(),
  dependsOn: prop.map().optional(),
  required: prop.boolean({ expressions: false }).optional(),
  defaults: prop.any().optional(),
  prefill: prop.any().optional(),
});

const none = () => declaredProperties({});

/** The properties each input type adds to the common ones; mostly its validators. */
export const INPUT_TYPE_PROPERTIES: Readonly<Record<InputType, Pick<PluginDefinition, 'shape' | 'refused' | 'properties'>>> = {
  STRING: declaredProperties({ validator: prop.string().optional(), minLength: prop.integer().optional(), maxLength: prop.integer().optional() }),
  SECRET: declaredProperties({ validator: prop.string().optional() }),
  EMAIL: none(),
  INT: declaredProperties({ min: prop.integer().optional(), max: prop.integer().optional() }),
  FLOAT: declaredProperties({ min: prop.number().optional(), max: prop.number().optional() }),
  BOOLEAN: none(),
  BOOL: none(),
  DATETIME: declaredProperties({ after: prop.string().optional(), before: prop.string().optional() }),
  DATE: declaredProperties({ after: prop.string().optional(), before: prop.string().optional() }),
  TIME: declaredProperties({ after: prop.string().optional(), before: prop.string().optional() }),
  DURATION: declaredProperties({ min: prop.duration().optional(), max: prop.duration().optional() }),
  JSON: none(),
  YAML: none(),
  URI: none(),
  FILE: declaredProperties({}, { extension: 'file extensions are not checked', allowedFileExtensions: 'file extensions are not checked' }),
  SELECT: declaredProperties({
    values: prop.list().optional(),
    expression: prop.string().optional(),
    allowCustomValue: prop.boolean({ expressions: false }).optional(),
    isRadio: prop.boolean().optional(),
    autoSelectFirst: prop.boolean().optional(),
  }),
  MULTISELECT: declaredProperties({
    values: prop.list().optional(),
    options: prop.list().optional(),
    expression: prop.string().optional(),
    itemType: prop.string().optional(),
    allowCustomValue: prop.boolean({ expressions: false }).optional(),
    autoSelectFirst: prop.boolean().optional(),
  }),
  ARRAY: declaredProperties({ itemType: prop.string() }),
  ENUM: declaredProperties({ values: prop.list() }),
};

export const INPUT_TYPES = Object.keys(INPUT_TYPE_PROPERTIES) as InputType[];

export function isInputType(type: unknown): type is InputType {
  return typeof type === 'string' && Object.hasOwn(INPUT_TYPE_PROPERTIES, type);
}
