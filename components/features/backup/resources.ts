// The backup's objects (its plan and program, a ServiceAccount with the few rights the program
// uses, the CronJob) and the claims a restore creates from a snapshot set.
import * as k8s from "@pulumi/kubernetes";
import type { ResolvedBackup, ResolvedCluster, ResolvedRestore } from "../../api/model";
import { objectLabels, runtimeSyncPodLabels, selectorLabels } from "../../api/naming";
import { CONTAINER_SECURITY_CONTEXT, jobPodSecurityContext } from "../../workload/security";
import { dataClaimSpec, SKIP_AWAIT_ANNOTATION } from "../../workload/volumes";
import type { FeatureResource } from "../feature";
import { setManifest, snapshottedClaims } from "./args";
import { BACKUP_SCRIPT } from "./program";

export const SNAPSHOT_LABELS = {
  instance: "app.kubernetes.io/instance",
  set: "robustmq.io/snapshot-set",
  tier: "robustmq.io/tier",
  ordinal: "robustmq.io/ordinal",
} as const;
export const MANIFEST_ANNOTATION = "robustmq.io/set-manifest";
/** The CronJob names the class it uses, so a render can list it among what must exist. */
export const SNAPSHOT_CLASS_ANNOTATION = "robustmq.io/volume-snapshot-class";
export const PLAN_FILE = "plan.json";
export const PROGRAM_FILE = "backup.js";
const PROGRAM_DIR = "/backup";
const SNAPSHOT_GROUP = "snapshot.storage.k8s.io";

/** The plan the program reads. */
export function backupPlan(cluster: ResolvedCluster, backup: ResolvedBackup): Record<string, unknown> {
  return {
    version: 1,
    cluster: cluster.name,
    namespace: cluster.namespace,
    volumeSnapshotClassName: backup.volumeSnapshotClassName,
    retain: backup.retain,
    timeoutSeconds: backup.timeoutSeconds,
    labels: SNAPSHOT_LABELS,
    manifestAnnotation: MANIFEST_ANNOTATION,
    manifest: setManifest(cluster),
    claims: snapshottedClaims(cluster),
  };
}

/** Exactly what the program calls (components/features/backup/program.ts), nothing more. */
export function backupRules(): k8s.types.input.rbac.v1.PolicyRule[] {
  return [
    { apiGroups: [SNAPSHOT_GROUP], resources: ["volumesnapshots"], verbs: ["create", "delete", "list"] },
    { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get"] },
  ];
}

/** The backup's pod: restricted profile, the only pod of the package that mounts a token. */
export function backupPodSpec(cluster: ResolvedCluster, backup: ResolvedBackup): k8s.types.input.core.v1.PodSpec {
  return {
    restartPolicy: "Never",
    serviceAccountName: cluster.names.backup,
    // The ServiceAccount mounts no token anywhere else; this program talks to the API server.
    automountServiceAccountToken: true,
    securityContext: jobPodSecurityContext(cluster),
    ...(cluster.imagePullSecrets.length > 0 ? { imagePullSecrets: cluster.imagePullSecrets.map((name) => ({ name })) } : {}),
    containers: [
      {
        name: "backup",
        image: backup.image,
        imagePullPolicy: cluster.imagePullPolicy,
        command: ["node", `${PROGRAM_DIR}/${PROGRAM_FILE}`],
        env: [{ name: "RMQ_PLAN", value: `${PROGRAM_DIR}/${PLAN_FILE}` }],
        terminationMessagePolicy: "FallbackToLogsOnError",
        resources: { requests: { cpu: "20m", memory: "48Mi" }, limits: { memory: "128Mi" } },
        securityContext: CONTAINER_SECURITY_CONTEXT,
        volumeMounts: [{ name: "program", mountPath: PROGRAM_DIR, readOnly: true }],
      },
    ],
    volumes: [{ name: "program", configMap: { name: cluster.names.backup } }],
  };
}

export function backupResources(cluster: ResolvedCluster, backup: ResolvedBackup): FeatureResource[] {
  const names = cluster.names;
  const ns = cluster.namespace;
  const labels = objectLabels(cluster, "backup");
  const metadata = { name: names.backup, namespace: ns, labels };
  return [
    {
      phase: "runtime",
      name: names.backup,
      kind: "ConfigMap",
      create: (opts) =>
        new k8s.core.v1.ConfigMap(names.backup, { metadata, data: { [PLAN_FILE]: JSON.stringify(backupPlan(cluster, backup), null, 2), [PROGRAM_FILE]: BACKUP_SCRIPT } }, { ...opts, protect: false }),
    },
    {
      phase: "runtime",
      name: names.backupServiceAccountResource,
      kind: "ServiceAccount",
      create: (opts) => new k8s.core.v1.ServiceAccount(names.backupServiceAccountResource, { metadata, automountServiceAccountToken: false }, { ...opts, protect: false }),
    },
    {
      phase: "runtime",
      name: names.backupRoleResource,
      kind: "Role",
      create: (opts) => new k8s.rbac.v1.Role(names.backupRoleResource, { metadata, rules: backupRules() }, { ...opts, protect: false }),
    },
    {
      phase: "runtime",
      name: names.backupRoleBindingResource,
      kind: "RoleBinding",
      create: (opts) =>
        new k8s.rbac.v1.RoleBinding(
          names.backupRoleBindingResource,
          { metadata, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: names.backup }, subjects: [{ kind: "ServiceAccount", name: names.backup, namespace: ns }] },
          { ...opts, protect: false },
        ),
    },
    {
      // Not the sync phase: a failed runtime sync must not hold back the backup.
      phase: "runtime",
      name: names.backupCronJobResource,
      kind: "CronJob",
      create: (opts) =>
        new k8s.batch.v1.CronJob(
          names.backupCronJobResource,
          {
            metadata: { ...metadata, annotations: { [SNAPSHOT_CLASS_ANNOTATION]: backup.volumeSnapshotClassName } },
            spec: {
              schedule: backup.schedule,
              // Two runs at once would each take a set and race on retention.
              concurrencyPolicy: "Forbid",
              startingDeadlineSeconds: 600,
              successfulJobsHistoryLimit: 1,
              failedJobsHistoryLimit: 3,
              jobTemplate: {
                metadata: { labels },
                spec: {
                  // One attempt: a failed set is deleted, and the next schedule takes a new one.
                  backoffLimit: 0,
                  activeDeadlineSeconds: backup.timeoutSeconds + 300,
                  template: {
                    metadata: { labels: { ...objectLabels({ name: cluster.name, labels: cluster.podLabels }, "backup"), ...backupPodLabels(cluster) } },
                    spec: backupPodSpec(cluster, backup),
                  },
                },
              },
            },
          },
          { ...opts, protect: false },
        ),
    },
  ];
}

/**
 * Not the cluster's selector (see runtimeSyncPodLabels), and apart from the sync's pods: no
 * NetworkPolicy of the cluster selects them, since the program must reach the API server, whose
 * address a portable policy cannot name.
 */
export function backupPodLabels(cluster: Pick<ResolvedCluster, "name">): Record<string, string> {
  return { ...runtimeSyncPodLabels(cluster), "app.kubernetes.io/name": "robustmq-backup" };
}

/**
 * One claim per snapshotted claim, from its VolumeSnapshot of the set, named as the StatefulSet
 * claims it, so the StatefulSet adopts it by name. Kept when removed from the program and never
 * updated (retainOnDelete, ignoreChanges on spec): once a pod uses it, it is that pod's data
 * volume, and dropping `restore` must not delete it. skipAwait: with a WaitForFirstConsumer class
 * the claim binds only when its pod is scheduled, which comes in a later phase
 * (workload/volumes.ts says what the provider's claim await does there).
 */
export function restoredClaims(cluster: ResolvedCluster, restore: ResolvedRestore): FeatureResource[] {
  return snapshottedClaims(cluster).map((c) => {
    const tier = cluster.tiers.find((t) => t.name === c.tier) as ResolvedCluster["tiers"][number];
    const name = cluster.names.restoredClaimResource(c.claim);
    return {
      phase: "restore",
      name,
      kind: "PersistentVolumeClaim",
      create: (opts) =>
        new k8s.core.v1.PersistentVolumeClaim(
          name,
          {
            metadata: { name: c.claim, namespace: cluster.namespace, labels: selectorLabels(cluster, tier.name), annotations: { [SKIP_AWAIT_ANNOTATION]: "true" } },
            spec: { ...dataClaimSpec(tier), dataSource: { apiGroup: SNAPSHOT_GROUP, kind: "VolumeSnapshot", name: cluster.names.volumeSnapshot(restore.snapshotSet, c.tier, c.ordinal) } },
          },
          // Not protected even on a protected stack: deleting it from the program only drops it
          // from the state (retainOnDelete), which a protected resource would refuse.
          { ...opts, protect: false, retainOnDelete: true, ignoreChanges: ["spec"] },
        ),
    };
  });
}
