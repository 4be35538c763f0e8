// PodDisruptionBudgets: no voluntary disruption (drain, eviction) may break the Raft quorum.
import type * as k8s from "@pulumi/kubernetes";
import { objectLabels, selectorLabels } from "../api/naming";
import type { ResolvedCluster, ResolvedTier } from "../api/model";
import { carriesMeta, quorum } from "../rmq/topology";

/**
 * Meta-carrying tiers keep a majority of voters available (minAvailable = quorum: 3 voters -> 2,
 * 5 -> 3; a single voter can never be evicted). Other tiers lose at most one pod at a time.
 * Unhealthy pods may always be evicted: they are not voting anyway, and keeping them would block drains.
 */
export function pdbManifest(cluster: ResolvedCluster, tier: ResolvedTier): k8s.types.input.policy.v1.PodDisruptionBudget {
  return {
    metadata: { name: tier.names.pdb, namespace: cluster.namespace, labels: objectLabels(cluster, tier.name) },
    spec: {
      selector: { matchLabels: selectorLabels(cluster, tier.name) },
      unhealthyPodEvictionPolicy: "AlwaysAllow",
      ...(carriesMeta(tier) ? { minAvailable: quorum(tier.replicas) } : { maxUnavailable: 1 }),
    },
  };
}
