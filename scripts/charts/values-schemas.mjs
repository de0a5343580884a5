// The values.schema.json of every chart, made from one description so that the five app charts and the
// umbrella cannot drift apart. Helm validates values against them on lint, template, install and upgrade:
// an unknown key or a wrong type fails with the key's path. Osprey's own objects refuse unknown keys at
// every level; Kubernetes-typed values (resources, affinity, volumes, ...) are typed down to the fields the
// templates pass through. `examples` of a key are valid values the chart tests set to prove it is read.
// `node scripts/charts/values-schemas.mjs` rewrites charts/*/values.schema.json; the chart tests fail
// when a committed file differs from what this script makes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const chartsDir = fileURLToPath(new URL('../../charts', import.meta.url));
export const APP_COMPONENTS = ['webserver', 'executor', 'worker', 'scheduler', 'indexer'];

// ---- building blocks -------------------------------------------------------------------------------
const str = (description, extra = {}) => ({ type: 'string', ...(description ? { description } : {}), ...extra });
const bool = (description) => ({ type: 'boolean', ...(description ? { description } : {}) });
const int = (description, extra = {}) => ({ type: 'integer', ...(description ? { description } : {}), ...extra });
const intOrString = (description, extra = {}) => ({ type: ['integer', 'string'], ...(description ? { description } : {}), ...extra });
/** An object of Osprey's own: only the listed keys. */
const obj = (properties, extra = {}) => ({ type: 'object', additionalProperties: false, properties, ...extra });
/** A map of names to strings (labels, annotations, node selectors). */
const stringMap = (description, examples) => ({ type: 'object', description, additionalProperties: { type: 'string' }, ...(examples ? { examples } : {}) });
const arrayOf = (items, description, examples) => ({ type: 'array', description, items, ...(examples ? { examples } : {}) });

// ---- Kubernetes-typed values, limited to the fields Kubernetes defines -----------------------------
const quantity = { type: ['string', 'number'] };
const resources = obj(
  {
    limits: { type: 'object', additionalProperties: quantity },
    requests: { type: 'object', additionalProperties: quantity },
    claims: arrayOf(obj({ name: str(), request: str() }, { required: ['name'] })),
  },
  { description: 'Container resources (limits, requests, claims).', examples: [{ requests: { cpu: '2', memory: '2Gi' }, limits: { memory: '3Gi' } }] },
);
const labelSelector = obj({
  matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
  matchExpressions: arrayOf(obj({ key: str(), operator: str('', { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }), values: arrayOf(str()) }, { required: ['key', 'operator'] })),
});
const affinity = obj(
  { nodeAffinity: { type: 'object' }, podAffinity: { type: 'object' }, podAntiAffinity: { type: 'object' } },
  {
    description: 'Pod affinity (Kubernetes Affinity). With persistence enabled the chart adds a required pod affinity to the other services of the release.',
    examples: [{ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['osprey'] }] }] } } }],
  },
);
const toleration = obj({
  key: str(),
  operator: str('', { enum: ['Exists', 'Equal'] }),
  value: str(),
  effect: str('', { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] }),
  tolerationSeconds: int(),
});
const tolerations = arrayOf(toleration, 'Pod tolerations.', [[{ key: 'dedicated', operator: 'Equal', value: 'osprey', effect: 'NoSchedule' }]]);
const topologySpreadConstraints = arrayOf(
  obj(
    {
      maxSkew: int('', { minimum: 1 }),
      topologyKey: str(),
      whenUnsatisfiable: str('', { enum: ['DoNotSchedule', 'ScheduleAnyway'] }),
      labelSelector,
      minDomains: int('', { minimum: 1 }),
      matchLabelKeys: arrayOf(str()),
      nodeAffinityPolicy: str('', { enum: ['Honor', 'Ignore'] }),
      nodeTaintsPolicy: str('', { enum: ['Honor', 'Ignore'] }),
    },
    { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
  ),
  "Pod topology spread constraints. A constraint without labelSelector gets this service's own pod labels.",
  [[{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }]],
);
const imagePullSecrets = arrayOf(obj({ name: str() }, { required: ['name'] }), 'Secrets to pull the images with.', [[{ name: 'registry-credentials' }]]);
const secretEnv = arrayOf(
  obj({ name: str('Environment variable.'), secretName: str('Secret.'), secretKey: str('Key in the Secret.'), optional: bool() }, { required: ['name', 'secretName', 'secretKey'] }),
  'Environment variables from keys of existing Secrets.',
  [[{ name: 'OSPREY_QUEUE_URL', secretName: 'osprey-database', secretKey: 'url' }]],
);
const env = {
  type: 'object',
  description: 'Plain environment variables (OSPREY_* override the configuration file).',
  additionalProperties: { type: ['string', 'number', 'boolean'] },
  examples: [{ OSPREY_LOGGING_LEVEL: 'debug' }],
};
const envFrom = arrayOf(
  obj({ prefix: str(), configMapRef: obj({ name: str(), optional: bool() }, { required: ['name'] }), secretRef: obj({ name: str(), optional: bool() }, { required: ['name'] }) }),
  'Environment variables from whole ConfigMaps or Secrets.',
  [[{ secretRef: { name: 'osprey-extra' } }]],
);
// Pass-through Kubernetes objects: the keys Kubernetes defines at the first level (kubeconform checks the rest).
const k8s = (keys, extra = {}) => obj(Object.fromEntries(keys.map((k) => [k, typeof k === 'string' ? {} : k])), extra);
const nullableInt = { type: ['integer', 'null'] };
const nullableBool = { type: ['boolean', 'null'] };
const envVar = obj(
  {
    name: str(),
    value: str(),
    valueFrom: obj({
      fieldRef: obj({ fieldPath: str(), apiVersion: str() }, { required: ['fieldPath'] }),
      resourceFieldRef: obj({ resource: str(), containerName: str(), divisor: quantity }, { required: ['resource'] }),
      configMapKeyRef: obj({ name: str(), key: str(), optional: bool() }, { required: ['key'] }),
      secretKeyRef: obj({ name: str(), key: str(), optional: bool() }, { required: ['key'] }),
      fileKeyRef: obj({ volumeName: str(), path: str(), key: str(), optional: bool() }, { required: ['volumeName', 'path', 'key'] }),
    }),
  },
  { required: ['name'] },
);
const extraEnv = arrayOf(envVar, 'Environment variables (Kubernetes EnvVar: value, or valueFrom fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef).', [
  [
    { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'FEATURE', valueFrom: { configMapKeyRef: { name: 'osprey-flags', key: 'feature' } } },
  ],
]);
const probeKeys = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const probe = (description) =>
  obj(
    {
      ...Object.fromEntries(probeKeys.map((k) => [k, { type: 'object' }])),
      initialDelaySeconds: int('', { minimum: 0 }),
      periodSeconds: int('', { minimum: 1 }),
      timeoutSeconds: int('', { minimum: 1 }),
      successThreshold: int('', { minimum: 1 }),
      failureThreshold: int('', { minimum: 1 }),
      terminationGracePeriodSeconds: int('', { minimum: 1 }),
    },
    { description, examples: [{ periodSeconds: 20, failureThreshold: 5 }] },
  );
const lifecycleHandler = k8s(['exec', 'httpGet', 'tcpSocket', 'sleep']);
const lifecycle = obj(
  { postStart: lifecycleHandler, preStop: lifecycleHandler, stopSignal: str() },
  { description: 'Container lifecycle (Kubernetes Lifecycle). A preStop of its own replaces the preStopDelaySeconds hook.', examples: [{ postStart: { exec: { command: ['true'] } } }] },
);
const seLinux = k8s(['level', 'role', 'type', 'user']);
const seccomp = obj({ type: str('', { enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] }), localhostProfile: str() });
const podSecurityContext = obj(
  {
    runAsNonRoot: nullableBool,
    runAsUser: nullableInt,
    runAsGroup: nullableInt,
    fsGroup: nullableInt,
    fsGroupChangePolicy: { type: ['string', 'null'], enum: ['OnRootMismatch', 'Always', null] },
    supplementalGroups: { type: ['array', 'null'], items: { type: 'integer' } },
    supplementalGroupsPolicy: { type: ['string', 'null'] },
    seccompProfile: { ...seccomp, type: ['object', 'null'] },
    seLinuxOptions: { ...seLinux, type: ['object', 'null'] },
    seLinuxChangePolicy: { type: ['string', 'null'] },
    appArmorProfile: { type: ['object', 'null'] },
    sysctls: { type: ['array', 'null'], items: obj({ name: str(), value: str() }, { required: ['name', 'value'] }) },
    windowsOptions: { type: ['object', 'null'] },
  },
  {
    description: 'Pod security context, laid over the default (runAsNonRoot, runAsUser/runAsGroup/fsGroup 1000, seccomp RuntimeDefault); null leaves a key out.',
    examples: [{ runAsUser: 2000, fsGroupChangePolicy: 'OnRootMismatch' }],
  },
);
const securityContext = obj(
  {
    allowPrivilegeEscalation: nullableBool,
    readOnlyRootFilesystem: nullableBool,
    privileged: nullableBool,
    runAsNonRoot: nullableBool,
    runAsUser: nullableInt,
    runAsGroup: nullableInt,
    capabilities: { ...k8s(['add', 'drop']), type: ['object', 'null'] },
    procMount: { type: ['string', 'null'] },
    seccompProfile: { ...seccomp, type: ['object', 'null'] },
    seLinuxOptions: { ...seLinux, type: ['object', 'null'] },
    appArmorProfile: { type: ['object', 'null'] },
    windowsOptions: { type: ['object', 'null'] },
  },
  {
    description: 'Container security context, laid over the default (no privilege escalation, read-only root file system, all capabilities dropped); null leaves a key out.',
    examples: [{ runAsUser: 2000 }],
  },
);
const container = obj(
  {
    name: str(),
    image: str(),
    imagePullPolicy: str('', { enum: ['Always', 'IfNotPresent', 'Never'] }),
    command: arrayOf(str()),
    args: arrayOf(str()),
    workingDir: str(),
    ports: arrayOf({ type: 'object' }),
    env: arrayOf(envVar),
    envFrom: arrayOf({ type: 'object' }),
    resources,
    resizePolicy: arrayOf({ type: 'object' }),
    restartPolicy: str('', { enum: ['Always'] }),
    volumeMounts: arrayOf({ type: 'object' }),
    volumeDevices: arrayOf({ type: 'object' }),
    livenessProbe: { type: 'object' },
    readinessProbe: { type: 'object' },
    startupProbe: { type: 'object' },
    lifecycle: { type: 'object' },
    securityContext: { type: 'object' },
    terminationMessagePath: str(),
    terminationMessagePolicy: str('', { enum: ['File', 'FallbackToLogsOnError'] }),
    stdin: bool(),
    stdinOnce: bool(),
    tty: bool(),
  },
  { required: ['name', 'image'] },
);
const initContainers = arrayOf(container, 'Init containers run before the service (Kubernetes Container).', [[{ name: 'wait-db', image: 'busybox:1.36', command: ['sh', '-c', 'until nc -z postgres 5432; do sleep 1; done'] }]]);
const sidecars = arrayOf(container, 'Containers run beside the service (Kubernetes Container).', [[{ name: 'proxy', image: 'registry.example.com/proxy:1.0', args: ['--port=9000'] }]]);
const extraVolumes = arrayOf({ type: 'object', required: ['name'], properties: { name: str() } }, 'Volumes added to the pod (Kubernetes Volume).', [[{ name: 'extra', emptyDir: {} }]]);
const extraVolumeMounts = arrayOf(
  obj({ name: str(), mountPath: str(), readOnly: bool(), subPath: str(), subPathExpr: str(), mountPropagation: str(), recursiveReadOnly: str() }, { required: ['name', 'mountPath'] }),
  'Volume mounts added to the container.',
  [[{ name: 'extra', mountPath: '/extra' }]],
);
const priorityClassName = str('PriorityClass of the pods.', { examples: ['osprey-critical'] });
const podLabels = (description) => ({
  ...stringMap(description, [{ team: 'data' }]),
  not: { anyOf: ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component'].map((label) => ({ required: [label] })) },
});
const peers = (description, examples) => arrayOf(k8s(['podSelector', 'namespaceSelector', 'ipBlock']), description, examples);
const egressRules = arrayOf(k8s(['to', 'ports']), 'NetworkPolicy egress rules (Kubernetes NetworkPolicyEgressRule): the backends the pods reach.', [
  [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
]);

const config = {
  type: 'object',
  description: 'Osprey configuration (docs/configuration.md); Osprey checks it at start and refuses unknown keys.',
  examples: [{ logging: { level: 'debug' } }],
};
const image = (component) =>
  obj({
    registry: str('Registry; default global.image.registry.', { examples: ['registry.example.com'] }),
    repository: str(`Repository; default <global.image.repositoryPrefix>${component}.`, { examples: ['mirror/worker'] }),
    tag: str('Tag; default global.image.tag, then the chart appVersion.', { examples: ['0.2.0'] }),
    pullPolicy: str('Default global.image.pullPolicy, then IfNotPresent.', { enum: ['', 'Always', 'IfNotPresent', 'Never'] }),
  });
const serviceMonitor = (withEnabledDefault) =>
  obj(
    {
      enabled: bool('Render a Prometheus Operator ServiceMonitor for /metrics.'),
      interval: str('Scrape interval.', { examples: ['15s'] }),
      scrapeTimeout: str('Scrape timeout; empty: Prometheus default.', { examples: ['10s'] }),
      labels: stringMap('Labels of the ServiceMonitor (what the Prometheus selects).', [{ release: 'prometheus' }]),
    },
    withEnabledDefault ? {} : { description: 'Laid key by key over global.serviceMonitor.' },
  );

// ---- the umbrella's `global`, also accepted by every app chart (the umbrella passes it down) --------
const global = obj({
  image: obj({
    registry: str('Registry of every image.', { examples: ['registry.example.com'] }),
    repositoryPrefix: str('Images are <registry>/<repositoryPrefix><service>:<tag>.', { examples: ['mirror/osprey-'] }),
    tag: str('Tag of every image; default the chart appVersion.', { examples: ['0.2.0'] }),
    pullPolicy: str('', { enum: ['', 'Always', 'IfNotPresent', 'Never'] }),
  }),
  imagePullSecrets,
  config: { ...config, description: 'The Osprey configuration every service reads (docs/configuration.md); <service>.config is laid over it.' },
  secretEnv,
  env,
  envFrom,
  nodeSelector: stringMap('Node selector of every service without its own.', [{ pool: 'osprey' }]),
  tolerations,
  persistence: obj({
    enabled: bool('One volume shared by every service (the embedded SQLite backend).'),
    existingClaim: str('Use this claim instead of making <release>-osprey-data.', { examples: ['my-claim'] }),
    size: str('Size of the claim the chart makes.', { examples: ['20Gi'] }),
    storageClass: str('Storage class of the claim; empty: the cluster default.', { examples: ['fast'] }),
    accessModes: arrayOf(str('', { enum: ['ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod', 'ReadOnlyMany'] }), 'Access modes of the claim.', [['ReadWriteMany']]),
  }),
  serviceMonitor: serviceMonitor(true),
  commonLabels: stringMap('Labels added to every object of the services.', [{ team: 'data' }]),
  podAnnotations: stringMap('Annotations of every pod; <service>.podAnnotations is laid over.', [{ 'example.com/a': 'b' }]),
  podLabels: podLabels('Labels of every pod, besides the selector labels (which they cannot replace); <service>.podLabels is laid over.'),
  podSecurityContext,
  securityContext,
  priorityClassName: str('PriorityClass of every service without its own.', { examples: ['osprey-critical'] }),
  topologySpreadConstraints: { ...topologySpreadConstraints, description: "Spread constraints of every service without its own; a constraint without labelSelector spreads each service's own pods." },
  extraEnv,
  extraVolumes,
  extraVolumeMounts,
  initContainers,
  sidecars,
  networkPolicy: obj({
    enabled: bool('A NetworkPolicy for every service (<service>.networkPolicy.enabled overrides).'),
    ingressFrom: peers('Peers allowed on the webserver port (Kubernetes NetworkPolicyPeer); empty: anyone.', [[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]]),
    metricsFrom: peers('Peers allowed to scrape /metrics of the other services (Prometheus).', [[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]]),
    egress: egressRules,
    allowDNS: bool('With egress rules, also allow DNS (port 53) to anywhere.'),
  }),
});

// ---- one app chart ---------------------------------------------------------------------------------
function appSchema(component) {
  const properties = {
    enabled: bool('Umbrella chart: install this service. A chart installed on its own refuses false.'),
    global,
    // Helm adds the values of the library dependency (it has none but the global copy).
    'osprey-common': { type: 'object', description: 'Set by Helm for the library chart osprey-common.', additionalProperties: false, properties: { global: { type: 'object' } } },
    component: { const: component, description: 'Set by the chart.' },
    fullnameOverride: str('Name of the objects instead of <release>-<service>.', { examples: ['custom-name'] }),
    replicaCount: int('Replicas (empty: 1); the worker refuses it when autoscaled.', { type: ['integer', 'null'], minimum: 0, examples: [2] }),
    revisionHistoryLimit: int('Old ReplicaSets kept.', { minimum: 0 }),
    image: image(component),
    imagePullSecrets,
    config,
    env,
    secretEnv,
    envFrom,
    args: arrayOf(str(), 'Container arguments.', [['--flag']]),
    service: obj({
      type: str('', { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }),
      port: int('Port of the Service (the container listens on server.port).', { minimum: 1, maximum: 65535 }),
      annotations: stringMap('Annotations of the Service.', [{ 'example.com/a': 'b' }]),
    }),
    serviceAccount: obj({
      create: bool('Make a ServiceAccount for the service.'),
      name: str('Its name; default <release>-<service> when created, else "default".', { examples: ['custom-account'] }),
      annotations: stringMap('Annotations of the ServiceAccount.', [{ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/osprey' }]),
      automountToken: bool('Mount the Kubernetes API token into the pods (automountServiceAccountToken of the pod and of the ServiceAccount).'),
    }),
    rollingUpdate: obj({ maxSurge: intOrString('', { examples: [2] }), maxUnavailable: intOrString('', { examples: ['10%'] }) }),
    terminationGracePeriodSeconds: int('Seconds between SIGTERM and SIGKILL; empty: worker.shutdownGraceMs of the configuration plus shutdownMarginSeconds.', {
      type: ['integer', 'null'],
      minimum: 0,
      examples: [600],
    }),
    shutdownMarginSeconds: int('Seconds added to worker.shutdownGraceMs for the rest of the shutdown.', { minimum: 0 }),
    preStopDelaySeconds: int('Seconds the default preStop hook waits before SIGTERM (0: no hook); counted in the default terminationGracePeriodSeconds.', { minimum: 0, examples: [10] }),
    lifecycle,
    startupProbe: probe('Startup probe laid over the default (httpGet /health/live every 2 s, 60 failures); a handler of its own replaces httpGet.'),
    livenessProbe: probe('Liveness probe laid over the default (httpGet /health/live every 10 s, timeout 3 s, 3 failures).'),
    readinessProbe: probe('Readiness probe laid over the default (httpGet /health/ready every 10 s, timeout 3 s, 3 failures).'),
    podSecurityContext: { ...podSecurityContext, description: `${podSecurityContext.description} Laid over global.podSecurityContext.` },
    securityContext: { ...securityContext, description: `${securityContext.description} Laid over global.securityContext.` },
    priorityClassName: { ...priorityClassName, description: 'PriorityClass of the pods; default global.priorityClassName.' },
    initContainers,
    sidecars,
    extraEnv,
    networkPolicy: obj({
      enabled: { type: ['boolean', 'null'], description: 'Empty: global.networkPolicy.enabled.', examples: [true] },
      ingressFrom: peers('Peers allowed on the http port, besides global.networkPolicy.ingressFrom (webserver) or metricsFrom.', [[{ podSelector: { matchLabels: { app: 'gateway' } } }]]),
      egress: { ...egressRules, description: 'Egress rules added to global.networkPolicy.egress.' },
    }),
    resources,
    podDisruptionBudget: obj({
      enabled: bool(),
      minAvailable: intOrString('Set this or maxUnavailable, not both.', { type: ['integer', 'string', 'null'], examples: [2] }),
      maxUnavailable: intOrString('Default 1 when minAvailable is not set.', { type: ['integer', 'string', 'null'], examples: [2] }),
    }),
    serviceMonitor: serviceMonitor(false),
    persistence: obj(
      {
        enabled: bool('Mount the volume shared by every service (default global.persistence.enabled).'),
        existingClaim: str('Claim to mount (default global.persistence.existingClaim, then <release>-osprey-data).', { examples: ['my-claim'] }),
      },
      { description: 'Laid key by key over global.persistence.' },
    ),
    podAnnotations: stringMap('Annotations of the pods.', [{ 'example.com/a': 'b' }]),
    podLabels: podLabels('Labels of the pods, besides the selector labels (which they cannot replace); laid over global.podLabels.'),
    nodeSelector: stringMap('Node selector; default global.nodeSelector.', [{ pool: 'osprey' }]),
    tolerations,
    affinity,
    topologySpreadConstraints,
    extraVolumes,
    extraVolumeMounts,
  };
  if (component === 'webserver') Object.assign(properties, webserverProperties());
  if (component === 'worker') Object.assign(properties, workerProperties());
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `Values of the Osprey ${component} chart`,
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

function webserverProperties() {
  return {
    ingress: obj({
      enabled: bool(),
      className: str('', { examples: ['nginx'] }),
      annotations: stringMap('Annotations of the Ingress.', [{ 'cert-manager.io/cluster-issuer': 'letsencrypt' }]),
      hosts: arrayOf(
        obj({ host: str(), paths: arrayOf(obj({ path: str(), pathType: str('', { enum: ['Prefix', 'Exact', 'ImplementationSpecific'] }) }, { required: ['path'] })) }, { required: ['host', 'paths'] }),
        'Hosts and paths routed to the webserver.',
        [[{ host: 'other.example.com', paths: [{ path: '/api', pathType: 'Prefix' }] }]],
      ),
      tls: arrayOf(obj({ hosts: arrayOf(str()), secretName: str() }), 'TLS of the Ingress.', [[{ hosts: ['osprey.example.com'], secretName: 'osprey-tls' }]]),
    }),
  };
}

function workerProperties() {
  const policy = obj({ type: str('', { enum: ['Pods', 'Percent'] }), value: int('', { minimum: 1 }), periodSeconds: int('', { minimum: 1 }) }, { required: ['type', 'value', 'periodSeconds'] });
  const rules = obj({ stabilizationWindowSeconds: int('', { minimum: 0 }), selectPolicy: str('', { enum: ['Max', 'Min', 'Disabled'] }), policies: arrayOf(policy), tolerance: quantity });
  const envName = (description) => str(description, { pattern: '^([A-Za-z_][A-Za-z0-9_]*)?$', examples: ['REDIS_PASSWORD'] });
  return {
    autoscaling: obj({
      enabled: bool('HorizontalPodAutoscaler of the worker Deployment (not with keda.enabled).'),
      minReplicas: int('', { minimum: 1 }),
      maxReplicas: int('', { minimum: 1 }),
      targetCPUUtilizationPercentage: int('0: no CPU metric.', { minimum: 0 }),
      queueDepth: obj({
        enabled: bool('Add the External metric of pending worker jobs.'),
        metricName: str('', { examples: ['osprey_pending'] }),
        selector: stringMap('Label selector of the external metric; empty: { app_kubernetes_io_instance: <release> }.', [{ release: 'osprey' }]),
        targetAverageValue: intOrString('Pending jobs per worker the HPA aims for.', { examples: ['40'] }),
      }),
      behavior: obj(
        { scaleUp: rules, scaleDown: rules },
        { description: 'HPA behavior, also used by the KEDA ScaledObject.', examples: [{ scaleDown: { stabilizationWindowSeconds: 60 } }] },
      ),
    }),
    keda: obj({
      enabled: bool('KEDA ScaledObject instead of the HPA (not with autoscaling.enabled).'),
      minReplicaCount: int('', { minimum: 0 }),
      maxReplicaCount: int('', { minimum: 1 }),
      pollingInterval: int('', { minimum: 1 }),
      cooldownPeriod: int('', { minimum: 0 }),
      scaler: str('Trigger made from the settings below, when `triggers` is empty.', { enum: ['prometheus', 'postgresql', 'mysql', 'kafka', 'redis'] }),
      triggers: arrayOf(
        obj(
          {
            type: str(),
            name: str(),
            metadata: { type: 'object', additionalProperties: { type: 'string' } },
            metricType: str('', { enum: ['AverageValue', 'Value', 'Utilization'] }),
            useCachedMetrics: bool(),
            authenticationRef: obj({ name: str(), kind: str('', { enum: ['TriggerAuthentication', 'ClusterTriggerAuthentication'] }) }, { required: ['name'] }),
          },
          { required: ['type', 'metadata'] },
        ),
        'Raw KEDA triggers; when set they replace `scaler`.',
        [[{ type: 'cpu', metricType: 'Utilization', metadata: { value: '60' } }]],
      ),
      prometheus: obj({
        serverAddress: str('', { examples: ['http://prometheus:9090'] }),
        query: str('PromQL; empty: max(osprey_worker_jobs_pending) of this release (namespace and app_kubernetes_io_instance).', { examples: ['max(osprey_worker_jobs_pending{namespace="osprey"})'] }),
        threshold: intOrString('', { examples: ['40'] }),
      }),
      postgresql: obj({
        connectionFromEnv: envName('Variable of the worker holding the PostgreSQL URL (KEDA reads postgres:// URLs).'),
        query: str('', { examples: ['SELECT 1'] }),
        targetQueryValue: intOrString('', { examples: ['40'] }),
      }),
      mysql: obj({
        dsnSecret: obj(
          { name: str('Secret holding the DSN.', { examples: ['other-secret'] }), key: str('Key of the DSN in it.', { examples: ['keda-dsn'] }) },
          {
            description:
              "KEDA's MySQL scaler reads a Go MySQL driver DSN, user:password@tcp(host:3306)/database, not the mysql:// URL Osprey reads. The chart gives it to the worker as KEDA_MYSQL_DSN.",
          },
        ),
        query: str('', { examples: ['SELECT 1'] }),
        queryValue: intOrString('', { examples: ['40'] }),
      }),
      kafka: obj({
        bootstrapServers: str('Comma-separated brokers; empty: queue.brokers of the configuration.', { examples: ['kafka-0:9092'] }),
        consumerGroup: str("Empty: the workers' group, <queue.topicPrefix>.workers.", { examples: ['other.workers'] }),
        topic: str('Empty: <queue.topicPrefix>.worker-jobs.', { examples: ['other.worker-jobs'] }),
        lagThreshold: intOrString('', { examples: ['40'] }),
        passwordFromEnv: envName('Variable of the worker holding the SASL password, read by the TriggerAuthentication the chart makes when queue.saslMechanism is set.'),
        authenticationRef: str('TriggerAuthentication of your own for SASL/TLS certificates (the chart then makes none).', { examples: ['kafka-auth'] }),
      }),
      redis: obj({
        address: str('host:port; empty: the host and port of workerQueue.url of the configuration.', { examples: ['redis.example.com:6380'] }),
        enableTLS: { type: ['boolean', 'null'], description: 'TLS to Redis; empty: true when workerQueue.url is rediss://.', examples: [true] },
        databaseIndex: { type: ['integer', 'null'], minimum: 0, description: 'Empty: the database of workerQueue.url.', examples: [3] },
        usernameFromEnv: envName('Variable of the worker holding the Redis user.'),
        passwordFromEnv: envName('Variable of the worker holding the Redis password.'),
        listName: str('Empty: <workerQueue.prefix>:worker-jobs:wait, the BullMQ wait list.', { examples: ['other:worker-jobs:wait'] }),
        listLength: intOrString('', { examples: ['40'] }),
        authenticationRef: str('TriggerAuthentication for the password.', { examples: ['redis-auth'] }),
      }),
    }),
  };
}

// ---- the umbrella ----------------------------------------------------------------------------------
function umbrellaSchema() {
  // Each service's own keys are checked by its chart's schema (Helm validates every subchart's values).
  const service = (component) => ({
    type: 'object',
    description: `Values of the ${component} chart (charts/${component}/values.schema.json).`,
    properties: { enabled: bool(`Install the ${component}.`) },
  });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Values of the Osprey umbrella chart',
    type: 'object',
    additionalProperties: false,
    properties: {
      global,
      ...Object.fromEntries(APP_COMPONENTS.map((c) => [c, service(c)])),
      monitoring: obj({
        prometheusRule: obj({
          enabled: bool("A Prometheus Operator PrometheusRule with Osprey's alerts (docs/operations.md#alerts-and-dashboard)."),
          labels: stringMap('Labels of the PrometheusRule (what the Prometheus selects).', [{ release: 'prometheus' }]),
          for: str('How long a condition holds before its alert fires.', { pattern: '^[0-9]+(ms|s|m|h)$', examples: ['5m'] }),
          backlogWaitSeconds: { type: 'number', minimum: 0, description: 'OspreyWorkerBacklogOld: 95th percentile of the wait of started jobs above this.', examples: [600] },
          backlogSize: { type: 'number', minimum: 0, description: 'OspreyWorkerBacklogLarge: pending worker jobs above this.', examples: [5000] },
          executorLag: { type: 'number', minimum: 0, description: 'OspreyExecutorLag: pending execution events above this.', examples: [5000] },
          failedExecutionsPerMinute: { type: 'number', minimum: 0, description: 'OspreyExecutionsFailing: failed executions per minute above this.', examples: [10] },
          indexerLag: { type: 'number', minimum: 0, description: 'OspreyIndexerLag: messages not yet indexed above this.', examples: [50000] },
        }),
        grafanaDashboard: obj({
          enabled: bool('A ConfigMap holding the Grafana dashboard (charts/osprey/dashboards/osprey.json).'),
          labels: stringMap('Labels of the ConfigMap (what the Grafana sidecar selects).', [{ grafana_dashboard: 'osprey' }]),
          annotations: stringMap('Annotations of the ConfigMap (e.g. the Grafana folder).', [{ grafana_folder: 'Osprey' }]),
        }),
      }),
      extraManifests: arrayOf(
        { type: ['object', 'string'] },
        'More objects installed with the release: Kubernetes objects or YAML strings, rendered with tpl.',
        [[{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '{{ .Release.Name }}-extra' }, data: { a: 'b' } }]],
      ),
    },
  };
}

/** chart name -> schema object. The library chart has no values, so no schema. */
export function valuesSchemas() {
  return { ...Object.fromEntries(APP_COMPONENTS.map((c) => [c, appSchema(c)])), osprey: umbrellaSchema() };
}

export const schemaFile = (chart) => join(chartsDir, chart, 'values.schema.json');
export const schemaText = (schema) => `${JSON.stringify(schema, null, 2)}\n`;

/** Charts whose committed values.schema.json differs from what this script makes. */
export function staleSchemas() {
  return Object.entries(valuesSchemas())
    .filter(([chart, schema]) => !existsSync(schemaFile(chart)) || readFileSync(schemaFile(chart), 'utf8') !== schemaText(schema))
    .map(([chart]) => chart);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [chart, schema] of Object.entries(valuesSchemas())) writeFileSync(schemaFile(chart), schemaText(schema));
  console.log(`wrote ${Object.keys(valuesSchemas()).length} values.schema.json files`);
}
