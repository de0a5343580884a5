{{/*
The Deployment of one Osprey service: the image's entrypoint with OSPREY_CONFIG pointing at the
ConfigMap, secrets as environment variables (OSPREY_* overrides, docs/configuration.md), probes on
/health/* at server.port, a read-only root file system with writable /tmp and /var/lib/osprey.
*/}}
{{- define "osprey.deployment" -}}
{{- $g := (include "osprey.global" .) | fromYaml -}}
{{- $config := (include "osprey.config" .) | fromYaml -}}
{{- $claim := include "osprey.dataClaim" . -}}
{{- $autoscaled := or (and .Values.autoscaling .Values.autoscaling.enabled) (and .Values.keda .Values.keda.enabled) -}}
{{- if eq (toString .Values.enabled) "false" -}}
{{- /* The umbrella chart renders nothing of a disabled service: a chart rendering with false stands alone. */ -}}
{{- fail (printf "enabled: false only applies through the umbrella chart (charts/osprey); charts/%s installed on its own always installs the %s" .Chart.Name (include "osprey.component" .)) -}}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "osprey.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "osprey.labels" . | nindent 4 }}
spec:
  {{- if not $autoscaled }}
  replicas: {{ ternary 1 .Values.replicaCount (kindIs "invalid" .Values.replicaCount) }}
  {{- else if not (kindIs "invalid" .Values.replicaCount) }}
  {{- fail (printf "%s.replicaCount: the autoscaler owns the replica count (autoscaling.enabled or keda.enabled); set its minReplicas/maxReplicas instead" (include "osprey.component" .)) }}
  {{- end }}
  revisionHistoryLimit: {{ .Values.revisionHistoryLimit }}
  selector:
    matchLabels:
      {{- include "osprey.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: {{ .Values.rollingUpdate.maxSurge }}
      maxUnavailable: {{ .Values.rollingUpdate.maxUnavailable }}
  template:
    metadata:
      labels:
        {{- include "osprey.selectorLabels" . | nindent 8 }}
        {{- with (include "osprey.overlay" (dict "context" . "key" "podLabels")) | fromYaml }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # Pods roll when the configuration changes.
        checksum/config: {{ include "osprey.config" . | sha256sum }}
        {{- with (include "osprey.overlay" (dict "context" . "key" "podAnnotations")) | fromYaml }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "osprey.serviceAccountName" . }}
      automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
      terminationGracePeriodSeconds: {{ include "osprey.terminationGracePeriodSeconds" . }}
      {{- with (include "osprey.securityContext" (dict "context" . "key" "podSecurityContext")) | fromYaml }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.priorityClassName | default (dig "priorityClassName" "" $g) }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with (.Values.imagePullSecrets | default (dig "imagePullSecrets" list $g)) }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (concat (dig "initContainers" list $g) (.Values.initContainers | default list)) }}
      initContainers:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ include "osprey.component" . }}
          image: {{ include "osprey.image" . | quote }}
          imagePullPolicy: {{ include "osprey.imagePullPolicy" . }}
          {{- with .Values.args }}
          args:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          env:
            - name: OSPREY_CONFIG
              value: /etc/osprey/osprey.yaml
            {{- range (concat (dig "secretEnv" list $g) (.Values.secretEnv | default list)) }}
            - name: {{ .name }}
              valueFrom:
                secretKeyRef:
                  name: {{ .secretName }}
                  key: {{ .secretKey }}
                  {{- if hasKey . "optional" }}
                  optional: {{ .optional }}
                  {{- end }}
            {{- end }}
            {{- range $name, $value := (include "osprey.overlay" (dict "context" . "key" "env")) | fromYaml }}
            - name: {{ $name }}
              value: {{ $value | toString | quote }}
            {{- end }}
            {{- include "osprey.kedaEnv" . | nindent 12 }}
            {{- with (include "osprey.extraEnv" .) | fromYamlArray }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with (concat (dig "envFrom" list $g) (.Values.envFrom | default list)) }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ include "osprey.port" . }}
              protocol: TCP
          {{- range $probe := list "startupProbe" "livenessProbe" "readinessProbe" }}
          {{ $probe }}:
            {{- include "osprey.probe" (dict "context" $ "key" $probe) | nindent 12 }}
          {{- end }}
          {{- with (include "osprey.lifecycle" .) | fromYaml }}
          lifecycle:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          {{- with (include "osprey.securityContext" (dict "context" . "key" "securityContext")) | fromYaml }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          volumeMounts:
            - name: config
              mountPath: /etc/osprey
              readOnly: true
            - name: data
              mountPath: /var/lib/osprey
            - name: tmp
              mountPath: /tmp
            {{- with (concat (dig "extraVolumeMounts" list $g) (.Values.extraVolumeMounts | default list)) }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
        {{- with (concat (dig "sidecars" list $g) (.Values.sidecars | default list)) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ include "osprey.fullname" . }}-config
        - name: data
          {{- if $claim }}
          persistentVolumeClaim:
            claimName: {{ $claim }}
          {{- else }}
          emptyDir: {}
          {{- end }}
        - name: tmp
          emptyDir: {}
        {{- with (concat (dig "extraVolumes" list $g) (.Values.extraVolumes | default list)) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with .Values.nodeSelector | default (dig "nodeSelector" dict $g) }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations | default (dig "tolerations" list $g) }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- $affinity := deepCopy (.Values.affinity | default dict) }}
      {{- if $claim }}
      {{- if (.Values.topologySpreadConstraints | default (dig "topologySpreadConstraints" list $g)) }}
      {{- fail (printf "%s.topologySpreadConstraints: the shared volume (persistence.enabled) keeps every service on one node, so pods cannot spread" (ternary (include "osprey.component" .) "global" (not (empty .Values.topologySpreadConstraints)))) }}
      {{- end }}
      {{- /* One ReadWriteOnce volume (the SQLite size): every service of the release on the same node. */}}
      {{- $sameNode := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (dict "app.kubernetes.io/name" "osprey" "app.kubernetes.io/instance" .Release.Name)) }}
      {{- $podAffinity := get $affinity "podAffinity" | default dict }}
      {{- $_ := set $podAffinity "requiredDuringSchedulingIgnoredDuringExecution" (prepend ((get $podAffinity "requiredDuringSchedulingIgnoredDuringExecution") | default list) $sameNode) }}
      {{- $_ := set $affinity "podAffinity" $podAffinity }}
      {{- end }}
      {{- with $affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.topologySpreadConstraints | default (dig "topologySpreadConstraints" list $g) }}
      topologySpreadConstraints:
        {{- range . }}
        {{- /* Without a labelSelector a constraint counts no pods; spread this service's own pods. */}}
        {{- $constraint := deepCopy . }}
        {{- if not (hasKey $constraint "labelSelector") }}
        {{- $_ := set $constraint "labelSelector" (dict "matchLabels" ((include "osprey.selectorLabels" $) | fromYaml)) }}
        {{- end }}
        - {{ toYaml $constraint | nindent 10 | trim }}
        {{- end }}
      {{- end }}
{{- end -}}

{{/*
Seconds Kubernetes gives a pod from the start of its preStop hook to SIGKILL: set, or the preStop delay
plus worker.shutdownGraceMs of the configuration (how long a worker finishes its task runs before
handing them back after SIGTERM) plus shutdownMarginSeconds for the rest of the shutdown.
*/}}
{{- define "osprey.terminationGracePeriodSeconds" -}}
{{- if not (kindIs "invalid" .Values.terminationGracePeriodSeconds) -}}
{{- .Values.terminationGracePeriodSeconds -}}
{{- else -}}
{{- $config := (include "osprey.config" .) | fromYaml -}}
{{- $graceMs := dig "worker" "shutdownGraceMs" 30000 $config | int -}}
{{- add (include "osprey.preStopSeconds" .) (div (add $graceMs 999) 1000) .Values.shutdownMarginSeconds -}}
{{- end -}}
{{- end -}}

{{/*
Variables the KEDA trigger reads from the worker container: KEDA_MYSQL_DSN, the Go MySQL driver DSN its
MySQL scaler needs (it refuses Osprey's mysql:// URL); KEDA_KAFKA_SASL_USERNAME for the Kafka scaler's
TriggerAuthentication. Empty for the other services and scalers.
*/}}
{{- define "osprey.kedaEnv" -}}
{{- $k := .Values.keda | default dict -}}
{{- if and $k.enabled (not $k.triggers) (eq $k.scaler "kafka") (not $k.kafka.authenticationRef) -}}
{{- $config := (include "osprey.config" .) | fromYaml -}}
{{- if and (dig "queue" "saslMechanism" "" $config) (not (has "OSPREY_QUEUE_SASL_USERNAME" (include "osprey.baseEnvNames" . | fromJsonArray))) }}
# KEDA's TriggerAuthentication reads the SASL user from a variable of the worker.
- name: KEDA_KAFKA_SASL_USERNAME
  value: {{ required "worker.keda.kafka: queue.saslUsername (or OSPREY_QUEUE_SASL_USERNAME) is required for SASL" (dig "queue" "saslUsername" "" $config) | quote }}
{{- end -}}
{{- end -}}
{{- if and $k.enabled (not $k.triggers) (eq $k.scaler "mysql") -}}
- name: KEDA_MYSQL_DSN
  valueFrom:
    secretKeyRef:
      name: {{ required "worker.keda.mysql.dsnSecret.name is required for the mysql scaler: a Secret key holding user:password@tcp(host:3306)/database (KEDA refuses mysql:// URLs)" $k.mysql.dsnSecret.name }}
      key: {{ required "worker.keda.mysql.dsnSecret.key is required for the mysql scaler" $k.mysql.dsnSecret.key }}
{{- end -}}
{{- end -}}

{{/*
The container's probes: the chart's default (httpGet on /health/*, port http) with <key> laid over it
key by key; a probe that sets its own handler (exec, tcpSocket, grpc, httpGet) replaces the default one.
*/}}
{{- define "osprey.probe" -}}
{{- $c := .context -}}
{{- $defaults := dict
  "startupProbe" (dict "httpGet" (dict "path" "/health/live" "port" "http") "periodSeconds" 2 "failureThreshold" 60)
  "livenessProbe" (dict "httpGet" (dict "path" "/health/live" "port" "http") "periodSeconds" 10 "timeoutSeconds" 3 "failureThreshold" 3)
  "readinessProbe" (dict "httpGet" (dict "path" "/health/ready" "port" "http") "periodSeconds" 10 "timeoutSeconds" 3 "failureThreshold" 3) -}}
{{- $probe := deepCopy (get $defaults .key) -}}
{{- $own := (get $c.Values .key) | default dict -}}
{{- if or (hasKey $own "exec") (hasKey $own "tcpSocket") (hasKey $own "grpc") (hasKey $own "httpGet") -}}
{{- $probe = omit $probe "httpGet" -}}
{{- end -}}
{{- include "osprey.mergeInto" (dict "dst" $probe "src" $own) -}}
{{- toYaml $probe -}}
{{- end -}}

{{/*
Pod or container security context: the chart's secure default, global.<key> then <key> laid over it;
a key set to null (e.g. runAsUser on OpenShift, which assigns the uid) is left out.
*/}}
{{- define "osprey.securityContext" -}}
{{- $defaults := dict
  "podSecurityContext" (dict "runAsNonRoot" true "runAsUser" 1000 "runAsGroup" 1000 "fsGroup" 1000 "seccompProfile" (dict "type" "RuntimeDefault"))
  "securityContext" (dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "capabilities" (dict "drop" (list "ALL"))) -}}
{{- $merged := (include "osprey.overlay" (dict "context" .context "key" .key "defaults" (get $defaults .key))) | fromYaml -}}
{{- $kept := dict -}}
{{- range $k, $v := $merged }}{{ if not (kindIs "invalid" $v) }}{{ $_ := set $kept $k $v }}{{ end }}{{ end -}}
{{- toYaml $kept -}}
{{- end -}}

{{/* Seconds the default preStop hook waits before Kubernetes sends SIGTERM (0 when lifecycle.preStop is set). */}}
{{- define "osprey.preStopSeconds" -}}
{{- if dig "preStop" nil (.Values.lifecycle | default dict) -}}0{{- else -}}{{ .Values.preStopDelaySeconds | default 0 | int }}{{- end -}}
{{- end -}}

{{/*
Container lifecycle: <key> as given; without a preStop of its own, a preStop that waits
preStopDelaySeconds (node is the one binary every image has) so that the pod leaves the Service's
endpoints and the autoscaler's view before SIGTERM starts the drain.
*/}}
{{- define "osprey.lifecycle" -}}
{{- $lifecycle := deepCopy (.Values.lifecycle | default dict) -}}
{{- $delay := include "osprey.preStopSeconds" . | int -}}
{{- if and (not (hasKey $lifecycle "preStop")) (gt $delay 0) -}}
{{- $_ := set $lifecycle "preStop" (dict "exec" (dict "command" (list "node" "-e" (printf "setTimeout(() => {}, %d)" (mul $delay 1000))))) -}}
{{- end -}}
{{- toYaml $lifecycle -}}
{{- end -}}

{{/*
global.extraEnv then <service>.extraEnv (full Kubernetes EnvVar: value or valueFrom), as a YAML list.
A name the chart already sets (OSPREY_CONFIG, env, secretEnv) fails: Kubernetes would keep only one.
*/}}
{{- define "osprey.extraEnv" -}}
{{- $g := (include "osprey.global" .) | fromYaml -}}
{{- $chartNames := include "osprey.baseEnvNames" . | fromJsonArray -}}
{{- $seen := dict -}}
{{- $list := concat (dig "extraEnv" list $g) (.Values.extraEnv | default list) -}}
{{- range $list -}}
{{- if has .name $chartNames -}}
{{- fail (printf "%s.extraEnv: %s is already set by the chart (env, secretEnv or OSPREY_CONFIG); set it in one place" (include "osprey.component" $) .name) -}}
{{- end -}}
{{- if hasKey $seen .name -}}
{{- fail (printf "%s.extraEnv: %s is listed twice (global.extraEnv and the service's extraEnv are joined)" (include "osprey.component" $) .name) -}}
{{- end -}}
{{- $_ := set $seen .name true -}}
{{- end -}}
{{- toYaml $list -}}
{{- end -}}
