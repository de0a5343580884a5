import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { StorageReverseTask } from './storage-reverse.js';

const { context, read } = taskContexts({ id: 'reverse', type: 'io.kestra.plugin.core.storage.Reverse' });

async function reverse(content: string | Buffer, properties: Record<string, unknown> = {}, name = 'in.txt') {
  const source = await context({});
  const from = await source.storage.putFile(name, content);
  const ctx = await context({ from, ...properties });
  const uri = (await new StorageReverseTask().run(ctx)).outputs?.['uri'] as string;
  return { uri, text: await read(ctx, uri) };
}

describe('StorageReverseTask', () => {
  it('writes the lines last first, a newline ending the file making no empty line', async () => {
    const { uri, text } = await reverse('a\nb\nc\n', {}, 'in.csv');
    expect(uri).toMatch(/\.csv$/);
    expect(text).toBe('c\nb\na\n');
    expect((await reverse('a\nb')).text).toBe('b\na\n');
    expect((await reverse('\na\n\n')).text).toBe('\na\n\n');
    expect((await reverse('')).text).toBe('');
  });

  it('splits on \\r\\n and lone \\r, and writes the separator', async () => {
    expect((await reverse('a\r\nb\rc', { separator: ',' })).text).toBe('c,b,a,');
  });

  it('reverses files larger than its read block, \\r\\n falling across blocks', async () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `line ${i} ${'x'.repeat(i % 7)}`);
    const { text } = await reverse(`${lines.join('\r\n')}\r\n`);
    expect(text).toBe(`${[...lines].reverse().join('\n')}\n`);
  }, 60_000);

  it('keeps the bytes of ISO-8859-1 lines and writes the separator in that charset', async () => {
    const { uri } = await reverse(Buffer.from('é\nà\n', 'latin1'), { charset: 'ISO-8859-1', separator: '§' });
    const chunks: Buffer[] = [];
    for await (const chunk of await (await context({})).storage.get(uri)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.from('à§é§', 'latin1'))).toBe(true);
  });

  it('refuses a charset whose line ends it cannot find byte by byte', async () => {
    await expect(reverse('a', { charset: 'UTF-16' })).rejects.toThrow("Invalid property 'charset': unsupported charset 'UTF-16'");
  });
});
