// The resolved cluster: every argument validated and defaulted, and every fact the builders need
// decided once (names, per-tier ports, readiness port, gate peers, what each optional feature
// adds to which tier). Builders read this model and never re-derive a decision.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { RobustMQImageArgs } from "./image-args";
import type { ExposedPort, Ports, Protocol } from "../rmq/ports";
import type { Role, TierName, Topology } from "../rmq/topology";
import type { ResourceAmounts, Toleration } from "./args";
import type { CertManagerMode, HostSpread, ImagePullPolicy, IngressController, IssuerKind, ReclaimPolicy, ScrapeMode, ServiceType, StoragePreset, ZoneSpread } from "./enums";
import type { ClusterNames, TierObjectNames } from "./naming";

/** Apply phases, in order: a resource depends on every resource of every earlier phase. */
export const Phase = {
  Image: "image",
  Namespace: "namespace",
  Storage: "storage",
  /** The data claims restored from a snapshot set: they must exist before any StatefulSet claims them. */
  Restore: "restore",
  Config: "config",
  /** Meta and engine tiers, created together (see cluster/cluster.ts). */
  Core: "core",
  Brokers: "brokers",
  /** Each pod's data claim grown to the tier's size, once every StatefulSet has created its claims. */
  Volumes: "volumes",
  Services: "services",
  Ingress: "ingress",
  /** ServiceMonitors/PodMonitors, PrometheusRule: they watch the workloads, so they come after them. */
  Monitoring: "monitoring",
  /** The runtime sync's plan, passwords and ledger; the backup's objects (its CronJob needs the nodes up, not the sync). */
  Runtime: "runtime",
  /** The runtime sync's Job and CronJob: they need every node up and the admin Service routing to them, and read the objects above. */
  Sync: "sync",
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];
export const PHASES: readonly Phase[] = Object.values(Phase);

/** One resource of the apply order. */
export interface PlanEntry {
  /** The phase it is applied in. */
  phase: Phase;
  /** Pulumi logical name of the resource. */
  name: string;
  /** Kubernetes kind (or the Pulumi type for non-Kubernetes resources). */
  kind: string;
  /** Logical names of the resources it depends on. */
  dependsOn: string[];
  /**
   * The argument of the optional feature that adds it (`monitoring`, `broker.autoscaling`), so a
   * render can say which setting needs which CRD; absent for the cluster's own objects.
   */
  feature?: string;
}

/** What an optional feature adds to one tier's pods and server.toml. */
export interface TierPatch {
  volumes: k8s.types.input.core.v1.Volume[];
  volumeMounts: k8s.types.input.core.v1.VolumeMount[];
  /** server.toml tables merged into the tier's file. */
  config: Record<string, unknown>;
}

/** A meta pod, as every tier's config and the bootstrap gate address it. */
export interface MetaPod {
  /** Its broker id, the key in meta_addrs. */
  id: number;
  /** Its stable DNS name through the meta tier's headless Service. */
  host: string;
}

/** The features a tier's own arguments switch on, resolved; undefined when off. */
export interface ResolvedTierFeatures {
  /**
   * Set when a HorizontalPodAutoscaler owns the tier's pod count: `replicas` is then only the count
   * a new StatefulSet starts with (minReplicas), and the StatefulSet leaves spec.replicas alone
   * after creation (features/autoscaling.ts says how).
   */
  autoscaling?: ResolvedAutoscaling;
}

export interface ResolvedTier extends ResolvedTierFeatures {
  name: TierName;
  roles: Role[];
  idPrefix: number;
  names: TierObjectNames;
  /** Apply phase of the tier's StatefulSet and PodDisruptionBudget. */
  phase: Phase;
  podManagementPolicy: "Parallel";
  replicas: number;
  storageSize: string;
  storageClassName?: string;
  requests: ResourceAmounts;
  limits: ResourceAmounts;
  hostSpread: HostSpread;
  zoneSpread: ZoneSpread;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  terminationGracePeriodSeconds: number;
  startupTimeoutSeconds: number;
  /** Canary roll-out: ordinals >= partition get a new pod template, lower ones keep the old (0: all). */
  partition: number;
  /** Ports the RobustMQ container listens on and declares (headless Service ports too). */
  ports: ExposedPort[];
  /**
   * Whether users log in to this tier's admin HTTP API: the admin Service routes to it and its
   * nodes hold the real admin credentials (the broker-role tiers; see cluster/resolve.ts).
   */
  servesAdminApi: boolean;
  /** Name of the port the readiness probe checks. */
  readinessPort: string;
  /** The bootstrap gate, on meta-carrying tiers of more than one pod. */
  gate?: { peers: string[]; port: number };
  volumeRetention: { whenDeleted: "Retain" | "Delete"; whenScaled: "Retain" | "Delete" };
  /** What the optional features add to this tier, in feature order. */
  patches: TierPatch[];
}

export interface ResolvedAutoscaling {
  minReplicas: number;
  maxReplicas: number;
  /** Percent of the CPU request. */
  targetCpuUtilization: number;
  /** Percent of the memory request; undefined: memory is not a signal. */
  targetMemoryUtilization?: number;
  /** Average of `connectionsMetric` per pod; undefined: connections are not a signal. */
  connectionsPerPod?: number;
  connectionsMetric: string;
  scaleDownStabilizationSeconds: number;
  scaleDownPods: number;
  scaleDownPeriodSeconds: number;
}

export interface ResolvedIssuer {
  name: string;
  kind: IssuerKind;
}

export type ResolvedStorageClass =
  | { mode: "existing"; className: string }
  | {
      mode: "create";
      className: string;
      preset: StoragePreset;
      provisioner: string;
      parameters: Record<string, string>;
      reclaimPolicy: ReclaimPolicy;
      allowVolumeExpansion: boolean;
      volumeBindingMode: "WaitForFirstConsumer";
    };

export interface ResolvedIngress {
  host: string;
  controller: IngressController;
  ingressClassName?: string;
  /** Undefined when the admin API is not routed. */
  adminPath?: string;
  mqttWebsocket: boolean;
  websocketTimeoutSeconds: number;
  annotations: Record<string, string>;
  tls?: {
    secretName: string;
    /** Set when cert-manager issues the certificate. */
    certManager?: { issuer: ResolvedIssuer; mode: CertManagerMode };
  };
}

export interface ResolvedListenerTls {
  secretName: string;
  /** Set when cert-manager issues the certificate. */
  certManager?: { issuer: ResolvedIssuer; dnsNames: string[] };
}

export interface ResolvedPeers {
  cidrs: string[];
  namespaces: string[];
}

export interface ResolvedNetworkPolicy {
  /** Undefined: client ports are open to any source. */
  clients?: ResolvedPeers;
  admin: ResolvedPeers;
  ingressControllerNamespaces: string[];
  egress: { restrict: boolean; dnsNamespace?: string } & ResolvedPeers;
}

export interface ResolvedMonitoring {
  scrape: ScrapeMode;
  /** Labels a Prometheus selects the monitors and the rules by. */
  selectorLabels: Record<string, string>;
  interval: string;
  keepHighCardinalityMetrics: boolean;
  /** The PrometheusRule's settings; undefined when rules are off. */
  rules?: { certificateExpiryDays: number; runbookBaseUrl: string };
  /** The Grafana dashboard ConfigMap's settings; undefined when the dashboard is off. */
  dashboard?: { labels: Record<string, string>; namespace: string };
}

/** The optional features, resolved; undefined when off. */
export interface ResolvedFeatures {
  storageClass?: ResolvedStorageClass;
  ingress?: ResolvedIngress;
  listenerTls?: ResolvedListenerTls;
  networkPolicy?: ResolvedNetworkPolicy;
  monitoring?: ResolvedMonitoring;
}

/** One dynamic config section, as config/set takes it. */
export interface ResolvedSection {
  /** `config_type`. */
  type: string;
  /** server.toml table it replaces. */
  table: string;
  /** Every field of the section, nested like the TOML. */
  value: Record<string, unknown>;
}
/** The runtime sync, resolved: what its plan says, in the admin API's field names. */
export interface ResolvedRuntimeSync {
  image: string;
  timeoutSeconds: number;
  /** Cron schedule of the periodic sync; undefined: none. */
  reconcileSchedule?: string;
  ledgerStorageClassName?: string;
  sections: ResolvedSection[];
  /** Users without their passwords: each password is the file `secretKey` of the sync's Secret. */
  users: Array<{ tenant: string; username: string; superuser: boolean; secretKey: string }>;
  acls: Array<{ tenant: string; name: string; desc: string; resource_type: string; resource_name: string; topic: string; ip: string; action: string; permission: string }>;
  blacklist: Array<{ tenant: string; name: string; blacklist_type: string; resource_name: string; end_time: number; desc: string }>;
  topics: Array<{ tenant: string; topic_name: string; storage_type: string; source: string; partition?: number; replication?: number }>;
}
/** One claim that holds state: what a snapshot set takes and a restore creates. */
export interface SnapshottedClaim {
  tier: TierName;
  ordinal: number;
  claim: string;
}

/** The backup, resolved. */
export interface ResolvedBackup {
  volumeSnapshotClassName: string;
  schedule: string;
  retain: number;
  timeoutSeconds: number;
  image: string;
}

/** A restore, resolved and checked against the cluster's own manifest. */
export interface ResolvedRestore {
  snapshotSet: string;
}

export interface ResolvedCluster extends ResolvedFeatures {
  /** Scheduled VolumeSnapshots; undefined when off. */
  backup?: ResolvedBackup;
  /** The claims restored before the StatefulSets; undefined when not restoring. */
  restore?: ResolvedRestore;
  /** The runtime sync; undefined when off. Its changes restart no pod. */
  runtimeSync?: ResolvedRuntimeSync;
  name: string;
  names: ClusterNames;
  namespace: string;
  createNamespace: boolean;
  /**
   * The namespace the component creates stays when the cluster is deleted (retainOnDelete): the
   * kept claims live in it, and deleting a namespace deletes every claim in it, so without this
   * `retainVolumes` would keep nothing through a `pulumi destroy` (end-to-end run of staging).
   */
  keepNamespaceOnDelete: boolean;
  /** The meta scale-in guard is registered (args.metaScaleInGuard, or its default). */
  metaScaleInGuard: boolean;
  clusterName: string;
  topology: Topology;
  tiers: ResolvedTier[];
  /** Every meta pod, in ordinal order. */
  metaPods: MetaPod[];
  /** The meta pods meta_addrs lists: every address slot (rmq/identity.ts metaAddressSlots). */
  metaAddresses: MetaPod[];
  protocols: Protocol[];
  ports: Ports;
  image: pulumi.Input<string>;
  /** Arguments of the RobustMQImage the cluster builds first, when it builds its own image. */
  imageBuild?: RobustMQImageArgs;
  imagePullPolicy: ImagePullPolicy;
  imagePullSecrets: string[];
  bootstrapGateImage: string;
  security: { runAsUser: number; runAsGroup: number; fsGroup: number };
  clientService: {
    type: ServiceType;
    annotations: Record<string, string>;
    loadBalancerSourceRanges?: string[];
    exposeMqttQuic: boolean;
    /** Ports the client Service exposes. */
    ports: ExposedPort[];
  };
  adminUsername: string;
  logLevel: string;
  extraConfig: Record<string, unknown>;
  /** `runtime.default_topic_replica_num`: replicas of each new topic (see rmq/topology.ts). */
  topicReplicas: number;
  clusterDomain: string;
  /** The user's labels, added to every object but the pod template. */
  labels: Record<string, string>;
  /** The user's pod labels, added to the pod template only. */
  podLabels: Record<string, string>;
}
