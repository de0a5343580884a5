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
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # Pods roll when the configuration changes.
        checksum/config: {{ include "osprey.config" . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "osprey.serviceAccountName" . }}
      automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
      terminationGracePeriodSeconds: {{ include "osprey.terminationGracePeriodSeconds" . }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        seccompProfile:
          type: RuntimeDefault
      {{- with (.Values.imagePullSecrets | default (dig "imagePullSecrets" list $g)) }}
      imagePullSecrets:
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
          {{- with (concat (dig "envFrom" list $g) (.Values.envFrom | default list)) }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ include "osprey.port" . }}
              protocol: TCP
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: 2
            failureThreshold: {{ .Values.probes.startupFailureThreshold | default 60 }}
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ .Values.probes.periodSeconds | default 10 }}
            timeoutSeconds: {{ .Values.probes.timeoutSeconds | default 3 }}
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: {{ .Values.probes.periodSeconds | default 10 }}
            timeoutSeconds: {{ .Values.probes.timeoutSeconds | default 3 }}
            failureThreshold: 3
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: config
              mountPath: /etc/osprey
              readOnly: true
            - name: data
              mountPath: /var/lib/osprey
            - name: tmp
              mountPath: /tmp
            {{- with .Values.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
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
        {{- with .Values.extraVolumes }}
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
      {{- if .Values.topologySpreadConstraints }}
      {{- fail (printf "%s.topologySpreadConstraints: the shared volume (persistence.enabled) keeps every service on one node, so pods cannot spread" (include "osprey.component" .)) }}
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
      {{- with .Values.topologySpreadConstraints }}
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
Seconds Kubernetes waits after SIGTERM: set, or worker.shutdownGraceMs of the configuration (how long a
worker finishes its task runs before handing them back) plus shutdownMarginSeconds for the rest of the
shutdown (closing the backend, flushing logs).
*/}}
{{- define "osprey.terminationGracePeriodSeconds" -}}
{{- if not (kindIs "invalid" .Values.terminationGracePeriodSeconds) -}}
{{- .Values.terminationGracePeriodSeconds -}}
{{- else -}}
{{- $config := (include "osprey.config" .) | fromYaml -}}
{{- $graceMs := dig "worker" "shutdownGraceMs" 30000 $config | int -}}
{{- add (div (add $graceMs 999) 1000) .Values.shutdownMarginSeconds -}}
{{- end -}}
{{- end -}}

{{/*
Variables the KEDA trigger reads from the worker container: KEDA_MYSQL_DSN, the Go MySQL driver DSN its
MySQL scaler needs (it refuses Osprey's mysql:// URL). Empty for the other services and scalers.
*/}}
{{- define "osprey.kedaEnv" -}}
{{- $k := .Values.keda | default dict -}}
{{- if and $k.enabled (not $k.triggers) (eq $k.scaler "mysql") -}}
- name: KEDA_MYSQL_DSN
  valueFrom:
    secretKeyRef:
      name: {{ required "worker.keda.mysql.dsnSecret.name is required for the mysql scaler: a Secret key holding user:password@tcp(host:3306)/database (KEDA refuses mysql:// URLs)" $k.mysql.dsnSecret.name }}
      key: {{ required "worker.keda.mysql.dsnSecret.key is required for the mysql scaler" $k.mysql.dsnSecret.key }}
{{- end -}}
{{- end -}}
