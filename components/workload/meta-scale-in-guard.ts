// The meta tier's scale-in guard: a ValidatingAdmissionPolicy that refuses, at the API server, any
// change of the meta StatefulSet's replicas that stops a majority of its Raft voters.
//
// The program cannot see the count the cluster runs today; the API server can (oldObject). A
// removed meta pod stays a Raft voter until someone runs the admin API's node leave
// (src/admin-server/src/cluster/node.rs at v0.4.11), so stopping more than (replicas - 1) / 2 meta
// pods at once loses the quorum: the cluster cannot commit, and the leave that would shrink the
// membership cannot run either. The policy covers the StatefulSet and its scale subresource
// (`kubectl scale`), and `pulumi preview` meets it too (the provider dry-runs updates). Scaling to
// 0 stays allowed: a full stop keeps every voter's volume and membership, and the same count
// brings them all back. Needs Kubernetes 1.30 (admissionregistration.k8s.io/v1).
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedCluster, ResolvedTier } from "../api/model";
import { objectLabels } from "../api/naming";

/**
 * The counts before and after, as policy variables. A Scale object (`kubectl scale`) leaves
 * spec.replicas out when it is 0 (omitempty), and a missing key is an error in CEL, which the
 * policy's failurePolicy Fail turns into a refusal: scaling to 0 and back was refused on a real
 * API server ("no such key: replicas"). A StatefulSet always has the field (defaulted to 1).
 */
export const META_SCALE_IN_VARIABLES = [
  { name: "newReplicas", expression: "has(object.spec.replicas) ? object.spec.replicas : 0" },
  { name: "oldReplicas", expression: "has(oldObject.spec.replicas) ? oldObject.spec.replicas : 0" },
];

/** Allowed: growth, a full stop, or keeping more than half of the running voters. */
export const META_SCALE_IN_RULE = "variables.newReplicas >= variables.oldReplicas || variables.newReplicas == 0 || variables.newReplicas * 2 > variables.oldReplicas";

export const META_SCALE_IN_MESSAGE =
  "'meta tier scale-in from ' + string(variables.oldReplicas) + ' to ' + string(variables.newReplicas) + " +
  "' would stop a majority of the Raft voters: scale in by at most (replicas - 1) / 2 pods per step, " +
  "and remove each node with the admin API node leave first (docs/OPERATIONS.md, Scaling the meta tier in)'";

/** Cluster-scoped objects: their names carry the namespace so two clusters never share one. */
export function metaScaleInGuardName(cluster: Pick<ResolvedCluster, "namespace" | "name">): string {
  return `${cluster.namespace}-${cluster.name}-meta-scale-in`;
}

export function metaScaleInPolicyManifest(cluster: ResolvedCluster, meta: ResolvedTier): k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicy {
  return {
    metadata: { name: metaScaleInGuardName(cluster), labels: objectLabels(cluster, "meta-scale-in") },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [{ apiGroups: ["apps"], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["statefulsets", "statefulsets/scale"] }],
      },
      // The meta StatefulSet only; a Scale object has no labels to select on, so by name.
      matchConditions: [{ name: "meta-statefulset", expression: `request.namespace == '${cluster.namespace}' && request.name == '${meta.names.statefulSet}'` }],
      variables: META_SCALE_IN_VARIABLES,
      // Invalid (422), not Forbidden (403): in a preview the Kubernetes provider returns the
      // planned object when its dry-run is Forbidden (provider.go Update: "could not preview"),
      // so a Forbidden refusal would only surface in `pulumi up`.
      validations: [{ expression: META_SCALE_IN_RULE, messageExpression: META_SCALE_IN_MESSAGE, reason: "Invalid" }],
    },
  };
}

export function metaScaleInBindingManifest(cluster: ResolvedCluster): k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicyBinding {
  return {
    metadata: { name: metaScaleInGuardName(cluster), labels: objectLabels(cluster, "meta-scale-in") },
    spec: {
      policyName: metaScaleInGuardName(cluster),
      validationActions: ["Deny"],
      matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cluster.namespace } } },
    },
  };
}
