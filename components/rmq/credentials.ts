// The credentials RobustMQ v0.4.11 reads, in one table: where each lives in server.toml, how the
// pods receive it, what RobustMQ does with a new value, and which values are refused.
import { stringify } from "smol-toml";
import { envVarForKey } from "./config/env";

export type CredentialName = "adminPassword" | "jwtSecret" | "mqttUsername" | "mqttPassword";

export interface CredentialSpec {
  /** The component argument (and output) that carries it. */
  name: CredentialName;
  /** Dotted server.toml key; the file holds an empty placeholder, the pod's env the value. */
  configKey: string;
  /** Env var RobustMQ reads it from (its override rule applied to configKey). */
  env: string;
  /** Key of the plain value in the credentials Secret; "<key>.toml" holds it as a TOML literal. */
  secretKey: string;
  /**
   * "every-start": RobustMQ reads it from its config, which it loads at start, so a new value needs
   * the pods restarted. "first-start": it only seeds stored state when the cluster first starts;
   * a later value is not applied and restarting pods for it achieves nothing.
   */
  appliedOn: "every-start" | "first-start";
  /**
   * Read only by the admin HTTP API (src/admin-server/src/auth.rs at v0.4.11: the login compares
   * admin.username/password, tokens are signed and checked with admin.jwt_secret; nothing else
   * reads them). A node whose admin API nobody is meant to log in to can hold a private value.
   */
  adminApiOnly: boolean;
  /** RobustMQ's published defaults: refused. */
  publishedDefaults: readonly string[];
  minLength: number;
  /** What is generated when the argument is unset. */
  generate: { kind: "password" | "username"; length: number };
}

function spec(name: CredentialName, configKey: string, secretKey: string, rest: Omit<CredentialSpec, "name" | "configKey" | "env" | "secretKey">): CredentialSpec {
  return { name, configKey, env: envVarForKey(configKey), secretKey, ...rest };
}

export const CREDENTIALS: readonly CredentialSpec[] = [
  spec("adminPassword", "admin.password", "admin-password", {
    appliedOn: "every-start",
    adminApiOnly: true,
    publishedDefaults: ["admin"],
    minLength: 12,
    generate: { kind: "password", length: 32 },
  }),
  spec("jwtSecret", "admin.jwt_secret", "jwt-secret", {
    appliedOn: "every-start",
    adminApiOnly: true,
    publishedDefaults: ["robustmq-change-me-in-production"],
    minLength: 32,
    generate: { kind: "password", length: 48 },
  }),
  spec("mqttUsername", "mqtt_runtime.auth.default_user", "mqtt-username", {
    appliedOn: "first-start",
    adminApiOnly: false,
    publishedDefaults: [],
    minLength: 1,
    generate: { kind: "username", length: 8 },
  }),
  spec("mqttPassword", "mqtt_runtime.auth.default_password", "mqtt-password", {
    appliedOn: "first-start",
    adminApiOnly: false,
    publishedDefaults: ["robustmq"],
    minLength: 12,
    generate: { kind: "password", length: 32 },
  }),
];

/** Secret key of the private value that nodes not serving the admin API hold instead. */
export function internalSecretKey(spec: CredentialSpec): string {
  return `internal-${spec.secretKey}`;
}

export function credentialSpec(name: CredentialName): CredentialSpec {
  return CREDENTIALS.find((c) => c.name === name) as CredentialSpec;
}

/** Problems of a credential's value (pure; also run on secret values once they are known). */
export function credentialProblems(name: CredentialName, value: unknown): string[] {
  const c = credentialSpec(name);
  if (typeof value !== "string" || value.length === 0) {
    return [`${name}: must be a non-empty string (or leave it unset to generate one)`];
  }
  if (c.publishedDefaults.includes(value)) {
    return [`${name}: is RobustMQ's published default; use another value or leave it unset to generate one`];
  }
  if (value.length < c.minLength) {
    return [`${name}: must be at least ${c.minLength} characters long (or leave it unset to generate one)`];
  }
  return [];
}

/** A value as a TOML string literal: the env override splices raw text, so quotes must come with it. */
export function tomlString(value: string): string {
  return stringify({ v: value }).replace(/^v = /, "").trim();
}
