// Every metric family RobustMQ v0.4.11 serves on GET /metrics of its admin HTTP port, read from the
// source at the tag (src/common/metrics/src/**, the only registry /metrics encodes: admin-server's
// server.rs routes "/metrics" to common_metrics::core::server::dump_metrics). Pure data, no Pulumi:
// the monitoring feature's rules and dashboard may only query names listed here (a test checks).
//
// How the names reach Prometheus (prometheus-client 0.23, OpenMetrics text, no prefix, no unit):
// - a counter registered as "x" is served as `x_total`, unconditionally: the families registered
//   with a name already ending in "_total" come out as `..._total_total`;
// - a histogram "x" is served as `x_bucket{le=...}`, `x_sum` and `x_count`;
// - a gauge is served under its name as is, even when that name ends in "_total"
//   (handler_requests_total and its neighbours in network.rs are gauges the code only increments).
// Every gauge is an i64 (prometheus-client's default Gauge).
//
// Units worth knowing before writing a query:
// - system_process_cpu_usage, system_process_memory_usage, system_cpu_usage, system_memory_usage
//   hold a percentage times 100 (0-10000; common/system-info/src/lib.rs multiplies sysinfo's
//   0-100 figure by 100, whatever the help text says). The memory ones are relative to the
//   *node's* total memory as /proc/meminfo reports it, not to the container's limit, and carry no
//   bytes: for memory against the limit use cadvisor's container_memory_working_set_bytes.
// - tokio_runtime_busy_ratio is a percentage (0-100), per runtime ("server", "meta", "broker").
// - *_ms histograms are milliseconds (buckets 1, 2, 4, ... 2^19 ms unless noted in the source);
//   delay_task_schedule_latency_seconds is in seconds.
// Labels: none of these families carries a node id, namespace, pod, cluster or tier label; the
// scrape adds those (features/monitoring). Raft families carry `machine`, the Raft group's shard
// ("metadata_0", "offset_<i>", "data_<i>"; meta/raft.rs init_raft_shards_metrics), and every pod
// serves them: the meta role fills them, other roles leave them at their initial zeros.

export type MetricType = "counter" | "gauge" | "histogram";

export interface RobustMQMetric {
  /** Family name as registered (a counter's exposed series add "_total": see seriesNames). */
  name: string;
  type: MetricType;
  /** Label names of the family's series (histogram series add `le` to the buckets). */
  labels: readonly string[];
  /**
   * Labels that grow with topics, clients, sessions or connections: dropped at scrape time unless
   * monitoring.keepHighCardinalityMetrics is set.
   */
  highCardinality: boolean;
  /** File of the RobustMQ repository at v0.4.11 that registers it. */
  source: string;
  /** Its help text, as served. */
  help: string;
}

/** The series names a family is exposed as. */
export function seriesNames(m: Pick<RobustMQMetric, "name" | "type">): string[] {
  switch (m.type) {
    case "counter":
      return [`${m.name}_total`];
    case "histogram":
      return [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`];
    case "gauge":
      return [m.name];
  }
}

/** Where the registering files live in the RobustMQ repository. */
export const METRICS_SOURCE_DIR = "src/common/metrics/src";

export const ROBUSTMQ_METRICS: readonly RobustMQMetric[] = [
  // meta/raft.rs
  { name: "raft_write_requests", type: "counter", labels: ["machine"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Total number of write requests" },
  { name: "raft_write_success", type: "counter", labels: ["machine"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Total number of successful writes" },
  { name: "raft_write_failures", type: "counter", labels: ["machine"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Total number of failed writes" },
  { name: "raft_write_duration_ms", type: "histogram", labels: ["machine"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Duration of write operations in milliseconds" },
  { name: "raft_apply_lag", type: "gauge", labels: ["machine"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Gap between last_log_index and last_applied index; non-zero means state machine is behind" },
  { name: "raft_last_log_index", type: "gauge", labels: ["machine"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Latest log index appended to the Raft log" },
  { name: "raft_last_applied", type: "gauge", labels: ["machine"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Latest log index applied to the state machine" },
  { name: "raft_apply_batch_duration_ms", type: "histogram", labels: ["machine"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Total duration of a single apply() batch call in milliseconds" },
  { name: "raft_log_append_batch_duration_ms", type: "histogram", labels: ["machine"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Total duration of a single log append() call in milliseconds" },
  { name: "raft_rpc_requests", type: "counter", labels: ["machine", "rpc_type"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Total number of RPC requests" },
  { name: "raft_rpc_success", type: "counter", labels: ["machine", "rpc_type"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Total number of successful RPC requests" },
  { name: "raft_rpc_failures", type: "counter", labels: ["machine", "rpc_type"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Total number of failed RPC requests" },
  { name: "raft_rpc_duration_ms", type: "histogram", labels: ["machine", "rpc_type"], highCardinality: false, source: "src/common/metrics/src/meta/raft.rs", help: "Duration of RPC operations in milliseconds" },
  // mqtt/statistics.rs
  { name: "mqtt_connections_count", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Current number of MQTT connections" },
  { name: "mqtt_sessions_count", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Current number of MQTT sessions" },
  { name: "mqtt_topics_count", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Current number of MQTT topics" },
  { name: "mqtt_subscribers_count", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Current number of MQTT subscribers" },
  { name: "mqtt_subscriptions_shared_count", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Current number of MQTT shared subscriptions" },
  { name: "mqtt_subscriptions_shared_group_count", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Current number of MQTT shared group" },
  { name: "mqtt_subscriptions_exclusive_count", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Current number of MQTT exclusive subscriptions" },
  { name: "mqtt_retained_count", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Current number of MQTT retained messages" },
  { name: "mqtt_delay_queue_total_capacity", type: "gauge", labels: ["shard_no"], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Total capacity of MQTT delay queue" },
  { name: "mqtt_delay_queue_used_capacity", type: "gauge", labels: ["shard_no"], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Used capacity of MQTT delay queue" },
  { name: "mqtt_delay_queue_remaining_capacity", type: "gauge", labels: ["shard_no"], highCardinality: false, source: "src/common/metrics/src/mqtt/statistics.rs", help: "Remaining capacity of MQTT delay queue" },
  // mqtt/event.rs
  { name: "client_connections", type: "counter", labels: ["tenant", "client_id"], highCardinality: true, source: "src/common/metrics/src/mqtt/event.rs", help: "The number of client connections, regardless of success or failure." },
  { name: "mqtt_connection_success", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/event.rs", help: "Number of successful MQTT connections" },
  { name: "mqtt_connection_failed", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/event.rs", help: "Number of failed MQTT connections" },
  { name: "mqtt_disconnect_success", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/event.rs", help: "Number of successful MQTT disconnections" },
  { name: "mqtt_connection_expired", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/event.rs", help: "Number of expired MQTT connections" },
  { name: "mqtt_subscribe_success", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/event.rs", help: "Number of successful MQTT subscriptions" },
  { name: "mqtt_unsubscribe_success", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/event.rs", help: "Number of successful MQTT unsubscriptions" },
  { name: "mqtt_subscribe_failed", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/event.rs", help: "Number of failed MQTT subscriptions" },
  // mqtt/auth.rs
  { name: "mqtt_auth_success", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/auth.rs", help: "Number of successful MQTT authentications" },
  { name: "mqtt_auth_failed", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/auth.rs", help: "Number of failed MQTT authentications" },
  { name: "mqtt_acl_success", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/auth.rs", help: "Number of successful MQTT ACL checks" },
  { name: "mqtt_acl_failed", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/auth.rs", help: "Number of failed MQTT ACL checks" },
  { name: "mqtt_blacklist_blocked", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/auth.rs", help: "Number of MQTT connections blocked by blacklist" },
  // mqtt/publish.rs
  { name: "mqtt_messages_delayed", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/publish.rs", help: "Total number of delayed publish messages" },
  { name: "mqtt_messages_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/publish.rs", help: "Total number of messages received from clients" },
  { name: "mqtt_messages_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/publish.rs", help: "Total number of messages sent to clients" },
  { name: "mqtt_message_bytes_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/publish.rs", help: "Total bytes of messages sent to clients" },
  { name: "mqtt_message_bytes_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/publish.rs", help: "Total bytes of messages received from clients" },
  { name: "mqtt_messages_dropped_no_subscribers", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/publish.rs", help: "Number of MQTT messages dropped due to no subscribers" },
  // mqtt/packets.rs
  { name: "mqtt_total_bytes_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT bytes received across all network types" },
  { name: "mqtt_total_bytes_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT bytes sent across all network types" },
  { name: "mqtt_total_packets_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT packets received" },
  { name: "mqtt_total_packets_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT packets sent" },
  { name: "mqtt_total_packets_connect", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT CONNECT packets" },
  { name: "mqtt_total_packets_connack", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT CONNACK packets sent" },
  { name: "mqtt_total_packets_publish_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBLISH packets received" },
  { name: "mqtt_total_packets_publish_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBLISH packets sent" },
  { name: "mqtt_total_packets_puback_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBACK packets received" },
  { name: "mqtt_total_packets_puback_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBACK packets sent" },
  { name: "mqtt_total_packets_pubrec_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBREC packets received" },
  { name: "mqtt_total_packets_pubrec_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBREC packets sent" },
  { name: "mqtt_total_packets_pubrel_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBREL packets received" },
  { name: "mqtt_total_packets_pubrel_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBREL packets sent" },
  { name: "mqtt_total_packets_pubcomp_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBCOMP packets received" },
  { name: "mqtt_total_packets_pubcomp_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PUBCOMP packets sent" },
  { name: "mqtt_total_packets_subscribe", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT SUBSCRIBE packets received" },
  { name: "mqtt_total_packets_suback", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT SUBACK packets sent" },
  { name: "mqtt_total_packets_unsubscribe", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT UNSUBSCRIBE packets received" },
  { name: "mqtt_total_packets_unsuback", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT UNSUBACK packets sent" },
  { name: "mqtt_total_packets_pingreq", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PINGREQ packets received" },
  { name: "mqtt_total_packets_pingresp", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT PINGRESP packets sent" },
  { name: "mqtt_total_packets_disconnect_received", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT DISCONNECT packets received" },
  { name: "mqtt_total_packets_disconnect_sent", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT DISCONNECT packets sent" },
  { name: "mqtt_total_packets_auth", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Total MQTT AUTH packets received" },
  { name: "mqtt_packets_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT packets received" },
  { name: "mqtt_packets_connect_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT CONNECT packets received" },
  { name: "mqtt_packets_publish_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBLISH packets received" },
  { name: "mqtt_packets_connack_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT CONNACK packets received" },
  { name: "mqtt_packets_puback_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBACK packets received" },
  { name: "mqtt_packets_pubrec_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBREC packets received" },
  { name: "mqtt_packets_pubrel_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBREL packets received" },
  { name: "mqtt_packets_pubcomp_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBCOMP packets received" },
  { name: "mqtt_packets_subscribe_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT SUBSCRIBE packets received" },
  { name: "mqtt_packets_unsubscribe_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT UNSUBSCRIBE packets received" },
  { name: "mqtt_packets_pingreq_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PINGREQ packets received" },
  { name: "mqtt_packets_disconnect_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT DISCONNECT packets received" },
  { name: "mqtt_packets_auth_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT AUTH packets received" },
  { name: "mqtt_packets_received_error", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT error packets received" },
  { name: "mqtt_packets_connack_auth_error", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT CONNACK auth error packets received" },
  { name: "mqtt_packets_connack_error", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT CONNACK error packets received" },
  { name: "mqtt_packets_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT packets sent" },
  { name: "mqtt_packets_connack_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT CONNACK packets sent" },
  { name: "mqtt_packets_publish_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBLISH packets sent" },
  { name: "mqtt_packets_puback_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBACK packets sent" },
  { name: "mqtt_packets_pubrec_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBREC packets sent" },
  { name: "mqtt_packets_pubrel_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBREL packets sent" },
  { name: "mqtt_packets_pubcomp_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PUBCOMP packets sent" },
  { name: "mqtt_packets_suback_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT SUBACK packets sent" },
  { name: "mqtt_packets_unsuback_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT UNSUBACK packets sent" },
  { name: "mqtt_packets_pingresp_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT PINGRESP packets sent" },
  { name: "mqtt_packets_disconnect_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT DISCONNECT packets sent" },
  { name: "mqtt_bytes_received", type: "counter", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT bytes received" },
  { name: "mqtt_bytes_sent", type: "counter", labels: ["network", "qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT bytes sent" },
  { name: "mqtt_retain_packets_received", type: "counter", labels: ["qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT retain messages received" },
  { name: "mqtt_retain_packets_sent", type: "counter", labels: ["qos"], highCardinality: false, source: "src/common/metrics/src/mqtt/packets.rs", help: "Number of MQTT retain messages sent" },
  // mqtt/time.rs
  { name: "mqtt_packet_process_duration_ms", type: "histogram", labels: ["network", "packet"], highCardinality: false, source: "src/common/metrics/src/mqtt/time.rs", help: "MQTT packet processing duration in milliseconds" },
  { name: "mqtt_packet_send_duration_ms", type: "histogram", labels: ["network", "packet"], highCardinality: false, source: "src/common/metrics/src/mqtt/time.rs", help: "MQTT packet sending duration in milliseconds" },
  // mqtt/session.rs
  { name: "mqtt_session_created", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/session.rs", help: "Number of MQTT sessions created" },
  { name: "mqtt_session_deleted", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/session.rs", help: "Number of MQTT sessions deleted" },
  { name: "session_messages_in", type: "counter", labels: ["tenant", "client_id"], highCardinality: true, source: "src/common/metrics/src/mqtt/session.rs", help: "Total number of messages received by session" },
  { name: "session_messages_out", type: "counter", labels: ["tenant", "client_id"], highCardinality: true, source: "src/common/metrics/src/mqtt/session.rs", help: "Total number of messages sent by session" },
  { name: "connection_messages_in", type: "counter", labels: ["connection_id"], highCardinality: true, source: "src/common/metrics/src/mqtt/session.rs", help: "Total number of messages received by connection" },
  { name: "connection_messages_out", type: "counter", labels: ["connection_id"], highCardinality: true, source: "src/common/metrics/src/mqtt/session.rs", help: "Total number of messages sent by connection" },
  // mqtt/subscribe.rs
  { name: "subscribe_messages_sent", type: "counter", labels: ["tenant", "client_id", "path", "status"], highCardinality: true, source: "src/common/metrics/src/mqtt/subscribe.rs", help: "Total number of messages sent to subscription by client_id and path" },
  { name: "subscribe_topic_messages_sent", type: "counter", labels: ["tenant", "client_id", "path", "topic_name", "status"], highCardinality: true, source: "src/common/metrics/src/mqtt/subscribe.rs", help: "Total number of messages sent to subscription by client_id, path and topic_name" },
  { name: "subscribe_bytes_sent", type: "counter", labels: ["tenant", "client_id", "path", "status"], highCardinality: true, source: "src/common/metrics/src/mqtt/subscribe.rs", help: "Total bytes of messages sent to subscription by client_id and path" },
  { name: "subscribe_topic_bytes_sent", type: "counter", labels: ["tenant", "client_id", "path", "topic_name", "status"], highCardinality: true, source: "src/common/metrics/src/mqtt/subscribe.rs", help: "Total bytes of messages sent to subscription by client_id, path and topic_name" },
  // mqtt/topic.rs
  { name: "topic_messages_written", type: "counter", labels: ["tenant", "topic"], highCardinality: true, source: "src/common/metrics/src/mqtt/topic.rs", help: "Total number of messages written to topic" },
  { name: "topic_bytes_written", type: "counter", labels: ["tenant", "topic"], highCardinality: true, source: "src/common/metrics/src/mqtt/topic.rs", help: "Total bytes of messages written to topic" },
  { name: "topic_messages_sent", type: "counter", labels: ["tenant", "topic"], highCardinality: true, source: "src/common/metrics/src/mqtt/topic.rs", help: "Total number of messages sent from topic" },
  { name: "topic_bytes_sent", type: "counter", labels: ["tenant", "topic"], highCardinality: true, source: "src/common/metrics/src/mqtt/topic.rs", help: "Total bytes of messages sent from topic" },
  // mqtt/connector.rs
  { name: "mqtt_connector_messages_sent_success", type: "counter", labels: ["tenant", "connector_type", "connector_name"], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total number of messages successfully sent by connector" },
  { name: "mqtt_connector_messages_sent_failure", type: "counter", labels: ["tenant", "connector_type", "connector_name"], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total number of messages failed to send by connector" },
  { name: "mqtt_connector_send_duration_ms", type: "histogram", labels: ["tenant", "connector_type", "connector_name"], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total duration of sending messages by connector in milliseconds" },
  { name: "mqtt_connector_retry_total", type: "counter", labels: ["tenant", "connector_type", "connector_name", "strategy"], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total retries executed by connector" },
  { name: "mqtt_connector_messages_discarded_total", type: "counter", labels: ["tenant", "connector_type", "connector_name", "strategy"], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total number of messages discarded by connector terminal strategy" },
  { name: "mqtt_connector_dlq_messages_total", type: "counter", labels: ["tenant", "connector_type", "connector_name", "result"], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total number of messages attempted to write into DLQ by connector" },
  { name: "mqtt_connector_offset_commit_failure_total", type: "counter", labels: ["tenant", "connector_type", "connector_name"], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total number of offset commit failures by connector" },
  { name: "mqtt_connector_source_read_failure_total", type: "counter", labels: ["tenant", "connector_type", "connector_name"], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total number of source read failures by connector" },
  { name: "mqtt_connector_up", type: "gauge", labels: ["tenant", "connector_type", "connector_name"], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Connector thread health status, 1 means running and 0 means stopped" },
  { name: "mqtt_connector_messages_sent_success_agg", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total number of messages successfully sent by all connectors" },
  { name: "mqtt_connector_messages_sent_failure_agg", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total number of messages failed to send by all connectors" },
  { name: "mqtt_connector_send_duration_ms_agg", type: "histogram", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/connector.rs", help: "Total duration of sending messages by all connectors in milliseconds" },
  // mqtt/delay.rs
  { name: "delay_msg_enqueue", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Total number of messages enqueued into the delay queue" },
  { name: "delay_msg_enqueue_duration_ms", type: "histogram", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Duration of enqueuing a message into the delay queue in milliseconds" },
  { name: "delay_msg_deliver", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Total number of delay messages delivered to target topic" },
  { name: "delay_msg_deliver_fail", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Total number of delay message delivery failures" },
  { name: "delay_msg_deliver_duration_ms", type: "histogram", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Duration of delivering a delay message to target topic in milliseconds" },
  { name: "delay_msg_recover", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Total number of delay messages recovered from persistent storage on startup" },
  { name: "delay_msg_recover_expired", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Total number of already-expired delay messages found during recovery" },
  { name: "delay_message_retry_total", type: "counter", labels: ["status"], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Total number of delay message retry attempts, labeled by outcome" },
  { name: "delay_message_retry_count", type: "counter", labels: ["attempt"], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Number of retry attempts per message, labeled by attempt number" },
  { name: "delay_message_reenqueued_total", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Total number of delay messages re-enqueued after retry exhaustion" },
  { name: "delay_message_dead_letter_total", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay.rs", help: "Total number of delay messages sent to dead letter queue" },
  // mqtt/delay_task.rs
  { name: "delay_task_created", type: "counter", labels: [], highCardinality: false, source: "src/common/metrics/src/mqtt/delay_task.rs", help: "Total number of delay tasks created" },
  { name: "delay_task_executed", type: "counter", labels: ["task_type"], highCardinality: false, source: "src/common/metrics/src/mqtt/delay_task.rs", help: "Total number of delay tasks executed successfully" },
  { name: "delay_task_execute_failed", type: "counter", labels: ["task_type"], highCardinality: false, source: "src/common/metrics/src/mqtt/delay_task.rs", help: "Total number of delay task execution failures" },
  { name: "delay_task_schedule_latency_seconds", type: "histogram", labels: ["task_type"], highCardinality: false, source: "src/common/metrics/src/mqtt/delay_task.rs", help: "Difference between actual execution time and target delay time in seconds" },
  // network.rs
  { name: "handler_queue_wait_ms", type: "histogram", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Time a request spent waiting in the handler queue before being picked up (ms)" },
  { name: "handler_apply_ms", type: "histogram", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Time spent in command.apply() processing the request (ms)" },
  { name: "handler_write_ms", type: "histogram", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Time spent writing the response back to the client (ms)" },
  { name: "handler_total_ms", type: "histogram", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Total time from request received to response written (ms)" },
  { name: "handler_queue_size", type: "gauge", labels: ["label"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Current number of pending requests in the handler queue" },
  { name: "handler_queue_remaining", type: "gauge", labels: ["label"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Remaining capacity in the handler queue" },
  { name: "handler_requests_total", type: "gauge", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Total number of requests processed by handlers" },
  { name: "handler_slow_requests_total", type: "gauge", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Total number of slow requests (exceeding threshold)" },
  { name: "handler_timeout_total", type: "gauge", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Total number of handler apply timeouts (requests exceeding the hard deadline)" },
  { name: "write_timeout_total", type: "gauge", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Total number of write timeouts: socket send blocked beyond the deadline, connection closed" },
  { name: "write_client_ms", type: "histogram", labels: ["network"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Time spent writing a response to the client socket (ms)" },
  { name: "handler_instance_requests_total", type: "gauge", labels: ["handler"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "Total requests processed by each individual handler thread" },
  { name: "handler_instance_apply_ms", type: "histogram", labels: ["handler"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "command.apply() latency per individual handler thread (ms)" },
  { name: "broker_active_thread_num", type: "gauge", labels: ["network", "thread_type"], highCardinality: false, source: "src/common/metrics/src/network.rs", help: "The number of execution active threads started by the broker" },
  // broker.rs
  { name: "tokio_runtime_busy_ratio", type: "gauge", labels: ["runtime"], highCardinality: false, source: "src/common/metrics/src/broker.rs", help: "Worker-thread busy ratio for the named Tokio runtime (0-100)" },
  { name: "tokio_runtime_queue_depth", type: "gauge", labels: ["runtime"], highCardinality: false, source: "src/common/metrics/src/broker.rs", help: "Number of tasks waiting in the global queue of the named Tokio runtime" },
  { name: "tokio_runtime_alive_tasks", type: "gauge", labels: ["runtime"], highCardinality: false, source: "src/common/metrics/src/broker.rs", help: "Number of alive (spawned but not yet completed) tasks in the named Tokio runtime" },
  { name: "system_process_cpu_usage", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/broker.rs", help: "CPU usage percentage of the current process (0-100, normalized by core count)" },
  { name: "system_process_memory_usage", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/broker.rs", help: "Memory usage percentage of the current process relative to total system memory (0-100)" },
  { name: "system_cpu_usage", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/broker.rs", help: "Overall system CPU usage percentage (0-100)" },
  { name: "system_memory_usage", type: "gauge", labels: [], highCardinality: false, source: "src/common/metrics/src/broker.rs", help: "Overall system memory usage percentage (0-100)" },
  // storage_engine.rs
  { name: "storage_engine_ops", type: "counter", labels: ["operation"], highCardinality: false, source: "src/common/metrics/src/storage_engine.rs", help: "Total number of storage engine operations" },
  { name: "storage_engine_ops_fail", type: "counter", labels: ["operation"], highCardinality: false, source: "src/common/metrics/src/storage_engine.rs", help: "Total number of failed storage engine operations" },
  { name: "storage_engine_ops_duration_ms", type: "histogram", labels: ["operation"], highCardinality: false, source: "src/common/metrics/src/storage_engine.rs", help: "Duration of storage engine operations in milliseconds" },
  // rocksdb.rs
  { name: "rocksdb_operation_ms", type: "histogram", labels: ["source", "operation"], highCardinality: false, source: "src/common/metrics/src/rocksdb.rs", help: "The duration of rocksdb operations" },
  { name: "rocksdb_operation_count", type: "counter", labels: ["source", "operation"], highCardinality: false, source: "src/common/metrics/src/rocksdb.rs", help: "The count of rocksdb operations" },
  // grpc.rs
  { name: "grpc_requests", type: "counter", labels: ["service", "method"], highCardinality: false, source: "src/common/metrics/src/grpc.rs", help: "Total number of gRPC requests by service and method" },
  { name: "grpc_request_duration_ms", type: "histogram", labels: ["service", "method"], highCardinality: false, source: "src/common/metrics/src/grpc.rs", help: "gRPC request duration in milliseconds by service and method" },
  { name: "grpc_errors", type: "counter", labels: ["service", "method", "status_code"], highCardinality: false, source: "src/common/metrics/src/grpc.rs", help: "Total number of gRPC errors by service, method and status code" },
  { name: "grpc_client_call_duration_ms", type: "histogram", labels: ["service", "method"], highCardinality: false, source: "src/common/metrics/src/grpc.rs", help: "gRPC client call duration in milliseconds by service and method" },
  // http.rs
  { name: "http_requests", type: "counter", labels: ["method", "uri"], highCardinality: false, source: "src/common/metrics/src/http.rs", help: "Total number of HTTP requests by method and uri" },
  { name: "http_request_duration_ms", type: "histogram", labels: ["method", "uri"], highCardinality: false, source: "src/common/metrics/src/http.rs", help: "HTTP request duration in milliseconds by method and uri" },
  { name: "http_errors", type: "counter", labels: ["method", "uri", "status_code"], highCardinality: false, source: "src/common/metrics/src/http.rs", help: "Total number of HTTP errors by method, uri and status code" },
];

/** Every series name RobustMQ v0.4.11 can serve on /metrics. */
export const ROBUSTMQ_SERIES: ReadonlySet<string> = new Set(ROBUSTMQ_METRICS.flatMap(seriesNames));

/** The family a served series name belongs to, or undefined when RobustMQ does not serve it. */
export function robustmqMetricOf(series: string): RobustMQMetric | undefined {
  return ROBUSTMQ_METRICS.find((m) => seriesNames(m).includes(series));
}
