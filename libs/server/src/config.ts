import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { WORKER_GROUP_KEY } from '@osprey/flow-model';

const sqliteBackend = z.object({
  type: z.literal('sqlite'),
  /** SQLite file; relative paths are resolved against `dataDir`. */
  path: z.string().default('osprey.db'),
}).strict();

/** PostgreSQL or MySQL/MariaDB (see docs/backends.md); the URL carries host, port, user, password and database. */
function sqlServerBackend<T extends 'postgres' | 'mysql'>(type: T, schemes: RegExp, example: string) {
  return z
    .object({
      type: z.literal(type),
      url: z.string().regex(schemes, `a ${type} URL such as ${example}`),
      /** Connections in each process's pool. */
      poolSize: z.coerce.number().int().min(2).max(1000).default(10),
      connectTimeoutMs: z.coerce.number().int().positive().default(10_000),
      /** MySQL/MariaDB only: how often waiting consumers poll for rows of other processes. */
      pollMs: z.coerce.number().int().positive().default(50),
    })
    .strict();
}

/** `true`/`false` from YAML or from an environment variable (where z.coerce.boolean would read "false" as true). */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const withoutType = (fallback: string) => (value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value) && !('type' in value) ? { type: fallback, ...value } : value;

/** `host:port` brokers, as a YAML list or one comma-separated string (OSPREY_QUEUE_BROKERS). */
const brokers = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((b) => b.trim()).filter((b) => b !== '') : value),
  z.array(z.string().regex(/^[^\s:/]+:\d+$/, 'a broker as host:port')).min(1, 'at least one broker'),
);

/** Kafka: execution events, executor state, worker jobs, broadcasts and logs as topics (see docs/deploy-ha.md). */
const kafkaQueue = z
  .object({
    type: z.literal('kafka'),
    brokers,
    /** Prefix of every topic and consumer group: several Osprey installations can share one cluster. */
    topicPrefix: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dots, underscores and hyphens').default('osprey'),
    /** Partitions of the keyed topics, created when missing: the most executor replicas that share the work. */
    partitions: z.coerce.number().int().min(1).max(1000).default(8),
    /** Replication factor of the topics Osprey creates; 3 on a production cluster. */
    replicationFactor: z.coerce.number().int().min(1).max(10).default(1),
    clientId: z.string().min(1).default('osprey'),
    /** TLS to the brokers (with the system's CAs). */
    ssl: flag.default(false),
    /** SASL authentication; the password usually comes from OSPREY_QUEUE_SASL_PASSWORD. */
    saslMechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    saslUsername: z.string().min(1).optional(),
    saslPassword: z.string().min(1).optional(),
    /** Consumer group session: how soon the partitions of a process that stopped answering go to the others. */
    sessionTimeoutMs: z.coerce.number().int().min(1_000).default(10_000),
  })
  .strict()
  .refine((s) => [s.saslMechanism, s.saslUsername, s.saslPassword].every((v) => v === undefined) || [s.saslMechanism, s.saslUsername, s.saslPassword].every((v) => v !== undefined), {
    message: 'saslMechanism, saslUsername and saslPassword go together',
    path: ['saslPassword'],
  });

// A queue section without `type` is the SQLite file, as before the other servers existed.
const queueBackend = z.preprocess(
  withoutType('sqlite'),
  z.discriminatedUnion('type', [
    sqliteBackend,
    sqlServerBackend('postgres', /^postgres(ql)?:\/\/.+/, 'postgres://osprey:secret@db:5432/osprey'),
    sqlServerBackend('mysql', /^(mysql|mariadb):\/\/.+/, 'mysql://osprey:secret@db:3306/osprey'),
    kafkaQueue,
  ]),
);

/**
 * A search server as the repository of the Kafka deployment; the indexer writes it. `opensearch` goes through
 * opensearch-js (OpenSearch, Elasticsearch 7.17), `elasticsearch` through @elastic/elasticsearch (7.17, 8, 9).
 */
const searchRepository = (type: 'opensearch' | 'elasticsearch') =>
  z
  .object({
    type: z.literal(type),
    url: z.string().regex(/^https?:\/\/[^/?#]+\/?$/, `an http(s)://host[:port] URL such as http://${type}:9200`),
    /** Prefix of every index and template. */
    indexPrefix: z.string().regex(/^[a-z0-9._-]+$/, 'lowercase letters, digits, dots, underscores and hyphens').default('osprey'),
    /** Replicas of each index Osprey creates; 1 or more on a production cluster. */
    replicas: z.coerce.number().int().min(0).max(10).default(0),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** One request to the search server (a bulk write of a large batch included). */
    requestTimeoutMs: z.coerce.number().int().positive().default(30_000),
    /** How long a service waits at start for an unreachable search server (a restart of it, a rolling upgrade). */
    startWaitMs: z.coerce.number().int().nonnegative().default(120_000),
  })
  .strict()
  .refine((s) => (s.username === undefined) === (s.password === undefined), { message: 'username and password go together', path: ['password'] });

const repositoryBackend = z.preprocess(
  withoutType('sqlite'),
  z.discriminatedUnion('type', [
    sqliteBackend,
    sqlServerBackend('postgres', /^postgres(ql)?:\/\/.+/, 'postgres://osprey:secret@db:5432/osprey'),
    sqlServerBackend('mysql', /^(mysql|mariadb):\/\/.+/, 'mysql://osprey:secret@db:3306/osprey'),
    searchRepository('opensearch'),
    searchRepository('elasticsearch'),
  ]),
);

/** Where worker jobs wait: on the queue backend (default), or on Redis with BullMQ. */
const workerQueue = z.preprocess(
  withoutType('queue'),
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('queue') }).strict(),
    z
      .object({
        type: z.literal('redis'),
        url: z.string().regex(/^rediss?:\/\/.+/, 'a redis:// or rediss:// URL such as redis://redis:6379'),
        /** Prefix of Osprey's Redis keys. */
        prefix: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dots, underscores and hyphens').default('osprey'),
      })
      .strict(),
  ]),
);

/** API credentials; with none configured the API is open (the default of `osprey server local`). */
const auth = z
  .object({
    /** HTTP basic auth users. */
    basic: z.array(z.object({ username: z.string().min(1), password: z.string().min(8, 'at least 8 characters') }).strict()).default([]),
    /** API tokens, sent as `Authorization: Bearer <token>`; a name only labels a token in logs. */
    tokens: z
      .array(z.union([z.string().min(16, 'at least 16 characters'), z.object({ name: z.string().optional(), token: z.string().min(16, 'at least 16 characters') }).strict()]))
      .default([]),
  })
  .strict();


const localStorage = z
  .object({
    type: z.literal('local'),
    /** Folder of the local storage; relative paths are resolved against `dataDir`. */
    basePath: z.string().default('storage'),
  })
  .strict();

/** An S3 bucket (AWS, MinIO, versitygw, ...). Keys: OSPREY_STORAGE_ACCESS_KEY / OSPREY_STORAGE_SECRET_KEY. */
const s3Storage = z
  .object({
    type: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)'),
    /** http(s)://host[:port] of an S3-compatible server; absent means AWS S3. */
    endpoint: z.string().regex(/^https?:\/\/[^/?#@]+\/?$/, 'an http(s)://host[:port] URL without path').optional(),
    region: z.string().min(1).default('us-east-1'),
    accessKey: z.string().min(1).optional(),
    secretKey: z.string().min(1).optional(),
    sessionToken: z.string().min(1).optional(),
    /** Defaults to true with an endpoint (MinIO, versitygw), false on AWS. */
    pathStyle: flag.optional(),
    /** Defaults to the endpoint's scheme. */
    useSSL: flag.optional(),
    /** Key prefix inside the bucket. */
    prefix: z.string().optional(),
    createBucket: flag.default(true),
    partSize: z.coerce.number().int().min(5 * 1024 * 1024).optional(),
    uploadConcurrency: z.coerce.number().int().positive().optional(),
  })
  .strict()
  .refine((s) => (s.accessKey === undefined) === (s.secretKey === undefined), {
    message: 'accessKey and secretKey go together',
    path: ['secretKey'],
  });

// A storage section without `type` is the local folder, as before S3 existed.
const storage = z.preprocess(
  (value) => (value && typeof value === 'object' && !Array.isArray(value) && !('type' in value) ? { type: 'local', ...value } : value),
  z.discriminatedUnion('type', [localStorage, s3Storage]),
);

export const configSchema = z
  .object({
    /** Where the embedded database and local storage live. */
    dataDir: z.string().default('./data'),
    server: z
      .object({
        port: z.coerce.number().int().min(0).max(65535).default(8080),
        /** Interface to listen on; absent: 127.0.0.1 for `server local`, every interface for the other commands. */
        host: z.string().min(1).optional(),
        /** The one tenant the API serves under `/api/v1/{tenant}/...` (Kestra's path form), beside `/api/v1/...`. */
        tenant: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'a tenant id: letters, digits, _ and -').default('main'),
      })
      .strict()
      .default({ port: 8080, tenant: 'main' }),
    queue: queueBackend.default({ type: 'sqlite', path: 'osprey.db' }),
    repository: repositoryBackend.default({ type: 'sqlite', path: 'osprey.db' }),
    workerQueue: workerQueue.default({ type: 'queue' }),
    storage: storage.default({ type: 'local', basePath: 'storage' }),
    executor: z
      .object({
        /** Executions claimed per batch. */
        batchSize: z.coerce.number().int().positive().default(64),
        /** How long a claim on an execution lasts before another executor may take it over. */
        leaseMs: z.coerce.number().int().positive().default(30_000),
        /** Unended executions kept in memory between their events (least recently used evicted, then reloaded). */
        cachedExecutions: z.coerce.number().int().positive().default(1000),
        /** Longest wait for new events before claiming again, should a wake-up be missed. */
        idleWaitMs: z.coerce.number().int().positive().default(1_000),
        /** Wait after a failed claim (the queue unreachable) before claiming again. */
        retryMs: z.coerce.number().int().positive().default(1_000),
      })
      .strict()
      .default({ batchSize: 64, leaseMs: 30_000, cachedExecutions: 1000, idleWaitMs: 1_000, retryMs: 1_000 }),
    worker: z
      .object({
        /** Task runs one worker runs at once. */
        concurrency: z.coerce.number().int().positive().default(16),
        /** A job whose lease is not renewed within this time is handed to another worker. */
        leaseMs: z.coerce.number().int().positive().default(15_000),
        /** How long SIGTERM waits for running tasks before handing them back. */
        shutdownGraceMs: z.coerce.number().int().nonnegative().default(30_000),
        /** The worker group a worker serves: it takes only the jobs of tasks with this workerGroup.key. */
        group: z.string().regex(WORKER_GROUP_KEY, `letters, digits, underscores and hyphens (${WORKER_GROUP_KEY.source})`).optional(),
        /** Longest wait for new jobs before taking again, should a wake-up be missed. */
        idleWaitMs: z.coerce.number().int().positive().default(1_000),
        /** Wait after a failed take (the queue unreachable) before taking again. */
        retryMs: z.coerce.number().int().positive().default(1_000),
      })
      .strict()
      .default({ concurrency: 16, leaseMs: 15_000, shutdownGraceMs: 30_000, idleWaitMs: 1_000, retryMs: 1_000 }),
    scheduler: z
      .object({
        /** How often triggers are evaluated. */
        tickMs: z.coerce.number().int().positive().default(1_000),
        /** Held only while a tick evaluates the trigger; when a replica dies mid-tick, others take over after it. */
        leaseMs: z.coerce.number().int().positive().default(10_000),
      })
      .strict()
      .default({ tickMs: 1_000, leaseMs: 10_000 }),
    instance: z
      .object({
        heartbeatMs: z.coerce.number().int().positive().default(5_000),
        /** An instance without a heartbeat for this long is considered dead. */
        deadAfterMs: z.coerce.number().int().positive().default(30_000),
      })
      .strict()
      .default({ heartbeatMs: 5_000, deadAfterMs: 30_000 }),
    logging: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
    /** Maximum size of a file upload or input file, in bytes. */
    maxUploadBytes: z.coerce.number().int().positive().default(100 * 1024 * 1024),
    auth: auth.default({ basic: [], tokens: [] }),
    /**
     * Plugins whose task types flows may use (docs/plugins.md): npm package names, looked up in the node_modules of the
     * current folder and its parents, or paths (`./x`, `/x`) of a package folder or module; one string (OSPREY_PLUGINS)
     * separates them with commas.
     */
    plugins: z
      .preprocess(
        (value) => (typeof value === 'string' ? value.split(',').map((p) => p.trim()).filter((p) => p !== '') : value),
        z.array(z.string().trim().min(1, 'a package name or a path')),
      )
      .refine((plugins) => new Set(plugins).size === plugins.length, 'a plugin is listed twice')
      .default([]),
  })
  .strict()
  .superRefine((config, context) => {
    // The executor writes executions through the queue in the same transaction as its jobs: on a SQL server the
    // repository must read that same database.
    const { queue, repository } = config;
    if ((queue.type === 'postgres' || queue.type === 'mysql') && (repository.type !== queue.type || repository.url !== queue.url)) {
      context.addIssue({ code: 'custom', path: ['repository', 'url'], message: `must name the same database as queue.url (${queue.type})` });
    }
    if (queue.type === 'sqlite' && (repository.type !== 'sqlite' || resolve(config.dataDir, repository.path) !== resolve(config.dataDir, queue.path))) {
      context.addIssue({ code: 'custom', path: ['repository', 'path'], message: `must name the same SQLite file as queue.path (${queue.path}): the executor writes executions in the queue's file` });
    }
    // On Kafka the executor's state lives in topics that only the indexer projects into a search server.
    if (queue.type === 'kafka' && !isSearchRepository(repository)) {
      context.addIssue({ code: 'custom', path: ['repository', 'type'], message: 'must be opensearch or elasticsearch when queue.type is kafka (the indexer projects the topics into it)' });
    }
    if (isSearchRepository(repository) && queue.type !== 'kafka') {
      context.addIssue({ code: 'custom', path: ['queue', 'type'], message: `must be kafka when repository.type is ${repository.type}` });
    }
  });

export type OspreyConfig = z.infer<typeof configSchema>;

export type SearchRepositoryConfig = Extract<OspreyConfig['repository'], { type: 'opensearch' | 'elasticsearch' }>;

/** Whether the repository is a search server (the Kafka deployment's projection), whichever its product. */
export function isSearchRepository(repository: OspreyConfig['repository']): repository is SearchRepositoryConfig {
  return repository.type === 'opensearch' || repository.type === 'elasticsearch';
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** YAML configuration file; absent means defaults plus environment. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values that win over file and environment (command-line flags). */
  overrides?: Record<string, unknown>;
}

/**
 * Reads the YAML file, applies `OSPREY_<PATH>` environment overrides (e.g. OSPREY_SERVER_PORT,
 * OSPREY_WORKER_CONCURRENCY; `__` also separates levels) and validates the result.
 */
export function loadConfig(options: LoadConfigOptions = {}): OspreyConfig {
  let raw: Record<string, unknown> = {};
  if (options.file) {
    if (!existsSync(options.file)) throw new ConfigError(`configuration file ${options.file} does not exist`);
    let parsed: unknown;
    try {
      parsed = parse(readFileSync(options.file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`configuration file ${options.file} is not valid YAML: ${(error as Error).message}`);
    }
    if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      throw new ConfigError(`configuration file ${options.file} must hold a map of settings`);
    }
    raw = (parsed ?? {}) as Record<string, unknown>;
    // Kestra-style files nest everything under `osprey:`.
    if (raw.osprey && typeof raw.osprey === 'object' && Object.keys(raw).length === 1) raw = raw.osprey as Record<string, unknown>;
  }
  applyEnv(raw, options.env ?? process.env);
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setPath(raw, path.split('.'), value);
  }
  defaultRepositoryToQueue(raw);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration${options.file ? ` in ${options.file}` : ''}:\n${problems.join('\n')}`);
  }
  return result.data;
}

const KNOWN_SECTIONS: Record<string, string[]> = {
  server: ['port', 'host', 'tenant'],
  queue: ['type', 'path', 'url', 'poolSize', 'connectTimeoutMs', 'pollMs', 'brokers', 'topicPrefix', 'partitions', 'replicationFactor', 'clientId', 'ssl', 'saslMechanism', 'saslUsername', 'saslPassword', 'sessionTimeoutMs'],
  repository: ['type', 'path', 'url', 'poolSize', 'connectTimeoutMs', 'pollMs', 'indexPrefix', 'replicas', 'username', 'password', 'requestTimeoutMs', 'startWaitMs'],
  workerQueue: ['type', 'url', 'prefix'],
  storage: ['type', 'basePath', 'bucket', 'endpoint', 'region', 'accessKey', 'secretKey', 'sessionToken', 'pathStyle', 'useSSL', 'prefix', 'createBucket', 'partSize', 'uploadConcurrency'],
  executor: ['batchSize', 'leaseMs', 'cachedExecutions', 'idleWaitMs', 'retryMs'],
  worker: ['concurrency', 'leaseMs', 'shutdownGraceMs', 'group', 'idleWaitMs', 'retryMs'],
  scheduler: ['tickMs', 'leaseMs'],
  instance: ['heartbeatMs', 'deadAfterMs'],
  logging: ['level'],
};
const TOP_LEVEL = ['dataDir', 'maxUploadBytes', 'plugins'];

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  applyAuthEnv(raw, env);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('OSPREY_') || value === undefined) continue;
    const key = name.slice('OSPREY_'.length).toLowerCase();
    const path = envPath(key);
    if (path) setPath(raw, path, value);
    else if (namesSection(key)) throw new ConfigError(`environment variable ${name} names no configuration key${suggestion(key)} (see docs/configuration.md)`);
  }
}

const AUTH_VARIABLES = ['auth_username', 'auth_password', 'auth_tokens'];

/** A variable under a section's prefix (OSPREY_WORKER_…) is meant as configuration: a typo must not be ignored. */
function namesSection(key: string): boolean {
  const flat = key.replace(/__/g, '_');
  if (flat.startsWith('auth_')) return !AUTH_VARIABLES.includes(flat);
  return Object.keys(KNOWN_SECTIONS).some((section) => flat.startsWith(`${envName(section)}_`));
}

function suggestion(key: string): string {
  const flat = key.replace(/__/g, '_');
  const section = Object.keys(KNOWN_SECTIONS)
    .filter((s) => flat.startsWith(`${envName(s)}_`))
    .sort((a, b) => b.length - a.length)[0];
  if (!section) return '; the auth variables are OSPREY_AUTH_USERNAME, OSPREY_AUTH_PASSWORD and OSPREY_AUTH_TOKENS';
  const names = KNOWN_SECTIONS[section]!.map((k) => `OSPREY_${envName(section).toUpperCase()}_${envName(k).toUpperCase()}`);
  return `; the ${section} section's variables are ${names.join(', ')}`;
}

/** `workerQueue` → `worker_queue`, `shutdownGraceMs` → `shutdown_grace_ms`. */
function envName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Secrets stay out of the file: OSPREY_AUTH_USERNAME with OSPREY_AUTH_PASSWORD adds a basic-auth user,
 * OSPREY_AUTH_TOKENS adds comma-separated API tokens.
 */
function applyAuthEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const { OSPREY_AUTH_USERNAME: username, OSPREY_AUTH_PASSWORD: password, OSPREY_AUTH_TOKENS: tokens } = env;
  if (username === undefined && password === undefined && tokens === undefined) return;
  const section = (raw.auth && typeof raw.auth === 'object' ? raw.auth : (raw.auth = {})) as Record<string, unknown>;
  if (username !== undefined || password !== undefined) {
    section.basic = [...(Array.isArray(section.basic) ? section.basic : []), { username, password }];
  }
  if (tokens !== undefined) {
    const list = tokens.split(',').map((t) => t.trim()).filter((t) => t !== '');
    section.tokens = [...(Array.isArray(section.tokens) ? section.tokens : []), ...list];
  }
}

/** Maps `server_port` / `worker__shutdown_grace_ms` / `data_dir` to a config path. */
function envPath(key: string): string[] | undefined {
  const flat = key.replace(/__/g, '_');
  const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const top of TOP_LEVEL) if (camel(flat) === top) return [top];
  for (const [section, keys] of Object.entries(KNOWN_SECTIONS)) {
    const prefix = `${envName(section)}_`;
    if (!flat.startsWith(prefix)) continue;
    const rest = camel(flat.slice(prefix.length));
    const match = keys.find((k) => k.toLowerCase() === rest.toLowerCase());
    if (match) return [section, match];
  }
  return undefined;
}

/** A SQL queue (SQLite file or server) without a repository section means the same database for both. */
function defaultRepositoryToQueue(raw: Record<string, unknown>): void {
  const queue = raw.queue as Record<string, unknown> | undefined;
  if (!queue || typeof queue !== 'object' || !['sqlite', 'postgres', 'mysql', undefined].includes(queue.type as string | undefined)) return;
  if (queue.type === undefined && queue.path === undefined) return;
  const repository = (raw.repository ?? {}) as Record<string, unknown>;
  if (typeof repository !== 'object') return;
  raw.repository = { ...queue, ...repository };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    if (!node[segment] || typeof node[segment] !== 'object') node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Resolves a path setting against the data folder. */
export function dataPath(config: OspreyConfig, path: string): string {
  return resolve(config.dataDir, path);
}
