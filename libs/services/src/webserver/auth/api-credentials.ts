import { createHash, timingSafeEqual } from 'node:crypto';
import type { OspreyConfig } from '@osprey/server';

/** Who made a request, as far as the API cares (for logs). */
export interface ApiPrincipal {
  kind: 'basic' | 'token';
  name: string;
}

/**
 * The configured credentials, kept as SHA-256 digests so every comparison is between equal-length buffers in
 * constant time, and every credential is compared (no early exit that would tell which one nearly matched).
 */
export class ApiCredentials {
  private readonly users: { name: string; digest: Buffer }[];
  private readonly tokens: { name: string; digest: Buffer }[];

  constructor(auth: OspreyConfig['auth']) {
    this.users = auth.basic.map((user) => ({ name: user.username, digest: digest(`${user.username}:${user.password}`) }));
    this.tokens = auth.tokens.map((token, i) =>
      typeof token === 'string' ? { name: `token-${i + 1}`, digest: digest(token) } : { name: token.name ?? `token-${i + 1}`, digest: digest(token.token) },
    );
  }

  get enabled(): boolean {
    return this.users.length > 0 || this.tokens.length > 0;
  }

  get basicEnabled(): boolean {
    return this.users.length > 0;
  }

  /** The principal an `Authorization` header proves, or null. */
  authenticate(header: string | undefined): ApiPrincipal | null {
    if (!header) return null;
    const space = header.indexOf(' ');
    if (space < 0) return null;
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const name = match(this.users, digest(decoded));
      return name === null ? null : { kind: 'basic', name };
    }
    if (scheme === 'bearer') {
      const name = match(this.tokens, digest(value));
      return name === null ? null : { kind: 'token', name };
    }
    return null;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function match(candidates: { name: string; digest: Buffer }[], presented: Buffer): string | null {
  let found: string | null = null;
  for (const candidate of candidates) {
    if (timingSafeEqual(candidate.digest, presented) && found === null) found = candidate.name;
  }
  return found;
}
