// A tier's data volumes: the claim template new pods get, and one patch per pod's claim that grows
// it in place.
//
// Kubernetes never lets a StatefulSet's volumeClaimTemplates change, and the Kubernetes provider
// replaces a StatefulSet whose template changes (diff.go forceNew). Replacing it deletes every pod
// of the tier, with foreground deletion, before the new one starts: a growth of the disks would
// take the tier down, and a protected stack refuses it. So the StatefulSet ignores changes to its
// templates (the provider then sends the live template back: await.go handleSSAIgnoreFields) and
// the size reaches the claims instead: a PersistentVolumeClaimPatch per pod, applied after the
// StatefulSets, raises spec.resources.requests.storage and the CSI driver expands the volume
// online. No pod restarts. A claim created later (a scale-out) starts at the template's first
// size and is grown by its own patch in the same `up`.
//
// What the program cannot know is the size the claims have now, so two refusals are the API
// server's, not ours, and they come during `pulumi preview` (the provider dry-runs every patch):
// a size below the volume's capacity ("field can not be less than status.capacity"; while an
// expansion is still pending, a size between the capacity and the pending one is accepted, and
// the volume stays as large as it is) and a class without
// allowVolumeExpansion (the PersistentVolumeClaimResize admission plugin). Nothing has changed
// when they refuse: the patches come after every StatefulSet, and `pulumi up` previews first.
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedCluster, ResolvedTier } from "../api/model";
import { dataClaimName, DATA_VOLUME, selectorLabels } from "../api/naming";

/** The provider annotation that lets a patch take a field another manager owns. */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";
/** pulumi-kubernetes' custom readiness annotation (provider 4.18.0+; RFC 9535 JSONPath since 4.24.0). */
export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";

/** pulumi-kubernetes' annotation that leaves out its await after an apply. */
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/** What every data claim of the tier asks for; the template and the patches say the same. */
export function dataClaimSpec(tier: Pick<ResolvedTier, "storageClassName" | "storageSize">): k8s.types.input.core.v1.PersistentVolumeClaimSpec {
  return {
    accessModes: ["ReadWriteOnce"],
    storageClassName: tier.storageClassName,
    resources: { requests: { storage: tier.storageSize } },
  };
}

export function dataClaimTemplate(cluster: ResolvedCluster, tier: ResolvedTier): k8s.types.input.core.v1.PersistentVolumeClaim {
  return { metadata: { name: DATA_VOLUME, labels: selectorLabels(cluster, tier.name) }, spec: dataClaimSpec(tier) };
}

export interface DataClaimPatch {
  /** Pulumi name and object name: the claim's own name. */
  name: string;
  ordinal: number;
  manifest: k8s.types.input.core.v1.PersistentVolumeClaimPatch;
}

/**
 * One patch per pod the tier runs; for an autoscaled tier, per pod of the autoscaler's floor
 * (tier.replicas is minReplicas): the pods above it come and go, and their claims keep the size
 * of the template the tier was created with (docs/DAY-2.md, "Growing volumes"). The patch carries the claim's whole spec, not only the size:
 * should it ever reach the API server before the StatefulSet controller has created the claim
 * (server-side apply creates what does not exist), it creates the very claim the controller would,
 * which the StatefulSet then adopts by name. The size needs `patchForce`: the controller created
 * the claim and owns the field, and a patch that changes a field another manager owns conflicts.
 * A patch is done once the API server has taken it (`skipAwait`): the provider's own claim await
 * waits for Pending on a WaitForFirstConsumer class (every preset's; await/awaiters.go
 * untilCoreV1PersistentVolumeClaimReady), which a claim its pod has bound never is again (the
 * first end-to-end `up` timed out on it after 5 minutes), and waiting for Bound instead would
 * hang on the claim of an autoscaler floor's new pod, which the patch creates before the
 * autoscaler (a later phase) asks for the pod.
 */
export function dataClaimPatches(cluster: ResolvedCluster, tier: ResolvedTier): DataClaimPatch[] {
  return Array.from({ length: tier.replicas }, (_, ordinal) => {
    const name = dataClaimName(tier.names.statefulSet, ordinal);
    return {
      name,
      ordinal,
      manifest: {
        metadata: {
          name,
          namespace: cluster.namespace,
          labels: selectorLabels(cluster, tier.name),
          annotations: { [PATCH_FORCE_ANNOTATION]: "true", [SKIP_AWAIT_ANNOTATION]: "true" },
        },
        spec: dataClaimSpec(tier),
      },
    };
  });
}
