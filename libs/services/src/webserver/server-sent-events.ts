import { setTimeout as wait } from 'node:timers/promises';

/** The minimal response surface Server-Sent Events need (Express's response). */
export interface SseResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(): unknown;
  on(event: 'close', listener: () => void): unknown;
  flushHeaders?(): void;
  writableEnded?: boolean;
}

/** One Server-Sent Events stream: `id` + JSON `data` per event, as Kestra's follow endpoints send them. */
export class ServerSentEvents {
  private closed = false;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(private readonly response: SseResponse) {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    response.flushHeaders?.();
    response.on('close', () => this.close());
    // A comment line now and then keeps proxies from closing an idle stream.
    this.keepAlive = setInterval(() => this.response.write(': keep-alive\n\n'), 15_000);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(id: string, data: unknown): void {
    if (this.closed) return;
    this.response.write(`id: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    if (!this.response.writableEnded) this.response.end();
  }
}

export async function sleep(ms: number): Promise<void> {
  await wait(ms);
}
