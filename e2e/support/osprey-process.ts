import { spawn, type ChildProcess } from 'node:child_process';
import { cliMain, repoRoot } from './osprey-cli.js';

/** One `osprey ...` service process started as an operator would, with its JSON log lines collected. */
export class OspreyProcess {
  readonly lines: Record<string, unknown>[] = [];
  private readonly child: ChildProcess;
  private exited?: Promise<number | null>;
  private stderr = '';

  /** `main` is the `osprey` CLI unless a service's own entry point is given (see appMain). */
  constructor(readonly name: string, args: string[], env: NodeJS.ProcessEnv = {}, main = cliMain) {
    this.child = spawn(process.execPath, [main, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let at: number;
      while ((at = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        try {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.lines.push({ msg: line });
        }
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits for a log line whose message matches. */
  async waitForLog(pattern: RegExp, timeoutMs = 120_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.lines.find((l) => pattern.test(String(l.msg)));
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${this.name}: no log line matching ${pattern} within ${timeoutMs} ms; stderr: ${this.stderr}`);
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited!;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) await this.kill('SIGTERM');
  }
}

export async function httpJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
