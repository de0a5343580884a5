import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the built web UI for a process started from `fromUrl` (the app's `import.meta.url`):
 * `OSPREY_UI_DIR` when set, else the first `apps/ui/dist` with an index.html found walking up from the
 * app's own file (the repository in development, /app in the image), else the `dist` of the first `apps/ui`
 * project found (built later, it is served without a restart). Undefined when there is none: the webserver
 * then explains at `/` how to build it.
 */
export function locateUiDir(fromUrl: string | URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OSPREY_UI_DIR) return resolve(env.OSPREY_UI_DIR);
  let project: string | undefined;
  for (let dir = dirname(fileURLToPath(fromUrl)); ; dir = dirname(dir)) {
    const ui = join(dir, 'apps', 'ui');
    if (existsSync(join(ui, 'dist', 'index.html'))) return join(ui, 'dist');
    if (!project && existsSync(join(ui, 'package.json'))) project = join(ui, 'dist');
    if (dirname(dir) === dir) return project;
  }
}
