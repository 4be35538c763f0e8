// Validators shared by the optional add-ons (storage class, ingress, network policy, listener TLS).
// Same contract as validation.ts: pure, never throw, return "field: problem (what is accepted)".
import { RobustMQArgsError } from "./errors";
import { Problems, validateCidr, validateDnsLabel } from "./values";

/** The value must be a plain object whose keys are all in `accepted`. */
export function validateFields(field: string, value: unknown, accepted: readonly string[]): Problems {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [`${field}: must be an object with the fields ${accepted.join(", ")}, got ${JSON.stringify(value)}`];
  }
  return Object.keys(value)
    .filter((key) => !accepted.includes(key))
    .map((key) => `${field}.${key}: unknown field (accepted: ${accepted.join(", ")})`);
}

/** A plain object (not null, not an array): only then can its fields be read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function validateList(field: string, value: unknown, item: (field: string, v: unknown) => Problems): Problems {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    return [`${field}: must be a list, got ${JSON.stringify(value)}`];
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

/** What every resolve function does first: report every problem at once, before anything is built. */
export function throwIfProblems(component: string, problems: Problems): void {
  if (problems.length > 0) {
    throw new RobustMQArgsError(component, problems);
  }
}
