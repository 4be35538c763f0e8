// Which nodes read a config key, where RobustMQ v0.4.11's source shows that only some roles do.
//
// Every node runs every start-up phase whatever its roles (src/broker-server/src/lib.rs), so a
// table's name says little: every node advertises its protocol ports from mqtt_runtime,
// kafka_runtime and nats_runtime when it registers (src/broker-core/src/cluster.rs), and parts of
// mqtt_runtime are cluster-wide dynamic config that every node loads
// (src/broker-core/src/dynamic_config.rs build_cluster_config). A key is routed only when every
// reader in the source belongs to one role; every other key goes to every tier. Routing a key
// away from a tier means a change to it no longer restarts that tier's pods.
import type { Role } from "../topology";

export interface RoleOnlyKey {
  /** Dotted path of a table (every key under it) or of one key. */
  path: string;
  /** The roles whose nodes read it. */
  roles: readonly Role[];
  /** Where the source shows it (v0.4.11). */
  source: string;
}

export const ROLE_ONLY_KEYS: readonly RoleOnlyKey[] = [
  {
    path: "mqtt_runtime.keep_alive",
    roles: ["broker"],
    source:
      "read only in src/mqtt-broker/src/core/keep_alive.rs, whose ClientKeepAlive only MqttBrokerServer creates " +
      "(src/mqtt-broker/src/broker.rs), which create_mqtt_server builds only when is_broker_node (src/broker-server/src/mqtt.rs)",
  },
];

const isTable = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The part of a config document a node of these roles reads: keys read only by other roles left out. */
export function configReadBy(doc: Record<string, unknown>, roles: readonly Role[], keys: readonly RoleOnlyKey[] = ROLE_ONLY_KEYS): Record<string, unknown> {
  const unread = keys.filter((k) => !k.roles.some((r) => roles.includes(r))).map((k) => k.path);
  const walk = (table: Record<string, unknown>, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(table)) {
      const path = prefix === "" ? k : `${prefix}.${k}`;
      if (unread.includes(path)) {
        continue;
      }
      if (isTable(v)) {
        const inner = walk(v, path);
        // A table left empty by routing is not written at all: an empty table would pin its keys
        // to the field defaults (the two-defaults trap, table-defaults.ts).
        if (Object.keys(inner).length > 0 || Object.keys(v).length === 0) {
          out[k] = inner;
        }
      } else {
        out[k] = v;
      }
    }
    return out;
  };
  return walk(doc, "");
}
