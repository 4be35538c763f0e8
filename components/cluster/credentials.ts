// Credentials: taken from args as secrets or generated with @pulumi/random. They reach RobustMQ
// only through a Kubernetes Secret and env overrides, never through the ConfigMap.
import { randomInt } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type * as randomTypes from "@pulumi/random";
import { RobustMQClusterArgs } from "../api/args";
import { ClusterNames } from "../api/naming";
import { CredentialName, CREDENTIALS, credentialProblems, CredentialSpec, internalSecretKey, tomlString } from "../rmq/credentials";
import { sha256 } from "../rmq/config/server-toml";
import { optionalPeer } from "../validate/optional-peer";

export interface Credentials extends Record<CredentialName, pulumi.Output<string>> {
  /**
   * Private values of the admin-API-only credentials for the nodes that do not serve the admin
   * API (none when every tier serves it): never output, never rotated, so rotating the real ones
   * restarts only the tiers that serve it. See privateValue for how they stay the same.
   */
  internal: Partial<Record<CredentialName, pulumi.Output<string>>>;
}

/**
 * @pulumi/random (and its provider plugin) only when some credential is generated: a program that
 * gives them all needs neither. Called before anything is registered.
 */
export function loadGenerator(args: RobustMQClusterArgs): typeof randomTypes | undefined {
  const unset = CREDENTIALS.filter((spec) => args[spec.name] === undefined).map((spec) => spec.name);
  if (unset.length === 0) {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return optionalPeer("@pulumi/random", `Generating ${unset.join(", ")} (unset)`, () => require("@pulumi/random"));
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A private value, drawn in the program on every run. Only the first one ever reaches the cluster:
 * the Secret ignores later changes of its key (secretIgnoreChanges), so the engine keeps the value
 * its state holds. Nobody reads these values (the nodes holding them serve no admin API), so no
 * provider has to keep them: neither the random provider nor a stored output is involved.
 */
function privateValue(length: number): pulumi.Output<string> {
  return pulumi.secret(Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join(""));
}

/** A user-supplied secret, checked once its value is known (config secrets are Outputs). */
function checked(spec: CredentialSpec, value: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.output(value).apply((v) => {
      const problems = credentialProblems(spec.name, v);
      if (problems.length > 0) {
        throw new Error(`Invalid arguments for RobustMQCluster: ${problems.join("; ")}`);
      }
      return v;
    }),
  );
}

/**
 * A generated value as the engine reports it. The random provider always reports `result`; the
 * mocks of Pulumi's unit-testing guide echo a resource's inputs as its state, so under them it is
 * absent, and what derives from it stays absent (no "mqtt-undefined", no digest of nothing).
 */
function ifReported(value: string | undefined, derive: (v: string) => string): string {
  return value === undefined ? (value as unknown as string) : derive(value);
}

function generated(spec: CredentialSpec, names: ClusterNames, parent: pulumi.Resource, random: typeof randomTypes): pulumi.Output<string> {
  const name = names.random(spec.secretKey);
  if (spec.generate.kind === "username") {
    const s = new random.RandomString(name, { length: spec.generate.length, special: false, upper: false }, { parent });
    return pulumi.secret(s.result.apply((v) => ifReported(v, (u) => `mqtt-${u}`)));
  }
  return pulumi.secret(new random.RandomPassword(name, { length: spec.generate.length, special: false }, { parent }).result);
}

/**
 * `anyTierWithoutAdminApi`: whether some tier does not serve the admin API (split topology); only
 * then do private values exist.
 */
export function credentials(
  names: ClusterNames,
  args: RobustMQClusterArgs,
  parent: pulumi.Resource,
  anyTierWithoutAdminApi: boolean,
  random: typeof randomTypes | undefined,
): Credentials {
  const given = Object.fromEntries(
    CREDENTIALS.map((spec) => {
      const value = args[spec.name];
      return [spec.name, value !== undefined ? checked(spec, value) : generated(spec, names, parent, random as typeof randomTypes)];
    }),
  ) as Record<CredentialName, pulumi.Output<string>>;
  const internal = anyTierWithoutAdminApi
    ? Object.fromEntries(CREDENTIALS.filter((s) => s.adminApiOnly).map((spec) => [spec.name, privateValue(spec.generate.length)]))
    : {};
  return { ...given, internal };
}

/** Secret keys of the private values, each as a TOML literal. */
export function privateSecretKeys(c: Credentials): string[] {
  return CREDENTIALS.filter((spec) => c.internal[spec.name] !== undefined).map((spec) => `${internalSecretKey(spec)}.toml`);
}

/**
 * The Secret's ignoreChanges: its private values keep what was first stored (privateValue). They
 * sit in `data`, not `stringData`: the Kubernetes provider folds stringData into data before the
 * state keeps it (clients/unstructured.go normalizeSecretStringData), so a path under stringData
 * has no stored value to keep, and the Secret was replaced on every preview (end-to-end run).
 */
export function secretIgnoreChanges(c: Credentials): string[] {
  return privateSecretKeys(c).map((key) => `data[${JSON.stringify(key)}]`);
}

export interface SecretContent {
  /** Each credential plain (for people and clients) and as a TOML literal (for RobustMQ). */
  stringData: Record<string, pulumi.Output<string>>;
  /** The private values, base64-encoded, as TOML literals (only RobustMQ reads them: no plain copy). */
  data?: Record<string, pulumi.Output<string>>;
}

export function secretContent(c: Credentials): SecretContent {
  const stringData: Record<string, pulumi.Output<string>> = {};
  const data: Record<string, pulumi.Output<string>> = {};
  for (const spec of CREDENTIALS) {
    stringData[spec.secretKey] = c[spec.name];
    stringData[`${spec.secretKey}.toml`] = c[spec.name].apply((v) => ifReported(v, tomlString));
    const internal = c.internal[spec.name];
    if (internal !== undefined) {
      data[`${internalSecretKey(spec)}.toml`] = internal.apply((v) => Buffer.from(tomlString(v)).toString("base64"));
    }
  }
  return { stringData, ...(Object.keys(data).length === 0 ? {} : { data }) };
}

/**
 * A digest of the credentials a tier's nodes read on every start, for the pod template annotation:
 * a rotated admin password or JWT secret restarts the pods that serve the admin API so they take
 * it (the others hold private values that never change). The MQTT user and
 * password only seed the superuser when the cluster first starts (rmq/credentials.ts), so a change
 * could only restart every pod for nothing. The digest reveals nothing usable (generated values
 * are long and random) and is not marked secret so the StatefulSet diff stays readable.
 */
export function credentialsChecksum(c: Credentials, servesAdminApi: boolean): pulumi.Output<string> {
  // A private value never changes once stored (and the program draws a new one on every run), so
  // it stands in the digest by name only.
  const read = CREDENTIALS.filter((s) => s.appliedOn === "every-start").map((s) =>
    !servesAdminApi && c.internal[s.name] !== undefined ? pulumi.output(`private ${internalSecretKey(s)}`) : c[s.name],
  );
  // An absent value (see ifReported) counts as empty: the pods still carry a digest.
  return pulumi.unsecret(pulumi.all(read).apply((values) => sha256(...values.map((v) => v ?? ""))));
}
