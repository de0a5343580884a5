// Helpers every test server uses (files starting with `_` are not servers).
import { createServer } from 'node:net';

/** A TCP port of 127.0.0.1 that is free now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether a child process is still running. */
export function running(child) {
  return Boolean(child) && child.exitCode === null && child.signalCode === null;
}

/**
 * Stops a child process: `signal` (SIGTERM: the server's own clean shutdown), then SIGKILL if it has not exited
 * after `graceMs`. Resolves once it has exited; does nothing if it already has.
 */
export async function terminate(child, graceMs, signal = 'SIGTERM') {
  if (!running(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
