// Pure validators. Each returns problems as "field: what is wrong (what is accepted)"; an empty
// list means valid. They never throw, so resolveClusterArgs can report every problem at once.
import { CONFIG_KEYS, CONFIG_KEYS_VERSION, CONFIG_TABLES, ConfigKeyModel } from "../rmq/config/known-keys";
import { parseQuantity } from "./quantity";

export type Problems = string[];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function show(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function validateDnsLabel(field: string, value: unknown, maxLength = 63): Problems {
  if (typeof value !== "string" || value.length === 0) {
    return [`${field}: must be a non-empty string (a DNS-1123 label), got ${show(value)}`];
  }
  if (value.length > maxLength || !DNS_LABEL.test(value)) {
    return [
      `${field}: must be a DNS-1123 label of at most ${maxLength} characters (lower-case letters, digits and '-', ` +
        `starting and ending with a letter or digit), got ${show(value)}`,
    ];
  }
  return [];
}

export function validateDnsSubdomain(field: string, value: unknown): Problems {
  if (typeof value !== "string" || value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    return [`${field}: must be a DNS-1123 subdomain (e.g. "cluster.local"), got ${show(value)}`];
  }
  return [];
}

export function validateNonEmptyString(field: string, value: unknown): Problems {
  if (typeof value !== "string" || value.trim().length === 0) {
    return [`${field}: must be a non-empty string, got ${show(value)}`];
  }
  return [];
}

export function validateOneOf<T extends string>(field: string, value: unknown, accepted: readonly T[]): Problems {
  if (typeof value !== "string" || !(accepted as readonly string[]).includes(value)) {
    return [`${field}: must be one of ${accepted.map((a) => `"${a}"`).join(", ")}, got ${show(value)}`];
  }
  return [];
}

export function validateInteger(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): Problems {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    return [`${field}: must be an integer ${range}, got ${show(value)}`];
  }
  return [];
}

/**
 * Replicas of a tier. Tiers that carry the meta role vote in Raft: an even count adds a voter
 * without adding failure tolerance and makes a split vote possible, so only odd counts are taken.
 */
export function validateReplicas(field: string, value: unknown, votesInRaft: boolean): Problems {
  const p = validateInteger(field, value, 1, 99);
  if (p.length > 0) {
    return votesInRaft ? [`${field}: must be an odd integer from 1 to 99 (Raft voters), got ${show(value)}`] : p;
  }
  if (votesInRaft && (value as number) % 2 === 0) {
    return [`${field}: must be odd (1, 3, 5, ...) because these pods vote in Raft, got ${value}`];
  }
  return [];
}

export function validateQuantity(field: string, value: unknown, opts: { positive?: boolean } = {}): Problems {
  const n = typeof value === "string" ? parseQuantity(value) : undefined;
  if (n === undefined) {
    return [`${field}: must be a Kubernetes quantity such as "500m", "2", "512Mi" or "10Gi", got ${show(value)}`];
  }
  if (opts.positive && n <= 0) {
    return [`${field}: must be greater than zero, got ${show(value)}`];
  }
  return [];
}

export interface Amounts {
  cpu?: string;
  memory?: string;
}

/** Requests and limits: each a quantity, and no limit below its request. */
export function validateResources(field: string, value: { requests?: Amounts; limits?: Amounts } | undefined): Problems {
  if (value === undefined) {
    return [];
  }
  const problems: Problems = [];
  for (const kind of ["requests", "limits"] as const) {
    const amounts = value[kind];
    if (amounts === undefined) {
      continue;
    }
    for (const key of Object.keys(amounts)) {
      if (key !== "cpu" && key !== "memory") {
        problems.push(`${field}.${kind}.${key}: unknown resource (accepted: "cpu", "memory")`);
      }
    }
    for (const res of ["cpu", "memory"] as const) {
      if (amounts[res] !== undefined) {
        problems.push(...validateQuantity(`${field}.${kind}.${res}`, amounts[res], { positive: true }));
      }
    }
  }
  for (const res of ["cpu", "memory"] as const) {
    const req = value.requests?.[res];
    const lim = value.limits?.[res];
    const r = req === undefined ? undefined : parseQuantity(req);
    const l = lim === undefined ? undefined : parseQuantity(lim);
    if (r !== undefined && l !== undefined && l < r) {
      problems.push(`${field}.limits.${res}: ${show(lim)} is below the request ${show(req)}; a limit must be >= its request`);
    }
  }
  return problems;
}

/** Port numbers: each a valid TCP/UDP port and no two listeners on the same number. */
export function validatePorts(field: string, ports: Record<string, unknown>): Problems {
  const problems: Problems = [];
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    const p = validateInteger(`${field}.${name}`, port, 1, 65535);
    if (p.length > 0) {
      problems.push(...p);
      continue;
    }
    const other = seen.get(port as number);
    if (other !== undefined) {
      problems.push(`${field}.${name}: port ${port} is already used by ${field}.${other}; every listener needs its own port`);
    } else {
      seen.set(port as number, name);
    }
  }
  return problems;
}

/**
 * An image reference that pins what runs: it must carry a tag or a digest, and the tag must not be
 * "latest" (a floating tag changes what runs without any change in the preview).
 */
export function validateImageReference(field: string, value: unknown): Problems {
  if (typeof value !== "string" || value.trim().length === 0) {
    return [`${field}: must be a non-empty image reference such as "ghcr.io/robustmq/robustmq:v0.4.11", got ${show(value)}`];
  }
  if (/\s/.test(value)) {
    return [`${field}: must not contain white space, got ${show(value)}`];
  }
  const [nameAndTag, digest] = value.split("@");
  if (digest !== undefined) {
    return /^sha256:[a-f0-9]{64}$/.test(digest)
      ? []
      : [`${field}: digest must be "sha256:" followed by 64 hex digits, got ${show(digest)}`];
  }
  const lastSlash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.indexOf(":", lastSlash + 1);
  if (colon < 0) {
    return [`${field}: must pin a tag or a digest (e.g. ":v0.4.11" or "@sha256:..."), got ${show(value)}`];
  }
  const tag = nameAndTag.slice(colon + 1);
  if (tag === "latest") {
    return [`${field}: the "latest" tag is not accepted; pin a version tag or a digest, got ${show(value)}`];
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    return [`${field}: tag ${show(tag)} is not a valid image tag`];
  }
  return [];
}

export function validateCidr(field: string, value: unknown): Problems {
  if (typeof value === "string") {
    const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (v4 && v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32) {
      return [];
    }
    const v6 = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(value);
    if (v6 && v6[1].includes(":") && Number(v6[2]) <= 128 && /^(([0-9a-fA-F]{1,4}:){0,7}[0-9a-fA-F]{0,4}|.*::.*)$/.test(v6[1])) {
      return [];
    }
  }
  return [`${field}: must be a CIDR such as "10.0.0.0/8" or "2001:db8::/32", got ${show(value)}`];
}

export function validateStringMap(field: string, value: unknown): Problems {
  if (value === undefined) {
    return [];
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [`${field}: must be a map of strings to strings, got ${show(value)}`];
  }
  return Object.entries(value)
    .filter(([, v]) => typeof v !== "string")
    .map(([k, v]) => `${field}.${k}: must be a string, got ${show(v)}`);
}

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

/** Levenshtein distance (insertions, deletions, substitutions of one character each cost 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The candidate closest to `key` by edit distance over the whole dotted key (first one on a tie). */
export function closestKey(key: string, candidates: readonly string[] = Object.keys(CONFIG_KEYS)): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(key, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

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
    const near = closestKey(key, candidates);
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
