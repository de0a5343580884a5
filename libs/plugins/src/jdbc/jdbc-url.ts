import type { JdbcDatabase } from '@osprey/flow-model';
import { TaskPropertyError } from '../support/task-errors.js';

/** Where a server database is and who logs in, from a jdbc:postgresql:// or jdbc:mysql:// URL and the task's credentials. */
export interface ServerAddress {
  host: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  /** PostgreSQL's sslmode (disable, allow, prefer, require, verify-ca, verify-full). */
  sslmode?: string;
}

const SCHEMES: Record<Exclude<JdbcDatabase, 'sqlite'>, readonly string[]> = {
  postgresql: ['jdbc:postgresql:'],
  mysql: ['jdbc:mysql:', 'jdbc:mariadb:'],
};
// URL parameters Osprey passes to the driver; any other is refused by name rather than dropped.
const URL_PARAMETERS: Record<Exclude<JdbcDatabase, 'sqlite'>, readonly string[]> = {
  postgresql: ['user', 'password', 'sslmode'],
  mysql: ['user', 'password'],
};

// prefer and allow fall back to a clear-text connection, which the node drivers do not do.
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];

/** Reads a server database URL; `username` and `password` properties win over the URL's own, as in JDBC. */
export function serverAddress(database: Exclude<JdbcDatabase, 'sqlite'>, url: string, username?: string, password?: string): ServerAddress {
  const scheme = SCHEMES[database].find((prefix) => url.startsWith(prefix));
  if (!scheme) throw new TaskPropertyError('url', `'${url}' is not a ${database} JDBC URL: it must start with ${SCHEMES[database].join(' or ')}//`);
  let parsed: URL;
  try {
    parsed = new URL(`osprey:${url.slice(scheme.length)}`);
  } catch {
    throw new TaskPropertyError('url', `'${url}' is not a valid JDBC URL`);
  }
  if (!parsed.hostname) throw new TaskPropertyError('url', `'${url}' names no host`);
  for (const key of parsed.searchParams.keys()) {
    if (!URL_PARAMETERS[database].includes(key)) {
      throw new TaskPropertyError('url', `the URL parameter '${key}' is not supported by Osprey: it honours ${URL_PARAMETERS[database].join(', ')}`);
    }
  }
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode !== null && !SSL_MODES.includes(sslmode)) {
    throw new TaskPropertyError('url', `sslmode '${sslmode}' is not supported by Osprey: it honours ${SSL_MODES.join(', ')}`);
  }
  const database_ = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(parsed.port ? { port: Number(parsed.port) } : {}),
    ...(database_ ? { database: database_ } : {}),
    ...optional('user', username ?? parsed.searchParams.get('user') ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined)),
    ...optional('password', password ?? parsed.searchParams.get('password') ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined)),
    ...optional('sslmode', parsed.searchParams.get('sslmode') ?? undefined),
  };
}

/** The database file of a jdbc:sqlite: URL; `:memory:` for an in-memory database (jdbc:sqlite: or jdbc:sqlite::memory:). */
export function sqliteFile(url: string | undefined): string {
  const value = url ?? 'jdbc:sqlite:';
  if (!value.startsWith('jdbc:sqlite:')) throw new TaskPropertyError('url', `'${value}' is not a SQLite JDBC URL: it must start with jdbc:sqlite:`);
  const rest = value.slice('jdbc:sqlite:'.length);
  if (rest.includes('?')) throw new TaskPropertyError('url', 'SQLite URL parameters are not supported by Osprey');
  if (rest === '' || rest === ':memory:') return ':memory:';
  return rest.startsWith('file:') ? decodeURIComponent(new URL(rest).pathname) : rest;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}
