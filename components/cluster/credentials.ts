// Credentials: taken from args as secrets or generated with @pulumi/random. They reach RobustMQ
// only through a Kubernetes Secret and env overrides, never through the ConfigMap.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { RobustMQClusterArgs } from "../api/args";
import { ClusterNames } from "../api/naming";
import { CredentialName, CREDENTIALS, credentialProblems, CredentialSpec, tomlString } from "../rmq/credentials";
import { sha256 } from "../rmq/config/server-toml";

export type Credentials = Record<CredentialName, pulumi.Output<string>>;

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

function generated(spec: CredentialSpec, names: ClusterNames, parent: pulumi.Resource): pulumi.Output<string> {
  const name = names.random(spec.secretKey);
  if (spec.generate.kind === "username") {
    const s = new random.RandomString(name, { length: spec.generate.length, special: false, upper: false }, { parent });
    return pulumi.secret(s.result.apply((v) => `mqtt-${v}`));
  }
  return pulumi.secret(new random.RandomPassword(name, { length: spec.generate.length, special: false }, { parent }).result);
}

export function credentials(names: ClusterNames, args: RobustMQClusterArgs, parent: pulumi.Resource): Credentials {
  return Object.fromEntries(
    CREDENTIALS.map((spec) => {
      const given = args[spec.name];
      return [spec.name, given !== undefined ? checked(spec, given) : generated(spec, names, parent)];
    }),
  ) as Credentials;
}

/** Secret data: each credential plain (for people and clients) and as a TOML literal (for RobustMQ). */
export function secretData(c: Credentials): Record<string, pulumi.Output<string>> {
  const data: Record<string, pulumi.Output<string>> = {};
  for (const spec of CREDENTIALS) {
    data[spec.secretKey] = c[spec.name];
    data[`${spec.secretKey}.toml`] = c[spec.name].apply(tomlString);
  }
  return data;
}

/**
 * A digest of the credentials RobustMQ reads on every start, for the pod template annotation: a
 * rotated admin password or JWT secret restarts the pods so they take it. The MQTT user and
 * password only seed the superuser when the cluster first starts (rmq/credentials.ts), so a change
 * could only restart every pod for nothing. The digest reveals nothing usable (generated values
 * are long and random) and is not marked secret so the StatefulSet diff stays readable.
 */
export function credentialsChecksum(c: Credentials): pulumi.Output<string> {
  const read = CREDENTIALS.filter((s) => s.appliedOn === "every-start").map((s) => c[s.name]);
  return pulumi.unsecret(pulumi.all(read).apply((values) => sha256(...values)));
}
