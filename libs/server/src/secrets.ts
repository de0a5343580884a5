/**
 * Secrets come from `SECRET_<KEY>` environment variables holding base64 text, as in Kestra's
 * open-source edition; a value that is not valid base64 is used as it is.
 */
export function envSecrets(env: NodeJS.ProcessEnv = process.env): (key: string) => string | undefined {
  return (key: string) => {
    const raw = env[`SECRET_${key}`];
    if (raw === undefined) return undefined;
    const trimmed = raw.trim();
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && trimmed.length % 4 === 0) {
      return Buffer.from(trimmed, 'base64').toString('utf8');
    }
    return raw;
  };
}

/** The `envs` variable of expressions: `ENV_FOO_BAR=x` is `{{ envs.foo_bar }}`, as in Kestra. */
export function envVariables(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const envs: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('ENV_') && name.length > 4 && value !== undefined) envs[name.slice(4).toLowerCase()] = value;
  }
  return envs;
}
