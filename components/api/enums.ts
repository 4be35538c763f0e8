// Every closed set of values the public arguments take. Each is a const object plus a type of
// the same name (declared in that order): TypeScript users write the string or the member
// (Topology.Split === "split"), and Pulumi's component analyzer turns each into a schema enum,
// so Python, Go, .NET and YAML programs get one too. `values(X)` lists the accepted values.

// Defined with the roles they stand for; listed here so the public enums are in one place.
export { Topology, TierName } from "../rmq/topology";
export { Protocol } from "../rmq/ports";

/** Spread of a tier's pods over nodes. */
export const HostSpread = {
  /** Prefer one pod per node. */
  Soft: "soft",
  /** Require one pod per node (pods stay Pending without a free node). */
  Hard: "hard",
} as const;
export type HostSpread = (typeof HostSpread)[keyof typeof HostSpread];

/** Spread of a tier's pods over zones (topology.kubernetes.io/zone). */
export const ZoneSpread = {
  None: "none",
  /** Prefer an even spread. */
  Soft: "soft",
  /** Require an even spread (maxSkew 1). */
  Hard: "hard",
} as const;
export type ZoneSpread = (typeof ZoneSpread)[keyof typeof ZoneSpread];

/** Type of the client Service. */
export const ServiceType = {
  ClusterIP: "ClusterIP",
  NodePort: "NodePort",
  LoadBalancer: "LoadBalancer",
} as const;
export type ServiceType = (typeof ServiceType)[keyof typeof ServiceType];

/** Level of RobustMQ's stdout log. */
export const LogLevel = {
  Error: "error",
  Warn: "warn",
  Info: "info",
  Debug: "debug",
  Trace: "trace",
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** Kubernetes imagePullPolicy. */
export const ImagePullPolicy = {
  Always: "Always",
  IfNotPresent: "IfNotPresent",
  Never: "Never",
} as const;
export type ImagePullPolicy = (typeof ImagePullPolicy)[keyof typeof ImagePullPolicy];

/** StorageClass presets. */
export const StoragePreset = {
  /** AWS EBS gp3 (ebs.csi.aws.com). */
  AwsEbs: "aws-ebs",
  /** Google persistent disk (pd.csi.storage.gke.io). */
  GcePd: "gce-pd",
  /** Azure managed disk (disk.csi.azure.com). */
  AzureDisk: "azure-disk",
  /** rancher.io/local-path (kind, k3d); cannot expand volumes. */
  LocalPath: "local-path",
  /** Any CSI provisioner, with its parameters. */
  Custom: "custom",
} as const;
export type StoragePreset = (typeof StoragePreset)[keyof typeof StoragePreset];

/** What happens to a volume when its claim is deleted. */
export const ReclaimPolicy = {
  Retain: "Retain",
  Delete: "Delete",
} as const;
export type ReclaimPolicy = (typeof ReclaimPolicy)[keyof typeof ReclaimPolicy];

/** Google persistent disk types. */
export const GcePdType = {
  PdSsd: "pd-ssd",
  PdBalanced: "pd-balanced",
} as const;
export type GcePdType = (typeof GcePdType)[keyof typeof GcePdType];

/** Azure disk SKUs. */
export const AzureDiskSku = {
  PremiumLrs: "Premium_LRS",
  PremiumZrs: "Premium_ZRS",
  StandardSsdLrs: "StandardSSD_LRS",
  StandardSsdZrs: "StandardSSD_ZRS",
} as const;
export type AzureDiskSku = (typeof AzureDiskSku)[keyof typeof AzureDiskSku];

/** The Ingress controller the annotations are written for. */
export const IngressController = {
  IngressNginx: "ingress-nginx",
  /** No controller-specific annotations. */
  Other: "other",
} as const;
export type IngressController = (typeof IngressController)[keyof typeof IngressController];

/** How cert-manager issues the Ingress certificate. */
export const CertManagerMode = {
  /** The Ingress carries cert-manager's issuer annotation; its ingress-shim creates the Certificate. */
  Annotation: "annotation",
  /** The component creates a Certificate, visible in previews. */
  Certificate: "certificate",
} as const;
export type CertManagerMode = (typeof CertManagerMode)[keyof typeof CertManagerMode];

/** Kind of a cert-manager issuer. */
export const IssuerKind = {
  Issuer: "Issuer",
  ClusterIssuer: "ClusterIssuer",
} as const;
export type IssuerKind = (typeof IssuerKind)[keyof typeof IssuerKind];

/** How Prometheus finds the pods' /metrics (admin HTTP port). */
export const ScrapeMode = {
  /** One Prometheus Operator ServiceMonitor per tier, over the tier's headless Service. */
  ServiceMonitor: "ServiceMonitor",
  /** One Prometheus Operator PodMonitor per tier, over its pods. */
  PodMonitor: "PodMonitor",
  /** No operator objects: a Prometheus that honours the pods' prometheus.io/* annotations. */
  Annotations: "Annotations",
} as const;
export type ScrapeMode = (typeof ScrapeMode)[keyof typeof ScrapeMode];

/** A platform RobustMQImage builds for. */
export const ImagePlatform = {
  LinuxAmd64: "linux/amd64",
  LinuxArm64: "linux/arm64",
} as const;
export type ImagePlatform = (typeof ImagePlatform)[keyof typeof ImagePlatform];
/** What RobustMQImage builds from. */
export const ImageBuildTarget = {
  /** Compile broker-server from the build context (cross-compiled per platform). */
  Source: "source",
  /** Assemble the image from upstream's release tarball, checked against its sha256. */
  Release: "release",
} as const;
export type ImageBuildTarget = (typeof ImageBuildTarget)[keyof typeof ImageBuildTarget];
/** The accepted values of an enum object, in declaration order. */
export function values<T extends string>(e: Readonly<Record<string, T>>): readonly T[] {
  return Object.values(e);
}

/**
 * What an ACL rule names (RobustMQ's EnumAclResourceType). The admin API's validator also lets
 * "Ip" through, but the type has no such variant and the create fails (v0.4.11): use `ip` instead.
 */
export const AclResourceType = {
  ClientId: "ClientId",
  User: "User",
} as const;
export type AclResourceType = (typeof AclResourceType)[keyof typeof AclResourceType];

/** What an ACL rule governs (RobustMQ's EnumAclAction). */
export const AclAction = {
  Publish: "Publish",
  Subscribe: "Subscribe",
  All: "All",
} as const;
export type AclAction = (typeof AclAction)[keyof typeof AclAction];

/** Whether an ACL rule allows or denies (RobustMQ's EnumAclPermission). */
export const AclPermission = {
  Allow: "Allow",
  Deny: "Deny",
} as const;
export type AclPermission = (typeof AclPermission)[keyof typeof AclPermission];

/** What a blacklist entry matches (RobustMQ's blacklist types). */
export const BlacklistType = {
  ClientId: "ClientId",
  User: "User",
  Ip: "Ip",
  /** A client id pattern. */
  ClientIdMatch: "ClientIdMatch",
  /** A user name pattern. */
  UserMatch: "UserMatch",
  /** An IP range in CIDR notation. */
  IpCidr: "IPCIDR",
} as const;
export type BlacklistType = (typeof BlacklistType)[keyof typeof BlacklistType];

/** Where a topic's messages are stored (RobustMQ's StorageType). */
export const TopicStorageType = {
  /** In memory: lost when the node stops. */
  EngineMemory: "EngineMemory",
  /** RocksDB on the node's data volume. */
  EngineRocksDB: "EngineRocksDB",
  /** Replicated segments of the storage engine. */
  EngineSegment: "EngineSegment",
} as const;
export type TopicStorageType = (typeof TopicStorageType)[keyof typeof TopicStorageType];

/** The protocol a topic belongs to (RobustMQ's TopicSource). */
export const TopicSource = {
  MQTT: "MQTT",
  NATS: "NATS",
  MQ9: "MQ9",
  Kafka: "Kafka",
  AMQP: "AMQP",
} as const;
export type TopicSource = (typeof TopicSource)[keyof typeof TopicSource];
