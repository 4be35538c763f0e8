// The stacks as the end-to-end runs deploy them: the repository's stack files with two changes, each
// forced by a part this machine cannot have, and nothing else.
// - Credentials are given as secrets: the random provider (github.com/pulumi/pulumi-random/provider/v4)
//   is not served by the Go module proxy, so no stack may generate one (cluster/credentials.ts
//   registers no random resource then).
// - An image reference takes the place of imageBuild: building needs a BuildKit engine (and the
//   docker-build provider), neither of which runs here. The reference is the tag the build would
//   push (kwok runs no container, so nothing pulls it).
import type { RobustMQClusterArgs } from "../../components";
import { deployStack } from "../../stacks/program";
import { readStackSettings } from "../../stacks/config";
import { RobustMQCluster } from "../../components";
import { repoStackConfig, StackConfig } from "./harness/pulumi";

export const STACKS = ["dev", "staging", "prod"] as const;
export type StackName = (typeof STACKS)[number];

export const SECRETS: Record<string, string> = {
  "robustmq:adminPassword": "e2e-admin-password-0001",
  "robustmq:jwtSecret": "e2e-jwt-secret-0001-e2e-jwt-secret-0001",
  "robustmq:mqttUsername": "e2e-devices",
  "robustmq:mqttPassword": "e2e-mqtt-password-0001",
};

export const IMAGE_REPOSITORY = "ghcr.io/robustmq/robustmq";

/** A config doc (keys without the namespace) with imageBuild replaced by the reference it would push. */
export function withoutImageBuild(doc: Record<string, any>): Record<string, any> {
  const out = { ...doc };
  const build = out.imageBuild;
  if (build !== undefined) {
    delete out.imageBuild;
    out.image = `${IMAGE_REPOSITORY}:${build.version}${build.gitSha === undefined ? "" : `-${String(build.gitSha).slice(0, 7)}`}`;
  }
  return out;
}

export function stripNamespace(config: StackConfig): Record<string, any> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/^robustmq:/, ""), v]));
}

export function withNamespace(doc: Record<string, any>): StackConfig {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined).map(([k, v]) => [`robustmq:${k}`, v]));
}

/** The stack's config as the end-to-end run sets it (secrets apart). */
export function e2eStackConfig(stack: StackName, edit?: (doc: Record<string, any>) => void): StackConfig {
  const doc = structuredClone(stripNamespace(repoStackConfig(stack)));
  edit?.(doc);
  return withNamespace(withoutImageBuild(doc));
}

/** stacks/index.ts's program: one RobustMQCluster from the stack config, its outputs as stack outputs. */
export const stackProgram = async () => deployStack().outputs;

/** The same program with the component's args passed through `mutate` (changes that are not config keys). */
export function programWith(mutate: (args: RobustMQClusterArgs) => RobustMQClusterArgs) {
  return async () => {
    const settings = readStackSettings();
    const args = settings.imageBuild === undefined ? settings.args : { ...settings.args, imageBuild: settings.imageBuild };
    const cluster = new RobustMQCluster(settings.name, mutate(args), { protect: settings.protect });
    return { namespace: cluster.namespace, statefulSets: cluster.statefulSetNames };
  };
}
