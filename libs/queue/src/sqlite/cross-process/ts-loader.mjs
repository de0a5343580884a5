// Test-only module hooks: lets a child Node process run the TypeScript sources (as jest does, through SWC),
// so the cross-process test exercises the real adapter code without a build step.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';

const libs = new URL('../../../../', import.meta.url);

export async function resolve(specifier, context, next) {
  const lib = /^@osprey\/([a-z-]+)(?:\/([a-z0-9-]+))?$/.exec(specifier);
  if (lib) return { url: new URL(`${lib[1]}/src/${lib[2] ?? ''}${lib[2] ? '/' : ''}index.ts`, libs).href, shortCircuit: true };
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
    module: { type: 'es6' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
