// RobustMQClusterArgs: the package's public contract. Fields are added, never renamed. Every field
// is documented with its default; closed sets are enums (api/enums.ts) and nested settings are
// named interfaces, so Pulumi's component analyzer can offer them to every Pulumi language.
// Structural choices (topology, replicas, protocols, ports) are plain values because they decide
// which resources exist; values that may come from other resources are Inputs.
import * as pulumi from "@pulumi/pulumi";
import type { RobustMQImageArgs } from "./image-args";
import { PortArgs, Protocol } from "../rmq/ports";
import { Topology } from "../rmq/topology";
import { HostSpread, ImagePullPolicy, LogLevel, ServiceType, ZoneSpread } from "./enums";
import type { AclArgs, AutoscalingArgs, BackupArgs, BlacklistEntryArgs, IngressArgs, ListenerTlsArgs, MonitoringArgs, MqttUserArgs, NetworkPolicyArgs, RestoreArgs, RuntimeSyncArgs, StorageClassArgs, TopicArgs } from "./features";

export { PortArgs };

/** CPU and memory of a container, as Kubernetes quantities. */
export interface ResourceAmounts {
  /** CPU, e.g. "500m" or "2". @default the tier's (requests 500m; no CPU limit) */
  cpu?: string;
  /** Memory, e.g. "1Gi". @default the tier's (requests 1Gi, limit 2Gi) */
  memory?: string;
}

/** Requests and limits of a tier's RobustMQ container. */
export interface TierResources {
  /** What the scheduler reserves. @default 500m CPU and 1Gi memory on every tier */
  requests?: ResourceAmounts;
  /** The most the container may use; no limit may be below its request. @default memory per tier, no CPU limit */
  limits?: ResourceAmounts;
}

/** Operator of a toleration. */
export const TolerationOperator = {
  Equal: "Equal",
  Exists: "Exists",
} as const;
export type TolerationOperator = (typeof TolerationOperator)[keyof typeof TolerationOperator];

/** Taint effect a toleration matches. */
export const TaintEffect = {
  NoSchedule: "NoSchedule",
  PreferNoSchedule: "PreferNoSchedule",
  NoExecute: "NoExecute",
} as const;
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];

/** A Kubernetes toleration: lets the tier's pods onto nodes with a matching taint. */
export interface Toleration {
  /** Taint key; empty with operator "Exists" matches every taint. @default "" */
  key?: string;
  /** How key and value are matched. @default "Equal" */
  operator?: TolerationOperator;
  /** Taint value; must be empty with operator "Exists". @default "" */
  value?: string;
  /** Effect to match; empty matches every effect. @default every effect */
  effect?: TaintEffect;
  /** NoExecute only: seconds the pod stays bound after the taint appears. @default forever */
  tolerationSeconds?: number;
}

/** Settings of one tier (one StatefulSet). Every field is optional; defaults depend on the tier. */
export interface TierArgs {
  /**
   * Pods in the tier. Meta-carrying tiers (meta, combined) need an odd number so Raft keeps a majority.
   * Leave it unset with `autoscaling`: the autoscaler owns the count then.
   * @default combined 1, meta 3, broker 2, engine 3
   */
  replicas?: number;
  /**
   * Size of each pod's data volume, a Kubernetes quantity.
   * @default combined "10Gi", meta "20Gi", broker "2Gi", engine "20Gi"
   */
  storageSize?: string;
  /** StorageClass of this tier's volumes; wins over the storageClass argument. @default the storageClass argument's class, else the cluster default */
  storageClassName?: string;
  /** Requests and limits of the RobustMQ container. @default requests 500m CPU and 1Gi memory, memory limit 2Gi, on every tier */
  resources?: TierResources;
  /** Spread of pods over nodes. @default "soft" */
  hostSpread?: HostSpread;
  /** Spread of pods over zones (topology.kubernetes.io/zone). @default "none" */
  zoneSpread?: ZoneSpread;
  /** Node labels the pods must run on. @default none */
  nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate. @default none */
  tolerations?: Toleration[];
  /** Seconds a pod gets to stop after SIGTERM before it is killed. @default 60 */
  terminationGracePeriodSeconds?: number;
  /** Seconds a starting pod may take before its admin port must answer (startup probe budget). @default 300 */
  startupTimeoutSeconds?: number;
  /**
   * Canary roll-out: pods with an ordinal >= partition get a new pod template (image, config,
   * credentials); lower ordinals keep the old one until the partition is lowered. An integer from
   * 0 (every pod updates) to replicas (none does). `pulumi up` then waits only for the pods at
   * and above the partition (see docs/DAY-2.md, "Canary roll-outs"; needs the Kubernetes provider
   * 4.24.0 or later when above 0).
   * With `autoscaling`, from 0 to autoscaling.maxReplicas (maxReplicas holds every pod, whatever
   * the autoscaler does).
   * @default 0
   */
  partition?: number;
  /**
   * Broker tier only: a HorizontalPodAutoscaler owns the pod count (see docs/DAY-2.md, "Autoscaling
   * (brokers)"). Refused for the meta, engine and combined tiers: their pods vote in Raft or hold
   * topic data, which no autoscaler may remove.
   * @default none: the tier runs `replicas` pods
   */
  autoscaling?: AutoscalingArgs;
}

/** The Service clients connect to (the broker-role pods). */
export interface ClientServiceArgs {
  /** Service type; LoadBalancer or NodePort for clients outside the cluster. @default "ClusterIP" */
  type?: ServiceType;
  /** Annotations, e.g. a cloud load balancer's settings. @default none */
  annotations?: Record<string, string>;
  /** Restrict a LoadBalancer to these CIDRs (type "LoadBalancer" only). @default any source */
  loadBalancerSourceRanges?: string[];
  /** Also expose MQTT over QUIC (UDP); many load balancers cannot mix TCP and UDP. @default false */
  exposeMqttQuic?: boolean;
}

/** Identity the containers run as. The upstream image's own user is not numeric, so a numeric one is set. */
export interface SecurityArgs {
  /** Numeric, non-root UID. @default 10001 */
  runAsUser?: number;
  /** Numeric GID. @default 10001 */
  runAsGroup?: number;
  /** Group that owns the data volumes, so the non-root process can write them. @default 10001 */
  fsGroup?: number;
}

/** Arguments of RobustMQCluster. */
export interface RobustMQClusterArgs {
  /** Namespace of every object. @default the component's name */
  namespace?: string;
  /** Create the namespace, labelled for the restricted Pod Security profile. @default true */
  createNamespace?: boolean;
  /** RobustMQ `cluster_name`. @default the component's name */
  clusterName?: string;
  /** "combined" (every node runs meta+broker+engine) or "split" (separate tiers). @default "combined" */
  topology?: Topology;
  /** The one tier of the combined topology. @default 1 replica */
  combined?: TierArgs;
  /** Split topology: the Raft voters, which are storage engine nodes too. @default 3 replicas */
  meta?: TierArgs;
  /** Split topology: the protocol front ends. @default 2 replicas */
  broker?: TierArgs;
  /** Split topology: more storage engine nodes. @default 3 replicas */
  engine?: TierArgs;
  /** Protocols exposed to clients. @default ["mqtt"] */
  protocols?: Protocol[];
  /** Port numbers. @default RobustMQ's defaults (see PortArgs) */
  ports?: PortArgs;
  /**
   * Image reference the pods run: a tag or a digest, never ":latest" (a RobustMQImage's `ref`
   * works too). Refused together with imageBuild.
   * @default "ghcr.io/robustmq/robustmq:v0.4.11"
   */
  image?: pulumi.Input<string>;
  /**
   * Build the image instead (a RobustMQImage child, built and pushed first in the apply order);
   * the pods then run its digest. Refused together with image.
   * @default none: the pods run `image`
   */
  imageBuild?: RobustMQImageArgs;
  /** When the kubelet pulls the image. @default "IfNotPresent" */
  imagePullPolicy?: ImagePullPolicy;
  /** Names of docker-registry Secrets in the namespace. @default none */
  imagePullSecrets?: string[];
  /**
   * Image with a shell, grep and nc (listen and connect) for the bootstrap gate of meta-carrying
   * tiers of more than one pod. @default busybox 1.37, pinned by digest
   */
  bootstrapGateImage?: string;
  /** UID, GID and fsGroup of the pods. @default 10001 each */
  security?: SecurityArgs;
  /** The client Service. @default ClusterIP */
  clientService?: ClientServiceArgs;
  /** Admin HTTP API user name. @default "admin" */
  adminUsername?: string;
  /** Admin HTTP API password (>= 12 characters); rotating it restarts the pods. @default generated */
  adminPassword?: pulumi.Input<string>;
  /** Secret that signs admin API tokens (>= 32 characters); rotating it restarts the pods. @default generated */
  jwtSecret?: pulumi.Input<string>;
  /**
   * Name of the initial MQTT superuser. RobustMQ creates this user once, when the cluster first
   * starts; changing the value later changes nothing in the running cluster (the stored user stays
   * valid) and restarts no pod. Rotate it through the admin API.
   * @default generated
   */
  mqttUsername?: pulumi.Input<string>;
  /**
   * Password of the initial MQTT superuser (>= 12 characters). Seeded once, like mqttUsername: a
   * later change is not applied to the running cluster and restarts no pod.
   * @default generated
   */
  mqttPassword?: pulumi.Input<string>;
  /** Level of the stdout log. @default "info" */
  logLevel?: LogLevel;
  /**
   * Extra server.toml settings merged over the generated ones, as nested tables
   * ({ mqtt_runtime: { keep_alive: { max_time: 600 } } }). Keys must be keys RobustMQ v0.4.11
   * reads; identity, ports, paths and credentials are managed by the component and refused here.
   * @default {}
   */
  extraConfig?: Record<string, any>;
  /**
   * Keep PVCs when the cluster is deleted or scaled in. Meta-carrying tiers keep their volumes on
   * scale-in whatever this says (a Raft voter must not come back empty).
   * @default true
   */
  retainVolumes?: boolean;
  /**
   * The meta scale-in guard: a ValidatingAdmissionPolicy and its binding, both cluster-scoped,
   * that make the API server refuse any change of the meta StatefulSet's count (`kubectl scale`
   * included) that would stop a majority of its Raft voters at once. Creating them needs rights on
   * cluster-scoped admissionregistration.k8s.io objects, which a namespace-scoped deployer lacks:
   * turn it off there, and follow the scale-in procedure by hand. A one-pod meta tier has nothing
   * to guard (its only scale-in is a full stop, which the guard allows).
   * @default true when the meta tier (or the combined tier) has more than one pod, else false
   */
  metaScaleInGuard?: boolean;
  /** Kubernetes cluster DNS domain. @default "cluster.local" */
  clusterDomain?: string;
  /**
   * Labels added to every object, but not to the pods' template: changing them restarts nothing.
   * @default none
   */
  labels?: Record<string, string>;
  /** Labels added to the pods (their template): changing them restarts every pod. @default none */
  podLabels?: Record<string, string>;
  /** StorageClass of the data volumes: a preset to create, or an existing class. @default the cluster's default class */
  storageClass?: StorageClassArgs;
  /** Ingress for the admin HTTP API and MQTT over WebSocket. @default none */
  ingress?: IngressArgs;
  /** Certificate of the brokers' own TLS listeners (MQTTS, WSS). @default the image's bundled demo certificate */
  listenerTls?: ListenerTlsArgs;
  /** NetworkPolicies: default deny, then only what the cluster needs. @default none */
  networkPolicy?: NetworkPolicyArgs;
  /**
   * Prometheus monitoring: ServiceMonitors or PodMonitors with the cluster's labels, alert rules,
   * a Grafana dashboard. Needs the Prometheus Operator's CRDs unless scrape is "Annotations".
   * @default none (the pods still carry prometheus.io/* scrape annotations)
   */
  monitoring?: MonitoringArgs;
  /**
   * The runtime sync (see RuntimeSyncArgs): applies extraConfig's dynamic-section keys and the
   * users, ACLs, blacklist entries and topics below through the admin API, restarting no pod.
   * @default on when any of them is declared
   */
  runtimeSync?: RuntimeSyncArgs;
  /**
   * MQTT users the runtime sync creates and keeps; removing one from the list deletes it. Users the
   * program did not create are never touched. @default none
   */
  mqttUsers?: MqttUserArgs[];
  /**
   * ACL rules the runtime sync creates and keeps; removing one deletes it. (Named mqtt*, like the
   * blacklist: Pulumi's Go generator, pkg/codegen/go gen.go populateDetailsForPropertyTypes at
   * v3.248, generates the input type of a list's element only for arguments that sort after the
   * first plain object argument, "broker"; "acls" referred to a type it never generated.)
   * @default none
   */
  mqttAcls?: AclArgs[];
  /** MQTT blacklist entries the runtime sync creates and keeps; removing one deletes it. @default none */
  mqttBlacklist?: BlacklistEntryArgs[];
  /**
   * Topics the runtime sync creates; removing one DELETES it and its messages. A topic that exists
   * with other settings fails the sync (RobustMQ cannot change it in place). @default none
   */
  topics?: TopicArgs[];
  /** Scheduled VolumeSnapshots of the data claims that hold state (see BackupArgs). @default none */
  backup?: BackupArgs;
  /**
   * Create the data claims from one snapshot set before the StatefulSets (see RestoreArgs). The
   * claims are kept and never updated once created: removing this later deletes nothing.
   * @default none
   */
  restore?: RestoreArgs;
}

/** In-cluster (and Ingress) endpoints of the enabled protocols and the admin API. */
export interface ClusterEndpoints {
  /** mqtt://<client service>:<port>, when MQTT is enabled. */
  mqtt?: string;
  /** host:port Kafka bootstrap address, when Kafka is enabled. */
  kafka?: string;
  /** amqp://<client service>:<port>, when AMQP is enabled. */
  amqp?: string;
  /** nats://<client service>:<port>, when NATS is enabled. */
  nats?: string;
  /** http://<admin service>:<port>: admin API and /metrics. */
  admin: string;
  /** Public URL of the admin API through the Ingress, when it has one. */
  ingressAdmin?: string;
  /** Public URL of MQTT over WebSocket through the Ingress, when it has one. */
  ingressMqttWebsocket?: string;
}

/** A name per tier, for the tiers the topology has. */
export interface TierNames {
  /** The combined tier's (combined topology). */
  combined?: string;
  /** The meta tier's (split topology). */
  meta?: string;
  /** The broker tier's (split topology). */
  broker?: string;
  /** The engine tier's (split topology). */
  engine?: string;
}

/** Broker ids per tier, in ordinal order, for the tiers the topology has. */
export interface TierBrokerIds {
  /** The combined tier's (combined topology). */
  combined?: number[];
  /** The meta tier's (split topology). */
  meta?: number[];
  /** The broker tier's (split topology). */
  broker?: number[];
  /** The engine tier's (split topology). */
  engine?: number[];
}
