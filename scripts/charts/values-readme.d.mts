export declare function valuesReadmes(): Record<string, string>;
export declare function readmeFile(chart: string): string;
export declare function staleReadmes(): string[];
