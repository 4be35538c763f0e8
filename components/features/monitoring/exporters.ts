// Series of the standard exporters the alert rules (and the dashboard) may query besides
// RobustMQ's own (rmq/metrics.ts): what a kube-prometheus-stack style install scrapes. A test
// checks that every name a rule uses is here or in ROBUSTMQ_METRICS.
//
// Label assumptions, stated once: kube-state-metrics, the kubelet and cAdvisor are scraped with
// honorLabels (as kube-prometheus-stack does), so `namespace`, `pod` and `container` are the
// object's, not the exporter's. cert-manager's controller is often scraped without it (its own
// chart's default), which turns the metric's `namespace` into `exported_namespace`; the rules
// accept either.
import type { MetricType } from "../../rmq/metrics";

export type Exporter = "prometheus" | "kube-state-metrics" | "kubelet" | "cadvisor" | "cert-manager";

export interface ExporterSeries {
  /** The series name as exposed (counters already end in _total). */
  name: string;
  type: MetricType;
  labels: readonly string[];
  exporter: Exporter;
  /** What it says, and from which version where that matters. */
  note: string;
}

export const EXPORTER_SERIES: readonly ExporterSeries[] = [
  { name: "up", type: "gauge", labels: ["job", "instance"], exporter: "prometheus", note: "1 when the last scrape of a target succeeded; carries the target's labels (cluster, tier, namespace, pod)" },
  { name: "kube_statefulset_replicas", type: "gauge", labels: ["namespace", "statefulset"], exporter: "kube-state-metrics", note: "spec.replicas" },
  { name: "kube_statefulset_status_replicas_ready", type: "gauge", labels: ["namespace", "statefulset"], exporter: "kube-state-metrics", note: "status.readyReplicas" },
  { name: "kube_pod_status_ready", type: "gauge", labels: ["namespace", "pod", "condition"], exporter: "kube-state-metrics", note: "1 for the pod's Ready condition value named by condition (true/false/unknown)" },
  { name: "kube_pod_container_status_restarts_total", type: "counter", labels: ["namespace", "pod", "container"], exporter: "kube-state-metrics", note: "restartCount of a container" },
  { name: "kube_pod_container_state_started", type: "gauge", labels: ["namespace", "pod", "container"], exporter: "kube-state-metrics", note: "start time (unix seconds) of a running container" },
  { name: "kube_pod_container_resource_limits", type: "gauge", labels: ["namespace", "pod", "container", "node", "resource", "unit"], exporter: "kube-state-metrics", note: "limits; resource=\"memory\" in bytes" },
  { name: "kube_pod_container_resource_requests", type: "gauge", labels: ["namespace", "pod", "container", "node", "resource", "unit"], exporter: "kube-state-metrics", note: "requests; resource=\"cpu\" in cores, \"memory\" in bytes" },
  { name: "kube_job_status_failed", type: "gauge", labels: ["namespace", "job_name", "reason"], exporter: "kube-state-metrics", note: "status.failed until the Job's Failed condition, then 1 on the condition's reason (BackoffLimitExceeded, DeadlineExceeded, Evicted; \"\" for others) and 0 on the rest (v2.0.0 and later; v2.14.0 and later also without conditions)" },
  { name: "kube_job_status_start_time", type: "gauge", labels: ["namespace", "job_name"], exporter: "kube-state-metrics", note: "status.startTime (unix seconds): when the Job controller started the Job" },
  { name: "kube_cronjob_status_last_schedule_time", type: "gauge", labels: ["namespace", "cronjob"], exporter: "kube-state-metrics", note: "status.lastScheduleTime (unix seconds): when the latest run was scheduled" },
  { name: "kube_cronjob_status_last_successful_time", type: "gauge", labels: ["namespace", "cronjob"], exporter: "kube-state-metrics", note: "status.lastSuccessfulTime (unix seconds): completion of the latest successful run; absent before the first (v2.5.0 and later)" },
  { name: "kubelet_volume_stats_available_bytes", type: "gauge", labels: ["namespace", "persistentvolumeclaim"], exporter: "kubelet", note: "free bytes of a mounted PVC's filesystem" },
  { name: "kubelet_volume_stats_used_bytes", type: "gauge", labels: ["namespace", "persistentvolumeclaim"], exporter: "kubelet", note: "used bytes of a mounted PVC's filesystem" },
  { name: "kubelet_volume_stats_capacity_bytes", type: "gauge", labels: ["namespace", "persistentvolumeclaim"], exporter: "kubelet", note: "size of a mounted PVC's filesystem" },
  { name: "container_memory_working_set_bytes", type: "gauge", labels: ["namespace", "pod", "container"], exporter: "cadvisor", note: "what the kubelet compares with the memory limit (OOM kill)" },
  { name: "container_cpu_usage_seconds_total", type: "counter", labels: ["namespace", "pod", "container"], exporter: "cadvisor", note: "CPU seconds used" },
  { name: "certmanager_certificate_expiration_timestamp_seconds", type: "gauge", labels: ["name", "namespace", "issuer_name", "issuer_kind", "issuer_group"], exporter: "cert-manager", note: "notAfter of the certificate in a Certificate's Secret" },
  { name: "certmanager_certificate_not_before_timestamp_seconds", type: "gauge", labels: ["name", "namespace", "issuer_name", "issuer_kind", "issuer_group"], exporter: "cert-manager", note: "notBefore of the certificate in a Certificate's Secret (cert-manager 1.18 and later)" },
];

export const EXPORTER_SERIES_NAMES: ReadonlySet<string> = new Set(EXPORTER_SERIES.map((s) => s.name));
