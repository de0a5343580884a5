/**
 * Makes sure the venv `<cache>/<name>/<version>` (cache: OSPREY_CACHE_DIR or ~/.cache/osprey) holds the pinned pip
 * `requirements` and returns its python. Throws when they cannot be installed.
 */
export declare function ensurePythonVenv(options: {
  name: string;
  version: string;
  requirements: string[];
  minPython?: [number, number];
  log?: (message: string) => void;
}): string;
