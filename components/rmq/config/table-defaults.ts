// RobustMQ's "two defaults" trap, removed. A key missing from a table the file writes gets the
// field's serde default (`default` in config-keys.v0.4.11.json); a key whose whole table is missing
// gets the value of the parent's default fn / Default impl (`default_if_table_absent`). They differ
// for a few keys (runtime.default_topic_partition_num: 1 vs 3, ...), so merely adding a table, e.g.
// [runtime] to set one key, would silently change its siblings. pinTableDefaults writes those
// siblings explicitly with the value they had while the table was absent.
//
// Nested tables. The decision: a key is pinned only when its OWN table (the innermost one, e.g.
// mqtt_runtime.offline_message for mqtt_runtime.offline_message.expire_ms) is written as a table in
// the document. Writing only a parent (mqtt_runtime, or mqtt_runtime.server) leaves
// [mqtt_runtime.offline_message] absent, so its keys keep the table-absent value and nothing needs
// pinning. This is sound because, at v0.4.11, a table-absent value does not depend on WHICH
// ancestor is missing: checked in src/common/config/src/config.rs and default.rs at the tag,
// MqttRuntime derives Default, so a missing [mqtt_runtime] builds MqttOfflineMessage::default()
// (= default_mqtt_offline_message(): expire_ms 0, max_messages_num 0) and MQTTLimit::default()
// (cluster quota 10000000/100000/5000000/50000000), exactly what a missing
// [mqtt_runtime.offline_message] (field #[serde(default)]) or a missing [mqtt_runtime.limit.cluster]
// (default_mqtt_limit_cluster()) gives. So `default_if_table_absent` is one value per key: the value
// whenever its own table is absent, whether or not its parents are written.
// Tables are matched at their exact path and must be plain objects; values that are not (a user
// error validateConfigKeys reports) are left alone.
import { CONFIG_KEYS } from "./known-keys";

/** For each table, the keys (leaf names) whose table-absent default differs, with that value. */
export const TABLE_ABSENT_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = (() => {
  const out: Record<string, Record<string, unknown>> = {};
  for (const m of Object.values(CONFIG_KEYS)) {
    if (!("defaultIfTableAbsent" in m) || m.table === "") {
      continue;
    }
    (out[m.table] ??= {})[m.key.slice(m.table.length + 1)] = m.defaultIfTableAbsent;
  }
  return out;
})();

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function clone<T>(v: T): T {
  if (Array.isArray(v)) {
    return v.map(clone) as T;
  }
  if (isTable(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  }
  return v;
}

/**
 * A copy of `doc` in which every table the document writes carries, explicitly, each key whose
 * table-absent default differs from its key-absent default and that the document does not set
 * (undefined counts as not set). Values the document sets are never changed; tables the document
 * does not write are not added. Pure: `doc` is not modified.
 */
export function pinTableDefaults(doc: Record<string, unknown>): Record<string, unknown> {
  const out = clone(doc);
  for (const [table, pins] of Object.entries(TABLE_ABSENT_DEFAULTS)) {
    let node: unknown = out;
    for (const part of table.split(".")) {
      node = isTable(node) && Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined;
    }
    if (!isTable(node)) {
      continue;
    }
    for (const [leaf, value] of Object.entries(pins)) {
      if (node[leaf] === undefined) {
        node[leaf] = clone(value);
      }
    }
  }
  return out;
}
