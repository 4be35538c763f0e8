// The ConfigMap's files: one server.toml per tier and the shared logger.toml, from the model.
import type { ResolvedCluster, ResolvedTier } from "../api/model";
import { renderLoggerToml } from "../rmq/config/logger-toml";
import { configReadBy } from "../rmq/config/readers";
import { withoutHotKeys } from "../rmq/config/dynamic";
import { NodeConfig, renderServerToml, sha256 } from "../rmq/config/server-toml";
import { metaAddrs } from "../rmq/identity";

export function configMapKey(tier: Pick<ResolvedTier, "name">): string {
  return `server-${tier.name}.toml`;
}

/** What the tier's server.toml says, from the resolved cluster. */
export function nodeConfig(cluster: ResolvedCluster, tier: ResolvedTier): NodeConfig {
  return {
    clusterName: cluster.clusterName,
    roles: tier.roles,
    ports: cluster.ports,
    metaAddrs: metaAddrs(cluster.metaAddresses, cluster.ports.grpc),
    adminUsername: cluster.adminUsername,
    topicReplicas: cluster.topicReplicas,
    // extraConfig keys only other roles read stay out of this tier's file (and its checksum).
    overlays: [...tier.patches.map((p) => p.config), configReadBy(cluster.extraConfig, tier.roles)],
  };
}

export interface TierConfigFiles {
  /** ConfigMap data: logger.toml and server-<tier>.toml per tier. */
  data: Record<string, string>;
  /**
   * Per tier, the digest of the files its pods read: a change there rolls that tier only. With the
   * runtime sync on, the keys it applies at runtime are left out, so a change of them alone
   * restarts nothing; the file still carries them, and the kubelet refreshes the mounted file, so a
   * pod that restarts later reads the same values the sync set.
   */
  checksums: Map<string, string>;
}

export function configFiles(cluster: ResolvedCluster): TierConfigFiles {
  const logger = renderLoggerToml(cluster.logLevel);
  const data: Record<string, string> = { "logger.toml": logger };
  const checksums = new Map<string, string>();
  for (const tier of cluster.tiers) {
    const node = nodeConfig(cluster, tier);
    const toml = renderServerToml(node);
    data[configMapKey(tier)] = toml;
    // Rendered from the same overlays minus those keys: without any, the digest is the file's own,
    // so turning the sync on restarts nothing either.
    const restartRelevant = cluster.runtimeSync === undefined ? toml : renderServerToml({ ...node, overlays: node.overlays.map((o) => withoutHotKeys(o)) });
    checksums.set(tier.name, sha256(restartRelevant, logger));
  }
  return { data, checksums };
}
