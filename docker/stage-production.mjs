// Runs inside the image build, after the Nx build: copies what the runtime needs into <out>, so the
// final stage gets production dependencies only.
//   <out>/runtime       package.json, package-lock.json, node_modules without the packages the lockfile
//                       marks `dev` or `devOptional` (a dev dependency that is at most an optional peer of a
//                       production one, such as typescript for typeorm; no npm needed), and each
//                       lib's package.json + compiled dist (no declarations, source maps or build info)
//   <out>/apps/<app>    package.json, dist (and bin) of each app
// <native>, when given and present, is a node_modules folder whose packages replace the staged ones (native
// addons compiled for this Node's ABI); better-sqlite3 must then load under the Node running this script.
import { createRequire } from 'node:module';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const [src, out, native] = process.argv.slice(2);
if (!src || !out) throw new Error('usage: node stage-production.mjs <workspace> <out> [<native node_modules>]');

const lock = JSON.parse(readFileSync(join(src, 'package-lock.json'), 'utf8'));
const runtime = join(out, 'runtime');
mkdirSync(runtime, { recursive: true });
cpSync(join(src, 'package.json'), join(runtime, 'package.json'));
cpSync(join(src, 'package-lock.json'), join(runtime, 'package-lock.json'));

const compiled = (path) => !/\.(d\.ts|d\.ts\.map|js\.map|tsbuildinfo)$/.test(path) && !/\.spec\.js$/.test(path);

// Production packages: every lockfile entry under node_modules/ not marked dev. Nested entries
// (node_modules/a/node_modules/b) are copied with their parent unless the parent is dev-only.
let kept = 0;
let dropped = 0;
for (const [path, meta] of Object.entries(lock.packages ?? {})) {
  if (!path.startsWith('node_modules/')) continue;
  const from = join(src, path);
  if (meta.dev || meta.devOptional) {
    dropped++;
    continue;
  }
  if (!existsSync(from) && !isLink(from)) continue; // optional packages for other platforms
  if (path.lastIndexOf('/node_modules/') > 0) continue; // copied with its parent below
  const to = join(runtime, path);
  mkdirSync(dirname(to), { recursive: true });
  if (meta.link) {
    // Workspace links: keep the libs' (node_modules/@osprey/x -> ../../libs/x); apps are never imported.
    if (!meta.resolved?.startsWith('libs/')) continue;
    symlinkSync(readlinkSync(from), to);
  } else {
    cpSync(from, to, { recursive: true, verbatimSymlinks: true, filter: (p) => !isDevNested(path, p) });
  }
  kept++;
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A nested node_modules/<x> of a kept package that the lockfile marks dev-only. */
function isDevNested(parentPath, absolute) {
  const rel = relative(src, absolute);
  const meta = lock.packages[rel];
  if (rel !== parentPath && (meta?.dev === true || meta?.devOptional === true)) return true;
  // better-sqlite3 needs only its compiled addon at run time, not the SQLite sources or objects.
  return /^node_modules\/better-sqlite3\/(deps|src|build\/(deps|Release\/(obj|obj\.target|\.deps|test_extension\.node)))(\/|$)/.test(rel);
}

let overlaid = 0;
if (native && existsSync(native)) {
  for (const name of readdirSync(native)) {
    const to = join(runtime, 'node_modules', name);
    if (!existsSync(to)) continue; // not a production package of this build
    cpSync(join(native, name), to, { recursive: true, force: true, filter: (p) => !isDevNested(`node_modules/${name}`, join(src, 'node_modules', relative(native, p))) });
    overlaid++;
  }
}
// An addon of another Node ABI would crash every SQLite user at start: refuse the image instead.
try {
  const Database = createRequire(join(runtime, 'package.json'))('better-sqlite3');
  new Database(':memory:').close();
} catch (error) {
  throw new Error(`better-sqlite3 does not load under node ${process.version} (NODE_MODULE_VERSION ${process.versions.modules}): ${error.message}\n` +
    'Install dependencies with the Node of the base image, or give --build-context native=<dir> with <dir>/node_modules/better-sqlite3 built for it (see docker/Dockerfile).');
}

for (const lib of readdirSync(join(src, 'libs'))) {
  const dir = join(src, 'libs', lib);
  if (!existsSync(join(dir, 'package.json'))) continue;
  cpSync(join(dir, 'package.json'), join(runtime, 'libs', lib, 'package.json'));
  if (existsSync(join(dir, 'dist'))) cpSync(join(dir, 'dist'), join(runtime, 'libs', lib, 'dist'), { recursive: true, filter: compiled });
}

for (const app of readdirSync(join(src, 'apps'))) {
  const dir = join(src, 'apps', app);
  if (!existsSync(join(dir, 'package.json'))) continue;
  const to = join(out, 'apps', app);
  cpSync(join(dir, 'package.json'), join(to, 'package.json'));
  for (const sub of ['dist', 'bin']) {
    if (existsSync(join(dir, sub))) cpSync(join(dir, sub), join(to, sub), { recursive: true, filter: compiled });
  }
}
process.stdout.write(`staged ${kept} production packages (${overlaid} from the native overlay), dropped ${dropped} dev-only entries\n`);
