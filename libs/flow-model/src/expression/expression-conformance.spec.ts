import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplate } from './index.js';

interface ExpressionCase {
  name: string;
  template: string;
  context: Record<string, unknown>;
  expect: string;
}

// Kestra's conformance corpus lives outside the repository; run it when it is there.
// Looked up beside the repository (../shared), then where the workplace keeps it; OSPREY_CONFORMANCE_DIR wins.
const CANDIDATES = [
  process.env.OSPREY_CONFORMANCE_DIR,
  fileURLToPath(new URL('../../../../../shared/conformance', import.meta.url)),
  '/work/shared/conformance',
].filter((dir): dir is string => Boolean(dir));
const CORPUS = join(CANDIDATES.find((dir) => existsSync(join(dir, 'expressions.json'))) ?? CANDIDATES[0]!, 'expressions.json');

describe('Kestra expression conformance corpus', () => {
  if (!existsSync(CORPUS)) {
    it.skip(`runs ${CORPUS} (absent on this machine)`, () => undefined);
    return;
  }
  const cases = JSON.parse(readFileSync(CORPUS, 'utf8')) as ExpressionCase[];

  it('renders at least 95% of the cases exactly as Kestra does', () => {
    const failures: string[] = [];
    for (const c of cases) {
      let out: string;
      try {
        out = renderTemplate(c.template, c.context);
      } catch (err) {
        out = `<error: ${(err as Error).message}>`;
      }
      if (out !== c.expect) failures.push(`${c.name}: got ${JSON.stringify(out)}, expected ${JSON.stringify(c.expect)}`);
    }
    const passed = cases.length - failures.length;
    process.stdout.write(`expression conformance: ${passed}/${cases.length} passed\n${failures.join('\n')}\n`);
    expect(passed / cases.length).toBeGreaterThanOrEqual(0.95);
  });
});
