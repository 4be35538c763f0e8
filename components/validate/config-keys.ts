// server.toml keys against the keys RobustMQ really reads (rmq/config/known-keys.ts).
import { CONFIG_KEYS, CONFIG_KEYS_VERSION, CONFIG_TABLES, ConfigKeyModel } from "../rmq/config/known-keys";
import { Problems, show } from "./problems";
import { closestKey } from "./values";

/** Flattens nested tables to dotted keys; arrays and scalars are leaves. */
export function flattenConfig(value: Record<string, unknown>, prefix = ""): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      out.push(...flattenConfig(v as Record<string, unknown>, key));
    } else {
      out.push([key, v]);
    }
  }
  return out;
}

const F32_MAX = 3.4028234663852886e38;

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** What is wrong with `value` for the key `m` ("must be ..."), or undefined when it is accepted. */
function valueProblem(m: ConfigKeyModel, value: unknown): string | undefined {
  switch (m.type) {
    case "string":
      return typeof value === "string" ? undefined : `must be a TOML string, got ${show(value)}`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `must be a TOML boolean, got ${show(value)}`;
    case "integer": {
      if (typeof value !== "number" || !Number.isInteger(value)) {
        return `must be a TOML integer, got ${show(value)}`;
      }
      const { min, max } = m.range ?? { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
      return value >= min && value <= max ? undefined : `must be an integer from ${min} to ${max} (Rust ${m.rustType}), got ${show(value)}`;
    }
    case "float": {
      const ok = typeof value === "number" && Number.isFinite(value) && (m.rustType !== "f32" || Math.abs(value) <= F32_MAX);
      return ok ? undefined : `must be a TOML float (an integer is accepted too, Rust ${m.rustType}), got ${show(value)}`;
    }
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? undefined
        : `must be a TOML array of strings, got ${show(value)}`;
    case "enum":
      return typeof value === "string" && (m.values ?? []).includes(value)
        ? undefined
        : `must be one of ${(m.values ?? []).map((v) => `"${v}"`).join(", ")} (case-sensitive), got ${show(value)}`;
    case "table":
      return isTable(value) ? undefined : `must be a TOML table, got ${show(value)}`;
  }
}

/**
 * Keys of server.toml must be keys RobustMQ reads (CONFIG_KEYS, from config-keys.v0.4.11.json)
 * and carry a value of the right type: enum values from the accepted list, integers within the
 * Rust type's range, floats (integers accepted), arrays of strings, and meta_addrs a table of
 * strings. An unknown key is reported with the closest known key. `refused` maps keys (or whole
 * tables, by prefix) the caller may not set to the reason. Pure: returns "<field>.<key>: ..."
 * problems and never throws.
 */
export function validateConfigKeys(
  field: string,
  config: Record<string, unknown>,
  refused: ReadonlyMap<string, string> = new Map(),
): Problems {
  const problems: Problems = [];
  const tables = new Set(CONFIG_TABLES);
  const refusal = (key: string): string | undefined => {
    const r = [...refused.keys()].find((k) => key === k || key.startsWith(`${k}.`));
    return r === undefined ? undefined : refused.get(r);
  };
  const unknown = (key: string, candidates?: readonly string[]): string => {
    const near = closestKey(key, candidates ?? Object.keys(CONFIG_KEYS));
    return (
      `${field}.${key}: unknown key: RobustMQ ${CONFIG_KEYS_VERSION} does not read it (it silently ignores keys it does not know)` +
      (near === undefined ? "" : `; did you mean "${near}"?`)
    );
  };
  const visit = (node: Record<string, unknown>, prefix: string): void => {
    for (const [k, value] of Object.entries(node)) {
      const key = prefix === "" ? k : `${prefix}.${k}`;
      const m = CONFIG_KEYS[key];
      if (m === undefined && isTable(value)) {
        if (Object.keys(value).length > 0) {
          visit(value, key);
        } else if (!tables.has(key)) {
          const reason = refusal(key);
          problems.push(reason !== undefined ? `${field}.${key}: ${reason}` : unknown(key, [...CONFIG_TABLES]));
        }
        continue;
      }
      if (m?.type === "table" && isTable(value)) {
        // A free table (meta_addrs): the user's own keys, each a string.
        for (const [id, v] of Object.entries(value)) {
          const sub = `${key}.${id}`;
          const reason = refusal(sub);
          if (reason !== undefined) {
            problems.push(`${field}.${sub}: ${reason}`);
          } else if (typeof v !== "string") {
            problems.push(`${field}.${sub}: must be a TOML string, got ${show(v)}`);
          }
        }
        continue;
      }
      const reason = refusal(key);
      if (reason !== undefined) {
        problems.push(`${field}.${key}: ${reason}`);
        continue;
      }
      if (m === undefined) {
        problems.push(tables.has(key) ? `${field}.${key}: must be a TOML table, got ${show(value)}` : unknown(key));
        continue;
      }
      const p = valueProblem(m, value);
      if (p !== undefined) {
        problems.push(`${field}.${key}: ${p}`);
      }
    }
  };
  visit(config, "");
  return problems;
}
