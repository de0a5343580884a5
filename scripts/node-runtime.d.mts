export declare const NODE_LTS_VERSION: string;
export declare function cacheDir(): string;
export declare function ensureNodeRuntime(version?: string, options?: { cache?: string; log?: (message: string) => void }): string;
export declare function nodeAbi(nodeBinary: string): string;
export declare function ensureBetterSqlite3(nodeDir: string, options?: { cache?: string; log?: (message: string) => void }): string;
