// The restricted Pod Security profile, which the namespace enforces.
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedCluster } from "../api/model";

/** Container level: no privilege, read-only root, nothing kept of root's powers. */
export const CONTAINER_SECURITY_CONTEXT: k8s.types.input.core.v1.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/**
 * Pod level: a numeric non-root identity (the upstream image's user is not numeric, so
 * runAsNonRoot needs one) and an fsGroup that owns the data volume, changed only on a mismatch
 * so a large volume is not walked at every start.
 */
export function podSecurityContext(cluster: ResolvedCluster): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: cluster.security.runAsUser,
    runAsGroup: cluster.security.runAsGroup,
    fsGroup: cluster.security.fsGroup,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * Pod level of the package's one-shot pods (the runtime sync's and the backup's Jobs): the
 * workload's identity under the restricted profile. No fsGroupChangePolicy: they mount no volume
 * large enough for the walk to matter, and changing the sync's pod template would replace its Job.
 */
export function jobPodSecurityContext(cluster: Pick<ResolvedCluster, "security">): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: cluster.security.runAsUser,
    runAsGroup: cluster.security.runAsGroup,
    fsGroup: cluster.security.fsGroup,
    seccompProfile: { type: "RuntimeDefault" },
  };
}
