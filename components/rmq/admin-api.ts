// RobustMQ v0.4.11's admin HTTP API, as far as the package drives it: the paths, the dynamic
// config sections and the request fields' limits. Read from the source at the tag (paths:
// src/admin-server/src/path.rs and server.rs; requests: src/admin-server/src/cluster/*.rs). What
// each call does with an existing or a missing entity is in the sync's program
// (features/runtime-sync/applier.ts) and in the tests' stand-in of the API, which cites the source.
// No Pulumi here: the validation, the runtime-sync feature and its tests read these facts.

/** Every /api path needs a JWT from this login (loopback callers skip it; a Job is no loopback). */
export const LOGIN_PATH = "/api/v1/login";

/**
 * The admin API's paths the runtime sync calls. Lists are GET with query parameters and return at
 * most `limit` rows (10 when unset: src/admin-server/src/tool/query.rs), so callers page.
 */
export const ADMIN_PATHS = {
  configGet: "/api/cluster/config/get",
  configSet: "/api/cluster/config/set",
  userList: "/api/cluster/user/list",
  userCreate: "/api/cluster/user/create",
  userDelete: "/api/cluster/user/delete",
  aclList: "/api/cluster/acl/list",
  aclCreate: "/api/cluster/acl/create",
  aclDelete: "/api/cluster/acl/delete",
  blacklistList: "/api/cluster/blacklist/list",
  blacklistCreate: "/api/cluster/blacklist/create",
  blacklistDelete: "/api/cluster/blacklist/delete",
  topicList: "/api/cluster/topic/list",
  topicCreate: "/api/cluster/topic/create",
  topicDelete: "/api/cluster/topic/delete",
} as const;

/** Tenant every entity belongs to unless given (metadata_struct::tenant::DEFAULT_TENANT). */
export const DEFAULT_TENANT = "default";

/**
 * The dynamic config types of POST /api/cluster/config/set (src/admin-server/src/cluster/config.rs)
 * and the server.toml table each one replaces whole in every node's cached config
 * (broker-core/src/dynamic_config.rs update_cluster_dynamic_config). `storedOverridesFile`: a node
 * reads the stored value at every start and it wins over server.toml (build_cluster_config);
 * otherwise a restarted node runs with its server.toml value again.
 */
export interface DynamicSection {
  /** `config_type` of the request. */
  type: string;
  /** The server.toml table it replaces (dotted). */
  table: string;
  /** Only these keys of the table travel (KafkaDynamic carries one key of kafka_runtime). */
  keys?: readonly string[];
  storedOverridesFile: boolean;
}

export const DYNAMIC_SECTIONS: readonly DynamicSection[] = [
  { type: "MqttProtocol", table: "mqtt_runtime.protocol", storedOverridesFile: true },
  { type: "MqttSlowSubscribeConfig", table: "mqtt_runtime.slow_subscribe", storedOverridesFile: true },
  { type: "MqttFlappingDetect", table: "mqtt_runtime.flapping_detect", storedOverridesFile: true },
  { type: "MqttOfflineMessage", table: "mqtt_runtime.offline_message", storedOverridesFile: true },
  { type: "MqttSystemMonitor", table: "mqtt_runtime.system_monitor", storedOverridesFile: true },
  { type: "MqttSchema", table: "mqtt_runtime.schema", storedOverridesFile: true },
  { type: "MqttLimit", table: "mqtt_runtime.limit", storedOverridesFile: false },
  { type: "ClusterLimit", table: "cluster_limit", storedOverridesFile: false },
  { type: "MetaRuntime", table: "meta_runtime", storedOverridesFile: false },
  { type: "KafkaDynamic", table: "kafka_runtime", keys: ["auto_create_topics_enable"], storedOverridesFile: true },
];

/**
 * Keys of a dynamic section that RobustMQ reads once, at start, to build something a cached value
 * cannot change: the Raft groups (src/meta-service/src/raft/manager.rs) and the meta runtime's
 * thread pool (src/broker-server/src/lib.rs resolve_meta_worker_threads). A change of them still
 * restarts the pods that read them.
 */
export const STARTUP_ONLY_DYNAMIC_KEYS: readonly string[] = [
  "meta_runtime.offset_raft_group_num",
  "meta_runtime.data_raft_group_num",
  "meta_runtime.meta_worker_threads",
];

/** The dotted server.toml keys a section covers, from the list of every key. */
export function sectionKeys(section: DynamicSection, allKeys: readonly string[]): string[] {
  if (section.keys !== undefined) {
    return section.keys.map((k) => `${section.table}.${k}`);
  }
  return allKeys.filter((k) => k.startsWith(`${section.table}.`));
}

/** Whether a dotted key is applied at runtime (a dynamic section's, and not read only at start). */
export function isHotKey(key: string, allKeys: readonly string[]): boolean {
  return !STARTUP_ONLY_DYNAMIC_KEYS.includes(key) && DYNAMIC_SECTIONS.some((s) => sectionKeys(s, allKeys).includes(key));
}

/** A string field's accepted length, from the request's `#[validate(length(...))]`. */
export interface Length {
  min: number;
  max: number;
}

/**
 * Field limits of the create requests (CreateUserReq, CreateAclReq, CreateBlackListReq,
 * TopicCreateReq). The server refuses anything outside them with a 400; the package refuses it
 * before anything is registered.
 */
export const FIELD_LIMITS = {
  user: { tenant: { min: 1, max: 64 }, username: { min: 1, max: 64 }, password: { min: 1, max: 128 } },
  acl: { tenant: { min: 1, max: 64 }, name: { min: 1, max: 128 }, desc: { min: 0, max: 256 }, resourceName: { min: 1, max: 256 }, topic: { min: 0, max: 256 }, ip: { min: 0, max: 128 } },
  blacklist: { tenant: { min: 1, max: 64 }, name: { min: 1, max: 128 }, resourceName: { min: 1, max: 256 }, desc: { min: 0, max: 500 } },
  topic: { tenant: { min: 1, max: 128 }, name: { min: 1, max: 256 } },
} as const satisfies Record<string, Record<string, Length>>;
