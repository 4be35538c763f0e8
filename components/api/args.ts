import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { RobustMQImage } from "../image/image";
import type { IngressArgs } from "../features/ingress";
import type { ListenerTlsArgs } from "../features/listener-tls";
import type { NetworkPolicyArgs } from "../features/network-policy";
import { PortArgs, Protocol } from "../rmq/ports";
import type { StorageClassArgs } from "../features/storage-class";

export type Topology = "combined" | "split";
export type TierName = "combined" | "meta" | "broker" | "engine";
export type Spread = "none" | "soft" | "hard";
export type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer";

export interface ResourceAmounts {
  cpu?: string;
  memory?: string;
}

/** Settings of one tier (one StatefulSet). Every field is optional; defaults depend on the tier. */
export interface TierArgs {
  /** Pods in the tier. Meta-carrying tiers (meta, combined) need an odd number so Raft keeps a majority. */
  replicas?: number;
  /** Size of each pod's data volume, a Kubernetes quantity such as "10Gi". */
  storageSize?: string;
  /** StorageClass of the data volumes; the cluster default when unset. */
  storageClassName?: string;
  resources?: { requests?: ResourceAmounts; limits?: ResourceAmounts };
  /** Spread of pods over nodes: "soft" (default, prefer) or "hard" (require). */
  hostSpread?: Exclude<Spread, "none">;
  /** Spread of pods over zones (topology.kubernetes.io/zone): "none" (default), "soft" or "hard". */
  zoneSpread?: Spread;
  nodeSelector?: Record<string, string>;
  tolerations?: k8s.types.input.core.v1.Toleration[];
  /** Seconds a pod gets to stop after SIGTERM before it is killed. */
  terminationGracePeriodSeconds?: number;
  /** Seconds a starting pod may take before its admin port must answer (startup probe budget). */
  startupTimeoutSeconds?: number;
}

export interface ClientServiceArgs {
  type?: ServiceType;
  annotations?: Record<string, string>;
  /** Restrict LoadBalancer access to these CIDRs. */
  loadBalancerSourceRanges?: string[];
  /** Also expose MQTT over QUIC (UDP); off by default as many load balancers cannot mix TCP and UDP. */
  exposeMqttQuic?: boolean;
}

export interface SecurityArgs {
  /** Numeric UID the containers run as (the upstream image's own user is non-numeric). */
  runAsUser?: number;
  runAsGroup?: number;
  /** Group that owns the data volumes, so the non-root process can write them. */
  fsGroup?: number;
}

/**
 * Arguments of RobustMQCluster. This interface is the package's public contract: fields are
 * added, never renamed. Structural choices (topology, replicas, protocols, ports) are plain values
 * because they decide which resources exist; values that may come from other resources are Inputs.
 */
export interface RobustMQClusterArgs {
  /** Namespace for every object; defaults to the component's name. */
  namespace?: string;
  /** Create the namespace (with the restricted Pod Security label). Default true. */
  createNamespace?: boolean;
  /** RobustMQ `cluster_name`; defaults to the component's name. */
  clusterName?: string;
  /** "combined" (every node runs meta+broker+engine) or "split" (separate tiers). Default "combined". */
  topology?: Topology;
  /** The one tier of the combined topology. Default 1 replica. */
  combined?: TierArgs;
  /** Split topology: the Raft metadata tier. Default 3 replicas. */
  meta?: TierArgs;
  /** Split topology: the protocol front ends. Default 2 replicas. */
  broker?: TierArgs;
  /** Split topology: the storage engine. Default 2 replicas. */
  engine?: TierArgs;
  /** Protocols exposed to clients. Default ["mqtt"]. */
  protocols?: Protocol[];
  ports?: PortArgs;
  /**
   * What the pods run: an image reference (tag or digest, never ":latest"; default the official
   * image at the pinned RobustMQ version) or a RobustMQImage, whose digest is then pinned and whose
   * build comes first in the apply order.
   */
  image?: pulumi.Input<string> | RobustMQImage;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  imagePullSecrets?: string[];
  /** Image with a shell, `grep` and `nc` (listen and connect) for the bootstrap gate of meta-carrying tiers of more than one pod. */
  bootstrapGateImage?: string;
  security?: SecurityArgs;
  clientService?: ClientServiceArgs;
  /** Admin HTTP API user name. Default "admin". */
  adminUsername?: string;
  /** Admin HTTP API password; generated when unset. */
  adminPassword?: pulumi.Input<string>;
  /** Secret that signs admin API tokens (>= 32 chars); generated when unset. */
  jwtSecret?: pulumi.Input<string>;
  /**
   * Name of the initial MQTT superuser, generated when unset. RobustMQ creates this user once,
   * when the cluster first starts; changing the value later changes nothing in the running
   * cluster (the stored user stays valid) and restarts no pod. Rotate it through the admin API.
   */
  mqttUsername?: pulumi.Input<string>;
  /**
   * Password of the initial MQTT superuser, generated when unset. Seeded once, like mqttUsername:
   * a later change is not applied to the running cluster and restarts no pod.
   */
  mqttPassword?: pulumi.Input<string>;
  /** Level of the stdout log: "error", "warn", "info", "debug" or "trace". Default "info". */
  logLevel?: string;
  /**
   * Extra server.toml settings merged over the generated ones, as nested tables
   * ({ mqtt_runtime: { keep_alive: { max_time: 600 } } }). Keys must be keys RobustMQ knows;
   * identity, ports, paths and credentials are managed by the component and refused here.
   */
  extraConfig?: Record<string, unknown>;
  /**
   * Keep PVCs when the cluster is deleted or scaled in. Default true. Meta-carrying tiers keep
   * their volumes on scale-in whatever this says (a Raft voter must not come back empty).
   */
  retainVolumes?: boolean;
  /** Kubernetes cluster DNS domain. Default "cluster.local". */
  clusterDomain?: string;
  /** Labels added to every object. */
  labels?: Record<string, string>;
  /** StorageClass of the data volumes: a preset to create, or an existing class. Default the cluster's default class. */
  storageClass?: StorageClassArgs;
  /** Ingress for the admin HTTP API and MQTT over WebSocket. None by default. */
  ingress?: IngressArgs;
  /** Certificate of the broker's own TLS listeners (MQTTS, WSS). Default the image's bundled certificate. */
  listenerTls?: ListenerTlsArgs;
  /** NetworkPolicies: default deny, then only what the cluster needs. None by default. */
  networkPolicy?: NetworkPolicyArgs;
}
