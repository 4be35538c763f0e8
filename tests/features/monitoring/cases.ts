// Synthetic series for every alert: at least one case where it fires and one where it stays
// silent, against the rules rendered for REFERENCE (cluster "rmq" in namespace "mq", split
// topology, MQTT, cert-manager certificates for the listeners and the Ingress). Values use
// promtool's expanding notation ("0+10x30": 0, 10, 20, ... 31 samples, one a minute).
import type { RobustMQClusterArgs } from "../../../components";

export const REFERENCE_NAME = "rmq";
export const REFERENCE: RobustMQClusterArgs = {
  namespace: "mq",
  topology: "split",
  protocols: ["mqtt", "kafka"],
  listenerTls: { certManager: { issuerName: "internal-ca" } },
  ingress: { host: "mq.example.com", tls: { certManager: { issuerName: "letsencrypt" } } },
  monitoring: { runbookBaseUrl: "https://runbooks.example.com/robustmq.md" },
  // On for its alerts; the default schedule (every 10 minutes) and timeout (300 s) apply.
  runtimeSync: { enabled: true },
  // On for its alert; the default schedule (every six hours) and timeout (600 s) apply.
  backup: { volumeSnapshotClassName: "csi-snapclass" },
};

export interface ExpectedAlert {
  /** Labels besides alertname and the rule's own (severity, cluster, namespace). */
  labels: Record<string, string>;
  summary: string;
  description: string;
}

export interface AlertCase {
  alert: string;
  /** What the case shows. */
  name: string;
  /** Series selector -> values. */
  series: Record<string, string>;
  /** When the alert is evaluated. */
  at: string;
  /** The alerts expected to fire then; empty: silent. */
  fires: ExpectedAlert[];
}

/** A series of cluster rmq: `cluster` and `namespace` set, as the monitors' relabelings do. */
function rmq(name: string, labels: Record<string, string>): string {
  return series(name, { cluster: REFERENCE_NAME, namespace: "mq", ...labels });
}

function series(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
}

const META0 = { tier: "meta", pod: "rmq-meta-0", machine: "metadata_0" };
const BROKER0 = { tier: "broker", pod: "rmq-broker-0" };
const BROKER1 = { tier: "broker", pod: "rmq-broker-1" };
const META_STS = { namespace: "mq", statefulset: "rmq-meta" };
const DAY = 86400;
const SYNC_JOB = { namespace: "mq", job_name: "rmq-sync-0123456789" };
const RECONCILE = { namespace: "mq", cronjob: "rmq-reconcile" };
const SYNC_FAILED_DESCRIPTION =
  "The declared runtime state (dynamic config sections, MQTT users, ACLs, blacklist entries, topics) is not, or not fully, applied. " +
  "`kubectl -n mq logs job/rmq-sync-0123456789` and the pod's termination message name the object and RobustMQ's answer. " +
  "The periodic sync (CronJob rmq-reconcile) applies the same state on its schedule, and this alert clears once it succeeds; " +
  "to retry now, after fixing the cause, `pulumi up` runs the failed Job again.";
const BACKUP = { namespace: "mq", cronjob: "rmq-backup" };
const BACKUP_FIRES = {
  labels: { cronjob: "rmq-backup" },
  summary: "The scheduled backup of RobustMQ cluster mq/rmq is failing",
  description:
    'The latest run of CronJob mq/rmq-backup (schedule "0 */6 * * *") did not leave a complete snapshot set: ' +
    "the newest set a restore can use is older than the schedule promises (the RPO grows with every failed run). " +
    "`kubectl -n mq logs job/<run>` names the claim and the snapshot driver's message; " +
    "`kubectl -n mq get volumesnapshot -L robustmq.io/snapshot-set` shows the sets kept.",
};
const RECONCILE_FIRES = {
  labels: { cronjob: "rmq-reconcile" },
  summary: "The periodic runtime sync of RobustMQ cluster mq/rmq is failing",
  description:
    'The latest run of CronJob mq/rmq-reconcile (schedule "*/10 * * * *") did not succeed: runtime state changed outside the program is not put back, ' +
    "and a declared state the up-time sync failed to apply stays unapplied. " +
    "`kubectl -n mq get jobs` lists its last failed runs (rmq-reconcile-<minutes>); `kubectl -n mq logs job/<run>` names the object and RobustMQ's answer.",
};

export const CASES: AlertCase[] = [
  // --- scraping
  {
    alert: "RobustMQMetricsAbsent",
    name: "only another cluster is scraped",
    series: { [series("up", { cluster: "other", namespace: "mq", pod: "other-meta-0", tier: "meta" })]: "1x30" },
    at: "20m",
    fires: [{ labels: {}, summary: "Prometheus scrapes no pod of RobustMQ cluster mq/rmq", description: "No scrape target of the cluster's monitors exists, so every other alert of this cluster is blind. Check that this Prometheus selects the ServiceMonitors/PodMonitors (monitoring.selectorLabels) and watches the namespace." }],
  },
  {
    alert: "RobustMQMetricsAbsent",
    name: "silent while one pod is scraped",
    series: { [rmq("up", { pod: "rmq-meta-0", tier: "meta" })]: "1x30" },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQScrapeFailing",
    name: "a broker's /metrics fails for 10 minutes",
    series: { [rmq("up", BROKER1)]: "1 1 0x20", [rmq("up", BROKER0)]: "1x22" },
    at: "15m",
    fires: [{ labels: BROKER1, summary: "Prometheus cannot scrape mq/rmq-broker-1", description: "Every scrape of /metrics on the admin port of rmq-broker-1 (tier broker) failed for 10 minutes: the pod is down, or a NetworkPolicy keeps Prometheus out." }],
  },
  {
    alert: "RobustMQScrapeFailing",
    name: "silent for another cluster's failing target and a short blip",
    series: {
      [series("up", { cluster: "other", namespace: "mq", pod: "other-meta-0", tier: "meta" })]: "0x22",
      [rmq("up", BROKER0)]: "1 1 0 0 0 1x17",
    },
    at: "15m",
    fires: [],
  },
  // --- availability (kube-state-metrics)
  {
    alert: "RobustMQMetaQuorumLost",
    name: "1 of 3 meta pods Ready",
    series: { [series("kube_statefulset_replicas", META_STS)]: "3x20", [series("kube_statefulset_status_replicas_ready", META_STS)]: "3 3 1x18" },
    at: "10m",
    fires: [{ labels: META_STS, summary: "RobustMQ meta tier mq/rmq-meta has lost its Raft quorum", description: "Meta pods Ready: 1, fewer than a majority of the StatefulSet's replicas. Raft cannot commit: metadata writes (sessions, subscriptions, topics, offsets, node registration) fail cluster-wide." }],
  },
  {
    alert: "RobustMQMetaQuorumLost",
    name: "after a scale-out to 5, 2 Ready is below the quorum of 3 (the threshold follows the replicas)",
    series: { [series("kube_statefulset_replicas", META_STS)]: "5x20", [series("kube_statefulset_status_replicas_ready", META_STS)]: "2x20" },
    at: "10m",
    fires: [{ labels: META_STS, summary: "RobustMQ meta tier mq/rmq-meta has lost its Raft quorum", description: "Meta pods Ready: 2, fewer than a majority of the StatefulSet's replicas. Raft cannot commit: metadata writes (sessions, subscriptions, topics, offsets, node registration) fail cluster-wide." }],
  },
  {
    alert: "RobustMQMetaQuorumLost",
    name: "silent at 2 of 3 Ready, and for another namespace's StatefulSet of the same name",
    series: {
      [series("kube_statefulset_replicas", META_STS)]: "3x20",
      [series("kube_statefulset_status_replicas_ready", META_STS)]: "2x20",
      [series("kube_statefulset_replicas", { namespace: "other", statefulset: "rmq-meta" })]: "3x20",
      [series("kube_statefulset_status_replicas_ready", { namespace: "other", statefulset: "rmq-meta" })]: "0x20",
    },
    at: "10m",
    fires: [],
  },
  {
    alert: "RobustMQMetaQuorumAtRisk",
    name: "3 of 5 meta pods Ready for 15 minutes",
    series: { [series("kube_statefulset_replicas", META_STS)]: "5x25", [series("kube_statefulset_status_replicas_ready", META_STS)]: "3x25" },
    at: "20m",
    fires: [{ labels: META_STS, summary: "RobustMQ meta tier mq/rmq-meta is one pod failure away from losing quorum", description: "Exactly a majority (3) of the meta pods is Ready: one more failure stops every Raft write." }],
  },
  {
    alert: "RobustMQMetaQuorumAtRisk",
    name: "silent with every pod Ready",
    series: { [series("kube_statefulset_replicas", META_STS)]: "3x25", [series("kube_statefulset_status_replicas_ready", META_STS)]: "3x25" },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQMetaQuorumAtRisk",
    name: "silent for a single meta pod (a quorum of one is always one failure away)",
    series: { [series("kube_statefulset_replicas", META_STS)]: "1x25", [series("kube_statefulset_status_replicas_ready", META_STS)]: "1x25" },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQPodCrashLooping",
    name: "a broker restarts every minute",
    series: {
      [series("kube_pod_container_status_restarts_total", { namespace: "mq", pod: "rmq-broker-0", container: "robustmq" })]: "0 0 0+1x18",
    },
    at: "15m",
    fires: [{ labels: { pod: "rmq-broker-0", container: "robustmq" }, summary: "RobustMQ pod mq/rmq-broker-0 is crash-looping", description: "The robustmq container of rmq-broker-0 restarted 13 times in 15 minutes." }],
  },
  {
    alert: "RobustMQPodCrashLooping",
    name: "silent for one restart, the gate init container, and another release's pod",
    series: {
      [series("kube_pod_container_status_restarts_total", { namespace: "mq", pod: "rmq-broker-0", container: "robustmq" })]: "0 0 1x18",
      [series("kube_pod_container_status_restarts_total", { namespace: "mq", pod: "rmq-meta-0", container: "bootstrap-gate" })]: "0+1x20",
      [series("kube_pod_container_status_restarts_total", { namespace: "mq", pod: "rmq2-meta-0", container: "robustmq" })]: "0+1x20",
    },
    at: "15m",
    fires: [],
  },
  // --- Raft
  {
    alert: "RobustMQRaftWriteFailures",
    name: "10% of metadata writes fail",
    series: { [rmq("raft_write_requests_total", META0)]: "0+100x30", [rmq("raft_write_failures_total", META0)]: "0+10x30" },
    at: "20m",
    fires: [{ labels: { machine: "metadata_0" }, summary: "Raft writes to metadata_0 of RobustMQ cluster mq/rmq are failing", description: "10% of the writes to Raft group metadata_0 failed or timed out over 5 minutes (threshold 5%)." }],
  },
  {
    alert: "RobustMQRaftWriteFailures",
    name: "silent at 1%, and for failures counted by a broker pod",
    series: {
      [rmq("raft_write_requests_total", META0)]: "0+100x30",
      [rmq("raft_write_failures_total", META0)]: "0+1x30",
      [rmq("raft_write_requests_total", { ...BROKER0, machine: "metadata_0" })]: "0+10x30",
      [rmq("raft_write_failures_total", { ...BROKER0, machine: "metadata_0" })]: "0+10x30",
    },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQRaftWritesStalled",
    name: "every write to offset_0 fails",
    series: {
      [rmq("raft_write_failures_total", { ...META0, machine: "offset_0" })]: "0+5x30",
      [rmq("raft_write_success_total", { ...META0, machine: "offset_0" })]: "7x30",
    },
    at: "20m",
    fires: [{ labels: { machine: "offset_0" }, summary: "No Raft write to offset_0 of RobustMQ cluster mq/rmq succeeds", description: "Writes to Raft group offset_0 keep failing and none has succeeded for 10 minutes: the group has no working leader." }],
  },
  {
    alert: "RobustMQRaftWritesStalled",
    name: "silent while some writes succeed",
    series: {
      [rmq("raft_write_failures_total", { ...META0, machine: "offset_0" })]: "0+5x30",
      [rmq("raft_write_success_total", { ...META0, machine: "offset_0" })]: "0+1x30",
    },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQRaftApplyLag",
    name: "2000 entries behind for 20 minutes",
    series: { [rmq("raft_apply_lag", META0)]: "2000x30" },
    at: "20m",
    fires: [{ labels: META0, summary: "rmq-meta-0 applies Raft group metadata_0 far behind its log", description: "The state machine of metadata_0 on rmq-meta-0 has stayed more than 1000 entries behind the log (now 2000) for 15 minutes: reads served by this node are stale." }],
  },
  {
    alert: "RobustMQRaftApplyLag",
    name: "silent when the lag keeps draining to 0",
    series: { [rmq("raft_apply_lag", META0)]: "2000 0 2000 0 2000 0 2000 0 2000 0 2000 0 2000 0 2000 0 2000 0 2000 0 2000 0 2000 0" },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQRaftApplyStalled",
    name: "5 entries wait and last_applied does not move",
    series: { [rmq("raft_apply_lag", META0)]: "5x30", [rmq("raft_last_applied", META0)]: "100x30" },
    at: "20m",
    fires: [{ labels: META0, summary: "rmq-meta-0 has stopped applying Raft group metadata_0", description: "5 log entries of metadata_0 wait on rmq-meta-0 and none has been applied for 15 minutes: they are not committed (no quorum) or the state machine is stuck (RocksDB, full volume)." }],
  },
  {
    alert: "RobustMQRaftApplyStalled",
    name: "silent while applying progresses, and on an idle group with nothing waiting",
    series: {
      [rmq("raft_apply_lag", META0)]: "5x30",
      [rmq("raft_last_applied", META0)]: "100+1x30",
      [rmq("raft_apply_lag", { ...META0, machine: "data_0" })]: "0x30",
      [rmq("raft_last_applied", { ...META0, machine: "data_0" })]: "42x30",
    },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQRaftRpcFailures",
    name: "half the append-entries RPCs of meta-0 fail",
    series: {
      [rmq("raft_rpc_requests_total", { ...META0, rpc_type: "append_entries" })]: "0+60x40",
      [rmq("raft_rpc_failures_total", { ...META0, rpc_type: "append_entries" })]: "0+30x40",
    },
    at: "25m",
    fires: [{ labels: { pod: "rmq-meta-0", machine: "metadata_0" }, summary: "Raft RPCs from rmq-meta-0 to its peers are failing", description: "50% of the Raft RPCs (append entries, votes, snapshots) rmq-meta-0 sent for metadata_0 failed over 5 minutes (threshold 10%): a peer is down or unreachable." }],
  },
  {
    alert: "RobustMQRaftRpcFailures",
    name: "silent for the odd failure",
    series: {
      [rmq("raft_rpc_requests_total", { ...META0, rpc_type: "append_entries" })]: "0+60x40",
      [rmq("raft_rpc_failures_total", { ...META0, rpc_type: "append_entries" })]: "0+1x40",
    },
    at: "25m",
    fires: [],
  },
  // --- MQTT
  {
    alert: "RobustMQMqttAuthFailures",
    name: "10 refused logins a second, half of all",
    series: {
      [rmq("mqtt_auth_failed_total", BROKER0)]: "0+300x30",
      [rmq("mqtt_auth_failed_total", BROKER1)]: "0+300x30",
      [rmq("mqtt_auth_success_total", BROKER0)]: "0+600x30",
    },
    at: "20m",
    fires: [{ labels: {}, summary: "MQTT logins to RobustMQ cluster mq/rmq are being refused", description: "10 MQTT logins per second fail authentication, more than 20% of all: wrong or rotated credentials, or someone guessing." }],
  },
  {
    alert: "RobustMQMqttAuthFailures",
    name: "silent for one client retrying (under 1/s) and for 2% of a busy cluster",
    series: {
      [rmq("mqtt_auth_failed_total", BROKER0)]: "0+30x30",
      [rmq("mqtt_auth_success_total", BROKER0)]: "0x30",
      [series("mqtt_auth_failed_total", { cluster: "busy", namespace: "mq", ...BROKER0 })]: "0+120x30",
      [series("mqtt_auth_success_total", { cluster: "busy", namespace: "mq", ...BROKER0 })]: "0+6000x30",
    },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQMqttConnectionFailures",
    name: "3 failed CONNECTs a second, 75% of all",
    series: { [rmq("mqtt_connection_failed_total", BROKER0)]: "0+180x30", [rmq("mqtt_connection_success_total", BROKER0)]: "0+60x30" },
    at: "20m",
    fires: [{ labels: {}, summary: "MQTT connections to RobustMQ cluster mq/rmq are being refused", description: "3 MQTT CONNECTs per second are answered with a failure, more than 20% of all." }],
  },
  {
    alert: "RobustMQMqttConnectionFailures",
    name: "silent at 5 failures a second out of 500",
    series: { [rmq("mqtt_connection_failed_total", BROKER0)]: "0+300x30", [rmq("mqtt_connection_success_total", BROKER0)]: "0+30000x30" },
    at: "20m",
    fires: [],
  },
  // --- resources
  {
    alert: "RobustMQHandlerQueueSaturated",
    name: "the queue stays 90% full",
    series: { [rmq("handler_queue_size", { ...BROKER0, label: "handler" })]: "900x20", [rmq("handler_queue_remaining", { ...BROKER0, label: "handler" })]: "100x20" },
    at: "10m",
    fires: [{ labels: { ...BROKER0, label: "handler" }, summary: "Request handlers of mq/rmq-broker-0 cannot keep up", description: "The handler queue of rmq-broker-0 is 90% full (threshold 80%): requests wait, and a full queue stalls the client connections." }],
  },
  {
    alert: "RobustMQHandlerQueueSaturated",
    name: "silent at 10%, and at the initial 0 of 0",
    series: {
      [rmq("handler_queue_size", { ...BROKER0, label: "handler" })]: "100x20",
      [rmq("handler_queue_remaining", { ...BROKER0, label: "handler" })]: "900x20",
      [rmq("handler_queue_size", { ...BROKER1, label: "handler" })]: "0x20",
      [rmq("handler_queue_remaining", { ...BROKER1, label: "handler" })]: "0x20",
    },
    at: "10m",
    fires: [],
  },
  {
    alert: "RobustMQMemoryNearLimit",
    name: "2 GB used of a 2 GiB limit",
    series: {
      [series("container_memory_working_set_bytes", { namespace: "mq", pod: "rmq-meta-0", container: "robustmq" })]: "2000000000x30",
      [series("kube_pod_container_resource_limits", { namespace: "mq", pod: "rmq-meta-0", container: "robustmq", resource: "memory", unit: "byte" })]: "2147483648x30",
    },
    at: "20m",
    fires: [{ labels: { pod: "rmq-meta-0" }, summary: "RobustMQ pod mq/rmq-meta-0 is near its memory limit", description: "The robustmq container uses 93.13% of its memory limit (threshold 90%): the kernel kills it at 100%." }],
  },
  {
    alert: "RobustMQMemoryNearLimit",
    name: "silent at half the limit, and for the pod cgroup's own series",
    series: {
      [series("container_memory_working_set_bytes", { namespace: "mq", pod: "rmq-meta-0", container: "robustmq" })]: "1073741824x30",
      [series("container_memory_working_set_bytes", { namespace: "mq", pod: "rmq-meta-0", container: "" })]: "2100000000x30",
      [series("kube_pod_container_resource_limits", { namespace: "mq", pod: "rmq-meta-0", container: "robustmq", resource: "memory", unit: "byte" })]: "2147483648x30",
    },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQVolumeFillingUp",
    name: "10% free on an engine volume",
    series: {
      [series("kubelet_volume_stats_available_bytes", { namespace: "mq", persistentvolumeclaim: "data-rmq-engine-2" })]: "10x30",
      [series("kubelet_volume_stats_capacity_bytes", { namespace: "mq", persistentvolumeclaim: "data-rmq-engine-2" })]: "100x30",
    },
    at: "20m",
    fires: [{ labels: { persistentvolumeclaim: "data-rmq-engine-2" }, summary: "RobustMQ data volume mq/data-rmq-engine-2 is filling up", description: "Only 10% of the volume is free (threshold 15%). It holds RocksDB (Raft log and metadata) and the engine's segments." }],
  },
  {
    alert: "RobustMQVolumeFillingUp",
    name: "silent at half free, and for a PVC that is not a data volume of this cluster",
    series: {
      [series("kubelet_volume_stats_available_bytes", { namespace: "mq", persistentvolumeclaim: "data-rmq-engine-2" })]: "50x30",
      [series("kubelet_volume_stats_capacity_bytes", { namespace: "mq", persistentvolumeclaim: "data-rmq-engine-2" })]: "100x30",
      [series("kubelet_volume_stats_available_bytes", { namespace: "mq", persistentvolumeclaim: "data-postgres-0" })]: "1x30",
      [series("kubelet_volume_stats_capacity_bytes", { namespace: "mq", persistentvolumeclaim: "data-postgres-0" })]: "100x30",
    },
    at: "20m",
    fires: [],
  },
  {
    alert: "RobustMQVolumeFull",
    name: "4% free on a meta volume",
    series: {
      [series("kubelet_volume_stats_available_bytes", { namespace: "mq", persistentvolumeclaim: "data-rmq-meta-1" })]: "4x30",
      [series("kubelet_volume_stats_capacity_bytes", { namespace: "mq", persistentvolumeclaim: "data-rmq-meta-1" })]: "100x30",
    },
    at: "10m",
    fires: [{ labels: { persistentvolumeclaim: "data-rmq-meta-1" }, summary: "RobustMQ data volume mq/data-rmq-meta-1 is almost full", description: "Only 4% of the volume is free (threshold 5%): RocksDB writes, and with them Raft and the storage engine, fail when it is full." }],
  },
  {
    alert: "RobustMQVolumeFull",
    name: "silent at 10% free (RobustMQVolumeFillingUp's range)",
    series: {
      [series("kubelet_volume_stats_available_bytes", { namespace: "mq", persistentvolumeclaim: "data-rmq-meta-1" })]: "10x30",
      [series("kubelet_volume_stats_capacity_bytes", { namespace: "mq", persistentvolumeclaim: "data-rmq-meta-1" })]: "100x30",
    },
    at: "10m",
    fires: [],
  },
  // --- certificates (promtool's clock starts at 0: timestamps are seconds from there)
  {
    alert: "RobustMQCertificateExpiringSoon",
    name: "the listener certificate expires in 10 days; the Ingress one, scraped without honorLabels, in 5",
    series: {
      [series("certmanager_certificate_expiration_timestamp_seconds", { namespace: "mq", name: "rmq-listener-tls" })]: `${10 * DAY}x200`,
      [series("certmanager_certificate_expiration_timestamp_seconds", { namespace: "cert-manager", exported_namespace: "mq", name: "rmq-ingress-tls" })]:
        `${5 * DAY}x200`,
    },
    at: "2h",
    fires: [
      { labels: { name: "rmq-ingress-tls" }, summary: "Certificate rmq-ingress-tls of RobustMQ cluster mq/rmq expires soon", description: "The certificate cert-manager keeps in Secret rmq-ingress-tls expires in 4d 22h 0m 0s (threshold 14 days): cert-manager has not renewed it." },
      { labels: { name: "rmq-listener-tls" }, summary: "Certificate rmq-listener-tls of RobustMQ cluster mq/rmq expires soon", description: "The certificate cert-manager keeps in Secret rmq-listener-tls expires in 9d 22h 0m 0s (threshold 14 days): cert-manager has not renewed it." },
    ],
  },
  {
    alert: "RobustMQCertificateExpiringSoon",
    name: "silent 60 days ahead, and for another namespace's certificate of the same name",
    series: {
      [series("certmanager_certificate_expiration_timestamp_seconds", { namespace: "mq", name: "rmq-listener-tls" })]: `${60 * DAY}x200`,
      [series("certmanager_certificate_expiration_timestamp_seconds", { namespace: "other", name: "rmq-ingress-tls" })]: `${DAY}x200`,
    },
    at: "2h",
    fires: [],
  },
  {
    alert: "RobustMQListenerCertificateNotServed",
    name: "a broker started before the renewed certificate's notBefore",
    series: {
      [series("kube_pod_container_state_started", { namespace: "mq", pod: "rmq-broker-0", container: "robustmq" })]: "1000x200",
      [series("kube_pod_container_state_started", { namespace: "mq", pod: "rmq-broker-1", container: "robustmq" })]: "6000x200",
      [series("certmanager_certificate_not_before_timestamp_seconds", { namespace: "mq", name: "rmq-listener-tls" })]: "5000x200",
    },
    at: "3h",
    fires: [{ labels: { pod: "rmq-broker-0" }, summary: "mq/rmq-broker-0 still serves the previous listener certificate", description: "cert-manager renewed rmq-listener-tls, but the robustmq container of rmq-broker-0 started before that and keeps serving the old certificate on its TLS listeners until it restarts." }],
  },
  {
    alert: "RobustMQListenerCertificateNotServed",
    name: "silent for a meta pod started before the renewal: meta pods serve no listener certificate",
    series: {
      [series("kube_pod_container_state_started", { namespace: "mq", pod: "rmq-meta-0", container: "robustmq" })]: "1000x200",
      [series("certmanager_certificate_not_before_timestamp_seconds", { namespace: "mq", name: "rmq-listener-tls" })]: "5000x200",
    },
    at: "3h",
    fires: [],
  },
  {
    alert: "RobustMQListenerCertificateNotServed",
    name: "silent without the listener certificate's notBefore (cert-manager before 1.18), whatever the Ingress certificate says",
    series: {
      [series("kube_pod_container_state_started", { namespace: "mq", pod: "rmq-broker-0", container: "robustmq" })]: "1000x200",
      [series("certmanager_certificate_not_before_timestamp_seconds", { namespace: "mq", name: "rmq-ingress-tls" })]: "5000x200",
    },
    at: "3h",
    fires: [],
  },
  // --- runtime sync (kube-state-metrics; times in seconds from promtool's 0, one sample a minute)
  {
    alert: "RobustMQRuntimeSyncFailed",
    name: "the sync Job fails at minute 3 (reason-less count, then the Failed condition's reasons); the last periodic success is older",
    series: {
      [series("kube_job_status_failed", SYNC_JOB)]: "0 0 0",
      [series("kube_job_status_failed", { ...SYNC_JOB, reason: "BackoffLimitExceeded" })]: "_ _ _ 1x17",
      [series("kube_job_status_failed", { ...SYNC_JOB, reason: "DeadlineExceeded" })]: "_ _ _ 0x17",
      [series("kube_job_status_failed", { ...SYNC_JOB, reason: "Evicted" })]: "_ _ _ 0x17",
      [series("kube_job_status_start_time", SYNC_JOB)]: "60x20",
      [series("kube_cronjob_status_last_successful_time", RECONCILE)]: "30x20",
    },
    at: "10m",
    fires: [{ labels: { job_name: "rmq-sync-0123456789" }, summary: "Runtime sync Job mq/rmq-sync-0123456789 of RobustMQ cluster mq/rmq failed", description: SYNC_FAILED_DESCRIPTION }],
  },
  {
    alert: "RobustMQRuntimeSyncFailed",
    name: "silent for a succeeded sync Job, a failed periodic run, another cluster's and another namespace's sync Job",
    series: {
      [series("kube_job_status_failed", SYNC_JOB)]: "0x20",
      [series("kube_job_status_failed", { namespace: "mq", job_name: "rmq-reconcile-29400000", reason: "BackoffLimitExceeded" })]: "1x20",
      [series("kube_job_status_failed", { namespace: "mq", job_name: "rmq2-sync-0123456789", reason: "BackoffLimitExceeded" })]: "1x20",
      [series("kube_job_status_failed", { namespace: "other", job_name: "rmq-sync-0123456789", reason: "BackoffLimitExceeded" })]: "1x20",
    },
    at: "10m",
    fires: [],
  },
  {
    alert: "RobustMQRuntimeSyncFailed",
    name: "silent once a periodic run succeeded after the failed Job started",
    series: {
      [series("kube_job_status_failed", { ...SYNC_JOB, reason: "BackoffLimitExceeded" })]: "1x20",
      [series("kube_job_status_start_time", SYNC_JOB)]: "60x20",
      [series("kube_cronjob_status_last_successful_time", RECONCILE)]: "30x4 400x15",
    },
    at: "10m",
    fires: [],
  },
  {
    alert: "RobustMQRuntimeReconcileFailing",
    name: "the runs scheduled at minutes 10 and 20 fail after one success at 0:30",
    series: {
      [series("kube_cronjob_status_last_schedule_time", RECONCILE)]: "0x9 600x9 1200x10",
      [series("kube_cronjob_status_last_successful_time", RECONCILE)]: "30x29",
    },
    at: "25m",
    fires: [RECONCILE_FIRES],
  },
  {
    alert: "RobustMQRuntimeReconcileFailing",
    name: "no run has ever succeeded",
    series: { [series("kube_cronjob_status_last_schedule_time", RECONCILE)]: "0x9 600x9 1200x10" },
    at: "25m",
    fires: [RECONCILE_FIRES],
  },
  {
    alert: "RobustMQRuntimeReconcileFailing",
    name: "silent while every run succeeds after 5 minutes, and for another namespace's and another cluster's failing CronJob",
    series: {
      [series("kube_cronjob_status_last_schedule_time", RECONCILE)]: "0x9 600x9 1200x10",
      [series("kube_cronjob_status_last_successful_time", RECONCILE)]: "-300x4 300x9 900x9 1500x5",
      [series("kube_cronjob_status_last_schedule_time", { namespace: "other", cronjob: "rmq-reconcile" })]: "1200x29",
      [series("kube_cronjob_status_last_successful_time", { namespace: "other", cronjob: "rmq-reconcile" })]: "0x29",
      [series("kube_cronjob_status_last_schedule_time", { namespace: "mq", cronjob: "rmq2-reconcile" })]: "1200x29",
    },
    at: "25m",
    fires: [],
  },
  // --- backup
  {
    alert: "RobustMQBackupFailing",
    name: "the run scheduled at minute 10 fails after one success at 0:30, and stays the latest for longer than a run may take",
    series: {
      [series("kube_cronjob_status_last_schedule_time", BACKUP)]: "0x9 600x30",
      [series("kube_cronjob_status_last_successful_time", BACKUP)]: "30x39",
    },
    at: "35m",
    fires: [BACKUP_FIRES],
  },
  {
    alert: "RobustMQBackupFailing",
    name: "no run has ever succeeded",
    series: { [series("kube_cronjob_status_last_schedule_time", BACKUP)]: "0x30" },
    at: "25m",
    fires: [BACKUP_FIRES],
  },
  {
    alert: "RobustMQBackupFailing",
    name: "silent while each run takes minutes to succeed, and for another namespace's failing backup",
    series: {
      [series("kube_cronjob_status_last_schedule_time", BACKUP)]: "0x9 600x9 1200x10",
      [series("kube_cronjob_status_last_successful_time", BACKUP)]: "-300x4 300x9 900x9 1500x5",
      [series("kube_cronjob_status_last_schedule_time", { namespace: "other", cronjob: "rmq-backup" })]: "1200x29",
    },
    at: "25m",
    fires: [],
  },
];
