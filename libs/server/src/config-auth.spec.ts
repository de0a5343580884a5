import { ConfigError, loadConfig } from './config.js';

describe('auth configuration', () => {
  it('is empty (API open) by default', () => {
    expect(loadConfig({ env: {} }).auth).toEqual({ basic: [], tokens: [] });
  });

  it('takes basic users and tokens from the environment, on top of the file', () => {
    const config = loadConfig({
      env: { OSPREY_AUTH_USERNAME: 'admin', OSPREY_AUTH_PASSWORD: 'correct horse', OSPREY_AUTH_TOKENS: 'aaaaaaaaaaaaaaaa1, bbbbbbbbbbbbbbbb2' },
      overrides: { 'auth.tokens': [{ name: 'ci', token: 'cccccccccccccccc3' }] },
    });
    expect(config.auth.basic).toEqual([{ username: 'admin', password: 'correct horse' }]);
    expect(config.auth.tokens).toEqual([{ name: 'ci', token: 'cccccccccccccccc3' }]);
  });

  it('appends environment tokens to the ones of the file', () => {
    const config = loadConfig({ env: { OSPREY_AUTH_TOKENS: 'aaaaaaaaaaaaaaaa1' }, overrides: {} });
    expect(config.auth.tokens).toEqual(['aaaaaaaaaaaaaaaa1']);
  });

  it('rejects short secrets and unknown keys, naming them', () => {
    expect(() => loadConfig({ env: { OSPREY_AUTH_USERNAME: 'admin', OSPREY_AUTH_PASSWORD: 'short' } })).toThrow(/auth\.basic\.0\.password: at least 8 characters/);
    expect(() => loadConfig({ env: { OSPREY_AUTH_TOKENS: 'tiny' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, overrides: { 'auth.users': [] } })).toThrow(/auth/);
  });
});
