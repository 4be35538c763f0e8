// RobustMQ's metric families as the table in components/rmq/metrics.ts states them: unique, exposed
// under the names prometheus-client gives them, and flagged high-cardinality exactly when a label
// grows with topics, clients, sessions or connections (what the monitors drop by default).
import { strict as assert } from "assert";
import { METRICS_SOURCE_DIR, robustmqMetricOf, ROBUSTMQ_METRICS, ROBUSTMQ_SERIES, seriesNames } from "../../components/rmq/metrics";

/** Labels whose values come from clients or topics: unbounded. */
const UNBOUNDED_LABELS = ["client_id", "connection_id", "topic", "topic_name"];

describe("rmq: RobustMQ v0.4.11's metric families", () => {
  it("lists each family once, with a source file and labels that are label names", () => {
    const names = ROBUSTMQ_METRICS.map((m) => m.name);
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
    for (const m of ROBUSTMQ_METRICS) {
      assert.match(m.name, /^[a-z_][a-z0-9_]*$/, m.name);
      assert.ok(m.source.startsWith(`${METRICS_SOURCE_DIR}/`) && m.source.endsWith(".rs"), `${m.name}: ${m.source}`);
      m.labels.forEach((l) => assert.match(l, /^[a-z_][a-z0-9_]*$/, `${m.name}: ${l}`));
      assert.ok(!m.labels.includes("le"), `${m.name}: le is the histogram's`);
    }
    assert.equal(new Set(ROBUSTMQ_METRICS.flatMap(seriesNames)).size, ROBUSTMQ_SERIES.size);
  });

  it("exposes counters with _total and histograms as _bucket/_sum/_count; gauges as named", () => {
    assert.deepEqual(seriesNames(robustmqMetricOf("raft_write_failures_total")!), ["raft_write_failures_total"]);
    assert.deepEqual(seriesNames(robustmqMetricOf("raft_write_duration_ms_count")!), ["raft_write_duration_ms_bucket", "raft_write_duration_ms_sum", "raft_write_duration_ms_count"]);
    // Registered as a counter whose name already ends in _total: prometheus-client appends another.
    assert.ok(ROBUSTMQ_SERIES.has("mqtt_connector_retry_total_total"));
    assert.ok(!ROBUSTMQ_SERIES.has("mqtt_connector_retry_total"));
    // A gauge named *_total keeps its name.
    assert.equal(robustmqMetricOf("handler_requests_total")?.type, "gauge");
    assert.equal(robustmqMetricOf("raft_write_failures"), undefined, "the family name alone is not a served series");
  });

  it("flags exactly the families with an unbounded label as high-cardinality", () => {
    for (const m of ROBUSTMQ_METRICS) {
      const unbounded = m.labels.some((l) => UNBOUNDED_LABELS.includes(l));
      assert.equal(m.highCardinality, unbounded, `${m.name} (${m.labels.join(", ")})`);
    }
  });

  it("states the labels the rules rely on", () => {
    assert.deepEqual(robustmqMetricOf("raft_apply_lag")?.labels, ["machine"]);
    assert.deepEqual(robustmqMetricOf("raft_rpc_failures_total")?.labels, ["machine", "rpc_type"]);
    assert.deepEqual(robustmqMetricOf("handler_queue_size")?.labels, ["label"]);
    assert.deepEqual(robustmqMetricOf("mqtt_auth_failed_total")?.labels, []);
    assert.deepEqual(robustmqMetricOf("system_process_memory_usage")?.labels, []);
  });
});
