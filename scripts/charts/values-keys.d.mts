import type { JsonSchema } from './values-schemas.mjs';
export interface SchemaKey {
  path: string[];
  schema: JsonSchema;
}
export interface TemplateRead {
  path: string[];
  file: string;
  line: number;
}
export declare function schemaKeys(schema: JsonSchema, skip?: string[]): SchemaKey[];
export declare function otherValue(schema: JsonSchema, current: unknown): unknown;
export declare function getPath(object: unknown, path: string[]): unknown;
export declare function valuesAt(path: string[], value: unknown): Record<string, unknown>;
export declare function mergeValues(...layers: unknown[]): Record<string, unknown>;
export declare function templateReads(templatesDir: string): TemplateRead[];
export declare function schemaDeclares(schema: JsonSchema, path: string[]): boolean;
