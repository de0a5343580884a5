// Chart tools for tests and for `node scripts/charts/check.mjs`: helm and kubeconform built from the Go
// module proxy, and Kubernetes JSON schemas kept offline. Everything is cached per machine under
// `$OSPREY_CACHE_DIR` (default ~/.cache/osprey), like the test servers (scripts/servers/README.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCrdSchemas } from './crd-schemas.mjs';
import { writeStandaloneSchemas } from './k8s-schemas.mjs';

export const HELM_VERSION = 'v3.22.0';
export const KUBECONFORM_VERSION = 'v0.8.0';
/** kubernetes-validate on PyPI ships the OpenAPI of Kubernetes v1.25 to v1.37. */
export const SCHEMAS_PACKAGE = 'kubernetes-validate==1.37.0';
/** Kubernetes versions the charts are validated against: the oldest the charts support and a current one. */
export const KUBE_VERSIONS = ['1.29.0', '1.35.0'];

export function cacheDir() {
  return process.env.OSPREY_CACHE_DIR ?? join(homedir(), '.cache', 'osprey');
}

function goEnv(cache) {
  return {
    ...process.env,
    GOMODCACHE: join(cache, 'go', 'mod'),
    GOCACHE: join(cache, 'go', 'cache'),
    GOPATH: join(cache, 'go', 'path'),
    GOFLAGS: '-modcacherw -buildvcs=false',
  };
}

function run(command, args, options, what) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${(result.stderr || result.stdout || '').trim().slice(-2000)}`);
  return result.stdout;
}

/** `go install` into a private GOBIN, then rename: an interrupted build never leaves a half-written binary. */
function goInstall(cache, pkg, binary, ldflags, log) {
  if (existsSync(binary)) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) throw new Error(`\`go\` is not on PATH: ${pkg} is built with go install from the Go module proxy`);
  const buildBin = join(cache, 'go', `bin-${process.pid}`);
  mkdirSync(buildBin, { recursive: true });
  mkdirSync(join(cache, 'bin'), { recursive: true });
  const t0 = Date.now();
  log(`building ${pkg} (cold: a few minutes; cached afterwards in ${join(cache, 'bin')})`);
  const args = ['install', ...(ldflags ? ['-ldflags', ldflags] : []), pkg];
  run('go', args, { env: { ...goEnv(cache), GOBIN: buildBin }, stdio: ['ignore', 'pipe', 'pipe'] }, `go install ${pkg}`);
  const built = join(buildBin, readdirSync(buildBin)[0]);
  renameSync(built, binary);
  rmSync(buildBin, { recursive: true, force: true });
  log(`built ${pkg} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return binary;
}

export function ensureHelm(cache = cacheDir(), log = () => {}) {
  const P = 'helm.sh/helm/v3';
  // Without the -X stamps helm reports version "v3.22" and renders for Kubernetes v1.20
  // (helm's Makefile sets them); helm 3.22 builds against client-go v0.37.
  const ldflags = [
    `-X ${P}/internal/version.version=${HELM_VERSION}`,
    `-X ${P}/pkg/chartutil.k8sVersionMajor=1`,
    `-X ${P}/pkg/chartutil.k8sVersionMinor=37`,
    `-X ${P}/pkg/lint/rules.k8sVersionMajor=1`,
    `-X ${P}/pkg/lint/rules.k8sVersionMinor=37`,
  ].join(' ');
  return goInstall(cache, `${P}/cmd/helm@${HELM_VERSION}`, join(cache, 'bin', `helm-${HELM_VERSION}`), ldflags, log);
}

export function ensureKubeconform(cache = cacheDir(), log = () => {}) {
  return goInstall(cache, `github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}`, join(cache, 'bin', `kubeconform-${KUBECONFORM_VERSION}`), undefined, log);
}

/**
 * Standalone strict schemas for kubeconform in `<cache>/k8s-schemas/v<version>-standalone-strict/`, made
 * from the `kubernetes-validate` wheel on PyPI (its files reference a shared definitions file that
 * kubeconform cannot follow, see k8s-schemas.mjs). Returns the folder to pass as -schema-location.
 */
export function ensureSchemas(cache = cacheDir(), log = () => {}) {
  const root = join(cache, 'k8s-schemas');
  const missing = KUBE_VERSIONS.filter((v) => !existsSync(join(root, `v${v}-standalone-strict`, '.complete')));
  if (missing.length === 0) return root;
  const t0 = Date.now();
  const dl = join(cache, 'pypi');
  mkdirSync(dl, { recursive: true });
  const wheel = () => readdirSync(dl).find((f) => f.startsWith('kubernetes_validate-1.37.0') && f.endsWith('.whl'));
  if (!wheel()) {
    log(`downloading ${SCHEMAS_PACKAGE} from PyPI`);
    const pip = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (pip.status !== 0) throw new Error('python3 -m pip is not available: the Kubernetes schemas come from the PyPI package kubernetes-validate');
    run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', dl, SCHEMAS_PACKAGE], { stdio: ['ignore', 'pipe', 'pipe'] }, `pip download ${SCHEMAS_PACKAGE}`);
  }
  const unpacked = join(cache, 'pypi', `kubernetes-validate-${process.pid}`);
  run('python3', ['-m', 'zipfile', '-e', join(dl, wheel()), unpacked], {}, 'unzip kubernetes-validate');
  for (const version of missing) {
    const source = join(unpacked, 'kubernetes_validate', 'kubernetes-json-schema', `v${version}-local-strict`);
    if (!existsSync(source)) throw new Error(`${SCHEMAS_PACKAGE} has no schemas for Kubernetes v${version}`);
    const count = writeStandaloneSchemas(source, join(root, `v${version}-standalone-strict`));
    log(`wrote ${count} schemas for Kubernetes v${version}`);
  }
  rmSync(unpacked, { recursive: true, force: true });
  log(`schemas ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return root;
}

/** Everything the chart checks need; throws with the reason when a tool cannot be installed. */
export function ensureChartTools({ cache = cacheDir(), log = () => {} } = {}) {
  const timings = {};
  const timed = (name, fn) => {
    const t0 = Date.now();
    const value = fn();
    timings[name] = (Date.now() - t0) / 1000;
    return value;
  };
  const helm = timed('helm', () => ensureHelm(cache, log));
  const kubeconform = timed('kubeconform', () => ensureKubeconform(cache, log));
  const schemas = timed('schemas', () => ensureSchemas(cache, log));
  const crdSchemas = timed('crdSchemas', () => ensureCrdSchemas({ cache, goEnv: goEnv(cache), log }));
  return { helm, kubeconform, schemas, crdSchemas, timings };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tools = ensureChartTools({ log: (m) => console.log(`[charts] ${m}`) });
  console.log(JSON.stringify(tools, null, 2));
}
