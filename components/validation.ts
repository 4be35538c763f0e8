// Pure validators. Each returns problems as "field: what is wrong (what is accepted)"; an empty
// list means valid. They never throw, so resolveClusterArgs can report every problem at once.
import { KNOWN_CONFIG_KEYS, ConfigValueType } from "./config/known-keys";
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

function matchesType(value: unknown, type: ConfigValueType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "table":
      return value !== null && typeof value === "object";
  }
}

/**
 * Keys of server.toml that must be known to RobustMQ and carry the right type. `refused` maps keys
 * (or whole tables, by prefix) the caller may not set to the reason.
 */
export function validateConfigKeys(
  field: string,
  config: Record<string, unknown>,
  refused: ReadonlyMap<string, string> = new Map(),
): Problems {
  const problems: Problems = [];
  const unknown: string[] = [];
  for (const [key, value] of flattenConfig(config)) {
    const table = [...refused.keys()].find((r) => key === r || key.startsWith(`${r}.`));
    if (table !== undefined) {
      problems.push(`${field}.${key}: ${refused.get(table)}`);
      continue;
    }
    const type = KNOWN_CONFIG_KEYS[key];
    if (type === undefined) {
      unknown.push(key);
      continue;
    }
    if (!matchesType(value, type)) {
      problems.push(`${field}.${key}: must be a TOML ${type}, got ${show(value)}`);
    }
  }
  if (unknown.length > 0) {
    problems.push(
      `${field}: unknown RobustMQ config key(s) ${unknown.map((k) => `"${k}"`).join(", ")} ` +
        `(RobustMQ silently ignores keys it does not know; see server.toml.template for the accepted keys)`,
    );
  }
  return problems;
}
