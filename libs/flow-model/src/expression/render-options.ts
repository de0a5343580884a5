/** What the renderer needs from the outside world. `libs/flow-model` does no I/O itself. */
export interface RenderOptions {
  /** Clock for `now()`, jq's `now` and dates parsed without a year; default `new Date()`. */
  now?: () => Date;
  /** Ids for `uuid()`; default a random UUID. The executor passes its injected id source to stay deterministic. */
  uuid?: () => string;
  /** Numbers in [0, 1) for `randomInt()`; default a random number. */
  random?: () => number;
  /**
   * `secret('KEY')` lookup. The renderer returns exactly what this returns: decoding is the
   * caller's job (Kestra OSS reads `SECRET_KEY` environment variables holding base64 values
   * and decodes them). Returning undefined makes the expression fail.
   */
  secret?: (key: string) => string | undefined;
  /**
   * `read(path)`: the text of a `kestra:///` file of the execution or of a file of the flow's namespace (any other
   * path), supplied by the worker; absent => the expression fails.
   */
  read?: (path: string) => string;
  /**
   * Size of a `kestra:///` file or a namespace file, null when there is none (`fileSize()`, `fileExists()`,
   * `isFileEmpty()`); absent => those functions fail.
   */
  stat?: (path: string) => { size: number } | null;
  /** `kv('key', namespace?)`; absent => the expression fails. */
  kv?: (key: string, namespace?: string) => unknown;
  /** Zone of dates without one (`now()`, the `date` filter); default `UTC`. */
  timeZone?: string;
  /**
   * Extra functions supplied by the caller, e.g. `errorLogs()` which needs the execution's logs;
   * called with the positional arguments. Built-in functions win over these.
   */
  functions?: Record<string, (...args: unknown[]) => unknown>;
  render?: never;
}
