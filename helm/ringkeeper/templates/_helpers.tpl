{{/* Names and labels shared by every template. */}}

{{- define "ringkeeper.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ringkeeper.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ringkeeper.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ringkeeper.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ringkeeper.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "ringkeeper.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ringkeeper
{{- end -}}

{{- define "ringkeeper.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ringkeeper.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "ringkeeper.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
What the operator does in a namespace it manages, and nothing more. OperatorContractTest derives the operator's API
calls from a run against the mock API server and fails when a rule is missing or unused.
*/}}
{{- define "ringkeeper.managedRules" -}}
- apiGroups: [ringkeeper.io]
  resources: [cassandraclusters]
  verbs: [list, watch, patch]
- apiGroups: [ringkeeper.io]
  resources: [cassandraclusters/status]
  verbs: [patch]
# Owner references with blockOwnerDeletion need this where the OwnerReferencesPermissionEnforcement plugin runs.
- apiGroups: [ringkeeper.io]
  resources: [cassandraclusters/finalizers]
  verbs: [update]
- apiGroups: [""]
  resources: [pods, persistentvolumeclaims, services, configmaps, secrets]
  verbs: [list, watch, create, patch]
# A user's Secret named by spec.auth (superuserSecretRef, roles[].secretRef) is read once by name, then labelled
# for the cluster so the Secret informer sees its changes.
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
# Pods are deleted to restart or replace a node and after their node left the ring; volumes only with
# storage.reclaim Delete, after their node left the ring.
- apiGroups: [""]
  resources: [pods, persistentvolumeclaims]
  verbs: [delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [list, watch, create, patch]
# Recurring events are counted by a patch; after an operator restart the count is read back first.
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch, get]
{{- end -}}

{{/*
The labels of every Cassandra pod the operator manages (operator resources/Labels: managed-by and component of
Labels.node); the NetworkPolicy selects them, and HelmNetworkPolicyTest checks them against Labels.
*/}}
{{- define "ringkeeper.cassandraPodLabels" -}}
app.kubernetes.io/managed-by: ringkeeper
app.kubernetes.io/component: node
{{- end -}}
