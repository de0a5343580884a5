import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { GitCloneTask } from './git-clone-task.js';

// A real repository served over git's smart HTTP protocol by `git http-backend` (CGI) behind a local server,
// with basic authentication on /private/.
const TIMEOUT = 60_000;
let root: string;
let server: Server;
let base: string;
const commits: Record<string, string> = {};

function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'osprey-git-'));
  const work = path.join(root, 'work');
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  await writeFile(path.join(work, 'flow.yaml'), 'v1\n');
  gitIn(work, 'add', '.');
  gitIn(work, 'commit', '-q', '-m', 'first');
  commits['first'] = gitIn(work, 'rev-parse', 'HEAD');
  gitIn(work, 'tag', '-a', 'v1', '-m', 'release 1');
  await writeFile(path.join(work, 'flow.yaml'), 'v2\n');
  gitIn(work, 'commit', '-q', '-am', 'second');
  commits['second'] = gitIn(work, 'rev-parse', 'HEAD');
  gitIn(work, 'checkout', '-q', '-b', 'dev');
  await writeFile(path.join(work, 'flow.yaml'), 'dev\n');
  gitIn(work, 'commit', '-q', '-am', 'dev');
  gitIn(work, 'checkout', '-q', 'main');
  execFileSync('git', ['clone', '-q', '--bare', work, path.join(root, 'public', 'repo.git')]);
  execFileSync('git', ['clone', '-q', '--bare', work, path.join(root, 'private', 'repo.git')]);

  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    if (url.pathname.startsWith('/private/') && req.headers.authorization !== `Basic ${Buffer.from('bot:s3cret').toString('base64')}`) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
      res.end();
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method!,
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let started = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (started) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      started = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name!.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else res.setHeader(name!, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, TIMEOUT);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe('io.kestra.plugin.git.Clone over smart HTTP', () => {
  const clone = taskContexts({ id: 'clone', type: 'io.kestra.plugin.git.Clone' });

  it('clones the default branch into the working directory, one commit deep, and outputs the directory', async () => {
    const ctx = await clone.context({ url: `${base}/public/repo.git` });
    const { outputs } = await new GitCloneTask().run(ctx);
    const dir = outputs!['directory'] as string;
    expect(dir).toBe(await ctx.workingDirectory());
    expect(await readFile(path.join(dir, 'flow.yaml'), 'utf8')).toBe('v2\n');
    expect(gitIn(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
  }, TIMEOUT);

  it('checks out a branch into a sub-directory', async () => {
    const ctx = await clone.context({ url: `${base}/public/repo.git`, branch: 'dev', directory: 'src' });
    const { outputs } = await new GitCloneTask().run(ctx);
    expect(outputs!['directory']).toBe(path.join(await ctx.workingDirectory(), 'src'));
    expect(await readFile(path.join(outputs!['directory'] as string, 'flow.yaml'), 'utf8')).toBe('dev\n');
  }, TIMEOUT);

  it('checks out a commit by its short SHA, or an annotated tag, detached', async () => {
    const byCommit = await clone.context({ url: `${base}/public/repo.git`, commit: commits['first']!.slice(0, 8) });
    const dir = (await new GitCloneTask().run(byCommit)).outputs!['directory'] as string;
    expect(await readFile(path.join(dir, 'flow.yaml'), 'utf8')).toBe('v1\n');
    expect(gitIn(dir, 'rev-parse', 'HEAD')).toBe(commits['first']);

    const byTag = await clone.context({ url: `${base}/public/repo.git`, tag: 'v1' });
    const tagDir = (await new GitCloneTask().run(byTag)).outputs!['directory'] as string;
    expect(gitIn(tagDir, 'rev-parse', 'HEAD')).toBe(commits['first']);
  }, TIMEOUT);

  it('authenticates with username and password, and fails without them naming the URL but not the secret', async () => {
    const ok = await clone.context({ url: `${base}/private/repo.git`, username: 'bot', password: 's3cret' });
    const dir = (await new GitCloneTask().run(ok)).outputs!['directory'] as string;
    expect(await readFile(path.join(dir, 'flow.yaml'), 'utf8')).toBe('v2\n');

    const denied = await clone.context({ url: `${base}/private/repo.git` });
    await expect(new GitCloneTask().run(denied)).rejects.toThrow(`git clone of ${base}/private/repo.git failed: `);
  }, TIMEOUT);

  it('refuses a URL that is not HTTP(S) and a directory outside the working directory', async () => {
    await expect(new GitCloneTask().run(await clone.context({ url: 'git@github.com:a/b.git' }))).rejects.toThrow(/only HTTP\(S\) remotes/);
    await expect(new GitCloneTask().run(await clone.context({ url: `${base}/public/repo.git`, directory: '../x' }))).rejects.toThrow(/leaves the working directory/);
  });
});
