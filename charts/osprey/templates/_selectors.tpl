{{/*
PromQL label matchers of this release's series: the ServiceMonitors copy the pods' Service labels
app.kubernetes.io/instance and app.kubernetes.io/component onto every series (targetLabels), and the
Prometheus Operator adds namespace. Used by the alerts and the dashboard.
*/}}
{{- define "osprey.releaseMatchers" -}}
namespace="{{ .Release.Namespace }}", app_kubernetes_io_instance="{{ .Release.Name }}"
{{- end -}}
