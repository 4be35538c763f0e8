// The cluster's Grafana dashboard, built with Grafana's foundation SDK so that the JSON model's
// shape follows Grafana's own schema instead of a hand-kept copy. Pure: the monitoring feature puts
// the result into a ConfigMap for Grafana's dashboard sidecar.
//
// Every metric name below exists in RobustMQ v0.4.11 (src/common/metrics, prometheus-client
// 0.23: no prefix, counters gain "_total", histograms "_bucket"/"_sum"/"_count") or in a standard
// exporter (kube-state-metrics, cAdvisor and the kubelet via the kubelet's endpoints, Prometheus's
// own `up`). RobustMQ series carry namespace, pod, cluster and tier, which the monitoring
// feature's scrape relabelling guarantees; exporter series only know namespace and pod (or PVC),
// so they are matched by the cluster's pod and claim names instead.
//
// There are no Kafka, AMQP or NATS rows: v0.4.11 has no metric of those protocols (their crates
// record none, and the shared network layer counts MQTT packets only). What they share with MQTT,
// the connection count and the request handler, is in the overview and "Request handling" rows.
import { createHash } from "crypto";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { CONTAINER_NAME, DATA_VOLUME } from "../../api/naming";
import type { Protocol } from "../../rmq/ports";
import type { Role } from "../../rmq/topology";

export interface DashboardInput {
  clusterName: string;
  namespace: string;
  protocols: readonly Protocol[];
  tiers: ReadonlyArray<{ name: string; roles: readonly string[] }>;
}


/** Grafana's limit on a dashboard uid. */
export const MAX_DASHBOARD_UID_LENGTH = 40;

/**
 * The dashboard's uid: the same on every deploy of a cluster (Grafana then updates the dashboard
 * instead of adding one) and different for every namespace/cluster pair. Hashed because the two
 * names together can exceed Grafana's 40 characters.
 */
export function dashboardUid(namespace: string, clusterName: string): string {
  const digest = createHash("sha256").update(`${namespace}/${clusterName}`).digest("hex");
  return `robustmq-${digest.slice(0, 24)}`;
}

/**
 * ConfigMap data key, which the sidecar uses as the file name. The sidecar collects dashboards of
 * every namespace into one directory, so the namespace is part of it: two clusters of the same
 * name in different namespaces would otherwise overwrite each other's file.
 */
export function dashboardFileName(namespace: string, clusterName: string): string {
  return `${namespace}-${clusterName}-robustmq.json`;
}

const DATASOURCE: common.DataSourceRef = { type: "prometheus", uid: "${datasource}" };

/** Matchers of RobustMQ's own series. */
const SERIES = `namespace="$namespace", cluster="$cluster", tier=~"$tier"`;
// Multi-value variables are interpolated as "(a|b)", which nests inside these groups.
const PODS = `namespace="$namespace", pod=~"$cluster-($tier)-[0-9]+"`;
const CONTAINER = `${PODS}, container="${CONTAINER_NAME}"`;
const CLAIMS = `namespace="$namespace", persistentvolumeclaim=~"${DATA_VOLUME}-$cluster-($tier)-[0-9]+"`;
const RATE = "[$__rate_interval]";

interface Query {
  expr: string;
  legend: string;
}

interface PanelSpec {
  kind: "timeseries" | "stat" | "gauge";
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  min?: number;
  max?: number;
  /** Percent thresholds (orange, red) for panels where a level means trouble. */
  warnAt?: [number, number];
}

interface Line {
  height: number;
  panels: PanelSpec[];
}

interface RowSpec {
  title: string;
  lines: Line[];
}

function q(expr: string, legend: string): Query {
  return { expr, legend };
}

function ts(title: string, unit: string, description: string, queries: Query[], extra: Partial<PanelSpec> = {}): PanelSpec {
  return { kind: "timeseries", title, unit, description, queries, ...extra };
}

function single(title: string, unit: string, description: string, queries: Query[]): PanelSpec {
  return { kind: "stat", title, unit, description, queries };
}

function p99(metric: string, matchers: string, by: string): string {
  return `histogram_quantile(0.99, sum by (le, ${by}) (rate(${metric}_bucket{${matchers}}${RATE})))`;
}

/** Widths of n panels side by side on Grafana's 24-column grid, the first ones wider by one. */
function spans(n: number): number[] {
  const base = Math.floor(24 / n);
  return Array.from({ length: n }, (_, i) => base + (i < 24 % n ? 1 : 0));
}

function thresholds(warnAt: [number, number] | undefined): dashboard.ThresholdsConfigBuilder {
  const steps: dashboard.Threshold[] = [{ value: null, color: "green" }];
  if (warnAt !== undefined) {
    steps.push({ value: warnAt[0], color: "orange" }, { value: warnAt[1], color: "red" });
  }
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

function panelBuilder(spec: PanelSpec): timeseries.PanelBuilder | stat.PanelBuilder | gauge.PanelBuilder {
  if (spec.kind === "stat") {
    return new stat.PanelBuilder()
      .graphMode(common.BigValueGraphMode.Area)
      .colorMode(common.BigValueColorMode.Value)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
  }
  if (spec.kind === "gauge") {
    return new gauge.PanelBuilder().reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
  }
  return new timeseries.PanelBuilder()
    .fillOpacity(10)
    .legend(new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).showLegend(true))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
}

function buildPanel(spec: PanelSpec, id: number, width: number, height: number): timeseries.PanelBuilder | stat.PanelBuilder | gauge.PanelBuilder {
  const builder = panelBuilder(spec)
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(width)
    .height(height)
    .thresholds(thresholds(spec.warnAt))
    .targets(
      spec.queries.map((query, i) =>
        new prometheus.DataqueryBuilder()
          .datasource(DATASOURCE)
          .refId(String.fromCharCode(65 + i))
          .expr(query.expr)
          .legendFormat(query.legend)
          .range(),
      ),
    );
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  return builder;
}

/** Tier names of the cluster that carry a role, as a regex alternation for the tier label. */
function tiersWith(input: DashboardInput, role: Role): string | undefined {
  const names = input.tiers.filter((t) => t.roles.includes(role)).map((t) => t.name);
  return names.length === 0 ? undefined : names.join("|");
}

function overviewRow(input: DashboardInput, brokers: string | undefined, metas: string | undefined): RowSpec {
  const mqtt = input.protocols.includes("mqtt");
  const onBrokers = brokers === undefined ? SERIES : `${SERIES}, tier=~"${brokers}"`;
  const stats: PanelSpec[] = [
    single("Pods up", "short", "Pods whose /metrics Prometheus scraped successfully, per tier (`up`).", [q(`sum by (tier) (up{${SERIES}})`, "{{tier}}")]),
    single("Pods ready", "short", "Pods Kubernetes reports Ready, per tier (kube-state-metrics).", [
      q(`sum by (tier) (label_replace(kube_pod_status_ready{${PODS}, condition="true"}, "tier", "$1", "pod", "$cluster-(.+)-[0-9]+"))`, "{{tier}}"),
    ]),
    single(
      "Client connections",
      "short",
      "Open client connections over all protocols: mqtt_connections_count counts every connection of the shared network layer, Kafka, AMQP and NATS included.",
      [q(`sum(mqtt_connections_count{${onBrokers}})`, "connections")],
    ),
    single("Requests / s", "reqps", "Client requests handled per second, all protocols.", [q(`sum(rate(handler_requests_total{${onBrokers}}${RATE}))`, "requests")]),
  ];
  if (mqtt) {
    stats.push(
      single(
        "MQTT sessions",
        "short",
        "MQTT sessions in the cluster. Every broker caches every session, so this is the largest count any broker reports, not their sum.",
        [q(`max(mqtt_sessions_count{${onBrokers}})`, "sessions")],
      ),
    );
  }
  if (metas !== undefined) {
    stats.push(
      single("Raft apply lag", "short", "Largest gap between a Raft group's last log index and its last applied index on any meta pod; it should return to 0.", [
        q(`max(raft_apply_lag{${SERIES}, tier=~"${metas}"})`, "entries"),
      ]),
    );
  }
  const graphs: PanelSpec[] = [
    ts("Client connections per pod", "short", "Open connections of every protocol on each broker pod.", [q(`sum by (pod) (mqtt_connections_count{${onBrokers}})`, "{{pod}}")]),
    ts("Requests per second per pod", "reqps", "Requests the pod's handler threads processed, all protocols.", [
      q(`sum by (pod) (rate(handler_requests_total{${onBrokers}}${RATE}))`, "{{pod}}"),
    ]),
  ];
  if (mqtt) {
    graphs.push(
      ts("MQTT messages per second", "suffix: msg/s", "PUBLISH messages received from and sent to MQTT clients, whole cluster.", [
        q(`sum(rate(mqtt_messages_received_total{${onBrokers}}${RATE}))`, "received"),
        q(`sum(rate(mqtt_messages_sent_total{${onBrokers}}${RATE}))`, "sent"),
      ]),
    );
  }
  return {
    title: "Cluster overview",
    lines: [
      { height: 4, panels: stats },
      { height: 8, panels: graphs },
    ],
  };
}

function raftRow(metas: string): RowSpec {
  const m = `${SERIES}, tier=~"${metas}"`;
  return {
    title: "Raft health",
    lines: [
      {
        height: 8,
        panels: [
          ts("Apply lag by Raft group", "short", "Log entries appended but not yet applied to the state machine, per meta pod and Raft group (machine).", [
            q(`max by (pod, machine) (raft_apply_lag{${m}})`, "{{pod}} {{machine}}"),
          ]),
          ts("Raft writes per second", "ops", "Write proposals per Raft group: requested, succeeded, failed.", [
            q(`sum by (machine) (rate(raft_write_requests_total{${m}}${RATE}))`, "{{machine}} requests"),
            q(`sum by (machine) (rate(raft_write_success_total{${m}}${RATE}))`, "{{machine}} success"),
            q(`sum by (machine) (rate(raft_write_failures_total{${m}}${RATE}))`, "{{machine}} failures"),
          ]),
          ts("Raft write latency p99", "ms", "99th percentile of a write's duration per Raft group, estimated from exponential buckets (1, 2, 4... ms).", [
            q(p99("raft_write_duration_ms", m, "machine"), "{{machine}}"),
          ]),
        ],
      },
      {
        height: 8,
        panels: [
          ts("Raft RPC failures per second", "ops", "Failed Raft RPCs between meta pods, by pod and RPC type; sustained failures mean a peer is unreachable.", [
            q(`sum by (pod, rpc_type) (rate(raft_rpc_failures_total{${m}}${RATE}))`, "{{pod}} {{rpc_type}}"),
          ]),
          ts("Raft RPC latency p99", "ms", "99th percentile of Raft RPC duration by RPC type.", [q(p99("raft_rpc_duration_ms", m, "rpc_type"), "{{rpc_type}}")]),
          ts("Raft log progress", "short", "Last log index and last applied index per Raft group (largest over meta pods).", [
            q(`max by (machine) (raft_last_log_index{${m}})`, "{{machine}} last log index"),
            q(`max by (machine) (raft_last_applied{${m}})`, "{{machine}} last applied"),
          ]),
        ],
      },
    ],
  };
}

function mqttRow(brokers: string): RowSpec {
  const b = `${SERIES}, tier=~"${brokers}"`;
  return {
    title: "MQTT traffic and connections",
    lines: [
      {
        height: 8,
        panels: [
          ts(
            "Sessions, subscribers, topics",
            "short",
            "Cluster-wide counts. Every broker caches all sessions, subscriptions and topics, so each is the largest count a broker reports, not a sum.",
            [
              q(`max(mqtt_sessions_count{${b}})`, "sessions"),
              q(`max(mqtt_subscribers_count{${b}})`, "subscribers"),
              q(`max(mqtt_topics_count{${b}})`, "topics"),
            ],
          ),
          ts("Messages per second", "suffix: msg/s", "PUBLISH messages received, sent, and dropped because no client subscribes to their topic.", [
            q(`sum(rate(mqtt_messages_received_total{${b}}${RATE}))`, "received"),
            q(`sum(rate(mqtt_messages_sent_total{${b}}${RATE}))`, "sent"),
            q(`sum(rate(mqtt_messages_dropped_no_subscribers_total{${b}}${RATE}))`, "dropped (no subscriber)"),
          ]),
          ts("Bytes per second", "Bps", "MQTT bytes read from and written to clients, by transport (Tcp, Tls, Websocket...).", [
            q(`sum by (network) (rate(mqtt_bytes_received_total{${b}}${RATE}))`, "in {{network}}"),
            q(`sum by (network) (rate(mqtt_bytes_sent_total{${b}}${RATE}))`, "out {{network}}"),
          ]),
        ],
      },
      {
        height: 8,
        panels: [
          ts("Connects per second", "ops", "CONNECTs accepted and refused.", [
            q(`sum(rate(mqtt_connection_success_total{${b}}${RATE}))`, "accepted"),
            q(`sum(rate(mqtt_connection_failed_total{${b}}${RATE}))`, "failed"),
          ]),
          ts("Authentications per second", "ops", "Client authentications that passed and failed; a rise in failures is a misconfigured or hostile client.", [
            q(`sum(rate(mqtt_auth_success_total{${b}}${RATE}))`, "success"),
            q(`sum(rate(mqtt_auth_failed_total{${b}}${RATE}))`, "failed"),
          ]),
          ts("Packet processing p99", "ms", "99th percentile of the time a broker spends on one MQTT packet, by packet type.", [
            q(p99("mqtt_packet_process_duration_ms", b, "packet"), "{{packet}}"),
          ]),
        ],
      },
    ],
  };
}

function requestRow(brokers: string): RowSpec {
  const b = `${SERIES}, tier=~"${brokers}"`;
  // handler_*_total and write_timeout_total are exported as gauges but only ever incremented, so
  // rate() reads them like counters, a restart's reset included.
  return {
    title: "Request handling (all protocols)",
    lines: [
      {
        height: 8,
        panels: [
          ts(
            "Handler queue",
            "short",
            "Requests waiting for a handler thread and the queue's free capacity, per broker pod. Kafka, AMQP, NATS and MQTT share this queue; a full queue stalls every protocol.",
            [q(`max by (pod) (handler_queue_size{${b}})`, "{{pod}} queued"), q(`max by (pod) (handler_queue_remaining{${b}})`, "{{pod}} free")],
          ),
          ts("Handling time p99", "ms", "99th percentile from request received to response written, by transport, all protocols.", [
            q(p99("handler_total_ms", b, "network"), "{{network}}"),
          ]),
          ts("Queue wait p99", "ms", "99th percentile of the time a request waits in the queue before a handler takes it.", [q(p99("handler_queue_wait_ms", b, "network"), "{{network}}")]),
        ],
      },
      {
        height: 8,
        panels: [
          ts("Timeouts and slow requests per second", "ops", "Requests over the handler's hard deadline, over its slow threshold, and responses whose socket write timed out (the connection is closed).", [
            q(`sum by (pod) (rate(handler_timeout_total{${b}}${RATE}))`, "{{pod}} handler timeout"),
            q(`sum by (pod) (rate(handler_slow_requests_total{${b}}${RATE}))`, "{{pod}} slow"),
            q(`sum by (pod) (rate(write_timeout_total{${b}}${RATE}))`, "{{pod}} write timeout"),
          ]),
          ts("Client write time p99", "ms", "99th percentile of writing one response to a client socket, by transport.", [q(p99("write_client_ms", b, "network"), "{{network}}")]),
        ],
      },
    ],
  };
}

function storageRow(engines: string): RowSpec {
  const e = `${SERIES}, tier=~"${engines}"`;
  return {
    title: "Storage engine",
    lines: [
      {
        height: 8,
        panels: [
          ts("Storage operations per second", "ops", "Operations of the storage engine (writes, reads by offset/key/tag, shard and offset management), by operation.", [
            q(`sum by (operation) (rate(storage_engine_ops_total{${e}}${RATE}))`, "{{operation}}"),
          ]),
          ts("Storage failures per second", "ops", "Failed storage engine operations by operation.", [
            q(`sum by (operation) (rate(storage_engine_ops_fail_total{${e}}${RATE}))`, "{{operation}}"),
          ]),
          ts("Storage operation p99", "ms", "99th percentile of a storage engine operation's duration, by operation.", [
            q(p99("storage_engine_ops_duration_ms", e, "operation"), "{{operation}}"),
          ]),
        ],
      },
      {
        height: 8,
        panels: [
          // RocksDB holds metadata on meta pods and caches on brokers too, so every tier counts.
          ts("RocksDB operations per second", "ops", "RocksDB calls of every pod by caller (source) and operation.", [
            q(`sum by (source, operation) (rate(rocksdb_operation_count_total{${SERIES}}${RATE}))`, "{{source}} {{operation}}"),
          ]),
          ts("RocksDB operation p99", "ms", "99th percentile of a RocksDB call's duration by caller and operation.", [
            q(p99("rocksdb_operation_ms", SERIES, "source, operation"), "{{source}} {{operation}}"),
          ]),
        ],
      },
    ],
  };
}

function resourceRow(): RowSpec {
  return {
    title: "Resources per pod",
    lines: [
      {
        height: 8,
        panels: [
          ts("CPU (cores)", "short", "CPU the RobustMQ container uses (cAdvisor) and its limit (kube-state-metrics), per pod.", [
            q(`sum by (pod) (rate(container_cpu_usage_seconds_total{${CONTAINER}}${RATE}))`, "{{pod}}"),
            q(`sum by (pod) (kube_pod_container_resource_limits{${CONTAINER}, resource="cpu"})`, "{{pod}} limit"),
          ]),
          ts("Process CPU (% of node)", "percent", "CPU of the broker process as RobustMQ measures it, in percent of all the node's cores.", [
            q(`max by (pod) (system_process_cpu_usage{${SERIES}})`, "{{pod}}"),
          ], { min: 0, max: 100 }),
          ts("Tokio runtime busy", "percent", "Share of time the worker threads of each Tokio runtime (server, meta, broker) are busy; near 100 the pod is CPU-bound.", [
            q(`max by (pod, runtime) (tokio_runtime_busy_ratio{${SERIES}})`, "{{pod}} {{runtime}}"),
          ], { min: 0, max: 100 }),
        ],
      },
      {
        height: 8,
        panels: [
          ts("Memory working set", "bytes", "Working set of the RobustMQ container (what the OOM killer judges) and its limit, per pod.", [
            q(`sum by (pod) (container_memory_working_set_bytes{${CONTAINER}})`, "{{pod}}"),
            q(`sum by (pod) (kube_pod_container_resource_limits{${CONTAINER}, resource="memory"})`, "{{pod}} limit"),
          ]),
          ts("Memory (% of limit)", "percentunit", "Working set over the container's memory limit; the container is killed at 100%.", [
            q(
              `sum by (pod) (container_memory_working_set_bytes{${CONTAINER}}) / sum by (pod) (kube_pod_container_resource_limits{${CONTAINER}, resource="memory"})`,
              "{{pod}}",
            ),
          ], { min: 0, max: 1, warnAt: [0.8, 0.9] }),
          ts("Process memory (% of node)", "percent", "Memory of the broker process as RobustMQ measures it, in percent of the node's memory.", [
            q(`max by (pod) (system_process_memory_usage{${SERIES}})`, "{{pod}}"),
          ], { min: 0, max: 100 }),
        ],
      },
      {
        height: 8,
        panels: [
          ts("Data volume used", "bytes", "Bytes used and capacity of each pod's data volume (kubelet volume stats).", [
            q(`max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${CLAIMS}})`, "{{persistentvolumeclaim}}"),
            q(`max by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{${CLAIMS}})`, "{{persistentvolumeclaim}} capacity"),
          ]),
          {
            kind: "gauge",
            title: "Data volume usage",
            unit: "percentunit",
            description: "Share of each data volume in use. A full volume stops writes; docs/DAY-2.md tells how to grow one.",
            queries: [
              q(
                `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${CLAIMS}}) / max by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{${CLAIMS}})`,
                "{{persistentvolumeclaim}}",
              ),
            ],
            min: 0,
            max: 1,
            warnAt: [0.75, 0.9],
          },
        ],
      },
    ],
  };
}

function rows(input: DashboardInput): RowSpec[] {
  const metas = tiersWith(input, "meta");
  const brokers = tiersWith(input, "broker");
  const engines = tiersWith(input, "engine");
  const out: RowSpec[] = [overviewRow(input, brokers, metas)];
  if (metas !== undefined) out.push(raftRow(metas));
  if (brokers !== undefined && input.protocols.includes("mqtt")) out.push(mqttRow(brokers));
  if (brokers !== undefined) out.push(requestRow(brokers));
  if (engines !== undefined) out.push(storageRow(engines));
  out.push(resourceRow());
  return out;
}

function variables(input: DashboardInput): Array<dashboard.DatasourceVariableBuilder | dashboard.QueryVariableBuilder> {
  // system_process_cpu_usage is set at start-up on every node whatever its roles, so the
  // variables list a cluster as soon as its pods are scraped.
  const anchor = "system_process_cpu_usage";
  const option = (value: string): dashboard.VariableOption => ({ text: value, value, selected: true });
  const query = (name: string, label: string, expr: string) =>
    new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(DATASOURCE)
      .query(expr)
      .definition(expr)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc);
  return [
    new dashboard.DatasourceVariableBuilder("datasource").label("Data source").type("prometheus"),
    query("namespace", "Namespace", `label_values(${anchor}, namespace)`).current(option(input.namespace)),
    query("cluster", "Cluster", `label_values(${anchor}{namespace="$namespace"}, cluster)`).current(option(input.clusterName)),
    query("tier", "Tier", `label_values(${anchor}{namespace="$namespace", cluster="$cluster"}, tier)`)
      .multi(true)
      .includeAll(true)
      .current({ text: "All", value: "$__all", selected: true }),
  ];
}

/** The dashboard's JSON model, ready for a ConfigMap under dashboardFileName(). */
export function grafanaDashboard(input: DashboardInput): Record<string, unknown> {
  const builder = new dashboard.DashboardBuilder(`RobustMQ / ${input.namespace} / ${input.clusterName}`)
    .uid(dashboardUid(input.namespace, input.clusterName))
    .description(`RobustMQ cluster ${input.clusterName} in namespace ${input.namespace}: Raft, protocols, storage and pod resources.`)
    .tags(["robustmq"])
    .time({ from: "now-3h", to: "now" })
    .refresh("30s")
    .timezone("browser")
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables(variables(input));
  let id = 0;
  for (const row of rows(input)) {
    builder.withRow(new dashboard.RowBuilder(row.title).id(++id));
    for (const line of row.lines) {
      const widths = spans(line.panels.length);
      line.panels.forEach((spec, i) => builder.withPanel(buildPanel(spec, ++id, widths[i], line.height)));
    }
  }
  // A JSON round trip leaves the plain model Grafana reads, without the SDK's undefined fields.
  return JSON.parse(JSON.stringify(builder.build())) as Record<string, unknown>;
}
