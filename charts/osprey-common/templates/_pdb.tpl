{{- define "osprey.pdb" -}}
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "osprey.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "osprey.labels" . | nindent 4 }}
spec:
  {{- $pdb := .Values.podDisruptionBudget }}
  {{- $min := get $pdb "minAvailable" }}
  {{- $max := get $pdb "maxUnavailable" }}
  {{- if and (not (kindIs "invalid" $min)) (ne (toString $min) "") }}
  {{- if and (not (kindIs "invalid" $max)) (ne (toString $max) "") }}
  {{- fail (printf "%s.podDisruptionBudget: set minAvailable or maxUnavailable, not both" (include "osprey.component" .)) }}
  {{- end }}
  minAvailable: {{ $min }}
  {{- else if and (not (kindIs "invalid" $max)) (ne (toString $max) "") }}
  maxUnavailable: {{ $max }}
  {{- else }}
  maxUnavailable: 1
  {{- end }}
  selector:
    matchLabels:
      {{- include "osprey.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}
