// The configuration keys RobustMQ v0.4.11 reads from server.toml, derived from
// config-keys.v0.4.11.json (read from RobustMQ's source at the tag: src/common/config/src/config.rs,
// BrokerConfig and the structs it nests). RobustMQ silently ignores keys it does not know, so a
// misspelt key is a silent misconfiguration: everything this package writes, and everything a user
// passes in extraConfig, is checked against this list (validateConfigKeys in ../validation.ts).
// Upstream's server.toml.template is NOT the source: it lists a [rocksdb] section v0.4.11 does not
// read and lacks keys the code reads.
import data from "./config-keys.v0.4.11.json";

/** The TOML value type of a key, as the package checks it. */
export type ConfigValueType = "string" | "integer" | "boolean" | "float" | "string[]" | "enum" | "table";

/** One key of server.toml. */
export interface ConfigKeyModel {
  /** Dotted key, e.g. "mqtt_runtime.keep_alive.enable". */
  readonly key: string;
  /** The table that holds the key ("" for top-level keys), e.g. "mqtt_runtime.keep_alive". */
  readonly table: string;
  readonly type: ConfigValueType;
  /** The Rust field type, e.g. "u16", "Option<String>". */
  readonly rustType: string;
  /** enum keys: the accepted values (case-sensitive). */
  readonly values?: readonly string[];
  /** integer keys: the accepted range, from the Rust type. */
  readonly range?: { readonly min: number; readonly max: number };
  /** The value when the key is missing from its table (null: Option without value, or computed at startup). */
  readonly default: unknown;
  /**
   * Present only where it differs from `default`: the value when the key's whole table is missing
   * (RobustMQ's "two defaults"; see table-defaults.ts).
   */
  readonly defaultIfTableAbsent?: unknown;
  readonly note?: string;
}

/** One key as config-keys.v0.4.11.json records it. */
export interface RawKey {
  type: string;
  rust_type: string;
  default: unknown;
  default_if_table_absent?: unknown;
  values?: string[];
  note?: string;
}

interface RawConfigKeys {
  version: string;
  commit: string;
  keys: Record<string, RawKey>;
  tables: string[];
  free_tables: string[];
}

const raw = data as unknown as RawConfigKeys;

/** The RobustMQ version the key list belongs to. */
export const CONFIG_KEYS_VERSION: string = raw.version;
/** The upstream commit of that tag. */
export const CONFIG_KEYS_COMMIT: string = raw.commit;

/** Integer ranges by Rust type. u64/usize are capped at what a JavaScript number holds exactly. */
export const INTEGER_RANGES: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  u8: { min: 0, max: 255 },
  u16: { min: 0, max: 65535 },
  u32: { min: 0, max: 4294967295 },
  u64: { min: 0, max: Number.MAX_SAFE_INTEGER },
  usize: { min: 0, max: Number.MAX_SAFE_INTEGER },
};

function valueType(key: string, k: RawKey): ConfigValueType {
  switch (k.type) {
    case "string":
    case "integer":
    case "boolean":
    case "float":
    case "enum":
    case "table":
      return k.type;
    case "array<string>":
      return "string[]";
    default:
      throw new Error(`config-keys.${raw.version}.json: key ${key} has unsupported type ${k.type}`);
  }
}

function model(key: string, k: RawKey): ConfigKeyModel {
  const type = valueType(key, k);
  const dot = key.lastIndexOf(".");
  const m: {
    -readonly [P in keyof ConfigKeyModel]: ConfigKeyModel[P];
  } = { key, table: dot < 0 ? "" : key.slice(0, dot), type, rustType: k.rust_type, default: k.default };
  if (type === "enum") {
    if (!Array.isArray(k.values) || k.values.length === 0) {
      throw new Error(`config-keys.${raw.version}.json: enum key ${key} lists no values`);
    }
    m.values = Object.freeze([...k.values]);
  }
  if (type === "integer") {
    const range = INTEGER_RANGES[k.rust_type];
    if (range === undefined) {
      throw new Error(`config-keys.${raw.version}.json: integer key ${key} has unknown Rust type ${k.rust_type}`);
    }
    m.range = range;
  }
  if ("default_if_table_absent" in k) {
    m.defaultIfTableAbsent = k.default_if_table_absent;
  }
  if (k.note !== undefined) {
    m.note = k.note;
  }
  return Object.freeze(m);
}

/** Every key RobustMQ v0.4.11 reads, with its model. */
export const CONFIG_KEYS: Readonly<Record<string, ConfigKeyModel>> = Object.freeze(
  Object.fromEntries(Object.entries(raw.keys).map(([key, k]) => [key, model(key, k)])),
);

/** Every key RobustMQ v0.4.11 reads, with its value type (what other modules check against). */
export const KNOWN_CONFIG_KEYS: Readonly<Record<string, ConfigValueType>> = Object.freeze(
  Object.fromEntries(Object.values(CONFIG_KEYS).map((m) => [m.key, m.type])),
);

/** The TOML tables RobustMQ reads (dotted paths), nested ones included. */
export const CONFIG_TABLES: readonly string[] = Object.freeze([...raw.tables]);

/** Tables whose keys are the user's own (meta_addrs: node id -> "host:grpc_port"). */
export const FREE_TABLES: readonly string[] = Object.freeze([...raw.free_tables]);
