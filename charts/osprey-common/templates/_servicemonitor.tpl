{{- define "osprey.servicemonitor" -}}
{{- $sm := (include "osprey.overlay" (dict "context" . "key" "serviceMonitor" "defaults" (dict "enabled" false "interval" "30s"))) | fromYaml -}}
{{- if $sm.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "osprey.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "osprey.labels" . | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "osprey.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ $sm.interval }}
      {{- with $sm.scrapeTimeout }}
      scrapeTimeout: {{ . }}
      {{- end }}
{{- end }}
{{- end -}}
