import { chooseListenAddress, InsecureListenError, isLoopback, localUrl, type ListenChoice } from './listen-address.js';

const local: ListenChoice = { defaultHost: '127.0.0.1', authenticated: false, servesApi: true, insecureNoAuth: false, refuseOpenApi: true };
const service: ListenChoice = { defaultHost: '0.0.0.0', authenticated: false, servesApi: true, insecureNoAuth: false, refuseOpenApi: false };

describe('chooseListenAddress', () => {
  it('server local listens on the loopback interface unless told otherwise', () => {
    expect(chooseListenAddress(local)).toEqual({ host: '127.0.0.1', loopback: true });
  });

  it('server local refuses an open API on a reachable address', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      expect(() => chooseListenAddress({ ...local, configuredHost: host })).toThrow(InsecureListenError);
    }
    expect(() => chooseListenAddress({ ...local, configuredHost: '0.0.0.0' })).toThrow(/--insecure-no-auth/);
  });

  it('server local serves a reachable address with credentials, or with --insecure-no-auth and a warning', () => {
    expect(chooseListenAddress({ ...local, configuredHost: '0.0.0.0', authenticated: true })).toEqual({ host: '0.0.0.0', loopback: false });
    const open = chooseListenAddress({ ...local, configuredHost: '0.0.0.0', insecureNoAuth: true });
    expect(open.host).toBe('0.0.0.0');
    expect(open.warning).toMatch(/no authentication/);
  });

  it('a deployed service listens on every interface and warns when its API is open', () => {
    expect(chooseListenAddress(service).warning).toMatch(/0\.0\.0\.0 \(all interfaces\) has no authentication/);
    expect(chooseListenAddress({ ...service, authenticated: true }).warning).toBeUndefined();
  });

  it('a process without the API (health and metrics only) neither warns nor refuses', () => {
    expect(chooseListenAddress({ ...service, servesApi: false })).toEqual({ host: '0.0.0.0', loopback: false });
    expect(chooseListenAddress({ ...local, servesApi: false, configuredHost: '0.0.0.0' }).warning).toBeUndefined();
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['example.com', false],
  ])('%s → %s', (host, expected) => expect(isLoopback(host)).toBe(expected));
});

describe('localUrl', () => {
  it('reaches the wildcard addresses through the loopback interface', () => {
    expect(localUrl('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080');
    expect(localUrl('::', 8080)).toBe('http://[::1]:8080');
    expect(localUrl('10.0.0.5', 80)).toBe('http://10.0.0.5:80');
    expect(localUrl('::1', 80)).toBe('http://[::1]:80');
  });
});
