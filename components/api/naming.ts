// Every name the component gives: Kubernetes object names and Pulumi logical names, all derived
// from the component's name, plus the labels every object carries. Names of released resources
// never change (a changed Pulumi name is a delete and create; a changed object name, a new object).
import { carriesBroker, carriesMeta, Role, TierName } from "../rmq/topology";

/** What the labels are made from: the component's name and the user's labels. */
interface Labelled {
  name: string;
  labels: Record<string, string>;
}

/** The RobustMQ container of every pod. */
export const CONTAINER_NAME = "robustmq";
/** The data volume's claim template: each pod's PVC is "data-<statefulset>-<ordinal>". */
export const DATA_VOLUME = "data";

/** Longest component name: every derived name below must fit Kubernetes' limits with it. */
export const MAX_NAME_LENGTH = 40;

/** Names of one tier's objects (the Pulumi name of each is the object name, except the PDB's). */
export interface TierObjectNames {
  statefulSet: string;
  headlessService: string;
  pdb: string;
  /** Pulumi name of the PodDisruptionBudget (its object name equals the StatefulSet's). */
  pdbResource: string;
  /** Pulumi name of the HorizontalPodAutoscaler of an autoscaled tier (its object name equals the StatefulSet's). */
  autoscalerResource: string;
}

/** The claim the StatefulSet controller creates for one pod: "<template>-<statefulset>-<ordinal>". */
export function dataClaimName(statefulSet: string, ordinal: number): string {
  return `${DATA_VOLUME}-${statefulSet}-${ordinal}`;
}

/**
 * "<cluster>-<set>-<tier>-<ordinal>": at most 40 + 16 + 8 + 3 ordinal digits and 3 dashes, far
 * under the 253 characters of an object name. The backup program builds the same name (its plan
 * carries the cluster's name; components/features/backup/program.ts).
 */
export function volumeSnapshotName(cluster: string, set: string, tier: TierName, ordinal: number): string {
  return `${cluster}-${set}-${tier}-${ordinal}`;
}

export function tierNames(cluster: string, tier: TierName): TierObjectNames {
  const statefulSet = `${cluster}-${tier}`;
  return {
    statefulSet,
    headlessService: `${statefulSet}-headless`,
    pdb: statefulSet,
    pdbResource: `${statefulSet}-pdb`,
    autoscalerResource: `${statefulSet}-hpa`,
  };
}

/** Names of the cluster's objects. Pulumi names equal object names unless a `*Resource` says otherwise. */
export interface ClusterNames {
  /** Pulumi name of the Namespace (the namespace itself is the namespace argument). */
  namespaceResource: string;
  secret: string;
  configMap: string;
  clientService: string;
  adminService: string;
  /** StorageClass created from a preset, unless storageClass.name is given. */
  storageClass: (preset: string) => string;
  storageClassResource: string;
  ingress: string;
  ingressTlsSecret: string;
  ingressCertificateResource: string;
  listenerTlsSecret: string;
  listenerCertificateResource: string;
  networkPolicy: (suffix: string) => string;
  /** ServiceMonitor or PodMonitor of a tier. */
  monitor: (tier: TierName) => string;
  /** ConfigMap holding the Grafana dashboard. */
  dashboard: string;
  /** PrometheusRule holding the alerts. */
  prometheusRule: string;
  /** Pulumi names of the generated credentials. */
  random: (credential: string) => string;
  /** Pulumi name of the RobustMQImage the cluster builds. */
  image: string;
  /** Pulumi name of the meta tier's scale-in guard (ValidatingAdmissionPolicy and its binding). */
  metaScaleInGuard: string;
  metaScaleInGuardBinding: string;
  /** ConfigMap (plan and program) and Secret (user passwords) of the runtime sync; same name, two kinds. */
  runtimeSync: string;
  /** Pulumi name of the runtime sync's Secret. */
  runtimeSyncSecretResource: string;
  /** The runtime sync's ledger claim. */
  runtimeLedger: string;
  /** Pulumi name of the sync Job (its object name carries the digest of what it applies). */
  runtimeSyncJobResource: string;
  /** The sync Job of one desired state. */
  runtimeSyncJob: (digest: string) => string;
  /** Regex (RE2) of every runtimeSyncJob name, for the alert rules; the periodic sync's Jobs do not match. */
  runtimeSyncJobPattern: string;
  /** The periodic sync (CronJob names are limited to 52 characters). */
  runtimeReconcile: string;
  /** ConfigMap, ServiceAccount, Role, RoleBinding and CronJob of the backup: same name, five kinds. */
  backup: string;
  /** Pulumi names of the backup's ServiceAccount, Role and RoleBinding. */
  backupServiceAccountResource: string;
  backupRoleResource: string;
  backupRoleBindingResource: string;
  backupCronJobResource: string;
  /** Pulumi name of a claim created from a snapshot (the claim patch of the volumes phase has the claim's own name). */
  restoredClaimResource: (claim: string) => string;
  /** The VolumeSnapshot of one pod's claim in one set. */
  volumeSnapshot: (set: string, tier: TierName, ordinal: number) => string;
}

/** Hex digits of the desired state's digest in a sync Job's name. */
const SYNC_DIGEST_CHARS = 10;

export function clusterNames(name: string): ClusterNames {
  return {
    namespaceResource: `${name}-namespace`,
    secret: `${name}-credentials`,
    configMap: `${name}-config`,
    clientService: `${name}-client`,
    adminService: `${name}-admin`,
    storageClass: (preset) => `${name}-${preset}`,
    storageClassResource: `${name}-storage-class`,
    ingress: `${name}-ingress`,
    ingressTlsSecret: `${name}-ingress-tls`,
    ingressCertificateResource: `${name}-ingress-certificate`,
    listenerTlsSecret: `${name}-listener-tls`,
    listenerCertificateResource: `${name}-listener-certificate`,
    // "-netpol-" keeps the names apart from the Services (<name>-admin, <name>-client).
    networkPolicy: (suffix) => `${name}-netpol-${suffix}`,
    monitor: (tier) => `${name}-${tier}-monitor`,
    prometheusRule: `${name}-alerts`,
    dashboard: `${name}-dashboard`,
    random: (credential) => `${name}-${credential}`,
    image: `${name}-image`,
    metaScaleInGuard: `${name}-meta-scale-in`,
    metaScaleInGuardBinding: `${name}-meta-scale-in-binding`,
    runtimeSync: `${name}-runtime-sync`,
    runtimeSyncSecretResource: `${name}-runtime-sync-secret`,
    runtimeLedger: `${name}-runtime-ledger`,
    runtimeSyncJobResource: `${name}-runtime-sync-job`,
    runtimeSyncJob: (digest) => `${name}-sync-${digest.slice(0, SYNC_DIGEST_CHARS)}`,
    runtimeSyncJobPattern: `${name}-sync-[0-9a-f]{${SYNC_DIGEST_CHARS}}`,
    runtimeReconcile: `${name}-reconcile`,
    backup: `${name}-backup`,
    backupServiceAccountResource: `${name}-backup-sa`,
    backupRoleResource: `${name}-backup-role`,
    backupRoleBindingResource: `${name}-backup-rolebinding`,
    backupCronJobResource: `${name}-backup-cronjob`,
    restoredClaimResource: (claim) => `${claim}-restored`,
    volumeSnapshot: (set, tier, ordinal) => volumeSnapshotName(name, set, tier, ordinal),
  };
}

export const BROKER_ROLE_LABEL = "robustmq.io/broker";
export const META_ROLE_LABEL = "robustmq.io/meta";

/** Immutable selector labels: never add to them, a StatefulSet selector cannot change. */
export function selectorLabels(cluster: Pick<Labelled, "name">, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "robustmq",
    "app.kubernetes.io/instance": cluster.name,
    "app.kubernetes.io/component": component,
  };
}

export function instanceSelector(cluster: Pick<Labelled, "name">): Record<string, string> {
  return { "app.kubernetes.io/name": "robustmq", "app.kubernetes.io/instance": cluster.name };
}

/**
 * Labels of the runtime sync's pods: deliberately not the cluster's selector, so no Service, PDB or
 * policy of the cluster's own pods takes them in.
 */
export function runtimeSyncPodLabels(cluster: Pick<Labelled, "name">): Record<string, string> {
  return { "app.kubernetes.io/name": "robustmq-runtime-sync", "app.kubernetes.io/instance": cluster.name };
}

export function objectLabels(cluster: Labelled, component: string): Record<string, string> {
  return {
    ...cluster.labels,
    ...selectorLabels(cluster, component),
    "app.kubernetes.io/part-of": "robustmq",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/**
 * Pod labels: the user's pod labels, the selector and common labels, and one label per role, which
 * Services select on. Not the user's object labels: a label change must not restart pods.
 */
export function podLabels(cluster: Labelled & { podLabels: Record<string, string> }, tier: { name: TierName; roles: Role[] }): Record<string, string> {
  return {
    ...objectLabels({ name: cluster.name, labels: cluster.podLabels }, tier.name),
    ...(carriesBroker(tier) ? { [BROKER_ROLE_LABEL]: "true" } : {}),
    ...(carriesMeta(tier) ? { [META_ROLE_LABEL]: "true" } : {}),
  };
}
