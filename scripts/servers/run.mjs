// `node scripts/servers/run.mjs postgres [...]`: starts the named test servers, prints their variables,
// and keeps them up until Ctrl-C.
import { startServers } from './index.mjs';

const servers = await startServers(process.argv.slice(2).length ? process.argv.slice(2) : undefined);
for (const [key, value] of Object.entries(servers.env)) console.log(`export ${key}=${JSON.stringify(value)}`);
const stop = async () => {
  await servers.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
