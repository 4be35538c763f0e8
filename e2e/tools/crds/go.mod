// The CustomResourceDefinitions the end-to-end control plane installs, as their projects publish
// them in their Go modules (e2e/tests read the YAML from the module cache; nothing is built):
// cert-manager (Certificate, Issuer, ...), the Prometheus Operator (ServiceMonitor, PodMonitor,
// PrometheusRule, ...) and the CSI snapshot API (VolumeSnapshot, VolumeSnapshotClass, ...).
module github.com/pulumi-robustmq/robustmq/e2e/tools/crds

go 1.26.0

require (
	github.com/cert-manager/cert-manager v1.19.1
	github.com/kubernetes-csi/external-snapshotter/client/v8 v8.4.0
	github.com/prometheus-operator/prometheus-operator v0.85.0
)
