import { ApiCredentials } from './api-credentials.js';
import { apiAuthMiddleware } from './api-auth.middleware.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('ApiCredentials', () => {
  const credentials = new ApiCredentials({
    basic: [{ username: 'admin', password: 'secret-password' }],
    tokens: ['token-aaaaaaaaaaaaaaaa', { name: 'ci', token: 'token-bbbbbbbbbbbbbbbb' }],
  });

  it('accepts the configured basic user and tokens, naming the principal', () => {
    expect(credentials.authenticate(basic('admin', 'secret-password'))).toEqual({ kind: 'basic', name: 'admin' });
    expect(credentials.authenticate('Bearer token-aaaaaaaaaaaaaaaa')).toEqual({ kind: 'token', name: 'token-1' });
    expect(credentials.authenticate('bearer token-bbbbbbbbbbbbbbbb')).toEqual({ kind: 'token', name: 'ci' });
  });

  it('refuses wrong passwords, unknown tokens, other schemes and garbage', () => {
    expect(credentials.authenticate(basic('admin', 'secret-passwore'))).toBeNull();
    expect(credentials.authenticate(basic('admin:secret', 'password'))).toBeNull();
    expect(credentials.authenticate('Bearer token-aaaaaaaaaaaaaaab')).toBeNull();
    expect(credentials.authenticate('Digest abc')).toBeNull();
    expect(credentials.authenticate('Bearer')).toBeNull();
    expect(credentials.authenticate(undefined)).toBeNull();
  });

  it('is disabled with no credentials', () => {
    expect(new ApiCredentials({ basic: [], tokens: [] }).enabled).toBe(false);
  });
});

describe('apiAuthMiddleware', () => {
  const credentials = new ApiCredentials({ basic: [], tokens: ['token-aaaaaaaaaaaaaaaa'] });
  const run = (path: string, authorization?: string) => {
    const answer: { status?: number; body?: unknown; headers: Record<string, string>; passed: boolean } = { headers: {}, passed: false };
    const response = {
      status(code: number) {
        answer.status = code;
        return response;
      },
      setHeader(name: string, value: string) {
        answer.headers[name] = value;
      },
      json(body: unknown) {
        answer.body = body;
      },
    };
    apiAuthMiddleware(credentials)({ path, headers: { authorization } }, response, () => (answer.passed = true));
    return answer;
  };

  it('answers 401 with a JSON body and a challenge on API paths without credentials', () => {
    const answer = run('/api/v1/flows/search');
    expect(answer).toMatchObject({ status: 401, passed: false, body: { message: expect.stringMatching(/authentication required/) } });
    expect(answer.headers['WWW-Authenticate']).toBe('Bearer realm="osprey"');
  });

  it('lets valid credentials through, and health and metrics without any', () => {
    expect(run('/api/v1/flows/search', 'Bearer token-aaaaaaaaaaaaaaaa').passed).toBe(true);
    expect(run('/health/live').passed).toBe(true);
    expect(run('/metrics').passed).toBe(true);
    expect(run('/API/v1/flows/search').status).toBe(401);
    expect(run('/metrics/').passed).toBe(true);
  });
});
