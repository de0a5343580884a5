/** The pinned PyPI versions of Kestra's Python API clients (and what they need beside their declared dependencies). */
export declare const KESTRA_CLIENTS: Record<string, string>;
/** Makes sure Kestra's Python API clients are installed in a cached venv and returns its python. */
export declare function ensureKestraClients(options?: { log?: (message: string) => void }): string;
