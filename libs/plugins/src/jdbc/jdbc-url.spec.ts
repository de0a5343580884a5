import { describe, expect, it } from '@jest/globals';
import { serverAddress, sqliteFile } from './jdbc-url.js';

describe('serverAddress', () => {
  it('reads host, port, database and credentials; the task properties win over the URL', () => {
    expect(serverAddress('postgresql', 'jdbc:postgresql://db.local:5433/sales?user=u&password=p&sslmode=require')).toEqual({
      host: 'db.local',
      port: 5433,
      database: 'sales',
      user: 'u',
      password: 'p',
      sslmode: 'require',
    });
    expect(serverAddress('mysql', 'jdbc:mariadb://[::1]/shop', 'root', 'secret')).toEqual({ host: '::1', database: 'shop', user: 'root', password: 'secret' });
  });

  it('refuses a URL of another database, and URL parameters it would not pass on, by name', () => {
    expect(() => serverAddress('mysql', 'jdbc:postgresql://h/db')).toThrow(/must start with jdbc:mysql: or jdbc:mariadb:/);
    expect(() => serverAddress('postgresql', 'jdbc:postgresql://h/db?currentSchema=x')).toThrow(/'currentSchema' is not supported/);
    expect(() => serverAddress('postgresql', 'jdbc:postgresql://h/db?sslmode=prefer')).toThrow(/sslmode 'prefer' is not supported/);
  });
});

describe('sqliteFile', () => {
  it('maps jdbc:sqlite: and :memory: to an in-memory database and a path to its file', () => {
    expect(sqliteFile(undefined)).toBe(':memory:');
    expect(sqliteFile('jdbc:sqlite::memory:')).toBe(':memory:');
    expect(sqliteFile('jdbc:sqlite:/tmp/a b.db')).toBe('/tmp/a b.db');
    expect(() => sqliteFile('jdbc:h2:mem:')).toThrow(/must start with jdbc:sqlite:/);
  });
});
