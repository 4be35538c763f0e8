// The contract every optional feature implements (storage class, ingress, listener TLS, network
// policy; monitoring and autoscaling come next as one file each). The cluster calls each step
// once: validate the argument with every other problem, resolve it into the model, register its
// resources in their apply phase, and merge its patch into the tiers it concerns.
import type * as pulumi from "@pulumi/pulumi";
import type { RobustMQClusterArgs } from "../api/args";
import type { Phase, ResolvedCluster, ResolvedFeatures, ResolvedTier, TierPatch } from "../api/model";
import type { Protocol } from "../rmq/ports";
import type { Problems } from "../validate/values";

export type FeatureName = keyof ResolvedFeatures & keyof RobustMQClusterArgs;

/** What a feature may know while the rest of the cluster is still being validated. */
export interface FeatureContext {
  name: string;
  protocols: readonly Protocol[];
}

/** One Kubernetes object a feature adds, with the phase it is applied in. */
export interface FeatureResource {
  phase: Phase;
  /** Pulumi logical name. */
  name: string;
  kind: string;
  create(opts: pulumi.CustomResourceOptions): pulumi.Resource;
}

export interface Feature<N extends FeatureName> {
  /** The RobustMQClusterArgs field that turns the feature on. */
  readonly arg: N;
  /** Problems of the argument (only called when it is set); each names its field. */
  validate(value: unknown, context: FeatureContext): Problems;
  /** The defaulted model of an argument validate() accepted. */
  resolve(value: NonNullable<RobustMQClusterArgs[N]>, cluster: Pick<ResolvedCluster, "name" | "names" | "namespace" | "clusterDomain">): NonNullable<ResolvedFeatures[N]>;
  /** The feature's objects. */
  resources(cluster: ResolvedCluster, resolved: NonNullable<ResolvedFeatures[N]>): FeatureResource[];
  /** What the feature adds to a tier's pods and server.toml; undefined where it adds nothing. */
  tierPatch?(cluster: ResolvedCluster, tier: ResolvedTier, resolved: NonNullable<ResolvedFeatures[N]>): TierPatch | undefined;
}
