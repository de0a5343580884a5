// Chart checks, used by e2e/charts/charts.spec.ts and runnable alone: `node scripts/charts/check.mjs`
// checks that the values schemas and the values references (README.md) are current, builds the charts' dependencies, runs `helm lint --strict`
// on every chart, renders the umbrella chart with each values file of deploy/helm/ and validates the
// output with kubeconform (strict, offline).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KUBE_VERSIONS, cacheDir, ensureChartTools } from './tools.mjs';
import { staleReadmes } from './values-readme.mjs';
import { staleSchemas } from './values-schemas.mjs';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const chartsDir = join(root, 'charts');
export const APP_CHARTS = ['webserver', 'executor', 'worker', 'scheduler', 'indexer'];
export const CHARTS = ['osprey-common', ...APP_CHARTS, 'osprey'];
export const SIZES_DIR = join(root, 'deploy', 'helm');

export function valuesFiles() {
  return readdirSync(SIZES_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(SIZES_DIR, f));
}

/** Helm keeps its cache, config and plugins per machine, never in the user's home or the clone. */
export function helmEnv(cache = cacheDir()) {
  const home = join(cache, 'helm');
  for (const d of ['cache', 'config', 'data']) mkdirSync(join(home, d), { recursive: true });
  return { ...process.env, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
}

function exec(binary, args, { input, env } = {}) {
  const result = spawnSync(binary, args, { encoding: 'utf8', input, env, cwd: root, maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}${result.stderr}` };
}

export function createChecks(tools = ensureChartTools()) {
  const env = helmEnv();
  const helm = (args, input) => exec(tools.helm, args, { env, input });
  return {
    tools,
    helm,
    /** `helm dependency build` of the app charts (the library), then of the umbrella (the app charts). */
    buildDependencies() {
      for (const chart of [...APP_CHARTS, 'osprey']) {
        const r = helm(['dependency', 'build', '--skip-refresh', join(chartsDir, chart)]);
        if (r.code !== 0) throw new Error(`helm dependency build charts/${chart} failed: ${r.output}`);
      }
    },
    lint(chart, extra = []) {
      return helm(['lint', '--strict', join(chartsDir, chart), ...extra]);
    },
    /** `helm template <release> charts/<chart>` with values files and --set pairs; throws on failure. */
    // `valuesObject` goes last, as a values file read from stdin.
    template({ chart = 'osprey', release = 'osprey', values = [], set = [], valuesObject, kubeVersion = KUBE_VERSIONS.at(-1), namespace = 'osprey' } = {}) {
      const args = ['template', release, join(chartsDir, chart), '--namespace', namespace, '--kube-version', kubeVersion, ...values.flatMap((v) => ['-f', v]), ...(valuesObject ? ['-f', '-'] : []), ...set.flatMap((s) => ['--set', s])];
      const r = helm(args, valuesObject ? JSON.stringify(valuesObject) : undefined);
      if (r.code !== 0) throw new Error(`helm ${args.join(' ')} failed: ${r.output}`);
      return r.stdout;
    },
    /** kubeconform -strict against the offline schemas (built-in kinds and the CRDs of crd-schemas.mjs). */
    kubeconform(manifests, kubeVersion = KUBE_VERSIONS.at(-1)) {
      return exec(tools.kubeconform, ['-strict', '-summary', '-kubernetes-version', kubeVersion, '-schema-location', tools.schemas, '-schema-location', tools.crdSchemas, '-'], { input: manifests });
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const log = (m) => console.log(`[charts] ${m}`);
  const checks = createChecks(ensureChartTools({ log }));
  let failed = 0;
  const stale = staleSchemas();
  if (stale.length) failed++;
  log(`values.schema.json: ${stale.length ? `stale in ${stale.map((c) => `charts/${c}`).join(', ')} (node scripts/charts/values-schemas.mjs)` : 'up to date'}`);
  const staleDocs = staleReadmes();
  if (staleDocs.length) failed++;
  log(`README.md (values reference): ${staleDocs.length ? `stale in ${staleDocs.map((c) => `charts/${c}`).join(', ')} (node scripts/charts/values-readme.mjs)` : 'up to date'}`);
  let t0 = Date.now();
  checks.buildDependencies();
  log(`dependencies built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  t0 = Date.now();
  for (const chart of CHARTS) {
    const r = checks.lint(chart);
    if (r.code !== 0) failed++;
    log(`helm lint --strict charts/${chart}: ${r.code === 0 ? 'ok' : `FAILED\n${r.output}`}`);
  }
  log(`lint in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  t0 = Date.now();
  for (const file of [undefined, ...valuesFiles()]) {
    for (const version of KUBE_VERSIONS) {
      const manifests = checks.template({ values: file ? [file] : [], kubeVersion: version });
      const r = checks.kubeconform(manifests, version);
      if (r.code !== 0) failed++;
      log(`${file ? file.slice(root.length) : 'charts/osprey defaults'} on Kubernetes ${version}: ${r.output.trim()}`);
    }
  }
  log(`template + kubeconform in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
}
