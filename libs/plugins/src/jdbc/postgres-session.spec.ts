import { describe, expect, it } from '@jest/globals';
import type { ConnectionOptions } from 'node:tls';
import { sslOption } from './postgres-session.js';

describe('PostgreSQL sslmode', () => {
  it('verifies the certificate from verify-ca on, and its host name only with verify-full, as libpq does', () => {
    expect(sslOption('disable')).toBe(false);
    expect(sslOption('require')).toEqual({ rejectUnauthorized: false });
    const ca = sslOption('verify-ca') as ConnectionOptions;
    expect(ca.rejectUnauthorized).toBe(true);
    // A certificate issued for another name passes verify-ca (Node's own check would refuse it).
    expect(ca.checkServerIdentity).toEqual(expect.any(Function));
    expect(ca.checkServerIdentity!('db.internal', { subject: { CN: 'other.host' } } as never)).toBeUndefined();
    const full = sslOption('verify-full') as ConnectionOptions;
    expect(full).toEqual({ rejectUnauthorized: true });
    expect(full.checkServerIdentity).toBeUndefined();
  });
});
