// The Helm charts, checked with real tools: helm (built from the Go module proxy) lints every chart and
// renders the umbrella chart with each values file of deploy/helm/; kubeconform validates the output in
// strict mode against Kubernetes schemas kept offline (and the KEDA / Prometheus Operator CRDs); the
// rendered objects are then checked for what each size needs. Tools: scripts/charts/tools.mjs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { loadConfig } from '@osprey/server';
import { CHARTS, createChecks, valuesFiles, type ChartChecks } from '../../scripts/charts/check.mjs';
import { KUBE_VERSIONS, ensureChartTools } from '../../scripts/charts/tools.mjs';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}

let checks: ChartChecks;
const size = (name: string) => valuesFiles().find((f) => basename(f) === `${name}.yaml`)!;
const SIZES = valuesFiles().map((f) => basename(f, '.yaml'));

beforeAll(() => {
  // helm, kubeconform and the schemas are built or fetched once per machine; a failure fails every test with its reason.
  const t0 = Date.now();
  checks = createChecks(ensureChartTools({ log: (message) => process.stdout.write(`[charts] ${message}\n`) }));
  checks.buildDependencies();
  process.stdout.write(`[charts] tools and chart dependencies ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}, 20 * 60_000);

function render(options: Parameters<ChartChecks['template']>[0] = {}): K8sObject[] {
  return parseAllDocuments(checks.template(options))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
const deploymentNames = (objects: K8sObject[]) => ofKind(objects, 'Deployment').map((d) => d.metadata.name).sort();

describe('helm lint --strict', () => {
  test.each(CHARTS)('charts/%s', (chart) => {
    const result = checks.lint(chart);
    expect(result.output).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });
});

describe('helm template + kubeconform -strict (offline schemas)', () => {
  const cases = ['(defaults)', ...SIZES].flatMap((s) => KUBE_VERSIONS.map((v) => [s, v] as const));
  test.each(cases)('umbrella chart with %s on Kubernetes %s', (name, version) => {
    const manifests = checks.template({ values: name === '(defaults)' ? [] : [size(name)], kubeVersion: version });
    const result = checks.kubeconform(manifests, version);
    expect(result.output).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    expect(result.code).toBe(0);
  });

  test.each(['postgresql', 'mysql', 'kafka', 'redis', 'prometheus'])('the KEDA ScaledObject with the %s scaler validates against the KEDA CRD', (scaler) => {
    const manifests = checks.template({ values: [size('medium-postgres')], set: ['worker.keda.enabled=true', `worker.keda.scaler=${scaler}`] });
    const result = checks.kubeconform(manifests);
    expect(result.output).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
  });

  test('kubeconform rejects a misspelled field (the validation is not vacuous)', () => {
    const manifests = checks.template({ values: [size('local')] }).replace('revisionHistoryLimit:', 'revisionHistoryLimt:');
    const result = checks.kubeconform(manifests);
    expect(result.code).toBe(1);
    expect(result.output).toContain("additional properties 'revisionHistoryLimt' not allowed");
  });

  test('each app chart installs on its own', () => {
    for (const chart of ['webserver', 'executor', 'worker', 'scheduler', 'indexer']) {
      const manifests = checks.template({ chart, release: 'solo' });
      expect(checks.kubeconform(manifests).code).toBe(0);
      const objects = parseAllDocuments(manifests).map((d) => d.toJS() as K8sObject);
      expect(deploymentNames(objects)).toEqual([`solo-${chart}`]);
    }
  });
});

describe('services of each size', () => {
  test('local: webserver, executor, worker, scheduler on one shared SQLite volume, on one node', () => {
    const objects = render({ values: [size('local')] });
    expect(deploymentNames(objects)).toEqual(['osprey-executor', 'osprey-scheduler', 'osprey-webserver', 'osprey-worker']);
    const claim = named(objects, 'PersistentVolumeClaim', 'osprey-osprey-data');
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
    for (const deployment of ofKind(objects, 'Deployment')) {
      const pod = deployment.spec.template.spec;
      expect(pod.volumes.find((v: any) => v.name === 'data').persistentVolumeClaim.claimName).toBe('osprey-osprey-data'); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(pod.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    }
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(named(objects, 'Deployment', 'osprey-worker').spec.replicas).toBe(1);
  });

  test.each(['medium-postgres', 'medium-mysql'])('%s: four services, databases and S3 keys from Secrets, no volume', (name) => {
    const objects = render({ values: [size(name)] });
    expect(deploymentNames(objects)).toEqual(['osprey-executor', 'osprey-scheduler', 'osprey-webserver', 'osprey-worker']);
    expect(ofKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    for (const deployment of ofKind(objects, 'Deployment')) {
      const env = deployment.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(env.find((e) => e.name === 'OSPREY_QUEUE_URL')?.valueFrom.secretKeyRef).toEqual({ name: 'osprey-database', key: 'url' });
      expect(env.find((e) => e.name === 'OSPREY_STORAGE_SECRET_KEY')?.valueFrom.secretKeyRef).toEqual({ name: 'osprey-s3', key: 'secretKey' });
      expect(env.find((e) => e.name === 'OSPREY_CONFIG')?.value).toBe('/etc/osprey/osprey.yaml');
      expect(deployment.spec.template.spec.volumes.find((v: any) => v.name === 'data').emptyDir).toEqual({}); // eslint-disable-line @typescript-eslint/no-explicit-any
    }
    expect(ofKind(objects, 'Ingress').map((i) => i.spec.rules[0].http.paths[0].backend.service.name)).toEqual(['osprey-webserver']);
    expect(ofKind(objects, 'ServiceMonitor').map((s) => s.metadata.name).sort()).toEqual(['osprey-executor', 'osprey-scheduler', 'osprey-webserver', 'osprey-worker']);
  });

  test('ha: five services with the indexer, replicated, PDBs keep a quorum, workers autoscaled', () => {
    const objects = render({ values: [size('ha')] });
    expect(deploymentNames(objects)).toEqual(['osprey-executor', 'osprey-indexer', 'osprey-scheduler', 'osprey-webserver', 'osprey-worker']);
    for (const name of ['webserver', 'executor', 'scheduler', 'indexer']) expect(named(objects, 'Deployment', `osprey-${name}`).spec.replicas).toBeGreaterThanOrEqual(2);
    expect(named(objects, 'PodDisruptionBudget', 'osprey-webserver').spec.minAvailable).toBe(2);
    expect(named(objects, 'HorizontalPodAutoscaler', 'osprey-worker').spec.minReplicas).toBe(3);
    expect(ofKind(objects, 'ServiceMonitor').every((s) => s.metadata.labels?.release === 'prometheus')).toBe(true);
  });

  test('every Deployment has a PDB, a Service and a ServiceAccount that select or serve its pods', () => {
    for (const name of SIZES) {
      const objects = render({ values: [size(name)] });
      for (const deployment of ofKind(objects, 'Deployment')) {
        const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
        const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
        expect(matches(named(objects, 'PodDisruptionBudget', deployment.metadata.name).spec.selector.matchLabels)).toBe(true);
        expect(matches(named(objects, 'Service', deployment.metadata.name).spec.selector)).toBe(true);
        expect(matches(deployment.spec.selector.matchLabels)).toBe(true);
        named(objects, 'ServiceAccount', deployment.spec.template.spec.serviceAccountName);
        expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
        expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
        expect(deployment.spec.template.spec.containers[0].resources.requests.cpu).toBeTruthy();
      }
    }
  });
});

describe('probes, ports and configuration', () => {
  const httpPort = (deployment: K8sObject) => deployment.spec.template.spec.containers[0].ports.find((p: { name: string }) => p.name === 'http').containerPort as number;

  test.each(SIZES)('%s: probes hit /health/* on the port the service listens on (server.port of its ConfigMap)', (name) => {
    const objects = render({ values: [size(name)] });
    for (const deployment of ofKind(objects, 'Deployment')) {
      const container = deployment.spec.template.spec.containers[0];
      const config = parse(named(objects, 'ConfigMap', `${deployment.metadata.name}-config`).data!['osprey.yaml']!) as { server?: { port?: number } };
      expect(httpPort(deployment)).toBe(config.server?.port ?? 8080);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      const service = named(objects, 'Service', deployment.metadata.name);
      expect(service.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
      const configVolume = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'config');
      expect(configVolume.configMap.name).toBe(`${deployment.metadata.name}-config`);
    }
  });

  test('a different server.port moves the container port, and the probes and Service follow it by name', () => {
    const objects = render({ values: [size('local')], set: ['global.config.server.port=9091'] });
    for (const deployment of ofKind(objects, 'Deployment')) expect(httpPort(deployment)).toBe(9091);
    expect(checks.kubeconform(checks.template({ values: [size('local')], set: ['global.config.server.port=9091'] })).code).toBe(0);
  });

  test('the worker gets worker.shutdownGraceMs plus a margin to drain before SIGKILL', () => {
    const medium = render({ values: [size('medium-postgres')] });
    expect(named(medium, 'Deployment', 'osprey-worker').spec.template.spec.terminationGracePeriodSeconds).toBe(120 + 15);
    const defaults = render();
    expect(named(defaults, 'Deployment', 'osprey-worker').spec.template.spec.terminationGracePeriodSeconds).toBe(30 + 15);
    const set = render({ set: ['worker.terminationGracePeriodSeconds=600'] });
    expect(named(set, 'Deployment', 'osprey-worker').spec.template.spec.terminationGracePeriodSeconds).toBe(600);
  });

  test.each(['local', 'medium-postgres', 'medium-mysql'])('%s: every ConfigMap is a valid Osprey configuration (loadConfig, secrets filled in)', (name) => {
    const objects = render({ values: [size(name)] });
    const dir = mkdtempSync(join(tmpdir(), 'osprey-chart-config-'));
    try {
      const scheme = name === 'medium-mysql' ? 'mysql' : 'postgres';
      for (const deployment of ofKind(objects, 'Deployment')) {
        const file = join(dir, `${deployment.metadata.name}.yaml`);
        writeFileSync(file, named(objects, 'ConfigMap', `${deployment.metadata.name}-config`).data!['osprey.yaml']!);
        const secrets: Record<string, string> = {
          OSPREY_QUEUE_URL: `${scheme}://osprey:secret@db:5432/osprey`,
          OSPREY_REPOSITORY_URL: `${scheme}://osprey:secret@db:5432/osprey`,
          OSPREY_STORAGE_ACCESS_KEY: 'access',
          OSPREY_STORAGE_SECRET_KEY: 'secret-key',
        };
        const env = Object.fromEntries(
          (deployment.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? secrets[e.name] ?? 'x']),
        );
        const config = loadConfig({ file, env });
        expect(config.dataDir).toBe('/var/lib/osprey/data');
        if (name !== 'local') {
          expect(config.queue.type).toBe(scheme);
          expect(config.storage.type).toBe('s3');
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('ha: every ConfigMap is a valid Osprey configuration on Kafka, OpenSearch and S3 (loadConfig, secrets filled in)', () => {
    const objects = render({ values: [size('ha')] });
    const dir = mkdtempSync(join(tmpdir(), 'osprey-chart-config-'));
    try {
      for (const deployment of ofKind(objects, 'Deployment')) {
        const file = join(dir, `${deployment.metadata.name}.yaml`);
        writeFileSync(file, named(objects, 'ConfigMap', `${deployment.metadata.name}-config`).data!['osprey.yaml']!);
        const secrets: Record<string, string> = {
          OSPREY_QUEUE_SASL_PASSWORD: 'kafka-secret',
          OSPREY_REPOSITORY_PASSWORD: 'search-secret',
          OSPREY_STORAGE_ACCESS_KEY: 'access',
          OSPREY_STORAGE_SECRET_KEY: 'secret-key',
        };
        const env = Object.fromEntries(
          (deployment.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? secrets[e.name] ?? 'x']),
        );
        const config = loadConfig({ file, env });
        expect(config.queue).toMatchObject({ type: 'kafka', replicationFactor: 3, saslPassword: 'kafka-secret' });
        expect(config.repository).toMatchObject({ type: 'opensearch', replicas: 1, password: 'search-secret' });
        expect(config.storage.type).toBe('s3');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('worker autoscaling', () => {
  test('by default (autoscaling on): an autoscaling/v2 HPA on CPU targets the worker Deployment, which leaves replicas to it', () => {
    const objects = render({ set: ['worker.autoscaling.enabled=true'] });
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'osprey-worker');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'osprey-worker' });
    named(objects, 'Deployment', hpa.spec.scaleTargetRef.name);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(named(objects, 'Deployment', 'osprey-worker').spec.replicas).toBeUndefined();
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  test('queue depth: the HPA adds the External metric osprey_worker_jobs_pending with the configured target', () => {
    const objects = render({ values: [size('medium-postgres')], set: ['worker.autoscaling.queueDepth.selector.release=osprey'] });
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'osprey-worker');
    expect(hpa.spec.scaleTargetRef.name).toBe('osprey-worker');
    expect(hpa.spec.metrics).toContainEqual({
      type: 'External',
      external: { metric: { name: 'osprey_worker_jobs_pending', selector: { matchLabels: { release: 'osprey' } } }, target: { type: 'AverageValue', averageValue: '16' } },
    });
    expect(hpa.spec.metrics).toContainEqual({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } } });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 20]);
  });

  test('queue depth only, without CPU', () => {
    const objects = render({ values: [size('medium-postgres')], set: ['worker.autoscaling.targetCPUUtilizationPercentage=0'] });
    expect(named(objects, 'HorizontalPodAutoscaler', 'osprey-worker').spec.metrics.map((m: { type: string }) => m.type)).toEqual(['External']);
  });

  test.each([
    ['postgresql', { connectionFromEnv: 'OSPREY_QUEUE_URL', query: 'SELECT count(*) FROM worker_jobs WHERE lease_until = 0', targetQueryValue: '20' }],
    ['mysql', { connectionStringFromEnv: 'OSPREY_QUEUE_URL', query: 'SELECT count(*) FROM worker_jobs WHERE lease_until = 0', queryValue: '20' }],
    ['kafka', { bootstrapServers: 'kafka:9092', consumerGroup: 'osprey.workers', topic: 'osprey.worker-jobs', lagThreshold: '20' }],
    ['redis', { addressFromEnv: 'OSPREY_REDIS_ADDRESS', listName: 'osprey:worker-jobs:wait', listLength: '20' }],
    ['prometheus', { serverAddress: 'http://prometheus-operated.monitoring.svc:9090', query: 'max(osprey_worker_jobs_pending)', threshold: '20' }],
  ])('KEDA %s: a ScaledObject on the worker Deployment replaces the HPA', (scaler, metadata) => {
    const objects = render({ values: [size('medium-postgres')], set: ['worker.keda.enabled=true', `worker.keda.scaler=${scaler}`] });
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    const scaled = named(objects, 'ScaledObject', 'osprey-worker');
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaled.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'osprey-worker' });
    expect(scaled.spec.triggers).toEqual([{ type: scaler, metricType: 'AverageValue', metadata }]);
    expect(named(objects, 'Deployment', 'osprey-worker').spec.replicas).toBeUndefined();
  });

  test('the medium MySQL size scales workers with KEDA on the queue table, the worker having the connection in its environment', () => {
    const objects = render({ values: [size('medium-mysql')] });
    const scaled = named(objects, 'ScaledObject', 'osprey-worker');
    expect(scaled.spec.triggers[0].type).toBe('mysql');
    const env = named(objects, 'Deployment', 'osprey-worker').spec.template.spec.containers[0].env as { name: string }[];
    expect(env.map((e) => e.name)).toContain(scaled.spec.triggers[0].metadata.connectionStringFromEnv);
  });

  test('an unknown KEDA scaler fails the rendering with a clear message', () => {
    expect(() => render({ set: ['worker.keda.enabled=true', 'worker.keda.scaler=sqs'] })).toThrow(/worker.keda.scaler must be prometheus, postgresql, mysql, kafka or redis/);
  });
});
