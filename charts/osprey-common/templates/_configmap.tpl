{{- define "osprey.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "osprey.fullname" . }}-config
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "osprey.labels" . | nindent 4 }}
data:
  osprey.yaml: |
    {{- include "osprey.config" . | nindent 4 }}
{{- end -}}
