// How RobustMQ v0.4.11 reads its configuration (FACTS.md "Configuration"): env overrides spliced
// into the file's text line by line, then TOML, then per-key defaults. Defaults are the ones of
// config-keys.v0.4.11.json (BrokerConfig at the tag); only the keys the model needs are listed.
import { parse } from "smol-toml";

export interface ServerConfig {
  brokerId: string;
  roles: string[];
  grpcPort: number;
  httpPort: number;
  storagePort: number;
  /** Broker-role TCP listeners, opened in phase 8 (QUIC is UDP: not TCP-probeable). */
  protocolPorts: number[];
  /** node id -> "host:port", in table order. */
  metaAddrs: Array<[string, string]>;
  dataPath: string;
  logPath: string;
  logConfig: string;
  heartbeatTimeoutMs: number;
}

/**
 * The env override rule (src/common/config/src/common.rs:83-128): for each `key = value` line under
 * section `[a.b]`, env ROBUST_MQ_SERVER_A_B_KEY replaces the right-hand side with its raw text.
 * Only keys whose line exists can be overridden; a header line with anything after `]` (a comment)
 * is not recognised, so the keys under it cannot be overridden.
 */
export function applyEnvOverrides(text: string, env: Record<string, string>): string {
  let section: string[] | null = [];
  return text
    .split("\n")
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed.startsWith("[")) {
        const m = /^\[([A-Za-z0-9_.-]+)\]$/.exec(trimmed);
        section = m ? m[1].split(".") : null;
        return line;
      }
      const kv = /^([A-Za-z0-9_-]+)\s*=/.exec(trimmed);
      if (kv === null || section === null) {
        return line;
      }
      const name = ["ROBUST_MQ_SERVER", ...section, kv[1]].join("_").toUpperCase();
      return env[name] === undefined ? line : `${kv[1]} = ${env[name]}`;
    })
    .join("\n");
}

function table(doc: Record<string, any>, dotted: string): Record<string, any> | undefined {
  let node: any = doc;
  for (const p of dotted.split(".")) {
    node = node?.[p];
  }
  return node !== null && typeof node === "object" && !Array.isArray(node) ? node : undefined;
}

function num(doc: Record<string, any>, section: string, key: string, dflt: number, dfltIfTableAbsent = dflt): number {
  const t = section === "" ? doc : table(doc, section);
  if (t === undefined) {
    return dfltIfTableAbsent;
  }
  return typeof t[key] === "number" ? t[key] : typeof t[key] === "bigint" ? Number(t[key]) : dflt;
}

/** Parses server.toml as RobustMQ would after env overrides; throws on invalid TOML. */
export function loadServerConfig(text: string, env: Record<string, string>): ServerConfig {
  const doc = parse(applyEnvOverrides(text, env)) as Record<string, any>;
  const metaAddrs: Array<[string, string]> = Object.entries(doc.meta_addrs ?? { "1": "127.0.0.1:1228" })
    .filter(([, v]) => typeof v === "string")
    .map(([k, v]) => [k, v as string]);
  const s = (v: unknown, d: string) => (typeof v === "string" ? v : d);
  return {
    brokerId: String(doc.broker_id ?? 1),
    roles: Array.isArray(doc.roles) ? doc.roles.map(String) : ["broker", "meta"],
    grpcPort: num(doc, "", "grpc_port", 1228),
    httpPort: num(doc, "", "http_port", 58080),
    storagePort: num(doc, "storage_runtime", "tcp_port", 1779, 1778),
    protocolPorts: [
      num(doc, "mqtt_runtime.server", "tcp_port", 1883),
      num(doc, "mqtt_runtime.server", "tls_port", 1885),
      num(doc, "mqtt_runtime.server", "websocket_port", 8083),
      num(doc, "mqtt_runtime.server", "websockets_port", 8085),
      num(doc, "kafka_runtime", "tcp_port", 9092),
      num(doc, "amqp_runtime", "tcp_port", 5672),
      num(doc, "nats_runtime", "tcp_port", 4222),
      num(doc, "nats_runtime", "tls_port", 4223),
      num(doc, "nats_runtime", "ws_port", 4080),
      num(doc, "nats_runtime", "wss_port", 4443),
    ],
    metaAddrs,
    dataPath: s(doc.data_path, "./data"),
    logPath: s(table(doc, "log")?.log_path, "./logs"),
    logConfig: s(table(doc, "log")?.log_config, "./config/logger.toml"),
    heartbeatTimeoutMs: num(doc, "meta_runtime", "heartbeat_timeout_ms", 30000),
  };
}

/** Splits "host:port". */
export function hostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(":");
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) };
}
