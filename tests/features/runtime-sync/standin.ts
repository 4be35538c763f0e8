// A stand-in for RobustMQ v0.4.11's admin HTTP API (the axum server of src/admin-server), for
// tests of the code that syncs users, ACLs, blacklist entries, topics and dynamic config at runtime.
// Every wire shape below was read from RobustMQ's source at the tag v0.4.11; the comment beside a
// behaviour names the file (paths relative to the repository root). Where the stand-in
// deliberately differs from the real server, the comment says so.
//
// Deliberate differences, all of them in the direction of "stricter" or "simpler":
// - Auth: src/admin-server/src/auth.rs: auth_middleware lets loopback peers through without a
//   token. The real client is a pod (never loopback), so the stand-in ALWAYS requires the token.
//   Tokens are opaque random strings, not JWTs; they never expire.
// - Reads are immediate. The real list handlers read the broker's cache, which the meta service
//   updates by notification after a write (src/meta-service/src/core/notify.rs), so a list right
//   after a create can lag; and a real topic list also holds the broker's inner `$`-topics.
// - Rows are listed in insertion order when no sort_field is given (the real order is DashMap
//   iteration order, i.e. unspecified); several validation messages are joined in struct field
//   order (the real order is validator's HashMap order, i.e. unspecified).
// - Rate limiting: src/admin-server/src/server.rs: rate_limit_middleware calls
//   src/common/rate-limit/src/global.rs: http_uri_rate_limit, which WAITS (until_ready) rather than
//   refusing; it answers 429 only when cluster_limit.max_network_connection_rate is 0, with the
//   body RATE_LIMITED_BODY. The stand-in does not limit; a test wanting a 429 injects it with fault().
// - Health: /api/health/ready sits behind the auth middleware like every /api route (server.rs:
//   common_route); the stand-in is always ready, where the real one answers 503 with a code-0 body
//   (status "not_ready") while a configured port is down (src/admin-server/src/cluster/health.rs).
// - Unknown paths: the real server's fallback serves the SPA's ./dist/index.html
//   (server.rs: static_route); the stand-in answers 404 with an empty body.
// - The user list's filter_field/filter_values/exact_match are not modelled (ignored).
import * as http from "http";
import type { Socket } from "net";
import { randomBytes } from "crypto";
import { CONFIG_KEYS, CONFIG_TABLES } from "../../../components/rmq/config/known-keys";
import { deserialize, FieldSpec, FieldType, SerdeError, StructSpec } from "./serde";

/**
 * The body of the only 429 the real server sends (server.rs: rate_limit_middleware writes the
 * CommonError; src/common/base/src/error/common.rs: InvalidRateLimitValue), for fault("...", { kind: "status", status: 429, body }).
 */
export const RATE_LIMITED_BODY = "Rate limit value must be greater than 0, parameter name: network_connection_rate";

export interface StandInOptions {
  adminUsername: string;
  adminPassword: string;
  /** Initial BrokerConfig JSON (the ten dynamic sections at least); default: defaultBrokerConfig(). */
  config?: Record<string, unknown>;
}

export interface StandInUser {
  tenant: string;
  username: string;
  password: string;
  is_superuser: boolean;
  create_time: number;
}

export interface StandInAcl {
  tenant: string;
  name: string;
  desc: string;
  resource_type: string;
  resource_name: string;
  topic: string;
  ip: string;
  action: string;
  permission: string;
}

export interface StandInBlacklist {
  tenant: string;
  name: string;
  blacklist_type: string;
  resource_name: string;
  end_time: number;
  desc: string;
}

/** metadata_struct::topic::Topic (src/common/metadata-struct/src/topic.rs), as serde_json writes it. */
export interface StandInTopic {
  topic_id: string;
  tenant: string;
  topic_name: string;
  storage_type: string;
  source: string;
  partition: number;
  replication: number;
  /** HashMap<u32, String>: partition -> "<topic_id>-<partition>"; JSON object keys are strings. */
  storage_name_list: Record<string, string>;
  config: { max_segment_size: number | null; max_record_num: number | null; retention_sec: number };
  mark_delete: boolean;
  create_time: number;
}

export interface StandInState {
  users: Map<string, StandInUser>;
  acls: Map<string, StandInAcl>;
  blacklist: Map<string, StandInBlacklist>;
  topics: Map<string, StandInTopic>;
  config: Record<string, any>;
  stored: Map<string, string>;
}

export type Fault =
  | { kind: "status"; status: number; body?: string }
  | { kind: "code100"; error: string }
  | { kind: "hang" }
  | { kind: "reset" };

export interface StandInRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorized: boolean;
}

export interface StandIn {
  url: string;
  state: StandInState;
  requests: StandInRequest[];
  fault(method: string, path: string, fault: Fault, times?: number): void;
  /**
   * Beyond the agreed API: rebuild the broker's ACL/blacklist cache from the store, as a broker
   * start does (src/broker-server/src/load_cache.rs); clears the drift the lists show.
   */
  restartBroker(): void;
  close(): Promise<void>;
}

// ---- the ten dynamic sections ----------------------------------------------------------------

/**
 * config_type -> the BrokerConfig table it replaces and the Rust struct it is deserialized into.
 * src/admin-server/src/cluster/config.rs: cluster_config_set (the names) and
 * src/broker-core/src/dynamic_config.rs: update_cluster_dynamic_config (the targets).
 */
export const DYNAMIC_SECTIONS: Readonly<Record<string, { table: string; struct: string }>> = {
  MqttSlowSubscribeConfig: { table: "mqtt_runtime.slow_subscribe", struct: "MqttSlowSubscribeConfig" },
  MqttFlappingDetect: { table: "mqtt_runtime.flapping_detect", struct: "MqttFlappingDetect" },
  MqttProtocol: { table: "mqtt_runtime.protocol", struct: "MqttProtocolConfig" },
  MqttOfflineMessage: { table: "mqtt_runtime.offline_message", struct: "MqttOfflineMessage" },
  MqttSystemMonitor: { table: "mqtt_runtime.system_monitor", struct: "MqttSystemMonitor" },
  MqttSchema: { table: "mqtt_runtime.schema", struct: "MqttSchema" },
  MqttLimit: { table: "mqtt_runtime.limit", struct: "MQTTLimit" },
  ClusterLimit: { table: "cluster_limit", struct: "ClusterLimit" },
  MetaRuntime: { table: "meta_runtime", struct: "MetaRuntime" },
  // dynamic_config.rs: KafkaDynamicWire, a one-field struct WITHOUT a serde default.
  KafkaDynamic: { table: "kafka_runtime", struct: "KafkaDynamicWire" },
};

// src/common/config/src/config.rs: the nested LimitQuota tables of MQTTLimit.
const NESTED_STRUCTS: Readonly<Record<string, string>> = {
  "mqtt_runtime.limit.cluster": "LimitQuota",
  "mqtt_runtime.limit.tenant": "LimitQuota",
};

function leafType(key: string): FieldType {
  const m = CONFIG_KEYS[key];
  if (m.type === "enum") {
    return { enum: m.rustType, variants: m.values ?? [] };
  }
  switch (m.rustType) {
    case "String":
    case "bool":
    case "u16":
    case "u32":
    case "u64":
    case "usize":
    case "f32":
      return m.rustType;
    default:
      throw new Error(`stand-in: no serde model for ${key} (${m.rustType})`);
  }
}

function leafKeys(table: string): string[] {
  return Object.values(CONFIG_KEYS)
    .filter((m) => m.table === table)
    .map((m) => m.key);
}

/** The value of a whole table when it is absent from its parent (RobustMQ's second default). */
function tableAbsentValue(table: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of leafKeys(table)) {
    const m = CONFIG_KEYS[key];
    out[key.slice(table.length + 1)] = "defaultIfTableAbsent" in m ? m.defaultIfTableAbsent : m.default;
  }
  return out;
}

/**
 * A section's struct as serde sees it: at v0.4.11 every field of these structs has a
 * #[serde(default...)] (src/common/config/src/config.rs; config-keys.v0.4.11.json "optional": true),
 * so a partial section is accepted and the absent keys take their field default, NOT the value they
 * had before the set.
 */
function sectionSpec(table: string, struct: string): StructSpec {
  const fields: FieldSpec[] = leafKeys(table).map((key) => {
    const dflt = CONFIG_KEYS[key].default;
    return { name: key.slice(table.length + 1), type: leafType(key), default: () => dflt };
  });
  for (const child of CONFIG_TABLES.filter((t) => t.startsWith(`${table}.`) && !t.slice(table.length + 1).includes("."))) {
    fields.push({
      name: child.slice(table.length + 1),
      type: sectionSpec(child, NESTED_STRUCTS[child] ?? child),
      default: () => tableAbsentValue(child),
    });
  }
  return { struct, fields };
}

const KAFKA_DYNAMIC_WIRE: StructSpec = {
  struct: "KafkaDynamicWire",
  fields: [{ name: "auto_create_topics_enable", type: "bool" }],
};

function setPath(root: Record<string, any>, table: string, value: unknown): void {
  const parts = table.split(".");
  let at = root;
  for (const p of parts.slice(0, -1)) {
    at = at[p] ??= {};
  }
  at[parts[parts.length - 1]] = value;
}

/**
 * A BrokerConfig JSON holding cluster_name, the ten dynamic sections and runtime (whose topic
 * defaults topic create reads), each key at its field default ("default" in
 * components/rmq/config/config-keys.v0.4.11.json).
 */
export function defaultBrokerConfig(): Record<string, any> {
  const config: Record<string, any> = {};
  const wanted = ["cluster_name", "runtime.", "kafka_runtime.auto_create_topics_enable", "admin.token_ttl_hours"];
  for (const { table } of Object.values(DYNAMIC_SECTIONS)) {
    if (table !== "kafka_runtime") {
      wanted.push(`${table}.`);
    }
  }
  for (const m of Object.values(CONFIG_KEYS)) {
    if (wanted.some((w) => (w.endsWith(".") ? m.key.startsWith(w) : m.key === w))) {
      setPath(config, m.key, m.default);
    }
  }
  return config;
}

/**
 * serde_json writes an f32 with ryu: the shortest decimal that reads back as the same f32, and an
 * integral value keeps its ".0". (ryu's exponent form for very large or small values is not
 * reproduced; the watermarks it is used for are percentages.)
 */
function f32Json(value: number): string {
  const f = Math.fround(value);
  let shortest = f;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) {
      shortest = candidate;
      break;
    }
  }
  return Number.isInteger(shortest) ? `${shortest}.0` : String(shortest);
}

/** serde_json's writing of the config JSON (only the f32 fields need care). */
function configJson(value: unknown, path = ""): string {
  if (Array.isArray(value)) {
    return `[${value.map((v) => configJson(v, path)).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${configJson(v, path === "" ? k : `${path}.${k}`)}`);
    return `{${parts.join(",")}}`;
  }
  if (typeof value === "number" && CONFIG_KEYS[path]?.rustType === "f32") {
    return f32Json(value);
  }
  return JSON.stringify(value ?? null);
}

// ---- request bodies: serde structs and validator rules ----------------------------------------

type Rule = (v: Record<string, unknown>) => string[];

/** validator's length(min, max): counts chars; on an Option it checks only Some. */
function length(field: string, min: number, max: number, message: string): Rule {
  return (v) => {
    const s = v[field];
    if (typeof s !== "string") {
      return [];
    }
    const n = [...s].length;
    return n < min || n > max ? [message] : [];
  };
}

function oneOfRule(field: string, accepted: readonly string[], message: string): Rule {
  return (v) => (accepted.includes(v[field] as string) ? [] : [message]);
}

interface Body {
  spec: StructSpec;
  rules: Rule[];
}

const S = "String" as const;
const OPT_S = { option: "String" as const };

// src/admin-server/src/cluster/user.rs: CreateUserReq, DeleteUserReq
const CREATE_USER: Body = {
  spec: {
    struct: "CreateUserReq",
    fields: [
      { name: "tenant", type: S },
      { name: "username", type: S },
      { name: "password", type: S },
      { name: "is_superuser", type: "bool" },
    ],
  },
  rules: [
    length("tenant", 1, 64, "Tenant length must be between 1-64"),
    length("username", 1, 64, "Username length must be between 1-64"),
    length("password", 1, 128, "Password length must be between 1-128"),
  ],
};
const DELETE_USER: Body = {
  spec: { struct: "DeleteUserReq", fields: [{ name: "tenant", type: S }, { name: "username", type: S }] },
  rules: [
    length("tenant", 1, 64, "Tenant length must be between 1-64"),
    length("username", 1, 64, "Username length must be between 1-64"),
  ],
};

// src/admin-server/src/cluster/acl.rs: CreateAclReq, DeleteAclReq
const CREATE_ACL: Body = {
  spec: {
    struct: "CreateAclReq",
    fields: [
      { name: "tenant", type: S },
      { name: "name", type: S },
      { name: "desc", type: OPT_S },
      { name: "resource_type", type: S },
      { name: "resource_name", type: S },
      { name: "topic", type: OPT_S },
      { name: "ip", type: OPT_S },
      { name: "action", type: S },
      { name: "permission", type: S },
    ],
  },
  rules: [
    length("tenant", 1, 64, "Tenant length must be between 1-64"),
    length("name", 1, 128, "Name length must be between 1-128"),
    length("desc", 0, 256, "Desc length cannot exceed 256"),
    length("resource_type", 1, 50, "Resource type length must be between 1-50"),
    // acl.rs: validate_acl_resource_type accepts "Ip", which EnumAclResourceType cannot hold (see acl_create).
    oneOfRule("resource_type", ["ClientId", "User", "Ip"], "Resource type must be ClientId, User or Ip"),
    length("resource_name", 1, 256, "Resource name length must be between 1-256"),
    length("topic", 0, 256, "Topic length cannot exceed 256"),
    length("ip", 0, 128, "IP length cannot exceed 128"),
    length("action", 1, 50, "Action length must be between 1-50"),
    oneOfRule("action", ["Publish", "Subscribe", "All"], "Action must be Publish, Subscribe or All"),
    length("permission", 1, 50, "Permission length must be between 1-50"),
    oneOfRule("permission", ["Allow", "Deny"], "Permission must be Allow or Deny"),
  ],
};
const DELETE_ACL: Body = {
  spec: { struct: "DeleteAclReq", fields: [{ name: "tenant", type: S }, { name: "name", type: S }] },
  rules: [
    length("tenant", 1, 64, "Tenant length must be between 1-64"),
    length("name", 1, 128, "Name length must be between 1-128"),
  ],
};

// src/admin-server/src/cluster/blacklist.rs: CreateBlackListReq, DeleteBlackListReq
const CREATE_BLACKLIST: Body = {
  spec: {
    struct: "CreateBlackListReq",
    fields: [
      { name: "name", type: S },
      { name: "tenant", type: S },
      { name: "blacklist_type", type: S },
      { name: "resource_name", type: S },
      { name: "end_time", type: "u64" },
      { name: "desc", type: OPT_S },
    ],
  },
  rules: [
    length("name", 1, 128, "Name length must be between 1-128"),
    length("tenant", 1, 64, "Tenant length must be between 1-64"),
    length("blacklist_type", 1, 50, "Blacklist type length must be between 1-50"),
    oneOfRule(
      "blacklist_type",
      ["ClientId", "User", "Ip", "ClientIdMatch", "UserMatch", "IPCIDR"],
      "Blacklist type must be ClientId, User, Ip, ClientIdMatch, UserMatch or IPCIDR",
    ),
    length("resource_name", 1, 256, "Resource name length must be between 1-256"),
    (v) => ((v.end_time as number) < 1 ? ["End time must be greater than 0"] : []),
    length("desc", 0, 500, "Description length cannot exceed 500 characters"),
  ],
};
const DELETE_BLACKLIST: Body = {
  spec: { struct: "DeleteBlackListReq", fields: [{ name: "tenant", type: S }, { name: "name", type: S }] },
  rules: [
    length("tenant", 1, 64, "Tenant length must be between 1-64"),
    length("name", 1, 128, "Name length must be between 1-128"),
  ],
};

// src/admin-server/src/cluster/topic.rs: TopicCreateReq, TopicDeleteRep
const CREATE_TOPIC: Body = {
  spec: {
    struct: "TopicCreateReq",
    fields: [
      { name: "tenant", type: S },
      { name: "topic_name", type: S },
      { name: "storage_type", type: S },
      { name: "source", type: S },
      { name: "partition", type: { option: "u32" } },
      { name: "replication", type: { option: "u32" } },
    ],
  },
  rules: [
    length("tenant", 1, 128, "Tenant length must be between 1-128"),
    length("topic_name", 1, 256, "Topic name length must be between 1-256"),
    length("storage_type", 1, 64, "storage_type must not be empty"),
    length("source", 1, 32, "source must not be empty"),
  ],
};
const DELETE_TOPIC: Body = {
  // topic.rs: TopicDeleteRep validates topic_name only; an empty tenant passes.
  spec: { struct: "TopicDeleteRep", fields: [{ name: "tenant", type: S }, { name: "topic_name", type: S }] },
  rules: [length("topic_name", 1, 256, "Topic name length must be between 1-256")],
};

// src/admin-server/src/cluster/config.rs: ClusterConfigSetReq (plain axum Json, no validator)
const CONFIG_SET: StructSpec = {
  struct: "ClusterConfigSetReq",
  fields: [{ name: "config_type", type: S }, { name: "config", type: S }],
};

// src/admin-server/src/auth.rs: LoginRequest (plain axum Json)
const LOGIN: StructSpec = { struct: "LoginRequest", fields: [{ name: "username", type: S }, { name: "password", type: S }] };

// ---- responses ----------------------------------------------------------------------------------

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const TEXT = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json";

// src/common/base/src/http_response.rs: success_response / error_response. The handlers return a
// String, which axum sends as text/plain; charset=utf-8.
function success(data: unknown, toJson: (v: unknown) => string = (v) => JSON.stringify(v)): Reply {
  return { status: 200, headers: { "content-type": TEXT }, body: `{"code":0,"data":${toJson(data)},"error":null}` };
}

function failure(error: string, status = 200): Reply {
  return { status, headers: { "content-type": TEXT }, body: JSON.stringify({ code: 100, data: "", error }) };
}

function text(status: number, body: string): Reply {
  return { status, headers: { "content-type": TEXT }, body };
}

/**
 * How a meta-service refusal reaches the HTTP body: the service maps MetaServiceError to
 * Status::internal(e.to_string()) (src/meta-service/src/server/service_mqtt.rs: to_status), the
 * client turns the Status into CommonError::GrpcServerStatus (src/common/base/src/error/common.rs:
 * "Grpc call of the node failed,Grpc status was {0}") and returns it without retrying
 * (src/grpc-clients/src/utils.rs: retry_call_inner, an application error), and the handler writes
 * e.to_string() into error_response. The Status Display is tonic 0.14's (tonic/src/status.rs:
 * "code: '<Code description>', message: <message:?>"; a Status decoded from the wire has no source).
 */
export function metaServiceError(message: string): string {
  return `Grpc call of the node failed,Grpc status was code: 'Internal error', message: ${JSON.stringify(message)}`;
}

/** axum::Json's rejection (axum 0.8: src/extract/rejection.rs, src/json.rs): status and plain-text body. */
function jsonRejection(headers: http.IncomingHttpHeaders, raw: string, spec: StructSpec): { value: Record<string, unknown> } | { status: number; message: string } {
  // axum/src/json.rs: json_content_type: application/json or application/<x>+json, parameters allowed.
  const ct = (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (!(ct === "application/json" || (ct.startsWith("application/") && ct.endsWith("+json")))) {
    return { status: 415, message: "Expected request with `Content-Type: application/json`" };
  }
  try {
    return { value: deserialize(raw, spec) };
  } catch (e) {
    if (!(e instanceof SerdeError)) {
      throw e;
    }
    return e.category === "data"
      ? { status: 422, message: `Failed to deserialize the JSON body into the target type: ${e.withPath()}` }
      : { status: 400, message: `Failed to parse the request body as JSON: ${e.withPath()}` };
  }
}

/**
 * src/admin-server/src/tool/extractor.rs: ValidatedJson. Any Json rejection (415/422/400 alike)
 * becomes 400 + error_response("JSON parsing failed: ..."); a validator failure becomes
 * 400 + error_response("Parameter validation failed: <messages joined by '; '>").
 */
function validatedJson(headers: http.IncomingHttpHeaders, raw: string, body: Body): { value: Record<string, any> } | { reply: Reply } {
  const parsed = jsonRejection(headers, raw, body.spec);
  if ("message" in parsed) {
    return { reply: failure(`JSON parsing failed: ${parsed.message}`, 400) };
  }
  const messages = body.rules.flatMap((r) => r(parsed.value));
  if (messages.length > 0) {
    return { reply: failure(`Parameter validation failed: ${messages.join("; ")}`, 400) };
  }
  return { value: parsed.value };
}

/** axum's Query rejection (axum 0.8 src/extract/query.rs): 400, "Failed to deserialize query string: <field>: <ParseIntError>". */
function u32Param(query: Record<string, string>, name: string): number | undefined | Reply {
  const raw = query[name];
  if (raw === undefined) {
    return undefined;
  }
  let err: string | undefined;
  if (raw === "") {
    err = "cannot parse integer from empty string";
  } else if (!/^\+?[0-9]+$/.test(raw)) {
    err = "invalid digit found in string";
  } else if (BigInt(raw) > 4294967295n) {
    err = "number too large to fit in target type";
  }
  return err === undefined ? Number(raw) : text(400, `Failed to deserialize query string: ${name}: ${err}`);
}

function isReply(v: unknown): v is Reply {
  return typeof v === "object" && v !== null && "status" in v && "body" in v;
}

/**
 * src/admin-server/src/tool/query.rs: build_query_params + apply_sorting + apply_pagination.
 * limit absent or 0 -> 10; page absent or 0 -> offset 0, else (page-1)*limit. Sorting only with
 * sort_field; "asc" ascends, anything else descends; a field the row type does not expose sorts
 * nothing (every key is None).
 */
function page<T>(rows: T[], query: Record<string, string>, sortable: (row: T, field: string) => string | undefined): Reply {
  const limitP = u32Param(query, "limit");
  if (isReply(limitP)) {
    return limitP;
  }
  const pageP = u32Param(query, "page");
  if (isReply(pageP)) {
    return pageP;
  }
  const limit = limitP === undefined || limitP === 0 ? 10 : limitP;
  const offset = pageP === undefined || pageP === 0 ? 0 : (pageP - 1) * limit;
  let sorted = rows;
  const field = query.sort_field;
  if (field !== undefined) {
    const dir = query.sort_by === "asc" ? 1 : -1;
    // Rust's Option<String> order: None < Some; Strings compare by bytes (code points here).
    const cmp = (a?: string, b?: string): number =>
      a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;
    sorted = [...rows].sort((a, b) => dir * cmp(sortable(a, field), sortable(b, field)));
  }
  // tool/mod.rs: PageReplyData { data, total_count }
  return success({ data: sorted.slice(offset, offset + limit), total_count: rows.length });
}

// src/common/base/src/utils/time_util.rs: TIME_ZONE is the process's offset at the first call
// (Local::now().offset(), a FixedOffset: no daylight-saving changes afterwards).
const LOCAL_OFFSET_MINUTES = -new Date().getTimezoneOffset();

/**
 * src/common/base/src/utils/time_util.rs: timestamp_to_local_datetime: chrono's
 * "%Y-%m-%d %H:%M:%S" at that fixed offset; chrono writes a year past 9999 with a "+" sign
 * (chrono 0.4.45 src/format/formatting.rs: write_year).
 */
export function localDateTime(seconds: number): string {
  const d = new Date(seconds * 1000 + LOCAL_OFFSET_MINUTES * 60000);
  const p = (n: number): string => String(n).padStart(2, "0");
  const y = d.getUTCFullYear();
  const year = y > 9999 ? `+${y}` : String(y).padStart(4, "0");
  return `${year}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

// chrono 0.4.45: DateTime::from_timestamp fails past NaiveDate::MAX (262142-12-31, MAX_YEAR =
// (i32::MAX >> 13) - 1), i.e. past this many seconds; time_util.rs unwraps it, so the handler panics
// and hyper drops the connection without an answer.
const CHRONO_MAX_SECONDS = 8210266876799;

/** An xid (src/common/base/src/uuid.rs: unique_id): 12 bytes in base32hex, lower case, 20 characters. */
function xid(): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuv";
  const bytes = randomBytes(12);
  bytes.writeUInt32BE(Math.floor(Date.now() / 1000), 0);
  let bits = 0;
  let acc = 0;
  let out = "";
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out + alphabet[(acc << (5 - bits)) & 31];
}

const nowSecond = (): number => Math.floor(Date.now() / 1000);

// ---- the server ------------------------------------------------------------------------------------

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const state: StandInState = {
    users: new Map(),
    acls: new Map(),
    blacklist: new Map(),
    topics: new Map(),
    config: structuredClone(options.config ?? defaultBrokerConfig()),
    stored: new Map(),
  };
  const requests: StandInRequest[] = [];
  const faults: Array<{ method: string; path: string; fault: Fault; remaining: number }> = [];
  const tokens = new Set<string>();
  const sockets = new Set<Socket>();

  type Handler = (query: Record<string, string>, headers: http.IncomingHttpHeaders, raw: string) => Reply | "reset";

  // src/admin-server/src/cluster/user.rs
  const userList: Handler = (query) => {
    const rows = [...state.users.values()]
      .filter((u) => query.tenant === undefined || u.tenant === query.tenant)
      .filter((u) => query.user_name === undefined || u.username.includes(query.user_name))
      .map((u) => ({ tenant: u.tenant, username: u.username, is_superuser: u.is_superuser, create_time: u.create_time }));
    return page(rows, query, (r, f) => (f === "tenant" || f === "username" ? r[f] : undefined));
  };
  const userCreate: Handler = (_q, headers, raw) => {
    const req = validatedJson(headers, raw, CREATE_USER);
    if ("reply" in req) {
      return req.reply;
    }
    const { tenant, username, password, is_superuser } = req.value;
    // src/meta-service/src/server/services/mqtt/user.rs: create_user_by_req refuses an existing user
    // (src/meta-service/src/core/error.rs: UserAlreadyExist "User [{0}] already exist").
    if (state.users.has(`${tenant}/${username}`)) {
      return failure(metaServiceError(`User [${username}] already exist`));
    }
    state.users.set(`${tenant}/${username}`, { tenant, username, password, is_superuser, create_time: nowSecond() });
    return success("success");
  };
  const userDelete: Handler = (_q, headers, raw) => {
    const req = validatedJson(headers, raw, DELETE_USER);
    if ("reply" in req) {
      return req.reply;
    }
    const { tenant, username } = req.value;
    // mqtt/user.rs: delete_user_by_req refuses a missing user (error.rs: UserDoesNotExist "User {0} does not exist").
    if (!state.users.delete(`${tenant}/${username}`)) {
      return failure(metaServiceError(`User ${username} does not exist`));
    }
    return success("success");
  };

  // ---- the broker's security cache (src/common/security/src/metadata.rs: SecurityMetadata) ----
  // The ACL and blacklist LISTS read this cache, not the meta service's store (state.acls,
  // state.blacklist, keyed by tenant/name). The meta service notifies every create and delete
  // (src/broker-server/src/update_cache.rs: Create -> add_acl/add_blacklist, Delete ->
  // remove_acl/remove_blacklist, with the STORED entry), and the cache does not key entries the way
  // the store does, so the two drift apart; the list shows the drift:
  // - add_acl pushes onto a Vec per (tenant, resource_type, resource_name): re-creating an ACL adds
  //   a second row; remove_acl drops the rows of that name under the stored entry's resource only.
  // - add_blacklist of type ClientId/User/Ip replaces the entry of the same (tenant, resource_name)
  //   in that type's map, whatever its name; the *Match/IPCIDR types push onto a Vec per tenant.
  //   remove_blacklist drops the entries of that name in that type's map or Vec.
  // A broker start rebuilds the cache from the store (src/broker-server/src/load_cache.rs), which
  // restartBroker() reproduces. Entries a test puts into state directly are loaded the first time a
  // list runs, as if the broker had read them at start.
  const aclCache: StandInAcl[] = [];
  const blacklistCache: StandInBlacklist[] = [];
  const aclLoaded = new Set<string>();
  const blacklistLoaded = new Set<string>();

  const cacheAddAcl = (acl: StandInAcl): void => {
    aclCache.push({ ...acl });
  };
  const cacheRemoveAcl = (acl: StandInAcl): void => {
    const keep = aclCache.filter(
      (a) => !(a.tenant === acl.tenant && a.resource_type === acl.resource_type && a.resource_name === acl.resource_name && a.name === acl.name),
    );
    aclCache.splice(0, aclCache.length, ...keep);
  };
  const keyedByResource = (type: string): boolean => type === "ClientId" || type === "User" || type === "Ip";
  const cacheAddBlacklist = (b: StandInBlacklist): void => {
    if (keyedByResource(b.blacklist_type)) {
      const at = blacklistCache.findIndex((x) => x.blacklist_type === b.blacklist_type && x.tenant === b.tenant && x.resource_name === b.resource_name);
      if (at >= 0) {
        blacklistCache.splice(at, 1);
      }
    }
    blacklistCache.push({ ...b });
  };
  const cacheRemoveBlacklist = (b: StandInBlacklist): void => {
    const keep = blacklistCache.filter((x) => !(x.blacklist_type === b.blacklist_type && x.tenant === b.tenant && x.name === b.name));
    blacklistCache.splice(0, blacklistCache.length, ...keep);
  };
  const loadUnseen = (): void => {
    for (const [key, acl] of state.acls) {
      if (!aclLoaded.has(key)) {
        aclLoaded.add(key);
        cacheAddAcl(acl);
      }
    }
    for (const [key, b] of state.blacklist) {
      if (!blacklistLoaded.has(key)) {
        blacklistLoaded.add(key);
        cacheAddBlacklist(b);
      }
    }
  };
  const restartBroker = (): void => {
    aclCache.length = 0;
    blacklistCache.length = 0;
    aclLoaded.clear();
    blacklistLoaded.clear();
    loadUnseen();
  };

  // Rust's derived Ord on a tuple of Strings (and a u64): lexicographic, field by field.
  const byTuple = <T>(key: (x: T) => Array<string | number>) => (a: T, b: T): number => {
    const ka = key(a);
    const kb = key(b);
    for (let k = 0; k < ka.length; k++) {
      if (ka[k] !== kb[k]) {
        return ka[k] < kb[k] ? -1 : 1;
      }
    }
    return 0;
  };

  // src/admin-server/src/cluster/acl.rs
  const aclList: Handler = (query) => {
    loadUnseen();
    // metadata.rs: get_all_acl sorts by (resource_type, resource_name, topic, ip, action, permission).
    const rows = [...aclCache]
      .sort(byTuple((a: StandInAcl) => [a.resource_type, a.resource_name, a.topic, a.ip, a.action, a.permission]))
      .filter((a) => query.tenant === undefined || a.tenant.includes(query.tenant))
      .filter((a) => query.name === undefined || a.name.includes(query.name))
      .filter((a) => query.resource_name === undefined || a.resource_name.includes(query.resource_name))
      .map((a) => ({ ...a }));
    const sortable = new Set(["tenant", "name", "resource_type", "resource_name", "topic", "ip"]);
    return page(rows, query, (r, f) => (sortable.has(f) ? (r as unknown as Record<string, string>)[f] : undefined));
  };
  const aclCreate: Handler = (_q, headers, raw) => {
    const req = validatedJson(headers, raw, CREATE_ACL);
    if ("reply" in req) {
      return req.reply;
    }
    const v = req.value;
    // acl.rs: acl_create_inner parses with EnumAclResourceType::from_str, which knows ClientId and
    // User only (src/common/metadata-struct/src/auth/acl.rs): "Ip" passes validation, then fails here.
    if (!["ClientId", "User"].includes(v.resource_type)) {
      return failure(`invalid variant: ${v.resource_type}`);
    }
    loadUnseen();
    const acl: StandInAcl = {
      tenant: v.tenant,
      name: v.name,
      desc: v.desc ?? "",
      resource_type: v.resource_type,
      resource_name: v.resource_name,
      topic: v.topic ?? "",
      ip: v.ip ?? "",
      action: v.action,
      permission: v.permission,
    };
    // src/meta-service/src/server/services/mqtt/acl.rs: create_acl_by_req writes unconditionally (an
    // upsert in the store, src/meta-service/src/storage/mqtt/acl.rs: keyed by tenant and name) and
    // notifies the broker.
    state.acls.set(`${v.tenant}/${v.name}`, acl);
    aclLoaded.add(`${v.tenant}/${v.name}`);
    cacheAddAcl(acl);
    return success("success");
  };
  const aclDelete: Handler = (_q, headers, raw) => {
    const req = validatedJson(headers, raw, DELETE_ACL);
    if ("reply" in req) {
      return req.reply;
    }
    loadUnseen();
    const key = `${req.value.tenant}/${req.value.name}`;
    const stored = state.acls.get(key);
    // mqtt/acl.rs: delete_acl_by_req answers OK when the ACL does not exist (and notifies nothing).
    if (stored !== undefined) {
      state.acls.delete(key);
      aclLoaded.delete(key);
      cacheRemoveAcl(stored);
    }
    return success("success");
  };

  // src/admin-server/src/cluster/blacklist.rs
  const blacklistList: Handler = (query) => {
    loadUnseen();
    // metadata.rs: get_all_blacklist sorts by (blacklist_type, resource_name, end_time, desc).
    const entries = [...blacklistCache]
      .sort(byTuple((b: StandInBlacklist) => [b.blacklist_type, b.resource_name, b.end_time, b.desc]))
      .filter((b) => query.tenant === undefined || b.tenant.includes(query.tenant))
      .filter((b) => query.name === undefined || b.name.includes(query.name))
      .filter((b) => query.resource_name === undefined || b.resource_name.includes(query.resource_name));
    if (entries.some((b) => b.end_time > CHRONO_MAX_SECONDS)) {
      return "reset";
    }
    const rows = entries.map((b) => ({
      name: b.name,
      tenant: b.tenant,
      blacklist_type: b.blacklist_type,
      resource_name: b.resource_name,
      end_time: localDateTime(b.end_time),
      desc: b.desc,
    }));
    const sortable = new Set(["name", "tenant", "blacklist_type", "resource_name"]);
    return page(rows, query, (r, f) => (sortable.has(f) ? (r as Record<string, string>)[f] : undefined));
  };
  const blacklistCreate: Handler = (_q, headers, raw) => {
    const req = validatedJson(headers, raw, CREATE_BLACKLIST);
    if ("reply" in req) {
      return req.reply;
    }
    const v = req.value;
    loadUnseen();
    const entry: StandInBlacklist = {
      tenant: v.tenant,
      name: v.name,
      blacklist_type: v.blacklist_type,
      resource_name: v.resource_name,
      end_time: v.end_time,
      desc: v.desc ?? "",
    };
    // mqtt/acl.rs: create_blacklist_by_req writes unconditionally (an upsert in the store,
    // src/meta-service/src/storage/mqtt/blacklist.rs: keyed by tenant and name) and notifies the broker.
    state.blacklist.set(`${v.tenant}/${v.name}`, entry);
    blacklistLoaded.add(`${v.tenant}/${v.name}`);
    cacheAddBlacklist(entry);
    return success("success");
  };
  const blacklistDelete: Handler = (_q, headers, raw) => {
    const req = validatedJson(headers, raw, DELETE_BLACKLIST);
    if ("reply" in req) {
      return req.reply;
    }
    loadUnseen();
    const key = `${req.value.tenant}/${req.value.name}`;
    const stored = state.blacklist.get(key);
    // mqtt/acl.rs: delete_blacklist_by_req answers OK when the entry does not exist (and notifies nothing).
    if (stored !== undefined) {
      state.blacklist.delete(key);
      blacklistLoaded.delete(key);
      cacheRemoveBlacklist(stored);
    }
    return success("success");
  };

  // src/admin-server/src/cluster/topic.rs
  const topicList: Handler = (query) => {
    const kind = query.topic_type ?? "all";
    const rows = [...state.topics.values()]
      .filter((t) => query.tenant === undefined || t.tenant === query.tenant)
      .filter((t) => query.topic_name === undefined || t.topic_name.includes(query.topic_name))
      .filter((t) => (kind === "system" ? t.topic_name.includes("$") : kind === "normal" ? !t.topic_name.includes("$") : true))
      .map((t) => structuredClone(t));
    return page(rows, query, (r, f) => (f === "topic_name" || f === "tenant" ? r[f] : undefined));
  };
  const topicCreate: Handler = (_q, headers, raw) => {
    const req = validatedJson(headers, raw, CREATE_TOPIC);
    if ("reply" in req) {
      return req.reply;
    }
    const v = req.value;
    // src/common/config/src/storage/mod.rs: StorageType::from_str accepts six names, though the
    // message lists three.
    if (!["EngineSegment", "EngineMemory", "EngineRocksDB", "MinIO", "S3", "Mysql"].includes(v.storage_type)) {
      return failure(
        `Invalid storage_type '${v.storage_type}', must be one of: EngineMemory, EngineRocksDB, EngineSegment`,
      );
    }
    if (!["MQTT", "NATS", "MQ9", "Kafka", "AMQP", "SystemInner"].includes(v.source)) {
      return failure(`Invalid source '${v.source}', must be one of: MQTT, NATS, MQ9, Kafka, AMQP, SystemInner`);
    }
    const runtime = state.config.runtime ?? {};
    const partition = Math.max(1, v.partition ?? runtime.default_topic_partition_num ?? CONFIG_KEYS["runtime.default_topic_partition_num"].default);
    const replication = Math.max(1, v.replication ?? runtime.default_topic_replica_num ?? CONFIG_KEYS["runtime.default_topic_replica_num"].default);
    // src/common/metadata-struct/src/topic.rs: Topic::new + with_partition; TopicConfig::default
    // (src/common/metadata-struct/src/storage/shard.rs: 1 GiB segments, 7 days' retention).
    const topicId = xid();
    const storageNames: Record<string, string> = {};
    for (let p = 0; p < partition; p++) {
      storageNames[String(p)] = `${topicId}-${p}`;
    }
    const topic: StandInTopic = {
      topic_id: topicId,
      tenant: v.tenant,
      topic_name: v.topic_name,
      storage_type: v.storage_type,
      source: v.source,
      partition,
      replication,
      storage_name_list: storageNames,
      config: { max_segment_size: 1073741824, max_record_num: null, retention_sec: 7 * 86400 },
      mark_delete: false,
      create_time: nowSecond(),
    };
    // src/meta-service/src/server/services/mqtt/topic.rs: create_topic_by_req is idempotent: an
    // existing topic is kept as it is and the call succeeds; topic_create still answers with the
    // topic it built (a fresh topic_id), not the stored one.
    if (!state.topics.has(`${v.tenant}/${v.topic_name}`)) {
      state.topics.set(`${v.tenant}/${v.topic_name}`, topic);
    }
    return success(topic);
  };
  const topicDelete: Handler = (_q, headers, raw) => {
    const req = validatedJson(headers, raw, DELETE_TOPIC);
    if ("reply" in req) {
      return req.reply;
    }
    const { tenant, topic_name } = req.value;
    // mqtt/topic.rs: delete_topic_by_req refuses a missing topic (error.rs: TopicDoesNotExist "Topic [{0}] does not exist").
    if (!state.topics.delete(`${tenant}/${topic_name}`)) {
      return failure(metaServiceError(`Topic [${topic_name}] does not exist`));
    }
    return success("success");
  };

  // src/admin-server/src/cluster/config.rs
  const configGet: Handler = (query) => {
    if (query.broker_id !== undefined) {
      if (!/^\+?[0-9]+$/.test(query.broker_id)) {
        return text(400, `Failed to deserialize query string: broker_id: ${query.broker_id === "" ? "cannot parse integer from empty string" : "invalid digit found in string"}`);
      }
      // config.rs: another broker is asked over HTTP; the stand-in is one broker, so only its own id is known.
      if (Number(query.broker_id) !== (state.config.broker_id ?? CONFIG_KEYS["broker_id"].default)) {
        return failure(`Broker node ${query.broker_id} not found`);
      }
    }
    return success(state.config, (v) => configJson(v));
  };
  const configSet: Handler = (_q, headers, raw) => {
    const parsed = jsonRejection(headers, raw, CONFIG_SET);
    if ("message" in parsed) {
      return text(parsed.status, parsed.message);
    }
    const configType = parsed.value.config_type as string;
    const value = parsed.value.config as string;
    const section = DYNAMIC_SECTIONS[configType];
    if (section === undefined) {
      return failure(`Unknown config_type: ${configType}`);
    }
    // config.rs: cluster_config_set saves the string to the meta service FIRST (no check there:
    // src/meta-service/src/server/services/common/inner.rs: set_resource_config_by_req), then
    // deserializes it into the running config; a bad value is therefore stored and still reported.
    state.stored.set(configType, value);
    try {
      if (configType === "KafkaDynamic") {
        const wire = deserialize(value, KAFKA_DYNAMIC_WIRE);
        setPath(state.config, "kafka_runtime.auto_create_topics_enable", wire.auto_create_topics_enable);
      } else {
        setPath(state.config, section.table, deserialize(value, sectionSpec(section.table, section.struct)));
      }
    } catch (e) {
      if (!(e instanceof SerdeError)) {
        throw e;
      }
      // src/common/base/src/error/common.rs: FromSerdeJsonError "{0}": serde_json's own message.
      return failure(`Failed to update in-memory config: ${e.message}`);
    }
    return success("success");
  };

  // src/admin-server/src/cluster/health.rs: health_ready (the stand-in is always ready).
  const healthReady: Handler = () =>
    success({ status: "ok", check_type: "ready", message: "all configured ports are ready" });

  // src/admin-server/src/path.rs + server.rs: the routes, nested under "/api".
  const routes: Record<string, { method: "GET" | "POST"; handler: Handler }> = {
    "/api/health/ready": { method: "GET", handler: healthReady },
    "/api/cluster/config/get": { method: "GET", handler: configGet },
    "/api/cluster/config/set": { method: "POST", handler: configSet },
    "/api/cluster/user/list": { method: "GET", handler: userList },
    "/api/cluster/user/create": { method: "POST", handler: userCreate },
    "/api/cluster/user/delete": { method: "POST", handler: userDelete },
    "/api/cluster/acl/list": { method: "GET", handler: aclList },
    "/api/cluster/acl/create": { method: "POST", handler: aclCreate },
    "/api/cluster/acl/delete": { method: "POST", handler: aclDelete },
    "/api/cluster/blacklist/list": { method: "GET", handler: blacklistList },
    "/api/cluster/blacklist/create": { method: "POST", handler: blacklistCreate },
    "/api/cluster/blacklist/delete": { method: "POST", handler: blacklistDelete },
    "/api/cluster/topic/list": { method: "GET", handler: topicList },
    "/api/cluster/topic/create": { method: "POST", handler: topicCreate },
    "/api/cluster/topic/delete": { method: "POST", handler: topicDelete },
  };

  // axum's MethodRouter answers a method it has no handler for with 405, an empty body and an
  // Allow header; a GET route also serves HEAD.
  const methodNotAllowed = (method: "GET" | "POST"): Reply => ({
    status: 405,
    headers: { allow: method === "GET" ? "GET,HEAD" : "POST" },
    body: "",
  });

  // src/admin-server/src/auth.rs: extract_bearer takes the header after a case-sensitive "Bearer ".
  const bearer = (headers: http.IncomingHttpHeaders): string | undefined => {
    const h = headers.authorization;
    return typeof h === "string" && h.startsWith("Bearer ") ? h.slice("Bearer ".length) : undefined;
  };

  const route = (method: string, path: string, query: Record<string, string>, headers: http.IncomingHttpHeaders, raw: string): Reply | "reset" => {
    if (path === "/api/v1/login") {
      // auth.rs: login_handler, outside the auth middleware, plain axum Json.
      if (method !== "POST") {
        return methodNotAllowed("POST");
      }
      const parsed = jsonRejection(headers, raw, LOGIN);
      if ("message" in parsed) {
        return text(parsed.status, parsed.message);
      }
      if (parsed.value.username !== options.adminUsername || parsed.value.password !== options.adminPassword) {
        return { status: 401, headers: { "content-type": JSON_TYPE }, body: JSON.stringify({ code: 401, data: null, message: "Invalid username or password" }) };
      }
      const token = randomBytes(24).toString("hex");
      tokens.add(token);
      // auth.rs: generate_token: expires_in = admin.token_ttl_hours * 3600.
      const ttlHours = state.config.admin?.token_ttl_hours ?? CONFIG_KEYS["admin.token_ttl_hours"].default;
      return {
        status: 200,
        headers: { "content-type": JSON_TYPE },
        body: JSON.stringify({ code: 0, data: { token, expires_in: ttlHours * 3600 }, message: "success" }),
      };
    }
    const r = routes[path];
    if (r === undefined) {
      return { status: 404, headers: {}, body: "" };
    }
    // server.rs: the auth middleware is a layer over the whole /api router, so it runs before the
    // method router: a wrong method without a token is a 401, not a 405.
    const token = bearer(headers);
    if (token === undefined) {
      return { status: 401, headers: { "content-type": JSON_TYPE }, body: JSON.stringify({ code: 401, data: null, message: "Missing Authorization header" }) };
    }
    if (!tokens.has(token)) {
      return { status: 401, headers: { "content-type": JSON_TYPE }, body: JSON.stringify({ code: 401, data: null, message: "Invalid or expired token" }) };
    }
    if (method !== r.method && !(method === "HEAD" && r.method === "GET")) {
      return methodNotAllowed(r.method);
    }
    return r.handler(query, headers, raw);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://stand-in");
      const method = req.method ?? "GET";
      const query = Object.fromEntries(url.searchParams);
      let body: unknown = undefined;
      if (raw !== "") {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      const token = bearer(req.headers);
      requests.push({ method, path: url.pathname, query, body, authorized: token !== undefined && tokens.has(token) });

      const f = faults.find((x) => x.remaining > 0 && x.method === method && x.path === url.pathname);
      if (f !== undefined) {
        f.remaining--;
        switch (f.fault.kind) {
          case "status":
            res.writeHead(f.fault.status, { "content-type": TEXT });
            res.end(f.fault.body ?? "");
            return;
          case "code100": {
            const r = failure(f.fault.error);
            res.writeHead(r.status, r.headers);
            res.end(r.body);
            return;
          }
          case "hang":
            return;
          case "reset":
            req.socket.destroy();
            return;
        }
      }
      const reply = route(method, url.pathname, query, req.headers, raw);
      if (reply === "reset") {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error("stand-in: no TCP address");
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    state,
    requests,
    fault(method, path, fault, times = 1) {
      faults.push({ method, path, fault, remaining: times });
    },
    restartBroker,
    close() {
      // Hung requests keep their sockets open; close() would wait for them forever.
      for (const s of sockets) {
        s.destroy();
      }
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
