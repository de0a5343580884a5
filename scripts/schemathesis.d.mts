export declare const SCHEMATHESIS_VERSION: string;
/**
 * Makes sure schemathesis (pinned, from PyPI) is installed in a venv under the cache folder and returns the command
 * that runs its CLI; `OSPREY_SCHEMATHESIS` names another executable instead. Throws when it cannot be installed.
 */
export declare function ensureSchemathesis(options?: { log?: (message: string) => void }): string[];
