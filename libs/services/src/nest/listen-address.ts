import { isIP } from 'node:net';

/** Where a process listens, and what it must say or refuse about it. */
export interface ListenAddress {
  host: string;
  /** True when only this machine can connect (127.0.0.0/8, ::1, localhost). */
  loopback: boolean;
}

export interface ListenChoice {
  /** `server.host` from the configuration (file, OSPREY_SERVER_HOST or --host); absent means the process's default. */
  configuredHost?: string;
  /** `server local` listens on the loopback interface unless told otherwise; deployed services on every interface. */
  defaultHost: string;
  /** Whether API credentials are configured (auth.basic / auth.tokens). */
  authenticated: boolean;
  /** The process serves the API (webserver role): without credentials anyone who reaches it can run flows. */
  servesApi: boolean;
  /** `server local --insecure-no-auth`: the user accepts an open API on a non-loopback address. */
  insecureNoAuth: boolean;
  /** Only `server local` refuses an open API on a reachable address; services deployed on Kubernetes warn. */
  refuseOpenApi: boolean;
}

export class InsecureListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsecureListenError';
  }
}

/**
 * Picks the address to bind and the warning to log. An API that runs shell tasks, open to the network, is refused by
 * `server local` unless the user names the risk with `--insecure-no-auth`.
 */
export function chooseListenAddress(choice: ListenChoice): ListenAddress & { warning?: string } {
  const host = choice.configuredHost ?? choice.defaultHost;
  const address = { host, loopback: isLoopback(host) };
  if (!choice.servesApi || choice.authenticated || address.loopback) return address;
  if (choice.refuseOpenApi && !choice.insecureNoAuth) {
    throw new InsecureListenError(
      `refusing to serve the API on ${describeHost(host)} without authentication: anyone who reaches this port could run ` +
        'commands on this machine through shell tasks. Configure credentials (auth.basic or auth.tokens in the configuration, ' +
        'or OSPREY_AUTH_USERNAME with OSPREY_AUTH_PASSWORD, or OSPREY_AUTH_TOKENS), listen on 127.0.0.1 (--host 127.0.0.1), ' +
        'or accept the risk with --insecure-no-auth',
    );
  }
  return {
    ...address,
    warning: `the API on ${describeHost(host)} has no authentication: anyone who reaches this port can run flows, shell tasks included; configure auth.basic or auth.tokens`,
  };
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(bare);
  return false;
}

/** `0.0.0.0 (all interfaces)`, `127.0.0.1 (loopback only)`, `10.0.0.5`. */
export function describeHost(host: string): string {
  if (isAnyAddress(host)) return `${host} (all interfaces)`;
  return isLoopback(host) ? `${host} (loopback only)` : host;
}

export function isAnyAddress(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare === '0.0.0.0' || bare === '::' || bare === '0:0:0:0:0:0:0:0';
}

/** A URL a client on this machine can open: the wildcard addresses are reached through the loopback interface. */
export function localUrl(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const reachable = bare === '0.0.0.0' ? '127.0.0.1' : isAnyAddress(host) ? '::1' : bare;
  return `http://${isIP(reachable) === 6 ? `[${reachable}]` : reachable}:${port}`;
}
