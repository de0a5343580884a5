import { createWriteStream, openAsBlob } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { isPlainObject, TaskProperties, toText, type PropertyContext } from '../support/task-properties.js';
import { TaskAbortedError, TaskPropertyError } from '../support/task-errors.js';
import { HTTP_REQUEST_TASK, parseDuration, type PropertiesOf } from '@osprey/flow-model';

const DEFAULT_MAX_CONTENT_LENGTH = 10 * 1024 * 1024;
// Kestra's HTTP client gives up on a read that stays idle for 5 minutes.
const DEFAULT_READ_TIMEOUT_MS = 300_000;
const ERROR_BODY_LIMIT = 4096;

/** The `options` of an HTTP request, in the shapes Kestra accepts (current and deprecated). */
export interface HttpOptions {
  timeoutMs: number;
  followRedirects: boolean;
  allowFailed: boolean;
  allowedResponseCodes?: number[];
  /** The flow's limit on the body, in bytes; each task applies its own default when it is not set. */
  maxContentLength?: number;
  authorization?: string;
}

/**
 * `io.kestra.plugin.core.http.Request`: sends one HTTP request with global fetch and outputs
 * `{ uri, code, headers, body }`. A response code of 400 or more fails the task unless
 * `options.allowFailed` (or the deprecated top-level `allowFailed`) is true.
 */
export class HttpRequestTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, HTTP_REQUEST_TASK);
    const { uri, options, response, timeout } = await sendHttpRequest(ctx, properties);

    let text: string | undefined;
    try {
      text = await readBody(response, options.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH);
    } catch (error) {
      if (error instanceof TaskFailure) throw error;
      throw requestError(ctx, timeout, uri, options, error);
    }

    const code = response.status;
    const rejected =
      (!options.allowFailed && code >= 400) ||
      (options.allowedResponseCodes !== undefined && !options.allowedResponseCodes.includes(code));
    if (rejected) {
      let message = `Failed http request with response code '${code}'`;
      if (text) message += ` and body:\n${text.length > ERROR_BODY_LIMIT ? `${text.slice(0, ERROR_BODY_LIMIT)}...` : text}`;
      throw new TaskFailure(message);
    }

    const outputs: Record<string, unknown> = { uri, code, headers: responseHeaders(response.headers) };
    if (text !== undefined) outputs['body'] = text;
    return { outputs };
  }
}

/** The properties Request, Download and the HTTP trigger share (Kestra's AbstractHttp); the trigger has no form data, params or allowFailed. */
export type HttpProperties = Pick<PropertiesOf<typeof HTTP_REQUEST_TASK>, 'uri' | 'method' | 'body' | 'contentType' | 'headers' | 'options'> &
  Partial<Pick<PropertiesOf<typeof HTTP_REQUEST_TASK>, 'formData' | 'params' | 'allowFailed'>>;

/** What sending a request needs of its run: properties, a kill signal and, for multipart files, storage (tasks only). */
export type HttpContext = PropertyContext & Pick<RunContext, 'signal'> & Partial<Pick<RunContext, 'storage' | 'workingDirectory'>>;

/** A sent request: the final URI, the options read, the response (its body unread) and the deadline's signal. */
export interface SentHttpRequest {
  uri: string;
  options: HttpOptions;
  response: Response;
  timeout: AbortSignal;
}

/** Builds the request of an HTTP task from its properties and sends it with global fetch. */
export async function sendHttpRequest(ctx: HttpContext, properties: TaskProperties<HttpProperties>): Promise<SentHttpRequest> {
  // Kestra encodes spaces, the one character users commonly leave in a templated URI.
  let uri = (await properties.string('uri')).replaceAll(' ', '%20');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new TaskPropertyError('uri', `'${uri}' is not an absolute URL`);
  }
  const params = await properties.stringMap('params');
  if (params && Object.keys(params).length > 0) {
    for (const [key, value] of Object.entries(params)) url.searchParams.append(key, value);
    uri = url.toString();
  }
  const method = ((await properties.string('method')) ?? 'GET').trim().toUpperCase();
  const contentType = (await properties.string('contentType')) ?? 'application/json';
  const options = await readOptions(properties);

  const headers = new Headers();
  let body: string | FormData | URLSearchParams | undefined;
  const formData = await properties.map('formData');
  if (formData && Object.keys(formData).length > 0) {
    body = contentType.toLowerCase().startsWith('multipart/form-data')
      ? await multipart(ctx, formData)
      : new URLSearchParams(Object.entries(formData).map(([key, value]): [string, string] => [key, toText(value)]));
    // fetch sets the content type (with the multipart boundary) for these bodies itself.
  } else {
    const text = await properties.text('body');
    if (text !== undefined) body = text;
    headers.set('content-type', contentType);
  }
  if (options.authorization) headers.set('authorization', options.authorization);
  for (const [name, value] of Object.entries((await properties.stringMap('headers')) ?? {})) {
    headers.set(name, value);
  }

  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  try {
    const response = await fetch(uri, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      redirect: options.followRedirects ? 'follow' : 'manual',
      signal,
    });
    return { uri, options, response, timeout };
  } catch (error) {
    throw requestError(ctx, timeout, uri, options, error);
  }
}

async function readOptions(properties: TaskProperties<HttpProperties>): Promise<HttpOptions> {
  const options = (await properties.map('options')) ?? {};
  const timeouts = isPlainObject(options['timeout']) ? options['timeout'] : {};
  const connectMs = durationOption(options['connectTimeout'] ?? timeouts['connectTimeout'], 'options.connectTimeout');
  const readMs = durationOption(
    options['readTimeout'] ?? options['readIdleTimeout'] ?? timeouts['readIdleTimeout'],
    'options.readTimeout',
  );
  const deprecatedAllowFailed = await properties.boolean('allowFailed', false);
  const allowed = options['allowedResponseCodes'];
  const auth = isPlainObject(options['auth']) ? options['auth'] : undefined;
  let authorization: string | undefined;
  if (auth && String(auth['type']).toUpperCase() === 'BEARER') {
    authorization = `Bearer ${toText(auth['token'])}`;
  } else if (auth && String(auth['type']).toUpperCase() === 'BASIC') {
    authorization = basic(toText(auth['username']), toText(auth['password']));
  } else if (options['basicAuthUser'] !== undefined) {
    authorization = basic(toText(options['basicAuthUser']), toText(options['basicAuthPassword']));
  }
  return {
    // fetch has one deadline for connecting and reading; Kestra's two timeouts add up to it.
    timeoutMs: (connectMs ?? 0) + (readMs ?? DEFAULT_READ_TIMEOUT_MS),
    followRedirects: booleanOption(options['followRedirects'], true, 'options.followRedirects'),
    allowFailed: booleanOption(options['allowFailed'], deprecatedAllowFailed, 'options.allowFailed'),
    allowedResponseCodes: Array.isArray(allowed) ? allowed.map((code, i) => integerOption(code, `options.allowedResponseCodes[${i}]`)) : undefined,
    ...(options['maxContentLength'] === undefined || options['maxContentLength'] === null ? {} : { maxContentLength: integerOption(options['maxContentLength'], 'options.maxContentLength') }),
    authorization,
  };
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A duration option: ISO-8601 text, or a number of seconds as Jackson reads a Duration; refused by name otherwise. */
export function durationOption(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return value * 1000;
  try {
    return parseDuration(String(value));
  } catch (error) {
    throw new TaskPropertyError(name, (error as Error).message);
  }
}

/** A whole number written as one or rendered to its text; anything else is refused by name, never read as NaN. */
function integerOption(value: unknown, name: string): number {
  const text = value === undefined || value === null ? '' : String(value).trim();
  const number = typeof value === 'number' ? value : Number(text);
  if (text === '' || !Number.isSafeInteger(number)) throw new TaskPropertyError(name, `expected an integer, got '${text}'`);
  return number;
}

function booleanOption(value: unknown, defaultValue: boolean, name: string): boolean {
  if (value === undefined || value === null) return defaultValue;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true' || text === 'false') return text === 'true';
  throw new TaskPropertyError(name, `expected true or false, got '${text}'`);
}

/** Multipart form: `kestra://` values and `{name, content}` maps become file parts, read from disk lazily. */
async function multipart(ctx: HttpContext, formData: Record<string, unknown>): Promise<FormData> {
  const form = new FormData();
  for (const [key, value] of Object.entries(formData)) {
    if (typeof value === 'string' && value.startsWith('kestra://')) {
      form.append(key, await storageFile(ctx, value), path.posix.basename(value));
    } else if (isPlainObject(value) && value['name'] !== undefined && value['content'] !== undefined) {
      form.append(key, await storageFile(ctx, toText(value['content'])), toText(value['name']));
    } else {
      form.append(key, toText(value));
    }
  }
  return form;
}

/** Copies a storage file into the working directory and opens it as a file-backed Blob (not loaded whole). */
async function storageFile(ctx: HttpContext, uri: string): Promise<Blob> {
  if (!ctx.storage || !ctx.workingDirectory) throw new TaskPropertyError('formData', 'files can only be sent by a task');
  const target = path.join(await ctx.workingDirectory(), `http-upload-${randomUUID()}`);
  await pipeline(await ctx.storage.get(uri), createWriteStream(target), { signal: ctx.signal });
  return openAsBlob(target);
}

export async function readBody(response: Response, maxContentLength: number): Promise<string | undefined> {
  if (!response.body) return undefined;
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    length += chunk.byteLength;
    if (length > maxContentLength) {
      // Cleanup on a failed path: the size error below is what the task reports.
      await response.body.cancel().catch(() => undefined);
      throw new TaskFailure(
        `Response body is larger than options.maxContentLength (${maxContentLength} bytes); use the Download task for large payloads`,
      );
    }
    chunks.push(chunk);
  }
  if (length === 0) return undefined;
  return Buffer.concat(chunks, length).toString('utf8');
}

export function responseHeaders(headers: Headers): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') result[name] = [value];
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) result['set-cookie'] = cookies;
  return result;
}

export function requestError(ctx: Pick<RunContext, 'signal'>, timeout: AbortSignal, uri: string, options: HttpOptions, error: unknown): Error {
  if (ctx.signal.aborted) return new TaskAbortedError(ctx.signal.reason);
  if (timeout.aborted) return new TaskFailure(`HTTP request to ${uri} timed out after ${options.timeoutMs} ms`);
  const cause = (error as { cause?: unknown })?.cause;
  const reason = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return new TaskFailure(`HTTP request to ${uri} failed: ${reason}`);
}
