import type { InputType } from './flow.js';
import { properties, refused, type PropertySpec } from './plugin-definition.js';

/** Properties every input declaration accepts (`name` is Kestra's legacy spelling of `id`). */
export const COMMON_INPUT_PROPERTIES: Readonly<Record<string, PropertySpec>> = properties({
  id: 'string',
  name: 'string',
  type: 'string!',
  description: 'string',
  displayName: 'string',
  dependsOn: 'map',
  required: 'boolean',
  defaults: 'any',
  prefill: 'any',
});

/** The properties each input type adds to the common ones; mostly its validators. */
export const INPUT_TYPE_PROPERTIES: Readonly<Record<InputType, Readonly<Record<string, PropertySpec>>>> = {
  STRING: properties({ validator: 'string', minLength: 'integer', maxLength: 'integer' }),
  SECRET: properties({ validator: 'string' }),
  EMAIL: {},
  INT: properties({ min: 'integer', max: 'integer' }),
  FLOAT: properties({ min: 'number', max: 'number' }),
  BOOLEAN: {},
  BOOL: {},
  DATETIME: properties({ after: 'string', before: 'string' }),
  DATE: properties({ after: 'string', before: 'string' }),
  TIME: properties({ after: 'string', before: 'string' }),
  DURATION: properties({ min: 'duration', max: 'duration' }),
  JSON: {},
  YAML: {},
  URI: {},
  FILE: {
    extension: refused('file extensions are not checked'),
    allowedFileExtensions: refused('file extensions are not checked'),
  },
  SELECT: properties({ values: 'list', expression: 'string', allowCustomValue: 'boolean', isRadio: 'boolean', autoSelectFirst: 'boolean' }),
  MULTISELECT: properties({
    values: 'list',
    options: 'list',
    expression: 'string',
    itemType: 'string',
    allowCustomValue: 'boolean',
    autoSelectFirst: 'boolean',
  }),
  ARRAY: properties({ itemType: 'string!' }),
  ENUM: properties({ values: 'list!' }),
};

export const INPUT_TYPES = Object.keys(INPUT_TYPE_PROPERTIES) as InputType[];

export function isInputType(type: unknown): type is InputType {
  return typeof type === 'string' && Object.hasOwn(INPUT_TYPE_PROPERTIES, type);
}
