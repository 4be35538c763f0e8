import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "smol-toml";
import { CONFIG_KEYS, CONFIG_KEYS_VERSION, CONFIG_TABLES, FREE_TABLES, INTEGER_RANGES, KNOWN_CONFIG_KEYS, RawKey } from "../../components/rmq/config/known-keys";
import { BROKER_ID_OVERRIDE, envVarForKey } from "../../components/rmq/config/env";
import { renderLoggerToml } from "../../components/rmq/config/logger-toml";
import { renderServerToml, serverConfig } from "../../components/rmq/config/server-toml";
import { pinTableDefaults } from "../../components/rmq/config/table-defaults";
import { CREDENTIALS, credentialSpec, tomlString } from "../../components/rmq/credentials";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { flattenConfig, validateConfigKeys } from "../../components/validate/config-keys";
import { ROBUSTMQ_VERSION } from "../../components/rmq/versions";
import { nodeConfig } from "../../components/workload/config";
import { credentialEnv } from "../../components/workload/statefulset";

// Everything is read from inside the repository: the key list the package ships, and upstream's
// files kept as test data (tests/data/upstream, copied from RobustMQ at the tag).
const ROOT = path.resolve(__dirname, "..", "..");
const UPSTREAM = path.join(__dirname, "..", "data", "upstream");
const template = fs.readFileSync(path.join(UPSTREAM, "server.toml.template"), "utf8");
const upstreamLogger = parse(fs.readFileSync(path.join(UPSTREAM, "logger.toml"), "utf8")) as Record<string, Record<string, unknown>>;

const json = JSON.parse(fs.readFileSync(path.join(ROOT, "components", "rmq", "config", "config-keys.v0.4.11.json"), "utf8")) as {
  version: string;
  keys: Record<string, RawKey>;
  tables: string[];
  free_tables: string[];
};

/**
 * RobustMQ's env override (src/common/config/src/common.rs, override_default_by_env), re-stated:
 * a line "key = value" inside [section] is replaced by "key=<raw env text>" when
 * ROBUST_MQ_SERVER_<SECTION>_<KEY> (upper case, dots -> _) is set.
 */
function applyEnvOverrides(toml: string, env: Record<string, string>): string {
  let section = "";
  return toml
    .split("\n")
    .map((line) => {
      const t = line.trim().replace(/ /g, "");
      if (t === "" || t.startsWith("#")) {
        return line;
      }
      if (t.startsWith("[")) {
        section = t.endsWith("]") ? t.slice(1, -1) : t.slice(1);
        return line;
      }
      const eq = t.indexOf("=");
      if (eq < 0) {
        return line;
      }
      const key = t.slice(0, eq).toUpperCase().replace(/\./g, "_");
      const name = section === "" ? `ROBUST_MQ_SERVER_${key}` : `ROBUST_MQ_SERVER_${section.toUpperCase().replace(/\./g, "_")}_${key}`;
      return name in env ? `${line.split("=")[0].trim()}=${env[name]}` : line;
    })
    .join("\n");
}

/** Dotted keys of a document, with meta_addrs (a free table) as one key. */
function liveKeys(doc: Record<string, unknown>): string[] {
  const keys = flattenConfig(doc).map(([k]) => (FREE_TABLES.some((t) => k.startsWith(`${t}.`)) ? k.slice(0, k.indexOf(".")) : k));
  return [...new Set(keys)];
}

/** A document that writes `table` (dotted) as `content`, and nothing else. */
function nest(table: string, content: Record<string, unknown>): Record<string, unknown> {
  return table
    .split(".")
    .reverse()
    .reduce<Record<string, unknown>>((inner, part) => ({ [part]: inner }), content);
}

describe("config: RobustMQ's known keys (config-keys.v0.4.11.json)", () => {
  it("has 132 keys and matches the JSON key by key, type by type, enum values included", () => {
    assert.equal(Object.keys(CONFIG_KEYS).length, 132);
    assert.deepEqual(Object.keys(CONFIG_KEYS), Object.keys(json.keys));
    assert.deepEqual(Object.keys(KNOWN_CONFIG_KEYS), Object.keys(json.keys));
    const typeOf: Record<string, string> = { "array<string>": "string[]" };
    for (const [key, raw] of Object.entries(json.keys)) {
      const m = CONFIG_KEYS[key];
      assert.equal(m.key, key);
      assert.equal(m.type, typeOf[raw.type] ?? raw.type, key);
      assert.equal(KNOWN_CONFIG_KEYS[key], m.type, key);
      assert.equal(m.rustType, raw.rust_type, key);
      assert.deepEqual(m.values, raw.values, key);
      assert.equal(m.type === "enum", raw.values !== undefined, key);
      assert.deepEqual(m.default, raw.default, key);
      assert.equal("defaultIfTableAbsent" in m, "default_if_table_absent" in raw, key);
      assert.deepEqual(m.defaultIfTableAbsent, raw.default_if_table_absent, key);
      assert.deepEqual(m.range, raw.type === "integer" ? INTEGER_RANGES[raw.rust_type] : undefined, key);
      assert.ok(m.table === "" || json.tables.includes(m.table), `${key}: table ${m.table} is listed`);
    }
    assert.deepEqual([...CONFIG_TABLES], json.tables);
    assert.deepEqual([...FREE_TABLES], ["meta_addrs"]);
  });

  it("models the special keys: enums, floats, string arrays, u16 ranges, the meta_addrs table", () => {
    assert.deepEqual(
      Object.values(CONFIG_KEYS).filter((m) => m.type === "enum").map((m) => m.key),
      ["llm_client.platform", "mqtt_runtime.slow_subscribe.delay_type", "mqtt_runtime.schema.strategy", "mqtt_runtime.schema.failed_operation"],
    );
    assert.deepEqual(CONFIG_KEYS["mqtt_runtime.slow_subscribe.delay_type"].values, ["Whole", "Internal", "Response"]);
    assert.ok(CONFIG_KEYS["llm_client.platform"].values!.includes("open_a_i"));
    assert.ok(!CONFIG_KEYS["llm_client.platform"].values!.includes("open_ai"));
    assert.deepEqual(
      Object.values(CONFIG_KEYS).filter((m) => m.type === "float").map((m) => m.key),
      ["mqtt_runtime.system_monitor.os_cpu_high_watermark", "mqtt_runtime.system_monitor.os_memory_high_watermark"],
    );
    assert.deepEqual(
      Object.values(CONFIG_KEYS).filter((m) => m.type === "string[]").map((m) => m.key),
      ["roles", "storage_runtime.data_path", "kafka_runtime.sasl.mechanisms"],
    );
    assert.deepEqual(CONFIG_KEYS["mqtt_runtime.keep_alive.max_time"].range, { min: 0, max: 65535 });
    assert.deepEqual(CONFIG_KEYS["grpc_port"].range, { min: 0, max: 4294967295 });
    assert.deepEqual(CONFIG_KEYS["broker_id"].range, { min: 0, max: Number.MAX_SAFE_INTEGER });
    assert.equal(CONFIG_KEYS["meta_addrs"].type, "table");
    assert.equal(CONFIG_KEYS["data_path"].type, "string");
    assert.equal(Object.keys(CONFIG_KEYS).some((k) => k.startsWith("rocksdb.")), false, "v0.4.11 has no [rocksdb] section");
  });

  it("belongs to the RobustMQ version the package deploys", () => {
    assert.equal(CONFIG_KEYS_VERSION, "v0.4.11");
    assert.equal(CONFIG_KEYS_VERSION, json.version);
    assert.equal(CONFIG_KEYS_VERSION, ROBUSTMQ_VERSION);
  });
});

describe("config: upstream's server.toml.template is not the source of the key list", () => {
  const templateDoc = parse(template) as Record<string, unknown>;
  const templateKeys = liveKeys(templateDoc);

  it("refuses, as unknown, every live template key v0.4.11 does not read (the [rocksdb] section)", () => {
    const notRead = templateKeys.filter((k) => CONFIG_KEYS[k] === undefined);
    assert.deepEqual(notRead, ["rocksdb.data_path", "rocksdb.max_open_files"]);
    for (const key of notRead) {
      const value = flattenConfig(templateDoc).find(([k]) => k === key)![1];
      const problems = validateConfigKeys("extraConfig", nest(key.slice(0, key.lastIndexOf(".")), { [key.slice(key.lastIndexOf(".") + 1)]: value }));
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.ok(problems[0].startsWith(`extraConfig.${key}: unknown key`), problems[0]);
      assert.ok(problems[0].includes("RobustMQ v0.4.11 does not read it"), problems[0]);
    }
    // The whole template: only those two are refused; every other live value has the right type.
    const problems = validateConfigKeys("template", templateDoc);
    assert.deepEqual(
      problems.map((p) => p.slice(0, p.indexOf(":"))),
      notRead.map((k) => `template.${k}`),
      problems.join("\n"),
    );
  });

  it("lists the live template keys that ARE known, and the known keys the template lacks", () => {
    const known = [
      "cluster_name", "broker_id", "roles", "grpc_port", "http_port", "meta_addrs", "log.log_config", "log.log_path",
      "runtime.channels_per_address", "runtime.server_worker_threads", "runtime.pprof_enable",
      "runtime.default_topic_partition_num", "runtime.default_topic_replica_num",
      "meta_runtime.heartbeat_timeout_ms", "meta_runtime.heartbeat_check_time_ms", "meta_runtime.raft_write_timeout_sec",
      "meta_runtime.offset_raft_group_num", "meta_runtime.data_raft_group_num", "meta_runtime.group_offset_expire_sec",
      "meta_runtime.meta_worker_threads",
      "storage_runtime.tcp_port", "storage_runtime.max_segment_size", "storage_runtime.io_thread_num", "storage_runtime.data_path",
      "storage_runtime.expire_scan_task_num", "storage_runtime.offset_enable_cache",
      "delay_task.delay_task_queue_num", "delay_task.delay_task_handler_concurrency",
      "broker_network.accept_thread_num", "broker_network.handler_thread_num", "broker_network.queue_size",
      "broker_network.tls_cert", "broker_network.tls_key",
      "admin.username", "admin.password", "admin.jwt_secret", "admin.token_ttl_hours",
      "mqtt_runtime.broker_worker_threads",
      "mqtt_runtime.server.tcp_port", "mqtt_runtime.server.tls_port", "mqtt_runtime.server.websocket_port",
      "mqtt_runtime.server.websockets_port", "mqtt_runtime.server.quic_port",
      "mqtt_runtime.auth.default_user", "mqtt_runtime.auth.default_password", "mqtt_runtime.auth.durable_sessions_enable",
      "mqtt_runtime.auth.secret_free_login", "mqtt_runtime.auth.is_self_protection_status",
      "mqtt_runtime.keep_alive.enable", "mqtt_runtime.keep_alive.default_time", "mqtt_runtime.keep_alive.max_time",
      "mqtt_runtime.keep_alive.default_timeout",
      "mqtt_runtime.protocol.max_session_expiry_interval", "mqtt_runtime.protocol.default_session_expiry_interval",
      "mqtt_runtime.protocol.topic_alias_max", "mqtt_runtime.protocol.max_packet_size", "mqtt_runtime.protocol.receive_max",
      "mqtt_runtime.protocol.max_message_expiry_interval", "mqtt_runtime.protocol.client_pkid_persistent",
      "mqtt_runtime.offline_message.enable", "mqtt_runtime.offline_message.expire_ms", "mqtt_runtime.offline_message.max_messages_num",
      "mqtt_runtime.flapping_detect.enable", "mqtt_runtime.flapping_detect.window_time",
      "mqtt_runtime.flapping_detect.max_client_connections", "mqtt_runtime.flapping_detect.ban_time",
      "mqtt_runtime.slow_subscribe.enable", "mqtt_runtime.slow_subscribe.record_time", "mqtt_runtime.slow_subscribe.delay_type",
      "mqtt_runtime.schema.enable", "mqtt_runtime.schema.strategy", "mqtt_runtime.schema.failed_operation",
      "mqtt_runtime.schema.echo_log", "mqtt_runtime.schema.log_level",
      "mqtt_runtime.system_monitor.enable", "mqtt_runtime.system_monitor.os_cpu_high_watermark",
      "mqtt_runtime.system_monitor.os_memory_high_watermark", "mqtt_runtime.system_monitor.system_topic_interval_ms",
      "mqtt_runtime.limit.cluster.max_connections_per_node", "mqtt_runtime.limit.cluster.max_connection_rate",
      "mqtt_runtime.limit.cluster.max_topics", "mqtt_runtime.limit.cluster.max_sessions", "mqtt_runtime.limit.cluster.max_publish_rate",
      "mqtt_runtime.limit.tenant.max_connections_per_node", "mqtt_runtime.limit.tenant.max_connection_rate",
      "mqtt_runtime.limit.tenant.max_topics", "mqtt_runtime.limit.tenant.max_sessions", "mqtt_runtime.limit.tenant.max_publish_rate",
      "kafka_runtime.tcp_port", "kafka_runtime.max_fetch_bytes", "kafka_runtime.max_message_bytes",
      "kafka_runtime.max_describe_topic_partitions", "kafka_runtime.auto_create_topics_enable",
      "kafka_runtime.sasl.enabled", "kafka_runtime.sasl.mechanisms",
      "amqp_runtime.tcp_port",
      "nats_runtime.tcp_port", "nats_runtime.tls_port", "nats_runtime.ws_port", "nats_runtime.wss_port", "nats_runtime.max_payload",
      "nats_runtime.auth_required", "nats_runtime.ping_interval", "nats_runtime.ping_max", "nats_runtime.ping_send_chunk",
      "nats_runtime.core_shard_num", "nats_runtime.push_thread_num", "nats_runtime.push_queue_thread_num",
      "nats_runtime.mq9_mailbox_default_ttl",
    ];
    assert.equal(known.length, 109);
    assert.deepEqual(templateKeys.filter((k) => CONFIG_KEYS[k] !== undefined), known);
    // Keys v0.4.11 reads that the template does not set (broker_ip and llm_client.* only in comments).
    assert.deepEqual(
      Object.keys(CONFIG_KEYS).filter((k) => !templateKeys.includes(k)),
      [
        "broker_ip", "data_path",
        "llm_client.embedding", "llm_client.embedding_model_path", "llm_client.platform", "llm_client.model", "llm_client.token",
        "llm_client.base_url",
        "cluster_limit.max_network_connection", "cluster_limit.max_network_connection_rate", "cluster_limit.max_connection_per_ip",
        "cluster_limit.max_admin_http_uri_rate",
        "delay_message.max_retries", "delay_message.initial_retry_delay_sec",
        "meta_runtime.segment_leader_rebalance_interval_ms", "meta_runtime.segment_leader_rebalance_max_moves",
        "storage_runtime.num_replica_fetchers", "storage_runtime.replica_fetch_min_bytes", "storage_runtime.replica_fetch_max_wait_ms",
        "storage_runtime.replica_fetch_backoff_ms", "storage_runtime.replica_lag_time_max_ms",
        "storage_runtime.metadata_reconcile_interval_ms", "storage_runtime.isr_maintain_interval_ms",
      ],
    );
  });
});

describe("config: validateConfigKeys against the v0.4.11 key list", () => {
  const accepts = (config: Record<string, unknown>) => assert.deepEqual(validateConfigKeys("extraConfig", config), []);
  /** Exactly one problem, for `key`, mentioning every fragment. */
  const refuses = (config: Record<string, unknown>, key: string, ...fragments: string[]) => {
    const problems = validateConfigKeys("extraConfig", config);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.ok(problems[0].startsWith(`extraConfig.${key}: `), problems[0]);
    for (const f of fragments) {
      assert.ok(problems[0].includes(f), `"${problems[0]}" does not mention ${f}`);
    }
    return problems[0];
  };

  it("refuses an unknown key, says v0.4.11 does not read it and suggests the closest known key", () => {
    const p = refuses(
      { mqtt_runtime: { keepalive: { enable: true } } },
      "mqtt_runtime.keepalive.enable",
      "unknown key",
      "RobustMQ v0.4.11 does not read it",
      'did you mean "mqtt_runtime.keep_alive.enable"?',
    );
    assert.ok(!p.includes("template"), p);
    refuses({ rocksdb: { data_path: "/x" } }, "rocksdb.data_path", 'did you mean "data_path"?');
    refuses({ runtime: { default_topic_partitions: 3 } }, "runtime.default_topic_partitions", 'did you mean "runtime.default_topic_partition_num"?');
    refuses({ rocksdb: {} }, "rocksdb", "unknown key");
  });

  it("refuses an enum value that is not accepted and lists the accepted values", () => {
    refuses(
      { mqtt_runtime: { slow_subscribe: { delay_type: "Partial" } } },
      "mqtt_runtime.slow_subscribe.delay_type",
      '"Whole", "Internal", "Response"',
      'got "Partial"',
    );
    refuses({ mqtt_runtime: { schema: { strategy: "all" } } }, "mqtt_runtime.schema.strategy", '"ALL", "Any"');
    accepts({ mqtt_runtime: { slow_subscribe: { delay_type: "Internal" }, schema: { strategy: "Any", failed_operation: "Ignore" } } });
  });

  it("refuses llm_client.platform = \"open_ai\" (the template's value) and accepts \"open_a_i\"", () => {
    refuses({ llm_client: { platform: "open_ai" } }, "llm_client.platform", '"open_a_i", "open_a_i_resp"', 'got "open_ai"');
    accepts({ llm_client: { platform: "open_a_i", model: "m" } });
  });

  it("checks integers against the Rust type's range", () => {
    refuses({ mqtt_runtime: { keep_alive: { max_time: 65536 } } }, "mqtt_runtime.keep_alive.max_time", "from 0 to 65535", "u16");
    refuses({ mqtt_runtime: { keep_alive: { max_time: -1 } } }, "mqtt_runtime.keep_alive.max_time", "from 0 to 65535");
    refuses({ mqtt_runtime: { keep_alive: { max_time: 1.5 } } }, "mqtt_runtime.keep_alive.max_time", "must be a TOML integer");
    refuses({ grpc_port: 4294967296 }, "grpc_port", "from 0 to 4294967295");
    assert.deepEqual(validateConfigKeys("extraConfig", { mqtt_runtime: { keep_alive: { max_time: "600" } } }), [
      'extraConfig.mqtt_runtime.keep_alive.max_time: must be a TOML integer, got "600"',
    ]);
    accepts({ mqtt_runtime: { keep_alive: { max_time: 65535, default_time: 0 } }, broker_id: Number.MAX_SAFE_INTEGER });
  });

  it("accepts integers and fractions for floats", () => {
    accepts({ mqtt_runtime: { system_monitor: { os_cpu_high_watermark: 70 } } });
    accepts({ mqtt_runtime: { system_monitor: { os_cpu_high_watermark: 70.5, os_memory_high_watermark: 80 } } });
    refuses({ mqtt_runtime: { system_monitor: { os_cpu_high_watermark: "70" } } }, "mqtt_runtime.system_monitor.os_cpu_high_watermark", "TOML float");
  });

  it("checks string arrays, strings, booleans and the meta_addrs table", () => {
    accepts({ roles: ["broker"], kafka_runtime: { sasl: { mechanisms: ["SCRAM-SHA-512"], enabled: true } } });
    refuses({ kafka_runtime: { sasl: { mechanisms: ["PLAIN", 1] } } }, "kafka_runtime.sasl.mechanisms", "array of strings");
    refuses({ roles: "broker" }, "roles", "array of strings");
    refuses({ log: { log_path: 1 } }, "log.log_path", "TOML string");
    refuses({ runtime: { pprof_enable: "true" } }, "runtime.pprof_enable", "TOML boolean");
    accepts({ meta_addrs: { "1": "meta-0.meta:1228", "2": "meta-1.meta:1228" } });
    refuses({ meta_addrs: { "1": 1228 } }, "meta_addrs.1", "TOML string");
    refuses({ meta_addrs: "x" }, "meta_addrs", "TOML table");
    refuses({ runtime: 3 }, "runtime", "TOML table");
  });

  it("reports refused keys and tables with their reason", () => {
    const refused = new Map([
      ["broker_id", "derived per pod"],
      ["admin", "not here"],
      ["meta_addrs", "from the meta tier"],
    ]);
    assert.deepEqual(
      validateConfigKeys("extraConfig", { broker_id: 7, admin: { username: "u", token_ttl_hours: 1 }, meta_addrs: { "1": "x:1228" }, log: { log_path: "./l" } }, refused),
      [
        "extraConfig.broker_id: derived per pod",
        "extraConfig.admin.username: not here",
        "extraConfig.admin.token_ttl_hours: not here",
        "extraConfig.meta_addrs.1: from the meta tier",
      ],
    );
  });

  it("reports every problem at once and never throws", () => {
    const problems = validateConfigKeys("extraConfig", {
      runtime: null,
      log: [1],
      x: undefined,
      mqtt_runtime: { keep_alive: { max_time: "600", maxtime: 1 } },
      kafka: { port: 1 },
    } as Record<string, unknown>);
    assert.equal(problems.length, 6, problems.join("\n"));
    assert.ok(problems.every((p) => p.startsWith("extraConfig.")), problems.join("\n"));
  });
});

describe("config: pinTableDefaults (RobustMQ's two defaults)", () => {
  /** table -> { leaf: default_if_table_absent }, straight from the JSON. */
  const absent: Record<string, Record<string, unknown>> = {};
  for (const [key, raw] of Object.entries(json.keys)) {
    if ("default_if_table_absent" in raw) {
      const table = key.slice(0, key.lastIndexOf("."));
      (absent[table] ??= {})[key.slice(table.length + 1)] = raw.default_if_table_absent;
    }
  }

  it("pins the table-absent default of a key the written table leaves out", () => {
    assert.deepEqual(pinTableDefaults({ runtime: { default_topic_replica_num: 2 } }), {
      runtime: { default_topic_replica_num: 2, default_topic_partition_num: 3 },
    });
  });

  it("leaves an empty document empty", () => {
    assert.deepEqual(pinTableDefaults({}), {});
  });

  it("never overwrites a value the document sets, and does not modify its input", () => {
    const doc = {
      runtime: { default_topic_partition_num: 1, default_topic_replica_num: 1 },
      mqtt_runtime: { offline_message: { expire_ms: 5 } },
    };
    const before = JSON.parse(JSON.stringify(doc));
    assert.deepEqual(pinTableDefaults(doc), {
      runtime: { default_topic_partition_num: 1, default_topic_replica_num: 1 },
      mqtt_runtime: { offline_message: { expire_ms: 5, max_messages_num: 0 } },
    });
    assert.deepEqual(doc, before);
  });

  it("gives a document that writes only one table exactly that table's table-absent defaults, for every table", () => {
    assert.deepEqual(Object.keys(absent).sort(), [
      "broker_network",
      "mqtt_runtime.limit.cluster",
      "mqtt_runtime.offline_message",
      "runtime",
      "storage_runtime",
    ]);
    for (const table of json.tables) {
      assert.deepEqual(pinTableDefaults(nest(table, {})), nest(table, { ...(absent[table] ?? {}) }), table);
    }
  });

  it("does not pin the keys of a nested table the document does not write", () => {
    for (const doc of [
      { mqtt_runtime: {} },
      { mqtt_runtime: { server: { tcp_port: 1883 } } },
      { mqtt_runtime: { limit: { tenant: { max_topics: 1 } } } },
      { storage_runtime: 1 } as Record<string, unknown>,
    ]) {
      assert.deepEqual(pinTableDefaults(doc), doc);
    }
    assert.deepEqual(pinTableDefaults({ mqtt_runtime: { limit: { cluster: { max_topics: 7 } } } }), {
      mqtt_runtime: { limit: { cluster: { max_topics: 7, max_connections_per_node: 10000000, max_connection_rate: 100000, max_sessions: 50000000 } } },
    });
  });

  it("writes only known keys with valid values", () => {
    // A document that writes every table (meta_addrs included, empty).
    const all: Record<string, unknown> = {};
    for (const table of json.tables) {
      let node = all;
      for (const part of table.split(".")) {
        node = (node[part] ??= {}) as Record<string, unknown>;
      }
    }
    const pinned = pinTableDefaults(all);
    assert.deepEqual(validateConfigKeys("pinned", pinned), []);
    assert.equal(flattenConfig(pinned).length, Object.values(absent).reduce((n, t) => n + Object.keys(t).length, 0));
  });
});

describe("config: generated server.toml", () => {
  const variants = [
    resolveClusterArgs("dev", {}),
    resolveClusterArgs("trio", { combined: { replicas: 3 }, protocols: ["mqtt", "kafka", "amqp", "nats"] }),
    resolveClusterArgs("split", {
      topology: "split",
      meta: { replicas: 5 },
      engine: { replicas: 4 },
      protocols: ["kafka"],
      extraConfig: { mqtt_runtime: { keep_alive: { max_time: 600 } }, runtime: { default_topic_replica_num: 3 } },
    }),
    resolveClusterArgs("tuned", {
      topology: "split",
      protocols: ["mqtt", "kafka"],
      listenerTls: { secretName: "tuned-tls" },
      extraConfig: {
        mqtt_runtime: {
          system_monitor: { enable: true, os_cpu_high_watermark: 70.5, os_memory_high_watermark: 80 },
          slow_subscribe: { enable: true, delay_type: "Internal" },
          schema: { strategy: "Any" },
          limit: { cluster: { max_topics: 1000 } },
        },
        kafka_runtime: { sasl: { enabled: true, mechanisms: ["SCRAM-SHA-512"] } },
        cluster_limit: { max_connection_per_ip: 100 },
      },
    }),
  ];

  for (const cluster of variants) {
    for (const tier of cluster.tiers) {
      describe(`${cluster.name}/${tier.name}`, () => {
        const toml = renderServerToml(nodeConfig(cluster, tier));
        const doc = parse(toml) as Record<string, any>;

        it("uses only keys RobustMQ v0.4.11 reads, each with a value of the right type", () => {
          for (const generated of [serverConfig(nodeConfig(cluster, tier)), doc]) {
            for (const key of liveKeys(generated)) {
              assert.ok(KNOWN_CONFIG_KEYS[key], `unknown key ${key}`);
            }
            assert.deepEqual(validateConfigKeys("server.toml", generated), []);
          }
        });

        it("carries the tier's roles and a meta_addrs entry for every meta address slot (every pod, up to 7)", () => {
          assert.deepEqual(doc.roles, tier.roles);
          const meta = cluster.tiers.find((t) => t.roles.includes("meta"))!;
          assert.equal(Object.keys(doc.meta_addrs).length, meta.replicas === 1 ? 1 : Math.max(7, meta.replicas));
          Object.entries(doc.meta_addrs).forEach(([id, addr], i) => {
            assert.equal(id, `${meta.idPrefix}${i}`);
            assert.equal(addr, `${meta.names.statefulSet}-${i}.${meta.names.headlessService}.${cluster.namespace}.svc.cluster.local:1228`);
          });
        });

        it("leaves broker_ip to the pod IP and writes no credential", () => {
          assert.equal(doc.broker_ip, undefined);
          assert.equal(doc.admin.password, "");
          assert.equal(doc.admin.jwt_secret, "");
          assert.equal(doc.mqtt_runtime.auth.default_password, "");
          assert.equal(doc.mqtt_runtime.auth.default_user, "");
          assert.equal(doc.broker_id, 0, "broker_id placeholder must be invalid if the override ever failed");
        });

        it("becomes the pod's real config once RobustMQ applies the pod's env overrides", () => {
          const env: Record<string, string> = {
            ROBUST_MQ_SERVER_BROKER_ID: `${tier.idPrefix}2`,
            [credentialSpec("adminPassword").env]: tomlString('pa"ss\\word'),
            [credentialSpec("jwtSecret").env]: tomlString("j".repeat(40)),
            [credentialSpec("mqttUsername").env]: tomlString("mqtt-user"),
            [credentialSpec("mqttPassword").env]: tomlString("mqtt-pass-123"),
          };
          const effective = parse(applyEnvOverrides(toml, env)) as Record<string, any>;
          assert.equal(effective.broker_id, Number(`${tier.idPrefix}2`));
          assert.equal(effective.admin.password, 'pa"ss\\word');
          assert.equal(effective.admin.jwt_secret, "j".repeat(40));
          assert.equal(effective.mqtt_runtime.auth.default_user, "mqtt-user");
          assert.equal(effective.mqtt_runtime.auth.default_password, "mqtt-pass-123");
        });

        it("logs to stdout, with sinks shaped like upstream's logger.toml", () => {
          assert.equal(doc.log.log_config, "/etc/robustmq/logger.toml");
          const logger = parse(renderLoggerToml(cluster.logLevel)) as Record<string, Record<string, any>>;
          assert.equal(logger.stdout.kind, "console");
          assert.ok(logger.stdout.targets.some((t: { path: string }) => t.path === ""), "the root target goes to stdout");
          // Every sink uses a kind upstream's logger.toml uses, and a file sink carries the fields
          // upstream's file sinks carry. Only stdout logs the root target.
          const kinds = new Set(Object.values(upstreamLogger).map((s) => s.kind));
          const fileFields = ["kind", "targets", "rotation", "directory", "prefix", "suffix"];
          for (const [name, sink] of Object.entries(logger)) {
            assert.ok(kinds.has(sink.kind), `${name}: kind ${sink.kind}`);
            if (sink.kind === "rolling_file") {
              assert.deepEqual(fileFields.filter((f) => !(f in sink)), [], name);
              assert.ok(!sink.targets.some((t: { path: string }) => t.path === ""), `${name} must not log everything to a file`);
            }
          }
        });
      });
    }
  }

  it("names each override env var the way RobustMQ derives it", () => {
    // Written out: the env names RobustMQ's override rule gives these keys (src/common/config/src/common.rs).
    const overrides = [
      { key: "broker_id", env: "ROBUST_MQ_SERVER_BROKER_ID" },
      { key: "admin.password", env: "ROBUST_MQ_SERVER_ADMIN_PASSWORD" },
      { key: "admin.jwt_secret", env: "ROBUST_MQ_SERVER_ADMIN_JWT_SECRET" },
      { key: "mqtt_runtime.auth.default_user", env: "ROBUST_MQ_SERVER_MQTT_RUNTIME_AUTH_DEFAULT_USER" },
      { key: "mqtt_runtime.auth.default_password", env: "ROBUST_MQ_SERVER_MQTT_RUNTIME_AUTH_DEFAULT_PASSWORD" },
    ];
    for (const o of overrides) {
      assert.equal(envVarForKey(o.key), o.env);
    }
    assert.deepEqual(
      [BROKER_ID_OVERRIDE, ...CREDENTIALS].map((o) => ({ key: "configKey" in o ? o.configKey : o.key, env: o.env })),
      overrides,
    );
    for (const servesAdminApi of [true, false]) {
      assert.deepEqual(credentialEnv("x-credentials", servesAdminApi).map((c) => c.name).sort(), overrides.filter((o) => o.key !== "broker_id").map((o) => o.env).sort());
    }
  });

  it("merges extraConfig over the generated settings", () => {
    const cluster = variants[2];
    const doc = parse(renderServerToml(nodeConfig(cluster, cluster.tiers[1]))) as Record<string, any>;
    assert.equal(doc.mqtt_runtime.keep_alive.max_time, 600);
    assert.equal(doc.runtime.default_topic_replica_num, 3);
    assert.equal(doc.mqtt_runtime.server.tcp_port, 1883, "sibling keys survive the merge");
  });
});
