// JSON schemas for the custom resources the charts render (KEDA ScaledObject, Prometheus Operator PrometheusRule and
// ServiceMonitor), made from the CRDs those projects publish in their Go modules, fetched from the Go
// module proxy. Converted like kubeconform's openapi2jsonschema in strict mode: objects that list their
// properties get `additionalProperties: false` unless they preserve unknown fields, `nullable` adds
// "null" to the type, int-or-string accepts both.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const CRD_SOURCES = [
  { module: 'github.com/kedacore/keda/v2', version: 'v2.17.2', files: ['config/crd/bases/keda.sh_scaledobjects.yaml', 'config/crd/bases/keda.sh_triggerauthentications.yaml'] },
  { module: 'github.com/prometheus-operator/prometheus-operator', version: 'v0.81.0', files: ['example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml', 'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml'] },
];

function strict(node) {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)])) : strict(value);
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    if (!out.anyOf && !out.oneOf) out.oneOf = [{ type: 'string' }, { type: 'integer' }];
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  delete out.nullable;
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

/** Writes `<root>/<group>/<kind>_<version>.json` for each CRD; returns the kubeconform -schema-location. */
export function ensureCrdSchemas({ cache, goEnv, log = () => {} }) {
  const root = join(cache, 'crd-schemas');
  const marker = join(root, `.complete-${CRD_SOURCES.map((s) => `${s.module}@${s.version}:${s.files.map((f) => f.split('/').pop().split('_').pop()).join('+')}`).join(',').replace(/[^a-z0-9.@,-]/gi, '_')}`);
  if (existsSync(marker)) return `${root}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`;
  const t0 = Date.now();
  const staging = `${root}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  let count = 0;
  for (const source of CRD_SOURCES) {
    const download = spawnSync('go', ['mod', 'download', '-json', `${source.module}@${source.version}`], { encoding: 'utf8', env: goEnv });
    if (download.status !== 0) throw new Error(`go mod download ${source.module}@${source.version} failed: ${(download.stdout + download.stderr).trim().slice(-1000)}`);
    const dir = JSON.parse(download.stdout).Dir;
    for (const file of source.files) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        const { group, names, versions } = crd.spec;
        for (const version of versions) {
          const schema = strict(version.schema.openAPIV3Schema);
          schema.$schema = 'http://json-schema.org/draft-07/schema#';
          mkdirSync(join(staging, group), { recursive: true });
          writeFileSync(join(staging, group, `${names.kind.toLowerCase()}_${version.name}.json`), JSON.stringify(schema));
          count++;
        }
      }
    }
  }
  rmSync(root, { recursive: true, force: true });
  renameSync(staging, root);
  writeFileSync(marker, `${count}\n`);
  log(`wrote ${count} custom resource schemas in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return `${root}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`;
}
