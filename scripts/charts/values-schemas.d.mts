export declare const APP_COMPONENTS: string[];
export type JsonSchema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export declare function valuesSchemas(): Record<string, JsonSchema>;
export declare function schemaFile(chart: string): string;
export declare function schemaText(schema: JsonSchema): string;
export declare function staleSchemas(): string[];
