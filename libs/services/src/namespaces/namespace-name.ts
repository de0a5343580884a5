import { InvalidArgumentError } from '../invalid-argument-error.js';

const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

/** Checks a namespace from a request: dot-separated words, so it maps to storage folders and cannot leave them. */
export function checkNamespace(namespace: string, field = 'namespace'): string {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace) || namespace.length > 255) {
    throw new InvalidArgumentError(field, `${JSON.stringify(namespace)} is not a namespace (dot-separated words of letters, digits, _ and -)`);
  }
  return namespace;
}

/** The namespace and every parent: `company.team` gives `company` and `company.team`. */
export function withParentNamespaces(namespaces: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const namespace of namespaces) {
    const parts = namespace.split('.');
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('.'));
  }
  return [...all].sort();
}
