{{/*
NetworkPolicy of one service, when <service>.networkPolicy.enabled (default global.networkPolicy.enabled).
Ingress: the webserver's port from global.networkPolicy.ingressFrom (empty: from anywhere), every
service's port from metricsFrom (Prometheus); nothing else reaches the pods (services talk through the
backends only). Egress, when global or service egress rules are given: those rules (the backends) plus
DNS; with none, egress is not restricted.
*/}}
{{- define "osprey.networkPolicy" -}}
{{- $g := (include "osprey.global" .) | fromYaml -}}
{{- $gnp := dig "networkPolicy" dict $g -}}
{{- $np := .Values.networkPolicy | default dict -}}
{{- $enabled := ternary $gnp.enabled $np.enabled (kindIs "invalid" $np.enabled) -}}
{{- if $enabled }}
{{- $webserver := eq (include "osprey.component" .) "webserver" -}}
{{- $egress := concat ($gnp.egress | default list) ($np.egress | default list) -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "osprey.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "osprey.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "osprey.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    {{- if $egress }}
    - Egress
    {{- end }}
  {{- $port := list (dict "port" "http" "protocol" "TCP") }}
  {{- $rules := list }}
  {{- if $webserver }}
  {{- $from := concat ($gnp.ingressFrom | default list) ($np.ingressFrom | default list) }}
  {{- $rules = append $rules (ternary (dict "ports" $port "from" $from) (dict "ports" $port) (gt (len $from) 0)) }}
  {{- end }}
  {{- with concat ($gnp.metricsFrom | default list) (ternary list ($np.ingressFrom | default list) $webserver) }}
  {{- $rules = append $rules (dict "ports" $port "from" .) }}
  {{- end }}
  {{- /* No rule: no ingress at all (the services talk through the backends only). */}}
  ingress:{{ if $rules }}{{ toYaml $rules | nindent 4 }}{{ else }} []{{ end }}
  {{- if $egress }}
  egress:
    {{- if ne (toString $gnp.allowDNS) "false" }}
    - ports:
        - { port: 53, protocol: UDP }
        - { port: 53, protocol: TCP }
    {{- end }}
    {{- toYaml $egress | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}
