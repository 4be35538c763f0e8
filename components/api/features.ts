// Arguments of the optional features: StorageClass, Ingress, listener TLS, NetworkPolicy,
// monitoring, and broker autoscaling (a TierArgs field). Each is off (or the cluster's default)
// when its argument is unset.
import * as pulumi from "@pulumi/pulumi";
import { AclAction, AclPermission, AclResourceType, BlacklistType, TopicSource, TopicStorageType, AzureDiskSku, CertManagerMode, GcePdType, IngressController, IssuerKind, ReclaimPolicy, ScrapeMode, StoragePreset } from "./enums";

/**
 * StorageClass of the cluster's data volumes. Either `preset` (a class is created) or
 * `existingClassName` (an existing class is used, nothing is created).
 */
export interface StorageClassArgs {
  /** Create a class from a preset. Refused together with existingClassName. @default none */
  preset?: StoragePreset;
  /** Use this existing StorageClass; refused together with `preset`. @default none */
  existingClassName?: string;
  /** Name of the created class (StorageClasses are cluster-wide). @default "<cluster>-<preset>" */
  name?: string;
  /** What happens to a volume when its claim is deleted. Immutable: changing it replaces the class. @default "Retain" */
  reclaimPolicy?: ReclaimPolicy;
  /** aws-ebs: provisioned IOPS of gp3, 3000 to 16000. @default 3000 */
  iops?: number;
  /** aws-ebs: throughput of gp3 in MiB/s, 125 to 1000 and at most iops / 4. @default 125 */
  throughput?: number;
  /** aws-ebs: KMS key (ARN) encrypting the volumes. @default the account's default EBS key */
  kmsKeyId?: string;
  /** gce-pd: disk type. @default "pd-ssd" */
  diskType?: GcePdType;
  /** azure-disk: SKU. @default "Premium_LRS" */
  skuName?: AzureDiskSku;
  /** custom: the CSI provisioner (required with preset "custom"). @default none */
  provisioner?: string;
  /** custom: the provisioner's parameters. @default none */
  parameters?: Record<string, string>;
}

/** Which cert-manager issuer signs a certificate. */
export interface CertManagerIssuerArgs {
  /** Name of the cert-manager Issuer or ClusterIssuer. */
  issuerName: string;
  /** An Issuer must live in the cluster's namespace. @default "ClusterIssuer" */
  issuerKind?: IssuerKind;
}

/** cert-manager settings of the Ingress certificate. */
export interface IngressCertManagerArgs extends CertManagerIssuerArgs {
  /**
   * "certificate": the component creates a cert-manager Certificate, visible in previews.
   * "annotation": the Ingress carries cert-manager.io/(cluster-)issuer and cert-manager's
   * ingress-shim creates the Certificate (needs the shim enabled, as it is by default).
   * @default "certificate"
   */
  mode?: CertManagerMode;
}

/** TLS of the Ingress host: an existing kubernetes.io/tls Secret, or cert-manager. */
export interface IngressTlsArgs {
  /** Existing Secret of type kubernetes.io/tls (keys tls.crt and tls.key) in the cluster's namespace. Refused together with certManager. @default none */
  secretName?: string;
  /** Have cert-manager issue the certificate into "<cluster>-ingress-tls". @default none */
  certManager?: IngressCertManagerArgs;
}

/** An Ingress for the admin HTTP API and MQTT over WebSocket. */
export interface IngressArgs {
  /** Host name the Ingress answers for (required); a leading "*." wildcard is accepted. */
  host: string;
  /** IngressClass. @default "nginx" for controller "ingress-nginx", the cluster default class for "other" */
  ingressClassName?: string;
  /** Controller the annotations are written for. @default "ingress-nginx" */
  controller?: IngressController;
  /** Route the admin HTTP API (and /metrics). @default true */
  adminApi?: boolean;
  /**
   * Path prefix routed to the admin API, forwarded unchanged (no rewrite): it chooses what is
   * exposed, e.g. "/api" exposes the API but not /metrics. @default "/"
   */
  adminPath?: string;
  /** Route MQTT over WebSocket at /mqtt to the brokers (needs "mqtt" in protocols). @default false */
  mqttWebsocket?: boolean;
  /** Seconds an idle WebSocket stays open through the controller (ingress-nginx). @default 3600 */
  websocketTimeoutSeconds?: number;
  /** Extra annotations; they win over the ones the component sets. @default none */
  annotations?: Record<string, string>;
  /** TLS for the host, from an existing Secret or cert-manager. @default plain HTTP */
  tls?: IngressTlsArgs;
}

/** cert-manager settings of the listener certificate. */
export interface ListenerCertManagerArgs extends CertManagerIssuerArgs {
  /**
   * Names the certificate is valid for. Given names replace the default, so a public ACME issuer
   * (which refuses .svc names) can be used with only public names.
   * @default the client Service's in-cluster names "<svc>.<ns>.svc" and "<svc>.<ns>.svc.<clusterDomain>"
   */
  dnsNames?: string[];
}

/** TLS certificate of the broker listeners: an existing kubernetes.io/tls Secret, or cert-manager. */
export interface ListenerTlsArgs {
  /** Existing Secret of type kubernetes.io/tls (keys tls.crt and tls.key) in the cluster's namespace. Refused together with certManager. @default none */
  secretName?: string;
  /** Have cert-manager issue the certificate into "<cluster>-listener-tls". @default none */
  certManager?: ListenerCertManagerArgs;
}

/** Where connections may come from (or go to). Both lists together are a union. */
export interface PeerArgs {
  /** Address ranges (ipBlock), e.g. an office range or the load balancer's subnets. @default none */
  cidrs?: string[];
  /** Namespaces whose pods may connect, matched by their kubernetes.io/metadata.name label. @default none */
  namespaces?: string[];
}

/** Egress of the cluster's pods. */
export interface EgressArgs {
  /** Deny every egress not listed here. @default true */
  restrict?: boolean;
  /**
   * Allow DNS (53 UDP and TCP) only to the pods of this namespace (e.g. "kube-system").
   * @default port 53 to any destination, which also covers NodeLocal DNSCache
   */
  dnsNamespace?: string;
  /** Extra destinations (all ports), e.g. connector targets or an external auth backend. @default none */
  cidrs?: string[];
  /** Extra destination namespaces (all ports). @default none */
  namespaces?: string[];
}

/** NetworkPolicies for the cluster's pods. */
export interface NetworkPolicyArgs {
  /** Sources allowed on the client ports. @default any source */
  clients?: PeerArgs;
  /** Sources allowed on the admin HTTP port besides the cluster's own pods (e.g. monitoring). @default none */
  admin?: PeerArgs;
  /** Namespaces of ingress controllers: they reach the admin port and the MQTT WebSocket port. @default none */
  ingressControllerNamespaces?: string[];
  /** Egress rules. @default restricted to DNS and the cluster's own pods */
  egress?: EgressArgs;
}

/**
 * Monitoring with Prometheus: how the pods' /metrics (admin HTTP port) is scraped, the alert rules
 * and the Grafana dashboard. The pods carry the prometheus.io/scrape, port and path annotations in
 * every mode, monitoring set or not: removing them would restart every pod for no gain.
 */
export interface MonitoringArgs {
  /**
   * "ServiceMonitor" (one per tier, over its headless Service) or "PodMonitor" (one per tier, over
   * its pods) need the Prometheus Operator's CRDs (monitoring.coreos.com/v1); either adds the
   * labels `cluster`, `tier`, `namespace` and `pod` to every series. "Annotations" creates no
   * operator object and relies on a Prometheus that honours the pods' prometheus.io/* annotations.
   * @default "ServiceMonitor"
   */
  scrape?: ScrapeMode;
  /**
   * Labels on the ServiceMonitors/PodMonitors and the PrometheusRule, so that a given Prometheus
   * selects them (its serviceMonitorSelector, podMonitorSelector, ruleSelector), e.g.
   * { release: "kube-prometheus-stack" }.
   * @default {}
   */
  selectorLabels?: Record<string, string>;
  /** Scrape interval, a Prometheus duration of at least one second ("30s", "1m"). @default "30s" */
  interval?: string;
  /**
   * Keep the families whose labels grow with topics, clients, sessions and connections (topic_*,
   * subscribe_*, session_messages_*, connection_messages_*, client_connections_total); they are
   * dropped at scrape time otherwise.
   * @default false
   */
  keepHighCardinalityMetrics?: boolean;
  /**
   * The alert rules, one PrometheusRule (needs the Prometheus Operator; refused with scrape
   * "Annotations", whose series lack the labels the rules select on).
   * @default true, false with scrape "Annotations"
   */
  rules?: boolean;
  /**
   * Days before the expiry of a certificate cert-manager issues for the cluster (listener or
   * Ingress) that its alert fires.
   * @default 14
   */
  certificateExpiryDays?: number;
  /**
   * Where the runbooks are: every alert's runbook_url is this plus "#<alert name in lower case>".
   * Point it at your copy of docs/runbooks.md, e.g.
   * "https://github.com/<org>/pulumi-robustmq/blob/v0.1.0/docs/runbooks.md".
   * @default "docs/runbooks.md" (this repository's, relative)
   */
  runbookBaseUrl?: string;
  /**
   * A ConfigMap holding the Grafana dashboard, for Grafana's dashboard sidecar. With scrape
   * "Annotations" the scrape job must add the `cluster` and `tier` labels itself.
   * @default true, false with scrape "Annotations"
   */
  dashboard?: boolean;
  /** Labels of the dashboard ConfigMap, the ones Grafana's sidecar looks for. @default { grafana_dashboard: "1" } */
  dashboardLabels?: Record<string, string>;
  /** Namespace of the dashboard ConfigMap (the sidecar's, when it watches one namespace). @default the cluster's namespace */
  dashboardNamespace?: string;
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) for the broker tier: it owns the tier's pod count
 * between minReplicas and maxReplicas, and the component stops applying `replicas` to the
 * StatefulSet (see docs/DAY-2.md, "Autoscaling (brokers)"). Resource targets need metrics-server;
 * connectionsPerPod needs a custom-metrics adapter (e.g. prometheus-adapter) serving the metric.
 */
export interface AutoscalingArgs {
  /** Fewest broker pods, and the count a new tier starts with. @default 2 */
  minReplicas?: number;
  /** Most broker pods, at most 99: a capacity and cost decision, so it has no default. @default none (required) */
  maxReplicas: number;
  /** Average CPU use the autoscaler aims for, as a percentage of the pods' CPU request (1 to 100). @default 70 */
  targetCpuUtilization?: number;
  /**
   * Average memory use to aim for, as a percentage of the pods' memory request; below the memory
   * limit. Memory a broker has taken is rarely given back, so this scales out but seldom in.
   * @default none: memory is not a scaling signal
   */
  targetMemoryUtilization?: number;
  /**
   * Average MQTT connections per broker pod to aim for (a Pods metric read from the custom metrics
   * API). Without an adapter serving the metric the autoscaler still scales out on CPU, never in.
   * @default none: connections are not a scaling signal
   */
  connectionsPerPod?: number;
  /**
   * Name of the connections metric as the custom metrics API serves it. RobustMQ's own gauge on
   * /metrics is `mqtt_connections_count` (one value per broker: its live MQTT connections).
   * @default "mqtt_connections_count"
   */
  connectionsMetric?: string;
  /**
   * Seconds the autoscaler looks back before removing pods (it takes the highest count recommended
   * in that window), so a connection storm that passes does not shrink the tier and grow it again.
   * @default 300
   */
  scaleDownStabilizationSeconds?: number;
  /** Most pods removed per scaleDownPeriodSeconds: every removed broker drops its clients at once. @default 1 */
  scaleDownPods?: number;
  /** Period of the scale-down limit, in seconds (1 to 1800). @default 60 */
  scaleDownPeriodSeconds?: number;
}

/**
 * The runtime sync: an in-cluster Job that applies the program's runtime state to RobustMQ through
 * its admin API: the dynamic sections of the configuration (extraConfig keys of
 * mqtt_runtime.{protocol, slow_subscribe, flapping_detect, offline_message, system_monitor, schema,
 * limit}, cluster_limit, meta_runtime and kafka_runtime.auto_create_topics_enable), MQTT users, ACLs,
 * blacklist entries and topics. A change of any of them restarts no pod. See docs/RUNTIME.md.
 */
export interface RuntimeSyncArgs {
  /**
   * Run the sync. Keep it true once entities were declared: with it off nothing deletes what a
   * removed declaration created.
   * @default true when extraConfig sets a dynamic-section key or any user, ACL, blacklist entry or topic is declared
   */
  enabled?: boolean;
  /**
   * Image of the sync's container: Node.js 20 or later (the sync is one plain JavaScript file
   * using only Node's own modules). Pin it by digest in production.
   * @default "docker.io/library/node:20.18.1-alpine"
   */
  image?: string;
  /** Seconds one sync may take, retries of an unavailable admin API included, before it fails. @default 300 */
  timeoutSeconds?: number;
  /**
   * Cron schedule of the periodic sync, which finds and reverts changes made behind the program's
   * back (the dashboard, the admin API); "" turns it off, leaving the sync of each `pulumi up`.
   * @default "*\/10 * * * *" (every ten minutes)
   */
  reconcileSchedule?: string;
  /**
   * StorageClass of the sync's ledger claim (what the sync created, so that it deletes only that).
   * @default the meta tier's class (the combined tier's), else the cluster default
   */
  ledgerStorageClassName?: string;
}

/**
 * Scheduled VolumeSnapshots of every data claim that holds state: each pod's claim of the
 * meta-carrying tiers (meta, combined) and of the engine tier; broker-only pods hold nothing
 * durable and are not snapshotted. A CronJob takes one set: it creates a VolumeSnapshot of every
 * such claim at once (so the set is as close to one instant as the API allows), waits until all
 * are readyToUse, then keeps the newest `retain` complete sets of this cluster. Each snapshot
 * carries the labels app.kubernetes.io/instance, robustmq.io/snapshot-set, robustmq.io/tier and
 * robustmq.io/ordinal, and the set's manifest in the annotation robustmq.io/set-manifest (what
 * `restore` needs). The snapshots are crash-consistent: RobustMQ v0.4.11 does not fsync its
 * writes, so a set taken online may miss the last seconds of acknowledged writes on each pod.
 * Needs the VolumeSnapshot CRDs (snapshot.storage.k8s.io/v1) and a snapshot controller.
 */
export interface BackupArgs {
  /** VolumeSnapshotClass of the snapshots (its driver must be the data volumes' CSI driver). @default none (required) */
  volumeSnapshotClassName: string;
  /** Cron schedule (five fields) of the backup. @default "0 *\/6 * * *" (every six hours) */
  schedule?: string;
  /** Complete snapshot sets kept, 1 to 100; older sets' snapshots are deleted. @default 7 */
  retain?: number;
  /** Seconds a set may take to become readyToUse before the run fails and deletes it, 60 to 86400. @default 600 */
  timeoutSeconds?: number;
  /**
   * Image of the backup's container: Node.js 20 or later (one plain JavaScript file using only
   * Node's own modules). Pin it by digest in production.
   * @default "docker.io/library/node:20.18.1-alpine" (the runtime sync's)
   */
  image?: string;
}

/**
 * Restore the cluster's data claims from one snapshot set of `backup`. The component creates every
 * claim the StatefulSets will use, from its VolumeSnapshot, before any StatefulSet exists, so each
 * pod starts on its own restored volume. Only the same cluster can be restored: same name,
 * namespace, clusterName, clusterDomain, topology, gRPC port, replicas and broker ids of the
 * snapshotted tiers, and Raft group counts (RobustMQ v0.4.11 stores the members' addresses and ids
 * in the Raft state on the volumes and never rewrites them: a cluster restored under another name
 * or namespace would talk Raft to the old names). Any difference is refused before anything is
 * registered. The claims must not exist yet (destroy the old cluster with its claims deleted, or
 * delete them).
 *
 * The restored claims are kept when the cluster or `restore` is removed (retainOnDelete) and their
 * spec is never updated: once the StatefulSets use them they are the cluster's data volumes, so
 * removing `restore` from the program after the restore is safe and deletes nothing.
 */
export interface RestoreArgs {
  /** Id of the snapshot set, e.g. "20261205t100000z" (label robustmq.io/snapshot-set). @default none (required) */
  snapshotSet: string;
  /** The set's manifest JSON, copied from the annotation robustmq.io/set-manifest of any snapshot of the set. @default none (required) */
  manifest: string;
}

/** An MQTT user, created and kept by the runtime sync. */
export interface MqttUserArgs {
  /** Tenant of the user, 1 to 64 characters. @default "default" */
  tenant?: string;
  /** User name, 1 to 64 characters of letters, digits and . _ - @ : @default none (required) */
  username: string;
  /** Password, 12 to 128 characters; keep it a Pulumi secret. A change re-creates the user. @default none (required) */
  password: pulumi.Input<string>;
  /** A superuser passes every ACL check. @default false */
  superuser?: boolean;
}

/** An ACL rule, created and kept by the runtime sync. */
export interface AclArgs {
  /** Tenant of the rule, 1 to 64 characters. @default "default" */
  tenant?: string;
  /** Name of the rule, unique in its tenant, 1 to 128 characters of letters, digits and . _ - @ : @default none (required) */
  name: string;
  /** What the rule names. @default none (required) */
  resourceType: AclResourceType;
  /** The client id, user name or IP the rule applies to, 1 to 256 characters. @default none (required) */
  resourceName: string;
  /** Topic filter the rule governs, at most 256 characters. @default "" (every topic) */
  topic?: string;
  /** Client IP the rule is limited to, at most 128 characters. @default "" (any address) */
  ip?: string;
  /** What the rule governs. @default none (required) */
  action: AclAction;
  /** Allow or deny. @default none (required) */
  permission: AclPermission;
  /** A note for people, at most 256 characters. @default "" */
  description?: string;
}

/** A blacklist entry, created and kept by the runtime sync. */
export interface BlacklistEntryArgs {
  /** Tenant of the entry, 1 to 64 characters. @default "default" */
  tenant?: string;
  /** Name of the entry, unique in its tenant, 1 to 128 characters of letters, digits and . _ - @ : @default none (required) */
  name: string;
  /** What the entry matches. @default none (required) */
  type: BlacklistType;
  /** The client id, user name, IP, pattern or CIDR blocked, 1 to 256 characters. @default none (required) */
  resourceName: string;
  /** When the entry stops blocking, as Unix seconds. @default 4102444800 (2100-01-01T00:00:00Z: until removed) */
  endTime?: number;
  /** A note for people, at most 500 characters. @default "" */
  description?: string;
}

/** A topic, created by the runtime sync (RobustMQ cannot change a topic's storage in place). */
export interface TopicArgs {
  /** Tenant of the topic, 1 to 128 characters. @default "default" */
  tenant?: string;
  /** Topic name, 1 to 256 characters, without the MQTT wildcards + and #. @default none (required) */
  name: string;
  /** Where its messages are stored; fixed once the topic exists. @default none (required) */
  storageType: TopicStorageType;
  /** The protocol it belongs to. @default "MQTT" */
  source?: TopicSource;
  /** Partitions, 1 to 1024; fixed once the topic exists. @default RobustMQ's runtime.default_topic_partition_num */
  partitions?: number;
  /** Replicas of each partition; fixed once the topic exists. @default the cluster's topic replica count (runtime.default_topic_replica_num) */
  replicas?: number;
}
