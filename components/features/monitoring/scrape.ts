// How Prometheus scrapes the pods: one ServiceMonitor or PodMonitor per tier (Prometheus Operator,
// monitoring.coreos.com/v1) on the admin HTTP port's /metrics, which every RobustMQ node serves
// without authentication.
//
// Per tier, so that a tier can be told apart before any query runs (job, and the `tier` label)
// and each monitor's selector stays a plain label match on objects the component owns: a tier's
// headless Service (ServiceMonitor) or its pods (PodMonitor). The headless Services publish
// not-ready addresses, so a pod that is up but not Ready (a meta pod waiting for its peers) is
// still scraped, as it is by a PodMonitor.
//
// Every series gets four labels the rules and the dashboard rely on: `namespace` and `pod`, and
// `cluster` (the pods' app.kubernetes.io/instance, the component's name) and `tier` (their
// app.kubernetes.io/component). RobustMQ's own labels never use these names (rmq/metrics.ts), so
// nothing is renamed to exported_*.
import { ResolvedCluster, ResolvedMonitoring, ResolvedTier } from "../../api/model";
import { objectLabels, selectorLabels } from "../../api/naming";
import { ROBUSTMQ_METRICS, seriesNames } from "../../rmq/metrics";
import { listenerOf } from "../../rmq/ports";

export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";
/** Where RobustMQ serves its metrics (admin-server's METRICS_PATH). */
export const METRICS_PATH = "/metrics";

/** A Prometheus relabel rule as the operator's CRDs spell it. */
export interface RelabelConfig {
  action: "replace" | "drop";
  sourceLabels: string[];
  targetLabel?: string;
  regex?: string;
}

/** Pod label -> series label; every RobustMQ series carries these after the scrape. */
export const TARGET_LABELS: ReadonlyArray<{ label: string; from: string }> = [
  { label: "namespace", from: "__meta_kubernetes_namespace" },
  { label: "pod", from: "__meta_kubernetes_pod_name" },
  { label: "cluster", from: "__meta_kubernetes_pod_label_app_kubernetes_io_instance" },
  { label: "tier", from: "__meta_kubernetes_pod_label_app_kubernetes_io_component" },
];

/** Series names dropped unless keepHighCardinalityMetrics: every series of a high-cardinality family. */
export const HIGH_CARDINALITY_SERIES: readonly string[] = ROBUSTMQ_METRICS.filter((m) => m.highCardinality).flatMap(seriesNames);

export function relabelings(): RelabelConfig[] {
  return TARGET_LABELS.map((t) => ({ action: "replace", sourceLabels: [t.from], targetLabel: t.label }));
}

/** Dropping happens before ingestion, so a dropped family costs the scrape only, never storage. */
export function metricRelabelings(mon: Pick<ResolvedMonitoring, "keepHighCardinalityMetrics">): RelabelConfig[] {
  if (mon.keepHighCardinalityMetrics) {
    return [];
  }
  return [{ action: "drop", sourceLabels: ["__name__"], regex: `(${HIGH_CARDINALITY_SERIES.join("|")})` }];
}

export interface MonitorManifest {
  apiVersion: typeof MONITORING_API_VERSION;
  kind: "ServiceMonitor" | "PodMonitor";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

/** Labels of every monitoring object: the component's own, then the ones a Prometheus selects by. */
export function monitoringLabels(cluster: ResolvedCluster, mon: ResolvedMonitoring): Record<string, string> {
  return { ...objectLabels(cluster, "monitoring"), ...mon.selectorLabels };
}

/** The ServiceMonitor or PodMonitor of one tier; undefined in Annotations mode. */
export function monitorManifest(cluster: ResolvedCluster, tier: ResolvedTier, mon: ResolvedMonitoring): MonitorManifest | undefined {
  if (mon.scrape === "Annotations") {
    return undefined;
  }
  const endpoint = {
    // The headless Service's port and the container's port share the listener's name.
    port: listenerOf("http").name,
    path: METRICS_PATH,
    scheme: "http",
    interval: mon.interval,
    relabelings: relabelings(),
    metricRelabelings: metricRelabelings(mon),
  };
  // A tier's headless Service and its pods carry the tier's selector labels; the client and admin
  // Services carry other component values, so they are never selected twice.
  const common = { selector: { matchLabels: selectorLabels(cluster, tier.name) }, namespaceSelector: { matchNames: [cluster.namespace] } };
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: mon.scrape,
    metadata: { name: cluster.names.monitor(tier.name), namespace: cluster.namespace, labels: monitoringLabels(cluster, mon) },
    spec: mon.scrape === "ServiceMonitor" ? { ...common, endpoints: [endpoint] } : { ...common, podMetricsEndpoints: [endpoint] },
  };
}
