/**
 * Makes sure Chromium is installed (Debian's `chromium` package, apt once per machine) and returns the path of its
 * executable; `OSPREY_CHROMIUM` names another executable instead. Throws when it cannot be installed.
 */
export declare function ensureChromium(options?: { log?: (message: string) => void }): string;
