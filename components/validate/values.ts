// Pure validators. Each returns problems as "field: what is wrong (what is accepted)"; an empty
// list means valid. They never throw, so every problem of every argument is reported at once.
import { parseQuantity } from "./quantity";
import { Problems, show } from "./problems";

export { Problems };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;


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

/** Requests and limits: each a quantity, only cpu and memory, and no limit below its request. */
export function validateResources(field: string, value: unknown): Problems {
  if (value === undefined) {
    return [];
  }
  const problems = validateFields(field, value, ["requests", "limits"]);
  if (!isRecord(value)) {
    return problems;
  }
  const amount = (kind: "requests" | "limits", res: "cpu" | "memory"): string | undefined => {
    const a = value[kind];
    return isRecord(a) && typeof a[res] === "string" ? (a[res] as string) : undefined;
  };
  for (const kind of ["requests", "limits"] as const) {
    const amounts = value[kind];
    if (amounts === undefined) {
      continue;
    }
    problems.push(...validateFields(`${field}.${kind}`, amounts, ["cpu", "memory"]));
    if (!isRecord(amounts)) {
      continue;
    }
    for (const res of ["cpu", "memory"] as const) {
      if (amounts[res] !== undefined) {
        problems.push(...validateQuantity(`${field}.${kind}.${res}`, amounts[res], { positive: true }));
      }
    }
  }
  for (const res of ["cpu", "memory"] as const) {
    const req = amount("requests", res);
    const lim = amount("limits", res);
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
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
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

/** The value must be a plain object whose keys are all in `accepted`. */
export function validateFields(field: string, value: unknown, accepted: readonly string[]): Problems {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [`${field}: must be an object with the fields ${accepted.join(", ")}, got ${show(value)}`];
  }
  return Object.keys(value)
    .filter((key) => !accepted.includes(key))
    .map((key) => `${field}.${key}: ${unknownNameMessage("field", key, accepted)}`);
}

/** The accepted name a misspelt one most likely meant, if any is close enough (case ignored). */
export function suggest(name: string, accepted: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of accepted) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) {
      best = { name: candidate, distance };
    }
  }
  return best !== undefined && best.distance <= Math.max(1, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** "unknown field (did you mean "x"? accepted: a, b, c)". */
export function unknownNameMessage(what: string, name: string, accepted: readonly string[]): string {
  const closest = suggest(name, accepted);
  return `unknown ${what} (${closest === undefined ? "" : `did you mean "${closest}"? `}accepted: ${accepted.join(", ")})`;
}

/** A plain object (not null, not an array): only then can its fields be read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function validateList(field: string, value: unknown, item: (field: string, v: unknown) => Problems): Problems {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    return [`${field}: must be a list, got ${show(value)}`];
  }
  return value.flatMap((v, i) => item(`${field}[${i}]`, v));
}

/** A list of CIDRs (NetworkPolicy ipBlock, LoadBalancer source ranges). */
export function validateCidrList(field: string, value: unknown): Problems {
  return validateList(field, value, validateCidr);
}

/** A list of namespace names (DNS-1123 labels), matched through `kubernetes.io/metadata.name`. */
export function validateNamespaceList(field: string, value: unknown): Problems {
  return validateList(field, value, (f, v) => validateDnsLabel(f, v));
}

const HOST_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A DNS host name as Ingress rules and certificates take it: a lower-case DNS-1123 subdomain with
 * at least two labels, optionally a wildcard as its whole first label ("*.example.com"); never an
 * IP address (Ingress hosts cannot be IPs).
 */
export function validateHostname(field: string, value: unknown): Problems {
  const accepted = `a lower-case DNS name such as "mq.example.com", or a wildcard as the first label only ("*.example.com")`;
  if (typeof value !== "string" || value.length === 0) {
    return [`${field}: must be ${accepted}, got ${JSON.stringify(value)}`];
  }
  const name = value.startsWith("*.") ? value.slice(2) : value;
  const labels = name.split(".");
  const wellFormed =
    value.length <= 253 &&
    labels.length >= 2 &&
    labels.every((l) => l.length <= 63 && HOST_LABEL.test(l)) &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name);
  if (!wellFormed) {
    return [`${field}: must be ${accepted}, got ${JSON.stringify(value)}`];
  }
  return [];
}

export function validateBoolean(field: string, value: unknown): Problems {
  return value === undefined || typeof value === "boolean" ? [] : [`${field}: must be true or false, got ${show(value)}`];
}

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_MS = [365 * 86400_000, 7 * 86400_000, 86400_000, 3600_000, 60_000, 1000, 1];

/** Milliseconds of a Prometheus duration ("30s", "1m30s": units y w d h m s ms, largest first), or undefined. */
export function parseDuration(value: string): number | undefined {
  const m = DURATION.exec(value);
  if (value === "" || m === null) {
    return undefined;
  }
  return m.slice(1).reduce((ms, n, i) => ms + (n === undefined ? 0 : Number(n) * DURATION_MS[i]), 0);
}

/** A Prometheus duration of at least `minSeconds`. */
export function validateDuration(field: string, value: unknown, minSeconds: number): Problems {
  const ms = typeof value === "string" ? parseDuration(value) : undefined;
  if (ms === undefined || ms < minSeconds * 1000) {
    return [`${field}: must be a Prometheus duration of at least ${minSeconds}s such as "30s", "1m" or "1m30s" (units y, w, d, h, m, s, ms, largest first), got ${show(value)}`];
  }
  return [];
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Kubernetes labels: keys are an optional DNS-subdomain prefix and a name of at most 63
 * characters; values at most 63 characters of letters, digits, "-", "_" and ".", starting and
 * ending with a letter or digit (or empty).
 */
export function validateLabels(field: string, value: unknown): Problems {
  const problems = validateStringMap(field, value);
  if (problems.length > 0 || value === undefined) {
    return problems;
  }
  for (const [key, v] of Object.entries(value as Record<string, string>)) {
    const slash = key.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    if ((prefix !== undefined && validateDnsSubdomain("p", prefix).length > 0) || name.length > 63 || !LABEL_NAME.test(name)) {
      problems.push(`${field}: key ${show(key)} is not a valid label key ([prefix/]name, name at most 63 letters, digits, "-", "_", ".")`);
    }
    if (v.length > 63 || !LABEL_VALUE.test(v)) {
      problems.push(`${field}.${key}: ${show(v)} is not a valid label value (at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit)`);
    }
  }
  return problems;
}

const TOLERATION_FIELDS = ["key", "operator", "value", "effect", "tolerationSeconds"] as const;
const TOLERATION_OPERATORS = ["Equal", "Exists"] as const;
const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** Tolerations as the API server takes them (core/v1 validation rules). */
export function validateTolerations(field: string, value: unknown): Problems {
  return validateList(field, value, (f, t) => {
    const problems = validateFields(f, t, TOLERATION_FIELDS);
    if (!isRecord(t)) {
      return problems;
    }
    if (t.key !== undefined && typeof t.key !== "string") {
      problems.push(`${f}.key: must be a string, got ${show(t.key)}`);
    }
    if (t.operator !== undefined) {
      problems.push(...validateOneOf(`${f}.operator`, t.operator, TOLERATION_OPERATORS));
    }
    if (t.effect !== undefined) {
      problems.push(...validateOneOf(`${f}.effect`, t.effect, TAINT_EFFECTS));
    }
    if (t.value !== undefined && typeof t.value !== "string") {
      problems.push(`${f}.value: must be a string, got ${show(t.value)}`);
    }
    if (t.operator === "Exists" && typeof t.value === "string" && t.value !== "") {
      problems.push(`${f}.value: must be empty with operator "Exists"`);
    }
    if ((t.key === undefined || t.key === "") && t.operator !== "Exists") {
      problems.push(`${f}.key: required unless operator is "Exists" (which then matches every taint)`);
    }
    if (t.tolerationSeconds !== undefined) {
      problems.push(...validateInteger(`${f}.tolerationSeconds`, t.tolerationSeconds, 0));
      if (t.effect !== "NoExecute") {
        problems.push(`${f}.tolerationSeconds: only used with effect "NoExecute"`);
      }
    }
    return problems;
  });
}
