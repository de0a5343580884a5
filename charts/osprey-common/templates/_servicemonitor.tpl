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
  # Copied onto every series (app_kubernetes_io_instance, ..._component): the release-scoped queries of
  # the KEDA trigger, the alerts and the dashboard select on them.
  targetLabels:
    - app.kubernetes.io/instance
    - app.kubernetes.io/component
  endpoints:
    - port: http
      path: /metrics
      interval: {{ $sm.interval }}
      {{- with $sm.scrapeTimeout }}
      scrapeTimeout: {{ . }}
      {{- end }}
{{- end }}
{{- end -}}
