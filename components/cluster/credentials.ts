// Credentials: taken from args as secrets or generated with @pulumi/random. They reach RobustMQ
// only through a Kubernetes Secret and env overrides, never through the ConfigMap.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stringify } from "smol-toml";
import { RobustMQClusterArgs } from "../api/args";
import { sha256 } from "../rmq/config/server-toml";
import { credentialProblems } from "./resolve";

export interface Credentials {
  adminPassword: pulumi.Output<string>;
  jwtSecret: pulumi.Output<string>;
  mqttUsername: pulumi.Output<string>;
  mqttPassword: pulumi.Output<string>;
}

/** A value as a TOML string literal: the env override splices raw text, so quotes must come with it. */
export function tomlString(value: string): string {
  return stringify({ v: value }).replace(/^v = /, "").trim();
}

/** A user-supplied secret, checked once its value is known (config secrets are Outputs). */
function checked(field: keyof Credentials, value: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.output(value).apply((v) => {
      const problems = credentialProblems(field, v);
      if (problems.length > 0) {
        throw new Error(`Invalid arguments for RobustMQCluster: ${problems.join("; ")}`);
      }
      return v;
    }),
  );
}

export function credentials(name: string, args: RobustMQClusterArgs, parent: pulumi.Resource): Credentials {
  const generated = (suffix: string, length: number) =>
    new random.RandomPassword(`${name}-${suffix}`, { length, special: false }, { parent }).result;
  const username = () =>
    pulumi.secret(
      new random.RandomString(`${name}-mqtt-username`, { length: 8, special: false, upper: false }, { parent }).result.apply(
        (s) => `mqtt-${s}`,
      ),
    );
  return {
    adminPassword: args.adminPassword ? checked("adminPassword", args.adminPassword) : pulumi.secret(generated("admin-password", 32)),
    jwtSecret: args.jwtSecret ? checked("jwtSecret", args.jwtSecret) : pulumi.secret(generated("jwt-secret", 48)),
    mqttUsername: args.mqttUsername ? checked("mqttUsername", args.mqttUsername) : username(),
    mqttPassword: args.mqttPassword ? checked("mqttPassword", args.mqttPassword) : pulumi.secret(generated("mqtt-password", 32)),
  };
}

/** Secret data: each credential plain (for people and clients) and as a TOML literal (for RobustMQ). */
export function secretData(c: Credentials): Record<string, pulumi.Output<string>> {
  const data: Record<string, pulumi.Output<string>> = {};
  const entries: Array<[string, pulumi.Output<string>]> = [
    ["admin-password", c.adminPassword],
    ["jwt-secret", c.jwtSecret],
    ["mqtt-username", c.mqttUsername],
    ["mqtt-password", c.mqttPassword],
  ];
  for (const [key, value] of entries) {
    data[key] = value;
    data[`${key}.toml`] = value.apply(tomlString);
  }
  return data;
}

/**
 * A digest of the credentials RobustMQ reads on every start, for the pod template annotation: a
 * rotated admin password or JWT secret restarts the pods so they take it. The MQTT user and
 * password are left out on purpose: RobustMQ uses them only to seed the superuser when the
 * cluster first starts, so a change could only restart every pod for nothing (rotate that user
 * through the admin API instead). The digest reveals nothing usable (generated values are long
 * and random) and is not marked secret so the StatefulSet diff stays readable.
 */
export function credentialsChecksum(c: Credentials): pulumi.Output<string> {
  return pulumi.unsecret(pulumi.all([c.adminPassword, c.jwtSecret]).apply((values) => sha256(...values)));
}
