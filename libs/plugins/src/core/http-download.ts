import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HTTP_DOWNLOAD_TASK } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { storageFileName } from '../support/storage-file-name.js';
import { requestError, responseHeaders, sendHttpRequest } from './http-request.js';

/**
 * `io.kestra.plugin.core.http.Download` (also `io.kestra.plugin.fs.http.Download`): streams the response body of one
 * HTTP request to internal storage and outputs `{ uri, code, length, headers }`. The request is built as the Request
 * task builds it (method, body, formData, headers, params, options).
 */
export class HttpDownloadTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, HTTP_DOWNLOAD_TASK);
    const failOnEmptyResponse = await properties.boolean('failOnEmptyResponse', true);
    const { uri, options, response, timeout } = await sendHttpRequest(ctx, properties);
    // Download streams any size unless the flow sets a limit (the Request task's 10 MiB default is for bodies kept in memory).
    const limit = options.maxContentLength;
    const code = response.status;
    const headers = responseHeaders(response.headers);

    const file = path.join(await ctx.workingDirectory(), `download-${randomUUID()}`);
    let length = 0;
    try {
      if (code >= 400 || (options.allowedResponseCodes !== undefined && !options.allowedResponseCodes.includes(code))) {
        await response.body?.cancel().catch(() => undefined);
        if (!options.allowFailed || options.allowedResponseCodes !== undefined) throw new TaskFailure(`Failed http request with response code '${code}'`);
        // As in Kestra, a failed response that is allowed stores an empty file and reports the announced length.
        length = Number(response.headers.get('content-length') ?? 0);
        await pipeline(Readable.from([]), createWriteStream(file));
      } else {
        length = await writeBody(ctx, response, file, limit, () => requestError(ctx, timeout, uri, options, new Error('the response stream broke')));
        const announced = response.headers.get('content-length');
        // fetch decompresses an encoded body: only an identity body can be checked against its announced length.
        if (announced !== null && !response.headers.has('content-encoding') && Number(announced) !== length) {
          throw new TaskFailure(`Invalid size, got ${length}, expected ${announced}`);
        }
      }
      ctx.metric({ name: 'response.length', type: 'counter', value: length });
      if (length === 0) {
        if (failOnEmptyResponse && !options.allowFailed) throw new TaskFailure(`No response from server: '${uri}' sent an empty body`);
        ctx.logger.warn(`File '${uri}' is empty`);
      }
      const stored = await ctx.storage.putFile(fileName(uri, response.headers.get('content-disposition')), createReadStream(file));
      ctx.logger.debug(`File '${uri}' downloaded to '${stored}'`);
      return { outputs: { uri: stored, code, length, headers } };
    } finally {
      await rm(file, { force: true });
    }
  }
}

async function writeBody(ctx: RunContext, response: Response, file: string, limit: number | undefined, broken: () => Error): Promise<number> {
  let length = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      length += chunk.length;
      if (limit !== undefined && length > limit) callback(new TaskFailure(`Response body is larger than options.maxContentLength (${limit} bytes)`));
      else callback(null, chunk);
    },
  });
  if (!response.body) return 0;
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), counter, createWriteStream(file), { signal: ctx.signal });
  } catch (error) {
    if (error instanceof TaskFailure) throw error;
    throw broken();
  }
  return length;
}

/** The stored name: the Content-Disposition filename (its last path segment), else a fresh name with the URI's extension. */
function fileName(uri: string, contentDisposition: string | null): string {
  const declared = contentDisposition ? dispositionFilename(contentDisposition) : undefined;
  const base = declared?.split(/[\\/]/).pop();
  // Storage URIs stay plain: characters other than letters, digits, '.', '_' and '-' become '_'.
  const safe = base?.replace(/[^A-Za-z0-9._-]/g, '_');
  if (safe && !/^\.+$/.test(safe)) return safe;
  const last = new URL(uri).pathname.split('/').pop() ?? '';
  const dot = last.indexOf('.');
  try {
    return storageFileName(dot >= 0 ? last.slice(dot) : undefined);
  } catch {
    return storageFileName(undefined);
  }
}

/** `filename*=UTF-8''na%20me.csv` or `filename="name.csv"` (the starred form wins, as RFC 6266 says). */
function dispositionFilename(header: string): string | undefined {
  let plain: string | undefined;
  for (const part of header.split(';').map((piece) => piece.trim())) {
    const starred = /^filename\*\s*=\s*[^']*'[^']*'(.+)$/i.exec(part);
    if (starred) {
      try {
        return decodeURIComponent(starred[1]!.replace(/^"|"$/g, ''));
      } catch {
        continue;
      }
    }
    const simple = /^filename\s*=\s*(.+)$/i.exec(part);
    if (simple) plain = simple[1]!.replace(/^"|"$/g, '');
  }
  return plain;
}
