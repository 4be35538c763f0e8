import { ResolvedCluster, ResolvedTier } from "../cluster/resolve";
import { carriesBroker, carriesMeta } from "../rmq/topology";

export const BROKER_ROLE_LABEL = "robustmq.io/broker";
export const META_ROLE_LABEL = "robustmq.io/meta";

/** Immutable selector labels: never add to them, a StatefulSet selector cannot change. */
export function selectorLabels(cluster: ResolvedCluster, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "robustmq",
    "app.kubernetes.io/instance": cluster.name,
    "app.kubernetes.io/component": component,
  };
}

export function instanceSelector(cluster: ResolvedCluster): Record<string, string> {
  return { "app.kubernetes.io/name": "robustmq", "app.kubernetes.io/instance": cluster.name };
}

export function objectLabels(cluster: ResolvedCluster, component: string): Record<string, string> {
  return {
    ...cluster.labels,
    ...selectorLabels(cluster, component),
    "app.kubernetes.io/part-of": "robustmq",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** Pod labels: object labels plus one label per role, which Services select on. */
export function podLabels(cluster: ResolvedCluster, tier: ResolvedTier): Record<string, string> {
  return {
    ...objectLabels(cluster, tier.name),
    ...(carriesBroker(tier) ? { [BROKER_ROLE_LABEL]: "true" } : {}),
    ...(carriesMeta(tier) ? { [META_ROLE_LABEL]: "true" } : {}),
  };
}
