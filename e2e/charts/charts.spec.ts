// The Helm charts, checked with real tools: helm (built from the Go module proxy) lints every chart and
// renders the umbrella chart with each values file of deploy/helm/; kubeconform validates the output in
// strict mode against Kubernetes schemas kept offline (and the KEDA / Prometheus Operator CRDs); the
// rendered objects are then checked for what each size needs. Tools: scripts/charts/tools.mjs.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { parseAllDocuments, parse } from 'yaml';
import { loadConfig } from '@osprey/server';
import { CHARTS, chartsDir, createChecks, valuesFiles, type ChartChecks } from '../../scripts/charts/check.mjs';
import { KUBE_VERSIONS, ensureChartTools } from '../../scripts/charts/tools.mjs';
import { getPath, mergeValues, otherValue, schemaDeclares, schemaKeys, templateReads, valuesAt, type SchemaKey } from '../../scripts/charts/values-keys.mjs';
import { staleReadmes } from '../../scripts/charts/values-readme.mjs';
import { APP_COMPONENTS, schemaFile, staleSchemas, valuesSchemas } from '../../scripts/charts/values-schemas.mjs';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}

let checks: ChartChecks;
const size = (name: string) => valuesFiles().find((f) => basename(f) === `${name}.yaml`)!;
/** Every values file of deploy/helm/: the sizes, and the overlays (OpenShift, every key) that are not sizes. */
const VALUES_FILES = valuesFiles().map((f) => basename(f, '.yaml'));
const OVERLAYS = ['openshift', 'every-key'];
const SIZES = VALUES_FILES.filter((f) => !OVERLAYS.includes(f));

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
/** What each KEDA scaler needs besides the medium-postgres size (the HPA off: KEDA makes its own). */
const KEDA_SCALERS: Record<string, string[]> = {
  postgresql: [],
  mysql: ['worker.keda.mysql.dsnSecret.name=osprey-database'],
  kafka: ['global.config.queue.brokers={kafka-0:9092,kafka-1:9092}'],
  redis: ['worker.config.workerQueue.type=redis', 'worker.config.workerQueue.url=redis://redis.cache.svc'],
  prometheus: [],
};
/** The HPA with the queue-depth external metric, in place of the KEDA ScaledObject of the medium size. */
const HPA_QUEUE = ['worker.keda.enabled=false', 'worker.autoscaling.enabled=true', 'worker.autoscaling.queueDepth.enabled=true', 'worker.autoscaling.queueDepth.targetAverageValue=16', 'worker.autoscaling.targetCPUUtilizationPercentage=75', 'worker.autoscaling.minReplicas=2', 'worker.autoscaling.maxReplicas=20'];
const kedaSet = (scaler: string) => ['worker.autoscaling.enabled=false', 'worker.keda.enabled=true', `worker.keda.scaler=${scaler}`, ...KEDA_SCALERS[scaler]!];
/** The comment lines at the top of a values file (where a size lists the Secrets it needs). */
const header = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('#')).join('\n');
const hasPath = (object: unknown, path: string[]) =>
  path.every((key, i) => {
    const node = getPath(object, path.slice(0, i));
    return node !== null && typeof node === 'object' && key in node;
  });
const deploymentNames = (objects: K8sObject[]) => ofKind(objects, 'Deployment').map((d) => d.metadata.name).sort();

describe('helm lint --strict', () => {
  test.each(CHARTS)('charts/%s', (chart) => {
    const result = checks.lint(chart);
    expect(result.output).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });
});

describe('helm template + kubeconform -strict (offline schemas)', () => {
  const cases = ['(defaults)', ...VALUES_FILES].flatMap((s) => KUBE_VERSIONS.map((v) => [s, v] as const));
  test.each(cases)('umbrella chart with %s on Kubernetes %s', (name, version) => {
    const manifests = checks.template({ values: name === '(defaults)' ? [] : [size(name)], kubeVersion: version });
    const result = checks.kubeconform(manifests, version);
    expect(result.output).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    expect(result.code).toBe(0);
  });

  test.each(Object.keys(KEDA_SCALERS))('the KEDA ScaledObject with the %s scaler validates against the KEDA CRD', (scaler) => {
    const manifests = checks.template({ values: [size('medium-postgres')], set: kedaSet(scaler) });
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

  test('ha: five services with the indexer, replicated, PDBs keep a quorum, workers autoscaled by KEDA on the Kafka lag', () => {
    const objects = render({ values: [size('ha')] });
    expect(deploymentNames(objects)).toEqual(['osprey-executor', 'osprey-indexer', 'osprey-scheduler', 'osprey-webserver', 'osprey-worker']);
    for (const name of ['webserver', 'executor', 'scheduler', 'indexer']) expect(named(objects, 'Deployment', `osprey-${name}`).spec.replicas).toBeGreaterThanOrEqual(2);
    expect(named(objects, 'PodDisruptionBudget', 'osprey-webserver').spec.minAvailable).toBe(2);
    expect(named(objects, 'ScaledObject', 'osprey-worker').spec).toMatchObject({ minReplicaCount: 3, maxReplicaCount: 12, triggers: [{ type: 'kafka' }] });
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(ofKind(objects, 'ServiceMonitor').every((s) => s.metadata.labels?.release === 'prometheus')).toBe(true);
  });

  test('every Deployment has a PDB, a Service and a ServiceAccount that select or serve its pods', () => {
    for (const name of VALUES_FILES) {
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

  test('the worker gets the preStop delay plus worker.shutdownGraceMs plus a margin to drain before SIGKILL', () => {
    const medium = render({ values: [size('medium-postgres')] });
    expect(named(medium, 'Deployment', 'osprey-worker').spec.template.spec.terminationGracePeriodSeconds).toBe(5 + 120 + 15);
    const defaults = render();
    expect(named(defaults, 'Deployment', 'osprey-worker').spec.template.spec.terminationGracePeriodSeconds).toBe(5 + 30 + 15);
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
    const objects = render({ values: [size('medium-postgres')], set: [...HPA_QUEUE, 'worker.autoscaling.queueDepth.selector.release=osprey'] });
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'osprey-worker');
    expect(hpa.spec.scaleTargetRef.name).toBe('osprey-worker');
    expect(hpa.spec.metrics).toContainEqual({
      type: 'External',
      external: { metric: { name: 'osprey_worker_jobs_pending', selector: { matchLabels: { release: 'osprey' } } }, target: { type: 'AverageValue', averageValue: '16' } },
    });
    expect(hpa.spec.metrics).toContainEqual({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } } });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 20]);
    // Without a selector of its own: this release's series (the ServiceMonitors copy the instance label onto them).
    const scoped = named(render({ values: [size('medium-postgres')], set: HPA_QUEUE, release: 'prod' }), 'HorizontalPodAutoscaler', 'prod-worker');
    expect(scoped.spec.metrics.find((m: { type: string }) => m.type === 'External').external.metric.selector).toEqual({ matchLabels: { app_kubernetes_io_instance: 'prod' } });
  });

  test('queue depth only, without CPU', () => {
    const objects = render({ values: [size('medium-postgres')], set: [...HPA_QUEUE, 'worker.autoscaling.targetCPUUtilizationPercentage=0'] });
    expect(named(objects, 'HorizontalPodAutoscaler', 'osprey-worker').spec.metrics.map((m: { type: string }) => m.type)).toEqual(['External']);
  });

  test.each([
    ['postgresql', { connectionFromEnv: 'OSPREY_QUEUE_URL', query: 'SELECT count(*) FROM worker_jobs WHERE lease_until = 0', targetQueryValue: '16' }],
    ['mysql', { connectionStringFromEnv: 'KEDA_MYSQL_DSN', query: 'SELECT count(*) FROM worker_jobs WHERE lease_until = 0', queryValue: '20' }],
    ['kafka', { bootstrapServers: 'kafka-0:9092,kafka-1:9092', consumerGroup: 'osprey.workers', topic: 'osprey.worker-jobs', lagThreshold: '20', tls: 'disable' }],
    ['redis', { address: 'redis.cache.svc:6379', enableTLS: 'false', listName: 'osprey:worker-jobs:wait', listLength: '20' }],
    ['prometheus', { serverAddress: 'http://prometheus-operated.monitoring.svc:9090', query: 'max(osprey_worker_jobs_pending{namespace="osprey", app_kubernetes_io_instance="osprey"})', threshold: '20' }],
  ])('KEDA %s: a ScaledObject on the worker Deployment replaces the HPA', (scaler, metadata) => {
    const objects = render({ values: [size('medium-postgres')], set: kedaSet(scaler) });
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

  test('an unknown KEDA scaler fails the rendering with the key and the scalers it takes', () => {
    expect(() => render({ set: ['worker.keda.enabled=true', 'worker.keda.scaler=sqs'] })).toThrow(/worker:\n- at '\/keda\/scaler': value must be one of 'prometheus', 'postgresql', 'mysql', 'kafka', 'redis'/);
  });
});

describe('values schemas: an unknown key or a wrong type fails with its path', () => {
  test('every committed values.schema.json is what scripts/charts/values-schemas.mjs makes', () => {
    expect(staleSchemas()).toEqual([]);
    for (const chart of [...APP_COMPONENTS, 'osprey']) expect(existsSync(schemaFile(chart))).toBe(true);
  });

  /** helm's message: the chart whose values fail, then `- at '<path in its values>': <reason>`. */
  const failure = (set: string) => {
    try {
      checks.template({ set: [set] });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`helm template --set ${set} rendered`);
  };

  test.each([
    ['worker.resoures.limits.cpu=1', 'worker', '', 'resoures'],
    ['worker.extraEnvs[0].name=A', 'worker', '', 'extraEnvs'],
    ['webserver.securityContext.runAsUsr=0', 'webserver', '/securityContext', 'runAsUsr'],
    ['worker.probes.periodSeconds=5', 'worker', '', 'probes'],
    ['worker.livenessProbe.period=5', 'worker', '/livenessProbe', 'period'],
    ['worker.networkPolicy.ingress[0].from=x', 'worker', '/networkPolicy', 'ingress'],
    ['worker.autoscaling.queueDepth.enabeld=true', 'worker', '/autoscaling/queueDepth', 'enabeld'],
    ['worker.keda.redis.addressFromEnv=REDIS', 'worker', '/keda/redis', 'addressFromEnv'],
    ['executor.resources.limts.cpu=1', 'executor', '/resources', 'limts'],
    ['global.imageTag=0.2.0', 'osprey', '/global', 'imageTag'],
    ['global.persistence.sise=9Gi', 'osprey', '/global/persistence', 'sise'],
    ['monitoring.enabled=true', 'osprey', '/monitoring', 'enabled'],
    ['monitoring.prometheusRule.treshold=1', 'osprey', '/monitoring/prometheusRule', 'treshold'],
    ['global.networkPolicy.ingress=x', 'osprey', '/global/networkPolicy', 'ingress'],
  ])('helm template and helm lint refuse %s, naming the key', (set, chart, path, key) => {
    const message = failure(set);
    expect(message).toContain("values don't meet the specifications of the schema(s)");
    expect(message).toMatch(new RegExp(`\\n${chart}:\\n(- .*\\n)*- at '${path}': additional properties '${key}' not allowed`));
    const lint = checks.lint('osprey', ['--set', set]);
    expect(lint.code).not.toBe(0);
    expect(lint.output).toContain(`- at '${path}': additional properties '${key}' not allowed`);
  });

  test.each([
    ['worker.replicaCount=two', 'worker', "- at '/replicaCount': got string, want null or integer"],
    ['worker.serviceAccount.automountToken=yes', 'worker', "- at '/serviceAccount/automountToken': got string, want boolean"],
    ['global.persistence.enabled=maybe', 'osprey', "- at '/global/persistence/enabled': got string, want boolean"],
    ['worker.keda.scaler=sqs', 'worker', "- at '/keda/scaler': value must be one of 'prometheus', 'postgresql', 'mysql', 'kafka', 'redis'"],
    ['webserver.service.port=0', 'webserver', "- at '/service/port': minimum: got 0, want 1"],
    ['worker.tolerations[0].effect=NoScheduel', 'worker', "- at '/tolerations/0/effect': value must be one of 'NoSchedule', 'PreferNoSchedule', 'NoExecute'"],
  ])('helm template refuses %s, naming the key and what it takes', (set, chart, line) => {
    const message = failure(set);
    expect(message).toContain(`\n${chart}:\n`);
    expect(message).toContain(line);
  });

  test('an app chart installed on its own checks its values too', () => {
    expect(() => checks.template({ chart: 'worker', set: ['resoures.cpu=1'] })).toThrow(/resoures/);
    expect(() => checks.template({ chart: 'worker', set: ['enabled=false'] })).toThrow(/enabled: false only applies through the umbrella chart/);
    expect(checks.lint('worker', ['--set', 'replicaCount=two']).code).not.toBe(0);
  });
});

describe('values schemas and templates agree', () => {
  const schemas = valuesSchemas();
  // Keys Helm fills in for a subchart: `global` (checked through the umbrella) and the library's values.
  const HELM_KEYS = ['global', 'osprey-common'];
  /**
   * Changes one key at a time and renders; the key is read when the output changes (or a failure names it).
   * A context is values that make a part render (`[path prefix, values]`): tried first for keys under its prefix.
   */
  function unreadKeys(chart: string, keys: SchemaKey[], contextList: [string, Record<string, unknown>][]) {
    const contexts = contextList.map(([, values]) => values);
    const defaults = parse(readFileSync(join(chartsDir, chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const baselines = new Map<number, string>();
    const baseline = (i: number) => baselines.get(i) ?? baselines.set(i, checks.template({ chart, valuesObject: contexts[i] })).get(i)!;
    const unread: string[] = [];
    for (const key of keys) {
      let read = false;
      const dotted = key.path.join('.');
      const order = contextList
        .map(([prefix], i) => ({ i, rank: prefix && dotted.startsWith(prefix) ? -prefix.length : prefix ? 1 : 0 }))
        .sort((a, b) => a.rank - b.rank)
        .map((c) => c.i);
      for (const i of order) {
        if (read) break;
        const value = otherValue(key.schema, getPath(mergeValues(defaults, contexts[i]), key.path));
        if (value === undefined) {
          read = true; // a const: the user cannot change it
          break;
        }
        try {
          read = checks.template({ chart, valuesObject: mergeValues(contexts[i], valuesAt(key.path, value)) }) !== baseline(i);
        } catch (error) {
          read = (error as Error).message.includes(key.path.at(-1)!);
        }
      }
      if (!read) unread.push(key.path.join('.'));
    }
    return unread;
  }
  const kedaContext = (scaler: string, extra: Record<string, unknown> = {}) =>
    mergeValues(
      {
        autoscaling: { enabled: false },
        keda: { enabled: true, scaler, mysql: { dsnSecret: { name: 'db' } } },
        env: { OSPREY_QUEUE_URL: 'postgres://db/osprey', REDIS_PASSWORD: 'x' },
        config: { queue: { brokers: ['kafka:9092'] }, workerQueue: { type: 'redis', url: 'redis://redis:6379' } },
      },
      extra,
    );

  test('every key of the worker chart schema changes what the worker chart renders', () => {
    const contexts: [string, Record<string, unknown>][] = [
      ['', {}],
      ['replicaCount', { autoscaling: { enabled: false } }],
      ['serviceMonitor', { serviceMonitor: { enabled: true } }],
      ['persistence', { persistence: { enabled: true } }],
      ['autoscaling.queueDepth', { autoscaling: { queueDepth: { enabled: true } } }],
      ['keda', kedaContext('prometheus')],
      ['networkPolicy', { networkPolicy: { enabled: true } }],
      ['keda.kafka.passwordFromEnv', kedaContext('kafka', { config: { queue: { saslMechanism: 'plain', saslUsername: 'u' } }, env: { OSPREY_QUEUE_SASL_PASSWORD: 'x' } })],
      ...['prometheus', 'postgresql', 'mysql', 'kafka', 'redis'].map((s): [string, Record<string, unknown>] => [`keda.${s}`, kedaContext(s)]),
    ];
    expect(unreadKeys('worker', schemaKeys(schemas.worker!, HELM_KEYS), contexts)).toEqual([]);
  }, 10 * 60_000);

  test.each(APP_COMPONENTS.filter((c) => c !== 'worker'))('every key of the %s chart schema not shared with the worker chart changes what it renders', (chart) => {
    const workerKeys = new Set(schemaKeys(schemas.worker!).map((k) => k.path.join('.')));
    const own = schemaKeys(schemas[chart]!, HELM_KEYS).filter((k) => !workerKeys.has(k.path.join('.')));
    // The shared keys come from the same description (values-schemas.mjs) and the same library templates.
    expect(unreadKeys(chart, own, [['', {}], ['ingress', { ingress: { enabled: true } }]])).toEqual([]);
  }, 5 * 60_000);

  test('every key of the umbrella schema (global, <service>.enabled) changes what the umbrella renders', () => {
    const contexts: [string, Record<string, unknown>][] = [
      ['', {}],
      ['global.serviceMonitor', { global: { serviceMonitor: { enabled: true } } }],
      ['global.networkPolicy', { global: { networkPolicy: { enabled: true, egress: [{ ports: [{ port: 5432 }] }] } } }],
      ['monitoring.prometheusRule', { monitoring: { prometheusRule: { enabled: true } } }],
      ['monitoring.grafanaDashboard', { monitoring: { grafanaDashboard: { enabled: true } } }],
    ];
    expect(unreadKeys('osprey', schemaKeys(schemas.osprey!), contexts)).toEqual([]);
  }, 10 * 60_000);

  test('every value the templates read is declared by the chart schema', () => {
    const undeclared: string[] = [];
    for (const chart of [...APP_COMPONENTS, 'osprey']) {
      for (const read of templateReads(join(chartsDir, chart, 'templates'))) {
        if (!schemaDeclares(schemas[chart]!, read.path)) undeclared.push(`charts/${chart}/templates/${read.file}:${read.line} ${read.path.join('.')}`);
      }
    }
    // The library's templates run inside every app chart: what they read must be declared by at least one.
    const libraryReads = templateReads(join(chartsDir, 'osprey-common', 'templates'));
    expect(libraryReads.length).toBeGreaterThan(40);
    for (const read of libraryReads) {
      if (!APP_COMPONENTS.some((c) => schemaDeclares(schemas[c]!, read.path))) undeclared.push(`charts/osprey-common/templates/${read.file}:${read.line} ${read.path.join('.')}`);
    }
    expect(undeclared).toEqual([]);
  });

  test('every values.yaml sets only keys its schema declares, and every key of an Osprey object has a default there', () => {
    for (const chart of [...APP_COMPONENTS, 'osprey']) {
      const defaults = parse(readFileSync(join(chartsDir, chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;
      const missing = schemaKeys(schemas[chart]!, chart === 'osprey' ? [] : HELM_KEYS)
        .map((k) => k.path)
        // serviceMonitor and persistence of a service stay empty: what they set is laid over global's.
        .filter((path) => !['serviceMonitor', 'persistence'].includes(path[0]!))
        .filter((path) => !hasPath(defaults, path));
      expect({ chart, missing }).toEqual({ chart, missing: [] });
    }
  });
});

describe('fixed keys', () => {
  const pod = (objects: K8sObject[], name: string) => named(objects, 'Deployment', name).spec.template.spec;
  type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } };

  test('serviceAccount.automountToken sets automountServiceAccountToken of the pod and of the ServiceAccount', () => {
    const off = render();
    expect(pod(off, 'osprey-worker').automountServiceAccountToken).toBe(false);
    expect((named(off, 'ServiceAccount', 'osprey-worker') as unknown as { automountServiceAccountToken: boolean }).automountServiceAccountToken).toBe(false);
    const on = render({ set: ['worker.serviceAccount.automountToken=true'] });
    expect(pod(on, 'osprey-worker').automountServiceAccountToken).toBe(true);
    expect((named(on, 'ServiceAccount', 'osprey-worker') as unknown as { automountServiceAccountToken: boolean }).automountServiceAccountToken).toBe(true);
    expect(pod(on, 'osprey-executor').automountServiceAccountToken).toBe(false);
    const external = render({ set: ['worker.serviceAccount.create=false', 'worker.serviceAccount.name=ci', 'worker.serviceAccount.automountToken=true'] });
    expect(pod(external, 'osprey-worker')).toMatchObject({ serviceAccountName: 'ci', automountServiceAccountToken: true });
  });

  test('medium-mysql: the variable the KEDA MySQL trigger reads holds a Go MySQL driver DSN, not the mysql:// URL', () => {
    // The Secrets as the size's header and docs/deploy-helm.md say to create them.
    const secrets: Record<string, Record<string, string>> = {
      'osprey-database': { url: 'mysql://osprey:pw@mysql:3306/osprey', dsn: 'osprey:pw@tcp(mysql:3306)/osprey' },
      'osprey-s3': { accessKey: 'a', secretKey: 's' },
    };
    const objects = render({ values: [size('medium-mysql')] });
    const trigger = named(objects, 'ScaledObject', 'osprey-worker').spec.triggers[0];
    expect(trigger.type).toBe('mysql');
    const env = pod(objects, 'osprey-worker').containers[0].env as EnvVar[];
    const variable = env.find((e) => e.name === trigger.metadata.connectionStringFromEnv);
    expect(variable?.valueFrom?.secretKeyRef).toEqual({ name: 'osprey-database', key: 'dsn' });
    const dsn = secrets[variable!.valueFrom!.secretKeyRef.name]![variable!.valueFrom!.secretKeyRef.key]!;
    // go-sql-driver/mysql: [user[:password]@][net[(addr)]]/dbname[?param=value]
    expect(dsn).toMatch(/^[^:@/]+(:[^@]*)?@tcp\([^()]+:\d+\)\/\w+(\?.*)?$/);
    expect(header(size('medium-mysql'))).toContain('key dsn         osprey:<password>@tcp(mysql:3306)/osprey');
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
  });

  test('the mysql scaler without dsnSecret fails naming the key', () => {
    expect(() => render({ values: [size('medium-postgres')], set: ['worker.autoscaling.enabled=false', 'worker.keda.enabled=true', 'worker.keda.scaler=mysql'] })).toThrow(
      /worker\.keda\.mysql\.dsnSecret\.name is required/,
    );
  });

  test.each(Object.keys(KEDA_SCALERS))('KEDA %s: every variable the trigger reads (…FromEnv) is set on the worker container', (scaler) => {
    const objects = render({ values: [size('medium-postgres')], set: [...kedaSet(scaler), 'worker.keda.redis.passwordFromEnv=OSPREY_STORAGE_SECRET_KEY'] });
    const env = new Set((pod(objects, 'osprey-worker').containers[0].env as EnvVar[]).map((e) => e.name));
    const metadata = named(objects, 'ScaledObject', 'osprey-worker').spec.triggers[0].metadata as Record<string, string>;
    const fromEnv = Object.entries(metadata).filter(([k]) => k.endsWith('FromEnv'));
    for (const [, name] of fromEnv) expect(env).toContain(name);
  });

  test('KEDA redis: the address, TLS, database and list come from workerQueue.url and workerQueue.prefix', () => {
    const objects = render({
      values: [size('medium-postgres')],
      set: [...kedaSet('redis'), 'worker.config.workerQueue.url=rediss://redis.cache.svc:6380/2', 'global.config.workerQueue.prefix=prod'],
    });
    expect(named(objects, 'ScaledObject', 'osprey-worker').spec.triggers[0].metadata).toEqual({
      address: 'redis.cache.svc:6380',
      enableTLS: 'true',
      databaseIndex: '2',
      listName: 'prod:worker-jobs:wait',
      listLength: '20',
    });
  });

  test('KEDA redis: with the URL in a Secret the address must be given, and a password variable must be set on the worker', () => {
    const secretUrl = ['worker.autoscaling.enabled=false', 'worker.keda.enabled=true', 'worker.keda.scaler=redis', 'global.config.workerQueue.type=redis'];
    expect(() => render({ values: [size('medium-postgres')], set: secretUrl })).toThrow(/worker\.keda\.redis\.address \(host:port\) is required/);
    expect(() => render({ values: [size('medium-postgres')], set: [...secretUrl, 'worker.keda.redis.address=redis:6379', 'worker.keda.redis.passwordFromEnv=REDIS_PASSWORD'] })).toThrow(
      /worker\.keda\.redis\.passwordFromEnv: REDIS_PASSWORD is not an environment variable of the worker/,
    );
    const objects = render({
      values: [size('medium-postgres')],
      set: [...secretUrl, 'worker.keda.redis.address=redis:6379', 'worker.keda.redis.passwordFromEnv=REDIS_PASSWORD', 'worker.secretEnv[0].name=REDIS_PASSWORD', 'worker.secretEnv[0].secretName=redis', 'worker.secretEnv[0].secretKey=password'],
    });
    expect(named(objects, 'ScaledObject', 'osprey-worker').spec.triggers[0].metadata).toMatchObject({ address: 'redis:6379', passwordFromEnv: 'REDIS_PASSWORD' });
  });

  test('KEDA kafka: brokers, group and topic come from queue.brokers and queue.topicPrefix (ha size)', () => {
    const objects = render({ values: [size('ha')], set: ['worker.autoscaling.enabled=false', 'worker.keda.enabled=true', 'worker.keda.scaler=kafka'] });
    expect(named(objects, 'ScaledObject', 'osprey-worker').spec.triggers[0].metadata).toEqual({
      bootstrapServers: 'kafka-0.kafka-headless.kafka.svc:9092,kafka-1.kafka-headless.kafka.svc:9092,kafka-2.kafka-headless.kafka.svc:9092',
      consumerGroup: 'osprey.workers',
      topic: 'osprey.worker-jobs',
      lagThreshold: '32',
      tls: 'enable',
      sasl: 'scram_sha512',
    });
  });

  test.each([
    ['worker.config.worker.group=gpu'],
    ['worker.env.OSPREY_WORKER_GROUP=gpu'],
  ])('KEDA kafka and redis: a release serving a worker group (%s) scales on the group topic and queue', (group) => {
    const kafka = render({ values: [size('ha')], set: ['worker.autoscaling.enabled=false', 'worker.keda.enabled=true', 'worker.keda.scaler=kafka', group] });
    expect(named(kafka, 'ScaledObject', 'osprey-worker').spec.triggers[0].metadata).toMatchObject({ consumerGroup: 'osprey.workers.gpu', topic: 'osprey.worker-jobs.gpu' });
    const redis = render({ values: [size('medium-postgres')], set: [...kedaSet('redis'), group] });
    expect(named(redis, 'ScaledObject', 'osprey-worker').spec.triggers[0].metadata).toMatchObject({ listName: 'osprey:worker-jobs.gpu:wait' });
  });

  test('replicaCount: 1 when empty, 0 kept, refused on an autoscaled worker (the HPA would override it)', () => {
    expect(named(render({ values: [size('local')] }), 'Deployment', 'osprey-worker').spec.replicas).toBe(1);
    expect(named(render({ values: [size('local')], set: ['worker.replicaCount=0'] }), 'Deployment', 'osprey-worker').spec.replicas).toBe(0);
    expect(() => render({ values: [size('medium-postgres')], set: ['worker.replicaCount=4'] })).toThrow(/worker\.replicaCount: the autoscaler owns the replica count/);
  });

  test('podLabels cannot replace the selector labels', () => {
    expect(() => render({ set: ['worker.podLabels.app\\.kubernetes\\.io/component=webserver'] })).toThrow(/worker:\n- at '\/podLabels'/);
    expect(named(render({ set: ['worker.podLabels.team=data'] }), 'Deployment', 'osprey-worker').spec.template.metadata.labels).toMatchObject({ team: 'data', 'app.kubernetes.io/component': 'worker' });
  });

  test('KEDA and the HPA together fail: one of them would be ignored', () => {
    expect(() => render({ values: [size('medium-postgres')], set: ['worker.autoscaling.enabled=true'] })).toThrow(/worker\.keda\.enabled and worker\.autoscaling\.enabled: pick one/);
  });

  test("ha: each service's zone spread selects its own pods and no other service's", () => {
    const objects = render({ values: [size('ha')] });
    const deployments = ofKind(objects, 'Deployment');
    expect(deployments).toHaveLength(5);
    const selects = (selector: { matchLabels?: Record<string, string> }, labels: Record<string, string>) =>
      Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    for (const deployment of deployments) {
      const constraints = deployment.spec.template.spec.topologySpreadConstraints as { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[];
      expect(constraints.map((c) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone']);
      for (const other of deployments) {
        expect([other.metadata.name, selects(constraints[0]!.labelSelector, other.spec.template.metadata.labels)]).toEqual([other.metadata.name, other === deployment]);
      }
    }
    expect(checks.kubeconform(checks.template({ values: [size('ha')] })).code).toBe(0);
  });

  test('a spread constraint with its own labelSelector keeps it; spreading with the shared volume fails', () => {
    const objects = render({ values: [size('ha')], set: ['worker.topologySpreadConstraints[0].maxSkew=2', 'worker.topologySpreadConstraints[0].topologyKey=kubernetes.io/hostname', 'worker.topologySpreadConstraints[0].whenUnsatisfiable=DoNotSchedule', 'worker.topologySpreadConstraints[0].labelSelector.matchLabels.pool=a'] });
    expect(pod(objects, 'osprey-worker').topologySpreadConstraints[0].labelSelector).toEqual({ matchLabels: { pool: 'a' } });
    expect(() => render({ values: [size('local')], set: ['worker.topologySpreadConstraints[0].maxSkew=1', 'worker.topologySpreadConstraints[0].topologyKey=zone', 'worker.topologySpreadConstraints[0].whenUnsatisfiable=ScheduleAnyway'] })).toThrow(
      /worker\.topologySpreadConstraints: the shared volume/,
    );
  });

  test("local: a service's affinity is kept beside the pod affinity that keeps the release on one node", () => {
    const objects = render({ values: [size('local')], set: ['worker.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight=1', 'worker.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].key=pool', 'worker.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].operator=Exists'] });
    const affinity = pod(objects, 'osprey-worker').affinity;
    expect(affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(1);
    expect(affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
  });

  test("a service's false, 0 or empty value wins over global's (serviceMonitor, persistence, config)", () => {
    const objects = render({
      values: [size('medium-postgres')],
      set: ['worker.serviceMonitor.enabled=false', 'global.config.queue.ssl=true', 'worker.config.queue.ssl=false', 'global.persistence.enabled=true', 'executor.persistence.enabled=false'],
    });
    expect(ofKind(objects, 'ServiceMonitor').map((s) => s.metadata.name)).not.toContain('osprey-worker');
    expect(ofKind(objects, 'ServiceMonitor').map((s) => s.metadata.name)).toContain('osprey-executor');
    expect(parse(named(objects, 'ConfigMap', 'osprey-worker-config').data!['osprey.yaml']!).queue.ssl).toBe(false);
    expect(parse(named(objects, 'ConfigMap', 'osprey-executor-config').data!['osprey.yaml']!).queue.ssl).toBe(true);
    expect(pod(objects, 'osprey-executor').volumes.find((v: { name: string }) => v.name === 'data').emptyDir).toEqual({});
    expect(pod(objects, 'osprey-worker').volumes.find((v: { name: string }) => v.name === 'data').persistentVolumeClaim.claimName).toBe('osprey-osprey-data');
  });

  test('podDisruptionBudget: minAvailable or maxUnavailable, both fails; 0 values are kept', () => {
    expect(named(render({ values: [size('ha')] }), 'PodDisruptionBudget', 'osprey-webserver').spec).toMatchObject({ minAvailable: 2 });
    expect(named(render(), 'PodDisruptionBudget', 'osprey-webserver').spec.maxUnavailable).toBe(1);
    expect(() => render({ set: ['webserver.podDisruptionBudget.minAvailable=1', 'webserver.podDisruptionBudget.maxUnavailable=1'] })).toThrow(/webserver\.podDisruptionBudget: set minAvailable or maxUnavailable, not both/);
    const zero = render({ set: ['worker.revisionHistoryLimit=0', 'worker.shutdownMarginSeconds=0', 'worker.terminationGracePeriodSeconds=0'] });
    expect(named(zero, 'Deployment', 'osprey-worker').spec.revisionHistoryLimit).toBe(0);
    expect(pod(zero, 'osprey-worker').terminationGracePeriodSeconds).toBe(0);
    expect(pod(render({ set: ['worker.shutdownMarginSeconds=0', 'worker.preStopDelaySeconds=0'] }), 'osprey-worker').terminationGracePeriodSeconds).toBe(30);
  });
});

describe('pod shaping keys', () => {
  type Pod = any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const pod = (objects: K8sObject[], name: string): Pod => named(objects, 'Deployment', name).spec.template.spec;
  const main = (objects: K8sObject[], name: string): Pod => pod(objects, name).containers[0];
  const services = (objects: K8sObject[]) => ofKind(objects, 'Deployment').map((d) => d.metadata.name);

  test('extraEnv: global then the service, full EnvVar with valueFrom, after the variables the chart sets', () => {
    const objects = render({
      valuesObject: {
        global: { extraEnv: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] },
        worker: { extraEnv: [{ name: 'FLAG', valueFrom: { configMapKeyRef: { name: 'flags', key: 'f', optional: true } } }, { name: 'PLAIN', value: 'x' }] },
      },
    });
    const env = main(objects, 'osprey-worker').env as { name: string }[];
    expect(env.slice(-3)).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'FLAG', valueFrom: { configMapKeyRef: { name: 'flags', key: 'f', optional: true } } },
      { name: 'PLAIN', value: 'x' },
    ]);
    expect(env[0]!.name).toBe('OSPREY_CONFIG');
    expect((main(objects, 'osprey-executor').env as { name: string }[]).map((e) => e.name)).toEqual(['OSPREY_CONFIG', 'NODE_NAME']);
  });

  test('extraEnv: a variable the chart sets already, or listed twice, fails naming it', () => {
    expect(() => render({ set: ['worker.env.A=1', 'worker.extraEnv[0].name=A', 'worker.extraEnv[0].value=x'] })).toThrow(/worker\.extraEnv: A is already set by the chart/);
    expect(() => render({ set: ['global.extraEnv[0].name=B', 'global.extraEnv[0].value=x', 'worker.extraEnv[0].name=B', 'worker.extraEnv[0].value=y'] })).toThrow(/worker\.extraEnv: B is listed twice/);
    expect(() => render({ set: ['worker.extraEnv[0].name=C', 'worker.extraEnv[0].valueFrom.secretKeyRef.nam=s'] })).toThrow(/additional properties 'nam' not allowed/);
  });

  test('a KEDA ...FromEnv may name a variable that extraEnv sets', () => {
    const objects = render({ values: [size('medium-postgres')], set: [...kedaSet('redis'), 'worker.keda.redis.passwordFromEnv=REDIS_PW', 'worker.extraEnv[0].name=REDIS_PW', 'worker.extraEnv[0].valueFrom.secretKeyRef.name=redis', 'worker.extraEnv[0].valueFrom.secretKeyRef.key=pw'] });
    expect(named(objects, 'ScaledObject', 'osprey-worker').spec.triggers[0].metadata.passwordFromEnv).toBe('REDIS_PW');
  });

  test('initContainers and sidecars: global first, then the service; sidecars after the service container; volumes and mounts likewise', () => {
    const c = (name: string) => ({ name, image: `example/${name}:1` });
    const objects = render({
      valuesObject: {
        global: { initContainers: [c('g-init')], sidecars: [c('g-side')], extraVolumes: [{ name: 'g', emptyDir: {} }], extraVolumeMounts: [{ name: 'g', mountPath: '/g' }] },
        worker: { initContainers: [c('w-init')], sidecars: [c('w-side')], extraVolumes: [{ name: 'w', emptyDir: {} }], extraVolumeMounts: [{ name: 'w', mountPath: '/w' }] },
      },
    });
    const worker = pod(objects, 'osprey-worker');
    expect(worker.initContainers.map((x: { name: string }) => x.name)).toEqual(['g-init', 'w-init']);
    expect(worker.containers.map((x: { name: string }) => x.name)).toEqual(['worker', 'g-side', 'w-side']);
    expect(worker.volumes.map((v: { name: string }) => v.name)).toEqual(['config', 'data', 'tmp', 'g', 'w']);
    expect(worker.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath).slice(-2)).toEqual(['/g', '/w']);
    const executor = pod(objects, 'osprey-executor');
    expect(executor.initContainers.map((x: { name: string }) => x.name)).toEqual(['g-init']);
    expect(executor.containers.map((x: { name: string }) => x.name)).toEqual(['executor', 'g-side']);
    expect(pod(render(), 'osprey-worker').initContainers).toBeUndefined();
    expect(() => render({ set: ['worker.sidecars[0].name=x'] })).toThrow(/- at '\/sidecars\/0': missing property 'image'/);
  });

  test('security contexts: secure defaults; global then the service laid over key by key; null leaves a key out', () => {
    const defaults = render();
    for (const name of services(defaults)) {
      expect(pod(defaults, name).securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(main(defaults, name).securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
    const objects = render({
      valuesObject: {
        global: { podSecurityContext: { runAsUser: 2000, fsGroup: null }, securityContext: { readOnlyRootFilesystem: false } },
        worker: { podSecurityContext: { runAsUser: 3000 }, securityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } },
      },
    });
    expect(pod(objects, 'osprey-executor').securityContext).toEqual({ runAsNonRoot: true, runAsUser: 2000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod(objects, 'osprey-worker').securityContext).toEqual({ runAsNonRoot: true, runAsUser: 3000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(main(objects, 'osprey-executor').securityContext.readOnlyRootFilesystem).toBe(false);
    expect(main(objects, 'osprey-worker').securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } });
  });

  test.each(['local', 'medium-postgres', 'ha'])('openshift over %s: no uid, gid or fsGroup anywhere, the rest of the secure defaults kept', (base) => {
    const manifests = checks.template({ values: [size(base), size('openshift')] });
    expect(checks.kubeconform(manifests).code).toBe(0);
    const objects = render({ values: [size(base), size('openshift')] });
    for (const name of services(objects)) {
      expect(pod(objects, name).securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(main(objects, name).securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
    expect(manifests).not.toMatch(/runAsUser|runAsGroup|fsGroup/);
  });

  test('priorityClassName: global for every service, the service its own', () => {
    const objects = render({ set: ['global.priorityClassName=osprey', 'worker.priorityClassName=batch'] });
    expect(pod(objects, 'osprey-executor').priorityClassName).toBe('osprey');
    expect(pod(objects, 'osprey-worker').priorityClassName).toBe('batch');
    expect(pod(render(), 'osprey-worker').priorityClassName).toBeUndefined();
  });

  test('preStop: the default hook waits preStopDelaySeconds, counted in terminationGracePeriodSeconds; a preStop of your own replaces it', () => {
    const defaults = render();
    expect(main(defaults, 'osprey-worker').lifecycle).toEqual({ preStop: { exec: { command: ['node', '-e', 'setTimeout(() => {}, 5000)'] } } });
    expect(pod(defaults, 'osprey-worker').terminationGracePeriodSeconds).toBe(5 + 30 + 15);
    const longer = render({ set: ['worker.preStopDelaySeconds=20', 'worker.config.worker.shutdownGraceMs=60000'] });
    expect(main(longer, 'osprey-worker').lifecycle.preStop.exec.command[2]).toBe('setTimeout(() => {}, 20000)');
    expect(pod(longer, 'osprey-worker').terminationGracePeriodSeconds).toBe(20 + 60 + 15);
    const none = render({ set: ['worker.preStopDelaySeconds=0'] });
    expect(main(none, 'osprey-worker').lifecycle).toBeUndefined();
    expect(pod(none, 'osprey-worker').terminationGracePeriodSeconds).toBe(30 + 15);
    const own = render({ valuesObject: { worker: { lifecycle: { preStop: { httpGet: { path: '/drain', port: 'http' } }, postStart: { exec: { command: ['true'] } } } } } });
    expect(main(own, 'osprey-worker').lifecycle).toEqual({ preStop: { httpGet: { path: '/drain', port: 'http' } }, postStart: { exec: { command: ['true'] } } });
    expect(pod(own, 'osprey-worker').terminationGracePeriodSeconds).toBe(30 + 15);
    const postStart = render({ valuesObject: { worker: { lifecycle: { postStart: { exec: { command: ['true'] } } } } } });
    expect(Object.keys(main(postStart, 'osprey-worker').lifecycle).sort()).toEqual(['postStart', 'preStop']);
  });

  test('probes: laid over the defaults key by key; a handler of your own replaces httpGet', () => {
    const objects = render({ valuesObject: { worker: { readinessProbe: { periodSeconds: 5, failureThreshold: 1 }, livenessProbe: { exec: { command: ['node', '/app/healthcheck.mjs'] } }, startupProbe: { tcpSocket: { port: 'http' }, failureThreshold: 120 } } } });
    const worker = main(objects, 'osprey-worker');
    expect(worker.readinessProbe).toEqual({ httpGet: { path: '/health/ready', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 1 });
    expect(worker.livenessProbe).toEqual({ exec: { command: ['node', '/app/healthcheck.mjs'] }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
    expect(worker.startupProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 2, failureThreshold: 120 });
    expect(main(objects, 'osprey-executor').readinessProbe.periodSeconds).toBe(10);
  });

  test('podAnnotations and podLabels: global laid under the service; selector labels stay refused', () => {
    const objects = render({ set: ['global.podAnnotations.a=g', 'global.podAnnotations.b=g', 'worker.podAnnotations.b=w', 'global.podLabels.team=data', 'worker.podLabels.tier=batch'] });
    const template = named(objects, 'Deployment', 'osprey-worker').spec.template.metadata;
    expect(template.annotations).toMatchObject({ a: 'g', b: 'w' });
    expect(template.labels).toMatchObject({ team: 'data', tier: 'batch', 'app.kubernetes.io/component': 'worker' });
    expect(named(objects, 'Deployment', 'osprey-executor').spec.template.metadata.annotations).toMatchObject({ a: 'g', b: 'g' });
    expect(() => render({ set: ['global.podLabels.app\\.kubernetes\\.io/instance=x'] })).toThrow(/- at '\/global\/podLabels'/);
  });

  test("global topologySpreadConstraints: each service spreads its own pods; a service's own constraints replace them", () => {
    const objects = render({
      values: [size('ha')],
      valuesObject: {
        global: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' }] },
        webserver: { topologySpreadConstraints: null },
        executor: { topologySpreadConstraints: null },
      },
    });
    for (const name of ['osprey-webserver', 'osprey-executor']) {
      const component = name.replace('osprey-', '');
      expect(pod(objects, name).topologySpreadConstraints).toEqual([
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'osprey', 'app.kubernetes.io/instance': 'osprey', 'app.kubernetes.io/component': component } } },
      ]);
    }
    expect(pod(objects, 'osprey-worker').topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone']);
    expect(() => render({ valuesObject: { global: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway' }] } } })).toThrow(/global\.topologySpreadConstraints: the shared volume/);
  });

  test('imagePullSecrets: global for every service, the service its own', () => {
    const objects = render({ set: ['global.imagePullSecrets[0].name=g', 'worker.imagePullSecrets[0].name=w'] });
    expect(pod(objects, 'osprey-executor').imagePullSecrets).toEqual([{ name: 'g' }]);
    expect(pod(objects, 'osprey-worker').imagePullSecrets).toEqual([{ name: 'w' }]);
  });
});

describe('NetworkPolicy', () => {
  type Policy = any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const policy = (objects: K8sObject[], name: string): Policy => named(objects, 'NetworkPolicy', name).spec;
  const ingressNs = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } };
  const monitoringNs = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
  const database = { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432, protocol: 'TCP' }] };
  const http = [{ port: 'http', protocol: 'TCP' }];

  test('none by default; enabled: one per service, selecting exactly its own pods', () => {
    expect(ofKind(render({ values: [size('ha')] }), 'NetworkPolicy')).toHaveLength(0);
    const objects = render({ values: [size('ha')], set: ['global.networkPolicy.enabled=true'] });
    const deployments = ofKind(objects, 'Deployment');
    expect(ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(deploymentNames(objects));
    for (const policyObject of ofKind(objects, 'NetworkPolicy')) {
      const selector = policyObject.spec.podSelector.matchLabels as Record<string, string>;
      const selected = deployments.filter((d) => Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
      expect(selected.map((d) => d.metadata.name)).toEqual([policyObject.metadata.name]);
    }
  });

  test('ingress: the webserver from ingressFrom (anyone when empty) and Prometheus; the other services from Prometheus only', () => {
    const open = render({ set: ['global.networkPolicy.enabled=true'] });
    expect(policy(open, 'osprey-webserver')).toMatchObject({ policyTypes: ['Ingress'], ingress: [{ ports: http }] });
    expect(policy(open, 'osprey-webserver').ingress[0].from).toBeUndefined();
    expect(policy(open, 'osprey-worker')).toEqual(expect.objectContaining({ policyTypes: ['Ingress'], ingress: [] }));
    const objects = render({ valuesObject: { global: { networkPolicy: { enabled: true, ingressFrom: [ingressNs], metricsFrom: [monitoringNs] } }, worker: { networkPolicy: { ingressFrom: [{ podSelector: { matchLabels: { app: 'debug' } } }] } } } });
    expect(policy(objects, 'osprey-webserver').ingress).toEqual([
      { ports: http, from: [ingressNs] },
      { ports: http, from: [monitoringNs] },
    ]);
    expect(policy(objects, 'osprey-worker').ingress).toEqual([{ ports: http, from: [monitoringNs, { podSelector: { matchLabels: { app: 'debug' } } }] }]);
    expect(policy(objects, 'osprey-executor').ingress).toEqual([{ ports: http, from: [monitoringNs] }]);
  });

  test('egress: unrestricted without rules; with rules, DNS plus the global rules plus the service rules', () => {
    const objects = render({ valuesObject: { global: { networkPolicy: { enabled: true, egress: [database] } }, worker: { networkPolicy: { egress: [{ ports: [{ port: 443, protocol: 'TCP' }] }] } } } });
    const dns = { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
    expect(policy(objects, 'osprey-executor')).toMatchObject({ policyTypes: ['Ingress', 'Egress'], egress: [dns, database] });
    expect(policy(objects, 'osprey-worker').egress).toEqual([dns, database, { ports: [{ port: 443, protocol: 'TCP' }] }]);
    const noDns = render({ valuesObject: { global: { networkPolicy: { enabled: true, egress: [database], allowDNS: false } } } });
    expect(policy(noDns, 'osprey-executor').egress).toEqual([database]);
  });

  test("a service's enabled wins over global's, both ways", () => {
    const off = render({ set: ['global.networkPolicy.enabled=true', 'scheduler.networkPolicy.enabled=false'] });
    expect(ofKind(off, 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain('osprey-scheduler');
    expect(ofKind(off, 'NetworkPolicy').map((p) => p.metadata.name)).toContain('osprey-worker');
    const on = render({ set: ['webserver.networkPolicy.enabled=true'] });
    expect(ofKind(on, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['osprey-webserver']);
  });
});

describe('extraManifests', () => {
  test('objects and strings, both rendered with tpl', () => {
    const objects = render({
      release: 'prod',
      valuesObject: {
        extraManifests: [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '{{ .Release.Name }}-a' }, data: { k: 'v' } },
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-b\n  namespace: {{ .Release.Namespace }}\n',
        ],
      },
    });
    expect(named(objects, 'ConfigMap', 'prod-a').data).toEqual({ k: 'v' });
    expect(named(objects, 'ConfigMap', 'prod-b').metadata).toMatchObject({ namespace: 'osprey' });
  });
});

describe('operations: alerts and dashboard', () => {
  /** Every metric Osprey exports: the ones metrics.ts declares, and prom-client's default metrics under the osprey_ prefix. */
  function exportedMetrics(): Set<string> {
    const source = readFileSync(join(chartsDir, '..', 'libs', 'services', 'src', 'metrics.ts'), 'utf8');
    const declared = [...source.matchAll(/(?:name: |backendGauge\()'(osprey_[a-z0-9_]+)'/g)].map((m) => m[1]!);
    expect(declared).toEqual(expect.arrayContaining(['osprey_worker_jobs_pending', 'osprey_metric_collect_failures_total', 'osprey_worker_job_wait_seconds']));
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'osprey_' });
    const names = new Set([...declared, ...registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name)]);
    // Histograms are queried through their series.
    for (const name of [...names]) for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    return names;
  }
  const metricsIn = (expr: string) => [...expr.matchAll(/\b(osprey_[a-z0-9_]+)/g)].map((m) => m[1]!);

  test('off by default', () => {
    const objects = render({ values: [size('ha')] });
    expect(ofKind(objects, 'PrometheusRule')).toHaveLength(0);
    expect(ofKind(objects, 'ConfigMap').map((c) => c.metadata.name)).not.toContain('osprey-osprey-dashboard');
  });

  test('the PrometheusRule: each alert on metrics Osprey exports, scoped to the release, with the configured thresholds', () => {
    const objects = render({ release: 'prod', values: [size('ha')], set: ['monitoring.prometheusRule.enabled=true', 'monitoring.prometheusRule.backlogSize=777', 'monitoring.prometheusRule.for=3m', 'monitoring.prometheusRule.labels.release=prometheus'] });
    const rule = named(objects, 'PrometheusRule', 'prod-osprey');
    expect(rule.metadata.labels).toMatchObject({ release: 'prometheus' });
    const rules = rule.spec.groups[0].rules as { alert: string; expr: string; for: string }[];
    expect(rules.map((r) => r.alert)).toEqual(['OspreyWorkerBacklogLarge', 'OspreyWorkerBacklogOld', 'OspreyWorkersDown', 'OspreyWorkerDown', 'OspreyExecutorLag', 'OspreyExecutionsFailing', 'OspreyIndexerLag', 'OspreyMetricCollectFailures']);
    const exported = exportedMetrics();
    for (const r of rules) {
      expect(r.for).toBe('3m');
      for (const metric of metricsIn(r.expr)) expect([r.alert, exported.has(metric)]).toEqual([r.alert, true]);
      // Every selector of the expression names the release (two releases in one namespace do not mix).
      for (const selector of r.expr.matchAll(/\{([^}]*)\}/g)) expect([r.alert, selector[1]]).toEqual([r.alert, expect.stringContaining('namespace="osprey", app_kubernetes_io_instance="prod"')]);
    }
    expect(rules[0]!.expr).toBe('max(osprey_worker_jobs_pending{namespace="osprey", app_kubernetes_io_instance="prod"}) > 777');
    expect(rules.find((r) => r.alert === 'OspreyMetricCollectFailures')!.expr).toContain('osprey_metric_collect_failures_total');
    expect(checks.kubeconform(checks.template({ values: [size('ha')], set: ['monitoring.prometheusRule.enabled=true'] })).output).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
  });

  test('the release labels the alerts select on are the ones the ServiceMonitors copy onto the series', () => {
    const objects = render({ values: [size('ha')] });
    for (const monitor of ofKind(objects, 'ServiceMonitor')) {
      expect(monitor.spec.targetLabels).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/component']);
      const service = named(objects, 'Service', monitor.metadata.name);
      expect(service.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'osprey', 'app.kubernetes.io/component': monitor.metadata.name.replace('osprey-', '') });
    }
  });

  test('the Grafana dashboard: a ConfigMap with the sidecar label, every query on exported metrics and scoped to the chosen release', () => {
    const objects = render({ set: ['monitoring.grafanaDashboard.enabled=true', 'monitoring.grafanaDashboard.annotations.grafana_folder=Osprey'] });
    const map = named(objects, 'ConfigMap', 'osprey-osprey-dashboard');
    expect(map.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect((map.metadata as { annotations?: Record<string, string> }).annotations).toEqual({ grafana_folder: 'Osprey' });
    const dashboard = JSON.parse(map.data!['osprey.json']!) as { uid: string; panels: { title: string; targets: { expr: string }[] }[]; templating: { list: { name: string }[] } };
    expect(dashboard.uid).toBe('osprey-overview');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'namespace', 'release']);
    const exported = exportedMetrics();
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const metric of metricsIn(target.expr)) {
          used.add(metric);
          expect([panel.title, metric, exported.has(metric)]).toEqual([panel.title, metric, true]);
        }
        for (const selector of target.expr.matchAll(/\{([^}]*)\}/g)) expect(selector[1]).toContain('namespace="$namespace", app_kubernetes_io_instance="$release"');
      }
    }
    for (const metric of ['osprey_worker_jobs_pending', 'osprey_execution_events_pending', 'osprey_indexer_lag', 'osprey_metric_collect_failures_total', 'osprey_executions_ended_total']) expect(used).toContain(metric);
  });
});

describe('KEDA triggers carry the settings KEDA parses', () => {
  /**
   * The metadata keys each KEDA scaler reads (pkg/scalers/<scaler>_scaler.go of kedacore/keda, `keda:"name=..."` tags at
   * commit 8b4f083, 2026-08): a name with order triggerMetadata is a metadata key, one with resolvedEnv is read from
   * `<name>FromEnv`, a variable of the scale target's container. A key outside these is ignored by KEDA.
   */
  const KEDA_METADATA: Record<string, string[]> = {
    postgresql: ['targetQueryValue', 'activationTargetQueryValue', 'connectionFromEnv', 'passwordFromEnv', 'query', 'host', 'port', 'userName', 'dbName', 'sslmode'],
    mysql: ['connectionStringFromEnv', 'username', 'usernameFromEnv', 'passwordFromEnv', 'host', 'port', 'dbName', 'query', 'queryValue', 'activationQueryValue', 'metricName'],
    kafka: ['bootstrapServers', 'bootstrapServersFromEnv', 'consumerGroup', 'consumerGroupFromEnv', 'topic', 'topicFromEnv', 'partitionLimitation', 'lagThreshold', 'activationLagThreshold', 'offsetResetPolicy', 'allowIdleConsumers', 'excludePersistentLag', 'scaleToZeroOnInvalidOffset', 'limitToPartitionsWithLag', 'ensureEvenDistributionOfPartitions', 'version', 'tls', 'unsafeSsl', 'sasl', 'saslTokenProvider', 'awsRegion'],
    redis: ['address', 'addresses', 'addressFromEnv', 'username', 'usernameFromEnv', 'password', 'passwordFromEnv', 'host', 'hosts', 'port', 'ports', 'unsafeSsl', 'listLength', 'activationListLength', 'listName', 'databaseIndex', 'enableTLS'],
    prometheus: ['serverAddress', 'query', 'queryParameters', 'threshold', 'activationThreshold', 'namespace', 'customHeaders', 'ignoreNullValues', 'unsafeSsl', 'awsRegion', 'timeout'],
  };
  /** Values KEDA's parsers accept: numbers for thresholds, its enums, host:port addresses. */
  const FORMATS: Record<string, RegExp> = {
    targetQueryValue: /^\d+(\.\d+)?$/,
    queryValue: /^\d+(\.\d+)?$/,
    lagThreshold: /^\d+$/,
    listLength: /^\d+$/,
    threshold: /^\d+(\.\d+)?$/,
    databaseIndex: /^\d+$/,
    enableTLS: /^(true|false)$/,
    tls: /^(enable|disable)$/,
    sasl: /^(none|plaintext|scram_sha256|scram_sha512|oauthbearer|gssapi)$/,
    bootstrapServers: /^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/,
    address: /^[^:\s/]+:\d+$/,
    serverAddress: /^https?:\/\/[^\s]+$/,
  };
  const CASES: [string, string, string[]][] = [
    ['postgresql', 'medium-postgres', []],
    ['mysql', 'medium-mysql', []],
    ['kafka', 'ha', []],
    ['redis', 'medium-postgres', kedaSet('redis')],
    ['prometheus', 'medium-postgres', kedaSet('prometheus')],
  ];

  test.each(CASES)('%s (%s): only keys KEDA reads, in the formats it parses', (scaler, base, set) => {
    const objects = render({ values: [size(base)], set });
    const trigger = named(objects, 'ScaledObject', 'osprey-worker').spec.triggers[0] as { type: string; metadata: Record<string, string> };
    expect(trigger.type).toBe(scaler);
    for (const [key, value] of Object.entries(trigger.metadata)) {
      expect([key, KEDA_METADATA[scaler]!.includes(key)]).toEqual([key, true]);
      if (FORMATS[key]) expect([key, value]).toEqual([key, expect.stringMatching(FORMATS[key]!)]);
    }
  });

  test('postgresql: the variable holds a URL that pgx (KEDA opens it with database/sql "pgx") parses: postgres:// or postgresql://', () => {
    const objects = render({ values: [size('medium-postgres')] });
    const variable = (pod(objects).containers[0].env as { name: string; valueFrom?: { secretKeyRef: { key: string } } }[]).find((e) => e.name === 'OSPREY_QUEUE_URL')!;
    expect(variable.valueFrom!.secretKeyRef).toEqual({ name: 'osprey-database', key: 'url' });
    expect(header(size('medium-postgres'))).toMatch(/key url\s+postgres(ql)?:\/\/[^:]+:<password>@[^/]+:\d+\/\w+/);
    function pod(list: K8sObject[]) {
      return named(list, 'Deployment', 'osprey-worker').spec.template.spec;
    }
  });

  test('kafka with SASL (ha): KEDA reads the user and password from a TriggerAuthentication over variables the worker sets', () => {
    const objects = render({ values: [size('ha')] });
    const trigger = named(objects, 'ScaledObject', 'osprey-worker').spec.triggers[0];
    const auth = named(objects, 'TriggerAuthentication', trigger.authenticationRef.name);
    const env = named(objects, 'Deployment', 'osprey-worker').spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
    expect(auth.spec.env.map((e: { parameter: string }) => e.parameter)).toEqual(['username', 'password']);
    for (const param of auth.spec.env as { name: string; containerName: string }[]) {
      expect(param.containerName).toBe('worker');
      expect(env.map((e) => e.name)).toContain(param.name);
    }
    expect(env.find((e) => e.name === 'KEDA_KAFKA_SASL_USERNAME')?.value).toBe('osprey');
    expect(env.find((e) => e.name === 'OSPREY_QUEUE_SASL_PASSWORD')?.valueFrom).toEqual({ secretKeyRef: { name: 'osprey-kafka', key: 'sasl-password' } });
    expect(checks.kubeconform(checks.template({ values: [size('ha')] })).output).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    expect(() => render({ values: [size('ha')], set: ['worker.keda.kafka.passwordFromEnv=KAFKA_PW'] })).toThrow(/worker\.keda\.kafka\.passwordFromEnv: KAFKA_PW is not an environment variable of the worker/);
    const own = render({ values: [size('ha')], set: ['worker.keda.kafka.authenticationRef=mine'] });
    expect(named(own, 'ScaledObject', 'osprey-worker').spec.triggers[0].authenticationRef).toEqual({ name: 'mine' });
    expect(ofKind(own, 'TriggerAuthentication')).toHaveLength(0);
  });

  test('prometheus: the default query reads this release only', () => {
    const objects = render({ release: 'blue', namespace: 'prod', values: [size('medium-postgres')], set: kedaSet('prometheus') });
    expect(named(objects, 'ScaledObject', 'blue-worker').spec.triggers[0].metadata.query).toBe('max(osprey_worker_jobs_pending{namespace="prod", app_kubernetes_io_instance="blue"})');
  });
});

describe('values reference', () => {
  test('every chart README.md is what scripts/charts/values-readme.mjs makes from the schema and values.yaml', () => {
    expect(staleReadmes()).toEqual([]);
    const worker = readFileSync(join(chartsDir, 'worker', 'README.md'), 'utf8');
    for (const key of ['extraEnv', 'initContainers', 'sidecars', 'podSecurityContext', 'securityContext', 'priorityClassName', 'lifecycle', 'preStopDelaySeconds', 'livenessProbe', 'readinessProbe', 'startupProbe', 'networkPolicy.egress', 'keda.kafka.passwordFromEnv']) {
      expect(worker).toContain(`| \`${key}\` |`);
    }
    const umbrella = readFileSync(join(chartsDir, 'osprey', 'README.md'), 'utf8');
    for (const key of ['global.extraEnv', 'global.networkPolicy.egress', 'monitoring.prometheusRule.enabled', 'monitoring.grafanaDashboard.enabled', 'extraManifests']) expect(umbrella).toContain(`| \`${key}\` |`);
  });
});
