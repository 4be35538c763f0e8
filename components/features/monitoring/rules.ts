// The alert rules: one PrometheusRule per cluster. Each rule selects this cluster's series only
// (its `cluster` and `namespace` labels, or the names of its own StatefulSets, pods, PVCs and
// Certificates for exporter series), and keeps `cluster` and `namespace` on every alert, so any
// number of clusters can share one Prometheus without one cluster's rule firing for another.
//
// What the RobustMQ series mean is read from v0.4.11's source (rmq/metrics.ts has the files);
// each rule says where its meaning comes from. Rules exist only where they mean something for
// this deployment: the MQTT ones only with MQTT enabled, the certificate ones only when cert-manager
// issues the cluster's certificates, the runtime sync's only with the sync on. Thresholds are fixed here and stated in docs/runbooks.md.
import { ResolvedCluster, ResolvedMonitoring, ResolvedTier } from "../../api/model";
import { CONTAINER_NAME, DATA_VOLUME } from "../../api/naming";
import { carriesBroker, carriesMeta } from "../../rmq/topology";
import { MONITORING_API_VERSION, monitoringLabels } from "./scrape";

export type Severity = "critical" | "warning";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: Severity;
  summary: string;
  description: string;
}

export interface AlertGroup {
  name: string;
  rules: AlertRule[];
}

/** A rule as the PrometheusRule (and promtool) takes it. */
export interface RenderedRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}

export interface PrometheusRuleManifest {
  apiVersion: typeof MONITORING_API_VERSION;
  kind: "PrometheusRule";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { groups: Array<{ name: string; rules: RenderedRule[] }> };
}

/** Thresholds, named so the runbooks and the tests can quote them. */
export const THRESHOLDS = {
  raftWriteFailureRatio: 0.05,
  raftApplyLag: 1000,
  raftRpcFailureRatio: 0.1,
  mqttFailureRatio: 0.2,
  mqttFailuresPerSecond: 1,
  handlerQueueFill: 0.8,
  memoryOfLimit: 0.9,
  volumeFreeWarning: 0.15,
  volumeFreeCritical: 0.05,
  crashRestarts: 3,
} as const;

/** Minutes the CronJob alerts (periodic sync, backup) wait beyond the longest run (controller and scrape delays). */
export const RECONCILE_MARGIN_MINUTES = 5;

/** Anchor of an alert's section in docs/runbooks.md (GitHub's heading slug of the alert name). */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** PromQL label matchers; values are the component's own names (DNS labels), so need no escaping. */
function sel(matchers: Record<string, string>): string {
  return `{${Object.entries(matchers)
    .map(([k, v]) => (k.endsWith("=~") ? `${k.slice(0, -2)}=~"${v}"` : `${k}="${v}"`))
    .join(", ")}}`;
}

/** Regex of the pods of some tiers: "<statefulset>-<ordinal>". */
function podsOf(tiers: ResolvedTier[]): string {
  return `(${tiers.map((t) => t.names.statefulSet).join("|")})-[0-9]+`;
}

/** The certificates cert-manager issues for this cluster, by Certificate name (= their Secret's name). */
export function issuedCertificates(cluster: Pick<ResolvedCluster, "listenerTls" | "ingress">): { listener?: string; ingress?: string } {
  return {
    listener: cluster.listenerTls?.certManager === undefined ? undefined : cluster.listenerTls.secretName,
    // Both modes: in "annotation" mode cert-manager's ingress-shim names the Certificate after the Secret.
    ingress: cluster.ingress?.tls?.certManager === undefined ? undefined : cluster.ingress.tls.secretName,
  };
}

/** cert-manager series of some Certificates of the namespace, whether or not the scrape honoured its labels. */
function certManagerSeries(metric: string, namespace: string, names: string[]): string {
  const name: Record<string, string> = names.length === 1 ? { name: names[0] } : { "name=~": names.join("|") };
  return `${metric}${sel({ namespace, ...name })} or ${metric}${sel({ exported_namespace: namespace, ...name })}`;
}

export function alertGroups(cluster: ResolvedCluster, mon: ResolvedMonitoring): AlertGroup[] {
  const rules = mon.rules;
  if (rules === undefined) {
    return [];
  }
  const ns = cluster.namespace;
  const own = { cluster: cluster.name, namespace: ns };
  // Literal: annotation templates see the expression's labels only, and exporter series have no
  // `cluster` (the rule's static labels are added after the templates are expanded).
  const who = `${ns}/${cluster.name}`;
  const S = sel(own);
  const metaTier = cluster.tiers.find(carriesMeta) as ResolvedTier;
  const M = sel({ ...own, tier: metaTier.name });
  const metaSts = sel({ namespace: ns, statefulset: metaTier.names.statefulSet });
  const container = sel({ namespace: ns, "pod=~": podsOf(cluster.tiers), container: CONTAINER_NAME });
  const pvcs = sel({ namespace: ns, "persistentvolumeclaim=~": `${DATA_VOLUME}-${podsOf(cluster.tiers)}` });
  const byCluster = "sum by (cluster, namespace)";
  const byGroup = "sum by (cluster, namespace, machine)";
  const T = THRESHOLDS;
  const quorumOf = `floor(max by (namespace, statefulset) (kube_statefulset_replicas${metaSts}) / 2) + 1`;
  const ready = `max by (namespace, statefulset) (kube_statefulset_status_replicas_ready${metaSts})`;

  const groups: AlertGroup[] = [
    {
      name: "robustmq-scrape",
      rules: [
        {
          alert: "RobustMQMetricsAbsent",
          expr: `absent(up${S})`,
          for: "15m",
          severity: "warning",
          summary: `Prometheus scrapes no pod of RobustMQ cluster ${who}`,
          description:
            "No scrape target of the cluster's monitors exists, so every other alert of this cluster is blind. " +
            "Check that this Prometheus selects the ServiceMonitors/PodMonitors (monitoring.selectorLabels) and watches the namespace.",
        },
        {
          alert: "RobustMQScrapeFailing",
          expr: `up${S} == 0`,
          for: "10m",
          severity: "warning",
          summary: "Prometheus cannot scrape {{ $labels.namespace }}/{{ $labels.pod }}",
          description:
            "Every scrape of /metrics on the admin port of {{ $labels.pod }} (tier {{ $labels.tier }}) failed for 10 minutes: " +
            "the pod is down, or a NetworkPolicy keeps Prometheus out.",
        },
      ],
    },
    {
      // Quorum from kube-state-metrics, not from RobustMQ: a pod that is down serves no metrics.
      // Thresholds follow the StatefulSet's replicas, so scaling the meta tier needs no rule change.
      name: "robustmq-availability",
      rules: [
        {
          alert: "RobustMQMetaQuorumLost",
          expr: `${ready} < ${quorumOf} and max by (namespace, statefulset) (kube_statefulset_replicas${metaSts}) > 0`,
          for: "5m",
          severity: "critical",
          summary: "RobustMQ meta tier {{ $labels.namespace }}/{{ $labels.statefulset }} has lost its Raft quorum",
          description:
            "Meta pods Ready: {{ $value }}, fewer than a majority of the StatefulSet's replicas. " +
            "Raft cannot commit: metadata writes (sessions, subscriptions, topics, offsets, node registration) fail cluster-wide.",
        },
        {
          alert: "RobustMQMetaQuorumAtRisk",
          expr: `${ready} == ${quorumOf} and max by (namespace, statefulset) (kube_statefulset_replicas${metaSts}) > 1`,
          for: "15m",
          severity: "warning",
          summary: "RobustMQ meta tier {{ $labels.namespace }}/{{ $labels.statefulset }} is one pod failure away from losing quorum",
          description: "Exactly a majority ({{ $value }}) of the meta pods is Ready: one more failure stops every Raft write.",
        },
        {
          alert: "RobustMQPodCrashLooping",
          expr: `increase(kube_pod_container_status_restarts_total${container}[15m]) >= ${T.crashRestarts}`,
          for: "5m",
          severity: "warning",
          summary: "RobustMQ pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
          description: "The robustmq container of {{ $labels.pod }} restarted {{ $value | printf \"%.0f\" }} times in 15 minutes.",
        },
      ],
    },
    {
      // meta/raft.rs: every write to a Raft group counts a request, then a success or a failure
      // (meta-service raft/group.rs; a timeout is a failure, and so is a follower's "has to
      // forward request to" answer, which the client retries on the leader). Apply lag is
      // last_log_index - last_applied, sampled every second (raft/manager.rs). RPC counters are the
      // sender's view of append_entries, vote and install_snapshot (raft/network/connection.rs).
      name: "robustmq-raft",
      rules: [
        {
          alert: "RobustMQRaftWriteFailures",
          expr:
            `${byGroup} (rate(raft_write_failures_total${M}[5m])) / ${byGroup} (rate(raft_write_requests_total${M}[5m]))` +
            ` > ${T.raftWriteFailureRatio}`,
          for: "10m",
          severity: "warning",
          summary: `Raft writes to {{ $labels.machine }} of RobustMQ cluster ${who} are failing`,
          description: `{{ $value | humanizePercentage }} of the writes to Raft group {{ $labels.machine }} failed or timed out over 5 minutes (threshold ${T.raftWriteFailureRatio * 100}%).`,
        },
        {
          alert: "RobustMQRaftWritesStalled",
          expr:
            `${byGroup} (rate(raft_write_failures_total${M}[5m])) > 0` +
            ` unless ${byGroup} (rate(raft_write_success_total${M}[5m])) > 0`,
          for: "5m",
          severity: "critical",
          summary: `No Raft write to {{ $labels.machine }} of RobustMQ cluster ${who} succeeds`,
          description: "Writes to Raft group {{ $labels.machine }} keep failing and none has succeeded for 10 minutes: the group has no working leader.",
        },
        {
          alert: "RobustMQRaftApplyLag",
          expr: `min_over_time(raft_apply_lag${M}[5m]) > ${T.raftApplyLag}`,
          for: "10m",
          severity: "warning",
          summary: "{{ $labels.pod }} applies Raft group {{ $labels.machine }} far behind its log",
          description: `The state machine of {{ $labels.machine }} on {{ $labels.pod }} has stayed more than ${T.raftApplyLag} entries behind the log (now {{ $value }}) for 15 minutes: reads served by this node are stale.`,
        },
        {
          alert: "RobustMQRaftApplyStalled",
          expr: `raft_apply_lag${M} > 0 and changes(raft_last_applied${M}[10m]) == 0`,
          for: "5m",
          severity: "critical",
          summary: "{{ $labels.pod }} has stopped applying Raft group {{ $labels.machine }}",
          description: "{{ $value }} log entries of {{ $labels.machine }} wait on {{ $labels.pod }} and none has been applied for 15 minutes: they are not committed (no quorum) or the state machine is stuck (RocksDB, full volume).",
        },
        {
          alert: "RobustMQRaftRpcFailures",
          expr:
            `sum by (cluster, namespace, pod, machine) (rate(raft_rpc_failures_total${M}[5m]))` +
            ` / sum by (cluster, namespace, pod, machine) (rate(raft_rpc_requests_total${M}[5m])) > ${T.raftRpcFailureRatio}`,
          for: "15m",
          severity: "warning",
          summary: "Raft RPCs from {{ $labels.pod }} to its peers are failing",
          description: `{{ $value | humanizePercentage }} of the Raft RPCs (append entries, votes, snapshots) {{ $labels.pod }} sent for {{ $labels.machine }} failed over 5 minutes (threshold ${T.raftRpcFailureRatio * 100}%): a peer is down or unreachable.`,
        },
      ],
    },
  ];

  if (cluster.protocols.includes("mqtt")) {
    // mqtt-broker mqtt/connect.rs counts every CONNECT's login as an auth success or failure (a
    // banned client is a failure); core/command.rs counts every CONNACK as a connection success
    // or failure (auth, bans, quotas, flapping detection, unsupported versions). A ratio with a
    // floor: one misconfigured client retrying is not a spike.
    const spike = (failed: string, succeeded: string) =>
      `${byCluster} (rate(${failed}${S}[5m])) > ${T.mqttFailuresPerSecond}` +
      ` and ${byCluster} (rate(${failed}${S}[5m])) / (${byCluster} (rate(${failed}${S}[5m])) + ${byCluster} (rate(${succeeded}${S}[5m])))` +
      ` > ${T.mqttFailureRatio}`;
    groups.push({
      name: "robustmq-mqtt",
      rules: [
        {
          alert: "RobustMQMqttAuthFailures",
          expr: spike("mqtt_auth_failed_total", "mqtt_auth_success_total"),
          for: "10m",
          severity: "warning",
          summary: `MQTT logins to RobustMQ cluster ${who} are being refused`,
          description: `{{ $value | humanize }} MQTT logins per second fail authentication, more than ${T.mqttFailureRatio * 100}% of all: wrong or rotated credentials, or someone guessing.`,
        },
        {
          alert: "RobustMQMqttConnectionFailures",
          expr: spike("mqtt_connection_failed_total", "mqtt_connection_success_total"),
          for: "10m",
          severity: "warning",
          summary: `MQTT connections to RobustMQ cluster ${who} are being refused`,
          description: `{{ $value | humanize }} MQTT CONNECTs per second are answered with a failure, more than ${T.mqttFailureRatio * 100}% of all.`,
        },
      ],
    });
  }

  const certs = issuedCertificates(cluster);
  const brokerTiers = cluster.tiers.filter(carriesBroker);
  groups.push({
    name: "robustmq-resources",
    rules: [
      {
        // network.rs: size and remaining capacity of a handler worker's request channel, sampled
        // at every dequeue (network-server common/handler.rs); both start at 0, and 0/0 never fires.
        alert: "RobustMQHandlerQueueSaturated",
        expr: `handler_queue_size${S} / (handler_queue_size${S} + handler_queue_remaining${S}) > ${T.handlerQueueFill}`,
        for: "5m",
        severity: "warning",
        summary: "Request handlers of {{ $labels.namespace }}/{{ $labels.pod }} cannot keep up",
        description: `The handler queue of {{ $labels.pod }} is {{ $value | humanizePercentage }} full (threshold ${T.handlerQueueFill * 100}%): requests wait, and a full queue stalls the client connections.`,
      },
      {
        // Not RobustMQ's system_process_memory_usage: that is a share of the node's memory, blind
        // to the container's limit (rmq/metrics.ts).
        alert: "RobustMQMemoryNearLimit",
        expr:
          `max by (namespace, pod) (container_memory_working_set_bytes${container})` +
          ` / max by (namespace, pod) (kube_pod_container_resource_limits${sel({ namespace: ns, "pod=~": podsOf(cluster.tiers), container: CONTAINER_NAME, resource: "memory" })})` +
          ` > ${T.memoryOfLimit}`,
        for: "15m",
        severity: "warning",
        summary: "RobustMQ pod {{ $labels.namespace }}/{{ $labels.pod }} is near its memory limit",
        description: `The robustmq container uses {{ $value | humanizePercentage }} of its memory limit (threshold ${T.memoryOfLimit * 100}%): the kernel kills it at 100%.`,
      },
      {
        alert: "RobustMQVolumeFillingUp",
        expr:
          `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes${pvcs})` +
          ` / max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes${pvcs}) < ${T.volumeFreeWarning}`,
        for: "15m",
        severity: "warning",
        summary: "RobustMQ data volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is filling up",
        description: `Only {{ $value | humanizePercentage }} of the volume is free (threshold ${T.volumeFreeWarning * 100}%). It holds RocksDB (Raft log and metadata) and the engine's segments.`,
      },
      {
        alert: "RobustMQVolumeFull",
        expr:
          `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes${pvcs})` +
          ` / max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes${pvcs}) < ${T.volumeFreeCritical}`,
        for: "5m",
        severity: "critical",
        summary: "RobustMQ data volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is almost full",
        description: `Only {{ $value | humanizePercentage }} of the volume is free (threshold ${T.volumeFreeCritical * 100}%): RocksDB writes, and with them Raft and the storage engine, fail when it is full.`,
      },
    ],
  });

  const names = [certs.listener, certs.ingress].filter((n): n is string => n !== undefined);
  if (names.length > 0) {
    const certRules: AlertRule[] = [
      {
        alert: "RobustMQCertificateExpiringSoon",
        expr:
          `min by (name) (${certManagerSeries("certmanager_certificate_expiration_timestamp_seconds", ns, names)})` +
          ` - time() < ${rules.certificateExpiryDays} * 86400`,
        for: "1h",
        severity: "warning",
        summary: `Certificate {{ $labels.name }} of RobustMQ cluster ${who} expires soon`,
        description: `The certificate cert-manager keeps in Secret {{ $labels.name }} expires in {{ $value | humanizeDuration }} (threshold ${rules.certificateExpiryDays} days): cert-manager has not renewed it.`,
      },
    ];
    if (certs.listener !== undefined && brokerTiers.length > 0) {
      // RobustMQ reads the listener certificate only when a listener starts (docs/OPERATIONS.md,
      // TLS): a container started before the Secret's current certificate still serves the old
      // one. Needs cert-manager >= 1.18 for the notBefore metric; silent without it (scalar of
      // nothing is NaN, and no comparison with NaN holds).
      certRules.push({
        alert: "RobustMQListenerCertificateNotServed",
        expr:
          `max by (namespace, pod) (kube_pod_container_state_started${sel({ namespace: ns, "pod=~": podsOf(brokerTiers), container: CONTAINER_NAME })})` +
          ` < scalar(max(${certManagerSeries("certmanager_certificate_not_before_timestamp_seconds", ns, [certs.listener])}))`,
        for: "1h",
        severity: "warning",
        summary: "{{ $labels.namespace }}/{{ $labels.pod }} still serves the previous listener certificate",
        description: `cert-manager renewed ${certs.listener}, but the robustmq container of {{ $labels.pod }} started before that and keeps serving the old certificate on its TLS listeners until it restarts.`,
      });
    }
    groups.push({ name: "robustmq-certificates", rules: certRules });
  }

  // A CronJob whose latest run did not succeed. kube-state-metrics cronjob.go:
  // status.lastScheduleTime and status.lastSuccessfulTime (unix seconds; the latter since v2.5.0,
  // so these rules need v2.5.0), labels namespace and cronjob. A success's time is its completion
  // (Kubernetes cronjob_controllerv2.go, also for a Job made with `kubectl create job --from`),
  // after its own schedule time, so the difference is positive exactly while the latest run has
  // not succeeded: running, failed, or never started. `for` must outlast a run (its Job's
  // activeDeadlineSeconds) plus a margin for the controller and the scrape, so only a run that
  // ended without success fires. Before the first success there is no lastSuccessfulTime series,
  // hence the `unless` branch.
  const cronJobRuns = (cronjob: string) => {
    const last = (metric: string) => `max by (namespace, cronjob) (${metric}${sel({ namespace: ns, cronjob })})`;
    const scheduled = last("kube_cronjob_status_last_schedule_time");
    const succeeded = last("kube_cronjob_status_last_successful_time");
    return { succeeded, failing: `(${scheduled} - ${succeeded} > 0) or (${scheduled} unless on (namespace, cronjob) ${succeeded})` };
  };
  const forLongerThan = (runSeconds: number) => `${Math.ceil(runSeconds / 60) + RECONCILE_MARGIN_MINUTES}m`;

  const sync = cluster.runtimeSync;
  if (sync !== undefined) {
    const names = cluster.names;
    const job = sel({ namespace: ns, "job_name=~": names.runtimeSyncJobPattern });
    const { succeeded, failing } = cronJobRuns(names.runtimeReconcile);
    // kube-state-metrics job.go (labels namespace, job_name, reason since v2.0.0): once the Job
    // has its Failed condition, one series per known reason, 1 on the condition's and 0 on the
    // others, or reason="" carrying status.failed for an unknown reason; before the condition,
    // reason="" with status.failed (v2.14.0 and later; earlier, no series). max folds them. With
    // backoffLimit 0 the first failed pod is the Job's failure; a pod killed at the deadline counts
    // as failed too (Kubernetes job_controller.go isPodFailed), so DeadlineExceeded shows here.
    // The Job of an older desired state is deleted once its successor has run, so a failed one
    // here is the current state's (or that of the state `pulumi up` failed to move away from).
    const failed = `max by (namespace, job_name) (kube_job_status_failed${job}) > 0`;
    const syncRules: AlertRule[] = [
      {
        alert: "RobustMQRuntimeSyncFailed",
        // The failed Job stays until the next change; a periodic run that succeeded after it
        // started has applied the current plan (the ConfigMap it reads), so it is news no more.
        expr:
          sync.reconcileSchedule === undefined
            ? failed
            : `${failed} unless on (namespace, job_name) (max by (namespace, job_name) (kube_job_status_start_time${job}) < on (namespace) group_left () ${succeeded})`,
        for: "5m",
        severity: "warning",
        summary: `Runtime sync Job {{ $labels.namespace }}/{{ $labels.job_name }} of RobustMQ cluster ${who} failed`,
        description:
          "The declared runtime state (dynamic config sections, MQTT users, ACLs, blacklist entries, topics) is not, or not fully, applied. " +
          "`kubectl -n {{ $labels.namespace }} logs job/{{ $labels.job_name }}` and the pod's termination message name the object and RobustMQ's answer. " +
          (sync.reconcileSchedule === undefined
            ? "After fixing the cause, "
            : `The periodic sync (CronJob ${names.runtimeReconcile}) applies the same state on its schedule, and this alert clears once it succeeds; to retry now, after fixing the cause, `) +
          "`pulumi up` runs the failed Job again.",
      },
    ];
    if (sync.reconcileSchedule !== undefined) {
      syncRules.push({
        alert: "RobustMQRuntimeReconcileFailing",
        expr: failing,
        // activeDeadlineSeconds of a sync run: timeoutSeconds + 60.
        for: forLongerThan(sync.timeoutSeconds + 60),
        severity: "warning",
        summary: `The periodic runtime sync of RobustMQ cluster ${who} is failing`,
        description:
          `The latest run of CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} (schedule "${sync.reconcileSchedule}") did not succeed: ` +
          "runtime state changed outside the program is not put back, and a declared state the up-time sync failed to apply stays unapplied. " +
          "`kubectl -n {{ $labels.namespace }} get jobs` lists its last failed runs ({{ $labels.cronjob }}-<minutes>); `kubectl -n {{ $labels.namespace }} logs job/<run>` names the object and RobustMQ's answer.",
      });
    }
    groups.push({ name: "robustmq-runtime-sync", rules: syncRules });
  }

  const backup = cluster.backup;
  if (backup !== undefined) {
    groups.push({
      name: "robustmq-backup",
      rules: [
        {
          alert: "RobustMQBackupFailing",
          expr: cronJobRuns(cluster.names.backup).failing,
          // activeDeadlineSeconds of a backup run: timeoutSeconds + 300 (features/backup/resources.ts).
          for: forLongerThan(backup.timeoutSeconds + 300),
          severity: "warning",
          summary: `The scheduled backup of RobustMQ cluster ${who} is failing`,
          description:
            `The latest run of CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} (schedule "${backup.schedule}") did not leave a complete snapshot set: ` +
            "the newest set a restore can use is older than the schedule promises (the RPO grows with every failed run). " +
            "`kubectl -n {{ $labels.namespace }} logs job/<run>` names the claim and the snapshot driver's message; " +
            "`kubectl -n {{ $labels.namespace }} get volumesnapshot -L robustmq.io/snapshot-set` shows the sets kept.",
        },
      ],
    });
  }
  return groups;
}

/** The PrometheusRule; undefined when rules are off. */
export function prometheusRuleManifest(cluster: ResolvedCluster, mon: ResolvedMonitoring): PrometheusRuleManifest | undefined {
  const rules = mon.rules;
  if (rules === undefined) {
    return undefined;
  }
  const own = { cluster: cluster.name, namespace: cluster.namespace };
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: "PrometheusRule",
    metadata: { name: cluster.names.prometheusRule, namespace: cluster.namespace, labels: monitoringLabels(cluster, mon) },
    spec: {
      groups: alertGroups(cluster, mon).map((g) => ({
        name: g.name,
        rules: g.rules.map((r) => ({
          alert: r.alert,
          expr: r.expr,
          for: r.for,
          // cluster and namespace on every alert, also where the series have no cluster label
          // (kube-state-metrics, kubelet, cert-manager).
          labels: { severity: r.severity, ...own },
          annotations: { summary: r.summary, description: r.description, runbook_url: `${rules.runbookBaseUrl}#${runbookAnchor(r.alert)}` },
        })),
      })),
    },
  };
}
