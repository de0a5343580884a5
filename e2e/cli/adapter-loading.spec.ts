import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot, runCli } from '../support/osprey-cli.js';
import { OspreyProcess } from '../support/osprey-process.js';

const recorder = resolve(repoRoot, 'e2e/support/package-recorder.mjs');
/** Drivers of the backends a SQLite process does not use. */
const OTHER_BACKENDS = ['kafkajs', 'bullmq', 'ioredis', '@opensearch-project/opensearch', '@elastic/elasticsearch', 'minio', '@aws-sdk/client-s3', '@aws-sdk/lib-storage'];

/** Starts `osprey <args>` until it listens, and returns the packages its ES modules imported. */
async function packagesLoadedBy(args: string[]): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-loading-'));
  const file = join(dir, 'packages.txt');
  const process_ = new OspreyProcess(args[0]!, [...args, '--data-dir', join(dir, 'data'), '--port', '0'], {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${recorder}`,
    OSPREY_TEST_PACKAGES_FILE: file,
  });
  try {
    await process_.waitForLog(/listening/);
    return new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean));
  } finally {
    await process_.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('adapter loading', () => {
  it.each(['worker', 'executor', 'server local'])('osprey %s on SQLite loads no other backend driver', async (command) => {
    const loaded = await packagesLoadedBy(command.split(' '));
    // The recorder works: the SQL family's own driver layer is there.
    expect(loaded).toContain('typeorm');
    expect(OTHER_BACKENDS.filter((name) => loaded.has(name))).toEqual([]);
  });
});

/** Runs a command that exits, and returns the packages its ES modules imported. */
async function packagesLoadedByCommand(args: (dir: string) => string[]): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-loading-'));
  const file = join(dir, 'packages.txt');
  try {
    const result = await runCli(args(dir), { env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${recorder}`, OSPREY_TEST_PACKAGES_FILE: file } });
    expect(result).toMatchObject({ code: 0 });
    return new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('command loading', () => {
  it.each(['--help', '--version', 'server local --help'])('osprey %s loads commander and nothing else', async (command) => {
    const loaded = await packagesLoadedByCommand(() => command.split(' '));
    // reflect-metadata (one small file) is imported first by every chunk of the bundle (apps/cli/bundle.mjs).
    expect([...loaded].sort()).toEqual(['commander', 'reflect-metadata']);
  });

  it('osprey flow validate loads the flow model, not NestJS or a database driver', async () => {
    const loaded = await packagesLoadedByCommand((dir) => {
      const flow = join(dir, 'flow.yml');
      writeFileSync(flow, 'id: hello\nnamespace: company.team\ntasks:\n  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n');
      return ['flow', 'validate', flow];
    });
    expect(loaded).toContain('yaml');
    expect([...loaded].filter((name) => name.startsWith('@nestjs/') || ['typeorm', 'better-sqlite3', ...OTHER_BACKENDS].includes(name))).toEqual([]);
  });
});
