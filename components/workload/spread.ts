// Where a tier's pods may run: one per node (preferred or required) and evenly over zones.
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedCluster, ResolvedTier } from "../api/model";
import { selectorLabels } from "../api/naming";

export function spread(cluster: ResolvedCluster, tier: ResolvedTier): {
  affinity: k8s.types.input.core.v1.Affinity;
  topologySpreadConstraints: k8s.types.input.core.v1.TopologySpreadConstraint[];
} {
  const selector = { matchLabels: selectorLabels(cluster, tier.name) };
  const term = { labelSelector: selector, topologyKey: "kubernetes.io/hostname" };
  const affinity: k8s.types.input.core.v1.Affinity = {
    podAntiAffinity:
      tier.hostSpread === "hard"
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
  const topologySpreadConstraints =
    tier.zoneSpread === "none"
      ? []
      : [
          {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: tier.zoneSpread === "hard" ? "DoNotSchedule" : "ScheduleAnyway",
            labelSelector: selector,
          },
        ];
  return { affinity, topologySpreadConstraints };
}
