{{/*
Names, labels and the merged Osprey configuration of one app chart. An app chart sets `component`
(webserver, executor, ...) in its values; the umbrella chart passes `global` to all of them.
*/}}

{{- define "osprey.component" -}}
{{- required "values.component is required" .Values.component -}}
{{- end -}}

{{/* <release>-<component>, so that `kubectl logs deploy/<release>-worker` works. */}}
{{- define "osprey.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "osprey.component" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "osprey.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "osprey.selectorLabels" -}}
app.kubernetes.io/name: osprey
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: {{ include "osprey.component" . }}
{{- end -}}

{{- define "osprey.labels" -}}
{{ include "osprey.selectorLabels" . }}
app.kubernetes.io/part-of: osprey
app.kubernetes.io/version: {{ (include "osprey.imageTag" .) | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "osprey.chart" . }}
{{- with (include "osprey.global" .) | fromYaml }}
{{- with .commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* .Values.global as YAML, empty when the chart is installed on its own. */}}
{{- define "osprey.global" -}}
{{- toYaml (.Values.global | default dict) -}}
{{- end -}}

{{- define "osprey.imageTag" -}}
{{- $g := (include "osprey.global" .) | fromYaml -}}
{{- .Values.image.tag | default (dig "image" "tag" "" $g) | default .Chart.AppVersion -}}
{{- end -}}

{{/* registry/repository:tag; the repository defaults to osprey/<component>. */}}
{{- define "osprey.image" -}}
{{- $g := (include "osprey.global" .) | fromYaml -}}
{{- $registry := .Values.image.registry | default (dig "image" "registry" "" $g) -}}
{{- $repository := .Values.image.repository | default (printf "%s%s" (dig "image" "repositoryPrefix" "osprey/osprey-" $g) (include "osprey.component" .)) -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry $repository (include "osprey.imageTag" .) -}}
{{- else -}}
{{- printf "%s:%s" $repository (include "osprey.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{- define "osprey.imagePullPolicy" -}}
{{- $g := (include "osprey.global" .) | fromYaml -}}
{{- .Values.image.pullPolicy | default (dig "image" "pullPolicy" "" $g) | default "IfNotPresent" -}}
{{- end -}}

{{- define "osprey.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "osprey.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/*
The Osprey configuration file of this app: global.config (the umbrella's, shared by every service)
overlaid with this chart's .Values.config. Keys follow docs/configuration.md.
*/}}
{{- define "osprey.config" -}}
{{- $g := (include "osprey.global" .) | fromYaml -}}
{{- $config := dict "dataDir" "/var/lib/osprey/data" -}}
{{- include "osprey.mergeInto" (dict "dst" $config "src" (dig "config" dict $g)) -}}
{{- include "osprey.mergeInto" (dict "dst" $config "src" (.Values.config | default dict)) -}}
{{- toYaml $config -}}
{{- end -}}

{{/*
Lays .src over .dst (a dict, changed in place) key by key, maps recursively. Unlike mergeOverwrite a
false, 0 or "" in .src wins: a service's `enabled: false` over a global `true` is not dropped.
*/}}
{{- define "osprey.mergeInto" -}}
{{- $dst := .dst -}}
{{- range $key, $value := .src -}}
{{- if and (kindIs "map" $value) (kindIs "map" (get $dst $key)) -}}
{{- include "osprey.mergeInto" (dict "dst" (get $dst $key) "src" $value) -}}
{{- else if kindIs "invalid" $value -}}
{{- /* null (deepCopy refuses it): kept, so that a caller can leave the key out (security contexts). */ -}}
{{- $_ := set $dst $key $value -}}
{{- else -}}
{{- $_ := set $dst $key (deepCopy $value) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* global.<key> overlaid with this chart's <key>, as YAML (persistence, serviceMonitor, env). */}}
{{- define "osprey.overlay" -}}
{{- $g := (include "osprey.global" .context) | fromYaml -}}
{{- $merged := deepCopy (.defaults | default dict) -}}
{{- include "osprey.mergeInto" (dict "dst" $merged "src" (dig .key dict $g)) -}}
{{- include "osprey.mergeInto" (dict "dst" $merged "src" ((get .context.Values .key) | default dict)) -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* server.port of the merged configuration: the container port, probes and Service target it. */}}
{{- define "osprey.port" -}}
{{- $config := (include "osprey.config" .) | fromYaml -}}
{{- dig "server" "port" 8080 $config | int -}}
{{- end -}}

{{/* Name of the claim all services share (SQLite size), or empty. */}}
{{- define "osprey.dataClaim" -}}
{{- $p := (include "osprey.overlay" (dict "context" . "key" "persistence")) | fromYaml -}}
{{- if $p.enabled -}}
{{- $p.existingClaim | default (printf "%s-osprey-data" .Release.Name | trunc 63 | trimSuffix "-") -}}
{{- end -}}
{{- end -}}

{{/* Names of the environment variables the chart sets on the container (env and secretEnv, global and own), as JSON. */}}
{{- define "osprey.baseEnvNames" -}}
{{- $g := (include "osprey.global" .) | fromYaml -}}
{{- $names := list "OSPREY_CONFIG" -}}
{{- range (concat (dig "secretEnv" list $g) (.Values.secretEnv | default list)) }}{{ $names = append $names .name }}{{ end -}}
{{- range $name, $_ := (include "osprey.overlay" (dict "context" . "key" "env")) | fromYaml }}{{ $names = append $names $name }}{{ end -}}
{{- toJson $names -}}
{{- end -}}

{{/* Names of every environment variable of the container: the chart's and extraEnv (global and own), as JSON. */}}
{{- define "osprey.envNames" -}}
{{- $g := (include "osprey.global" .) | fromYaml -}}
{{- $names := include "osprey.baseEnvNames" . | fromJsonArray -}}
{{- range (concat (dig "extraEnv" list $g) (.Values.extraEnv | default list)) }}{{ $names = append $names .name }}{{ end -}}
{{- toJson $names -}}
{{- end -}}
