// Turns RobustMQClusterArgs into a fully defaulted, validated model. Everything the component
// builds is derived from this model; nothing downstream re-reads the raw args.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { RobustMQClusterArgs, ServiceType, Spread, TierArgs, TierName, Topology } from "../api/args";
import { DEFAULT_PORTS, LISTENERS, PROTOCOLS, Ports, Protocol } from "../rmq/ports";
import { carriesMeta, POD_MANAGEMENT_POLICY, Role, tierKinds, TOPOLOGIES } from "../rmq/topology";
import {
  Problems,
  validateConfigKeys,
  validateDnsLabel,
  validateDnsSubdomain,
  validateImageReference,
  validateInteger,
  validateNonEmptyString,
  validateOneOf,
  validatePorts,
  validateQuantity,
  validateReplicas,
  validateResources,
  validateStringMap,
} from "../validate/values";
import { DEFAULT_BOOTSTRAP_GATE_IMAGE, DEFAULT_IMAGE } from "../rmq/versions";
import { isRecord, validateCidrList } from "../validate/lists";
import { RobustMQArgsError } from "../validate/errors";
import { RobustMQImage } from "../image/image";
import { resolveIngress, ResolvedIngress, validateIngressArgs } from "../features/ingress";
import { ResolvedListenerTls, resolveListenerTls, validateListenerTlsArgs } from "../features/listener-tls";
import { ResolvedNetworkPolicy, resolveNetworkPolicy, validateNetworkPolicyArgs } from "../features/network-policy";
import { ResolvedStorageClass, resolveStorageClass, tierStorageClassName, validateStorageClassArgs } from "../features/storage-class";

export { RobustMQArgsError };

/** Longest component name: the longest derived name ("<name>-engine-headless") must stay a DNS label. */
export const MAX_NAME_LENGTH = 40;
export const LOG_LEVELS = ["error", "warn", "info", "debug", "trace"] as const;
export const SERVICE_TYPES: readonly ServiceType[] = ["ClusterIP", "NodePort", "LoadBalancer"];

export interface ResolvedTier {
  name: TierName;
  roles: Role[];
  idPrefix: number;
  statefulSetName: string;
  headlessServiceName: string;
  pdbName: string;
  podManagementPolicy: typeof POD_MANAGEMENT_POLICY;
  replicas: number;
  storageSize: string;
  storageClassName?: string;
  requests: { cpu?: string; memory?: string };
  limits: { cpu?: string; memory?: string };
  hostSpread: Exclude<Spread, "none">;
  zoneSpread: Spread;
  nodeSelector?: Record<string, string>;
  tolerations?: k8s.types.input.core.v1.Toleration[];
  terminationGracePeriodSeconds: number;
  startupTimeoutSeconds: number;
  /** Runs the bootstrap gate init container: every meta-carrying tier of more than one pod. */
  bootstrapGate: boolean;
}

export interface ResolvedCluster {
  name: string;
  namespace: string;
  createNamespace: boolean;
  clusterName: string;
  topology: Topology;
  tiers: ResolvedTier[];
  protocols: Protocol[];
  ports: Ports;
  image: pulumi.Input<string>;
  /** The RobustMQImage the pods run, when the cluster builds its own image. */
  imageBuild?: RobustMQImage;
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  imagePullSecrets: string[];
  bootstrapGateImage: string;
  security: { runAsUser: number; runAsGroup: number; fsGroup: number };
  clientService: {
    name: string;
    type: ServiceType;
    annotations: Record<string, string>;
    loadBalancerSourceRanges?: string[];
    exposeMqttQuic: boolean;
  };
  adminServiceName: string;
  configMapName: string;
  secretName: string;
  adminUsername: string;
  logLevel: string;
  extraConfig: Record<string, unknown>;
  /** `runtime.default_topic_replica_num`: replicas of each new topic (see topicReplicaLimit). */
  topicReplicas: number;
  retainVolumes: boolean;
  clusterDomain: string;
  labels: Record<string, string>;
  storageClass: ResolvedStorageClass;
  ingress?: ResolvedIngress;
  listenerTls?: ResolvedListenerTls;
  networkPolicy?: ResolvedNetworkPolicy;
}

/** server.toml keys the component owns, and why extraConfig may not set them. */
export const MANAGED_CONFIG_KEYS: ReadonlyMap<string, string> = new Map<string, string>([
  ["cluster_name", "set by the clusterName argument"],
  ["broker_id", "derived per pod by the component (unique, stable ids are what keep Raft sound)"],
  ["broker_ip", "set per pod from the pod IP by the component"],
  ["roles", "derived from the topology"],
  ["meta_addrs", "derived from the meta tier's stable pod DNS names"],
  ["log.log_config", "managed: logs go to stdout through the generated logger.toml (use logLevel)"],
  ["log.log_path", "managed by the component"],
  ["data_path", "managed: RocksDB and Raft state must stay on the data volume"],
  ["storage_runtime.data_path", "managed: it must stay on the data volume"],
  ["admin.username", "set by the adminUsername argument"],
  ...LISTENERS.filter((l) => l.configKey !== undefined).map((l): [string, string] => [l.configKey as string, `set by the ports.${l.field} argument`]),
]);

/** Secret keys: they would land in a ConfigMap, so extraConfig refuses them and names the argument to use. */
export const SECRET_CONFIG_KEYS: ReadonlyMap<string, string> = new Map<string, string>([
  ["admin.password", "a secret: use the adminPassword argument (it never lands in a ConfigMap)"],
  ["admin.jwt_secret", "a secret: use the jwtSecret argument (it never lands in a ConfigMap)"],
  ["mqtt_runtime.auth.default_user", "a credential: use the mqttUsername argument"],
  ["mqtt_runtime.auth.default_password", "a secret: use the mqttPassword argument (it never lands in a ConfigMap)"],
  ["llm_client.token", "a secret, and this package has no way to keep it out of the ConfigMap yet"],
]);

const TIER_FIELDS: ReadonlySet<string> = new Set([
  "replicas",
  "storageSize",
  "storageClassName",
  "resources",
  "hostSpread",
  "zoneSpread",
  "nodeSelector",
  "tolerations",
  "terminationGracePeriodSeconds",
  "startupTimeoutSeconds",
]);

function validateTier(field: string, tier: TierArgs, votesInRaft: boolean): Problems {
  const problems: Problems = [];
  for (const key of Object.keys(tier)) {
    if (!TIER_FIELDS.has(key)) {
      problems.push(`${field}.${key}: unknown field (accepted: ${[...TIER_FIELDS].join(", ")})`);
    }
  }
  if (tier.replicas !== undefined) {
    problems.push(...validateReplicas(`${field}.replicas`, tier.replicas, votesInRaft));
  }
  if (tier.storageSize !== undefined) {
    problems.push(...validateQuantity(`${field}.storageSize`, tier.storageSize, { positive: true }));
  }
  if (tier.storageClassName !== undefined) {
    problems.push(...validateDnsSubdomain(`${field}.storageClassName`, tier.storageClassName));
  }
  problems.push(...validateResources(`${field}.resources`, tier.resources));
  if (tier.hostSpread !== undefined) {
    problems.push(...validateOneOf(`${field}.hostSpread`, tier.hostSpread, ["soft", "hard"]));
  }
  if (tier.zoneSpread !== undefined) {
    problems.push(...validateOneOf(`${field}.zoneSpread`, tier.zoneSpread, ["none", "soft", "hard"]));
  }
  problems.push(...validateStringMap(`${field}.nodeSelector`, tier.nodeSelector));
  if (tier.terminationGracePeriodSeconds !== undefined) {
    problems.push(...validateInteger(`${field}.terminationGracePeriodSeconds`, tier.terminationGracePeriodSeconds, 0, 3600));
  }
  if (tier.startupTimeoutSeconds !== undefined) {
    problems.push(...validateInteger(`${field}.startupTimeoutSeconds`, tier.startupTimeoutSeconds, 10, 3600));
  }
  return problems;
}

function validateProtocols(value: unknown): Problems {
  if (!Array.isArray(value) || value.length === 0) {
    return [`protocols: must be a non-empty list drawn from ${PROTOCOLS.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(value)}`];
  }
  const problems = value.flatMap((p, i) => validateOneOf(`protocols[${i}]`, p, PROTOCOLS));
  const dupes = value.filter((p, i) => value.indexOf(p) !== i);
  if (dupes.length > 0) {
    problems.push(`protocols: ${dupes.map((d) => JSON.stringify(d)).join(", ")} listed more than once`);
  }
  return problems;
}

/** Checks a plain credential now; an Output one is checked when its value is known (see checkCredential). */
export function validateCredential(field: string, value: unknown): Problems {
  if (value === undefined || pulumi.Output.isInstance(value) || (value !== null && typeof value === "object" && "then" in value)) {
    return [];
  }
  return credentialProblems(field, value);
}

const DEFAULT_CREDENTIALS: Record<string, string[]> = {
  adminPassword: ["admin"],
  jwtSecret: ["robustmq-change-me-in-production"],
  mqttPassword: ["robustmq"],
};
const MIN_LENGTH: Record<string, number> = { adminPassword: 12, jwtSecret: 32, mqttUsername: 1, mqttPassword: 12 };

export function credentialProblems(field: string, value: unknown): Problems {
  if (typeof value !== "string" || value.length === 0) {
    return [`${field}: must be a non-empty string (or leave it unset to generate one)`];
  }
  if ((DEFAULT_CREDENTIALS[field] ?? []).includes(value)) {
    return [`${field}: is RobustMQ's published default; use another value or leave it unset to generate one`];
  }
  const min = MIN_LENGTH[field] ?? 1;
  if (value.length < min) {
    return [`${field}: must be at least ${min} characters long (or leave it unset to generate one)`];
  }
  return [];
}

const ARG_FIELDS: ReadonlySet<string> = new Set([
  "namespace", "createNamespace", "clusterName", "topology", "combined", "meta", "broker", "engine",
  "protocols", "ports", "image", "imagePullPolicy", "imagePullSecrets", "bootstrapGateImage", "security",
  "clientService", "adminUsername", "adminPassword", "jwtSecret", "mqttUsername", "mqttPassword",
  "logLevel", "extraConfig", "retainVolumes", "clusterDomain", "labels",
  "storageClass", "ingress", "listenerTls", "networkPolicy",
]);

const RESERVED_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component"];

/** Validates every argument and returns the defaulted model, or throws listing every problem. */
export function resolveClusterArgs(name: string, args: RobustMQClusterArgs = {}): ResolvedCluster {
  const problems: Problems = [];
  problems.push(...validateDnsLabel("name", name, MAX_NAME_LENGTH));
  for (const key of Object.keys(args)) {
    if (!ARG_FIELDS.has(key)) {
      problems.push(`${key}: unknown argument`);
    }
  }

  const topology = args.topology ?? "combined";
  problems.push(...validateOneOf("topology", topology, TOPOLOGIES));
  const knownTopology = (TOPOLOGIES as readonly string[]).includes(topology) ? topology : "combined";
  const unused = knownTopology === "combined" ? (["meta", "broker", "engine"] as const) : (["combined"] as const);
  for (const field of unused) {
    if (args[field] !== undefined) {
      problems.push(`${field}: only used with topology "${field === "combined" ? "combined" : "split"}" (topology is "${knownTopology}")`);
    }
  }

  const namespace = args.namespace ?? name;
  problems.push(...validateDnsLabel("namespace", namespace));
  const clusterName = args.clusterName ?? name;
  problems.push(...validateNonEmptyString("clusterName", clusterName));

  const protocols = args.protocols ?? ["mqtt"];
  problems.push(...validateProtocols(protocols));

  const portArgs = args.ports ?? {};
  for (const key of Object.keys(portArgs)) {
    if (!(key in DEFAULT_PORTS)) {
      problems.push(`ports.${key}: unknown port (accepted: ${Object.keys(DEFAULT_PORTS).join(", ")})`);
    }
  }
  const ports: Ports = { ...DEFAULT_PORTS, ...portArgs };
  problems.push(...validatePorts("ports", ports));

  const imageBuild = RobustMQImage.isInstance(args.image) ? args.image : undefined;
  const image = imageBuild !== undefined ? imageBuild.ref : ((args.image as pulumi.Input<string> | undefined) ?? DEFAULT_IMAGE);
  if (typeof image === "string") {
    problems.push(...validateImageReference("image", image));
  }
  const bootstrapGateImage = args.bootstrapGateImage ?? DEFAULT_BOOTSTRAP_GATE_IMAGE;
  problems.push(...validateImageReference("bootstrapGateImage", bootstrapGateImage));
  const imagePullPolicy = args.imagePullPolicy ?? "IfNotPresent";
  problems.push(...validateOneOf("imagePullPolicy", imagePullPolicy, ["Always", "IfNotPresent", "Never"]));
  const imagePullSecrets = args.imagePullSecrets ?? [];
  imagePullSecrets.forEach((s, i) => problems.push(...validateDnsSubdomain(`imagePullSecrets[${i}]`, s)));

  const security = { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, ...(args.security ?? {}) };
  for (const key of ["runAsUser", "runAsGroup", "fsGroup"] as const) {
    problems.push(...validateInteger(`security.${key}`, security[key], 1, 2147483647).map((p) => `${p} (non-root: 0 is refused)`));
  }

  const cs = args.clientService ?? {};
  const serviceType = cs.type ?? "ClusterIP";
  problems.push(...validateOneOf("clientService.type", serviceType, SERVICE_TYPES));
  problems.push(...validateStringMap("clientService.annotations", cs.annotations));
  problems.push(...validateCidrList("clientService.loadBalancerSourceRanges", cs.loadBalancerSourceRanges));
  if (cs.loadBalancerSourceRanges !== undefined && serviceType !== "LoadBalancer") {
    problems.push(`clientService.loadBalancerSourceRanges: only applies to clientService.type "LoadBalancer" (type is "${serviceType}")`);
  }

  const adminUsername = args.adminUsername ?? "admin";
  problems.push(...validateNonEmptyString("adminUsername", adminUsername));
  problems.push(...validateCredential("adminPassword", args.adminPassword));
  problems.push(...validateCredential("jwtSecret", args.jwtSecret));
  problems.push(...validateCredential("mqttUsername", args.mqttUsername));
  problems.push(...validateCredential("mqttPassword", args.mqttPassword));

  const logLevel = args.logLevel ?? "info";
  problems.push(...validateOneOf("logLevel", logLevel, LOG_LEVELS));

  const extraConfig = args.extraConfig ?? {};
  if (typeof extraConfig !== "object" || extraConfig === null || Array.isArray(extraConfig)) {
    problems.push(`extraConfig: must be a table of RobustMQ settings, got ${JSON.stringify(extraConfig)}`);
  } else {
    const refused = new Map([...MANAGED_CONFIG_KEYS, ...SECRET_CONFIG_KEYS]);
    if (args.listenerTls !== undefined) {
      refused.set("broker_network.tls_cert", "set by the listenerTls argument");
      refused.set("broker_network.tls_key", "set by the listenerTls argument");
    }
    problems.push(...validateConfigKeys("extraConfig", extraConfig, refused));
  }

  problems.push(...validateStorageClassArgs(args.storageClass));
  problems.push(...validateListenerTlsArgs(args.listenerTls));
  problems.push(...validateNetworkPolicyArgs(args.networkPolicy));
  if (args.ingress !== undefined) {
    problems.push(...validateIngressArgs(args.ingress, { protocols: Array.isArray(protocols) ? protocols : [] }));
  }

  const clusterDomain = args.clusterDomain ?? "cluster.local";
  problems.push(...validateDnsSubdomain("clusterDomain", clusterDomain));
  problems.push(...validateStringMap("labels", args.labels));
  for (const reserved of RESERVED_LABELS) {
    if (args.labels && reserved in args.labels) {
      problems.push(`labels.${reserved}: reserved for the component's selectors`);
    }
  }
  if (args.createNamespace !== undefined && typeof args.createNamespace !== "boolean") {
    problems.push(`createNamespace: must be true or false, got ${JSON.stringify(args.createNamespace)}`);
  }
  if (args.retainVolumes !== undefined && typeof args.retainVolumes !== "boolean") {
    problems.push(`retainVolumes: must be true or false, got ${JSON.stringify(args.retainVolumes)}`);
  }

  const tiers: ResolvedTier[] = tierKinds(knownTopology).map((kind) => {
    const tierArgs: TierArgs = args[kind.name] ?? {};
    problems.push(...validateTier(kind.name, tierArgs, carriesMeta(kind)));
    const d = kind.defaults;
    const statefulSetName = `${name}-${kind.name}`;
    const replicas = tierArgs.replicas ?? d.replicas;
    return {
      name: kind.name,
      roles: kind.roles,
      idPrefix: kind.idPrefix,
      statefulSetName,
      headlessServiceName: `${statefulSetName}-headless`,
      pdbName: statefulSetName,
      podManagementPolicy: POD_MANAGEMENT_POLICY,
      replicas,
      storageSize: tierArgs.storageSize ?? d.storageSize,
      storageClassName: tierArgs.storageClassName,
      requests: { ...d.requests, ...(tierArgs.resources?.requests ?? {}) },
      limits: { ...d.limits, ...(tierArgs.resources?.limits ?? {}) },
      hostSpread: tierArgs.hostSpread ?? d.hostSpread,
      zoneSpread: tierArgs.zoneSpread ?? d.zoneSpread,
      nodeSelector: tierArgs.nodeSelector,
      tolerations: tierArgs.tolerations,
      terminationGracePeriodSeconds: tierArgs.terminationGracePeriodSeconds ?? d.terminationGracePeriodSeconds,
      startupTimeoutSeconds: tierArgs.startupTimeoutSeconds ?? d.startupTimeoutSeconds,
      bootstrapGate: carriesMeta(kind) && replicas > 1,
    };
  });
  // Defaults merged with user values can still put a limit under a request (e.g. requests.memory
  // raised to 4Gi with the 2Gi default limit): check the merged result too.
  for (const t of tiers) {
    const merged = validateResources(`${t.name}.resources`, { requests: t.requests, limits: t.limits });
    problems.push(...merged.filter((p) => !problems.includes(p)));
  }

  const engines = tiers.filter((t) => t.roles.includes("engine")).reduce((n, t) => n + t.replicas, 0);
  const topicReplicaMax = topicReplicaLimit(engines);
  const requestedReplicas = isRecord(extraConfig) && isRecord(extraConfig.runtime) ? extraConfig.runtime.default_topic_replica_num : undefined;
  if (requestedReplicas !== undefined && Number.isInteger(requestedReplicas)) {
    const n = requestedReplicas as number;
    if (n < 1 || n > topicReplicaMax) {
      problems.push(
        `extraConfig.runtime.default_topic_replica_num: must be from 1 to ${topicReplicaMax} with ${engines} engine pod(s), got ${n}: ` +
          `a topic needs that many live engine pods to be created or to roll a segment, and one engine pod may be down ` +
          `(rolling update, eviction), so the count may not exceed the engine pods minus one`,
      );
    }
  }

  if (problems.length > 0) {
    throw new RobustMQArgsError(name, problems);
  }

  const storageClass = resolveStorageClass({ name }, args.storageClass);
  for (const t of tiers) {
    t.storageClassName = tierStorageClassName(t, storageClass);
  }
  const cluster: ResolvedCluster = {
    name,
    namespace,
    createNamespace: args.createNamespace ?? true,
    clusterName,
    topology: knownTopology,
    tiers,
    protocols: [...protocols],
    ports,
    image,
    imageBuild,
    imagePullPolicy,
    imagePullSecrets,
    bootstrapGateImage,
    security,
    clientService: {
      name: `${name}-client`,
      type: serviceType,
      annotations: cs.annotations ?? {},
      loadBalancerSourceRanges: cs.loadBalancerSourceRanges,
      exposeMqttQuic: cs.exposeMqttQuic ?? false,
    },
    adminServiceName: `${name}-admin`,
    configMapName: `${name}-config`,
    secretName: `${name}-credentials`,
    adminUsername,
    logLevel,
    extraConfig,
    topicReplicas: (requestedReplicas as number | undefined) ?? Math.min(DEFAULT_TOPIC_REPLICAS, topicReplicaMax),
    retainVolumes: args.retainVolumes ?? true,
    clusterDomain,
    labels: args.labels ?? {},
    storageClass,
  };
  // The add-ons derive names and ports from the cluster model; their arguments were validated above.
  cluster.ingress = resolveIngress(cluster, args.ingress);
  cluster.listenerTls = resolveListenerTls(cluster, args.listenerTls);
  cluster.networkPolicy = resolveNetworkPolicy(cluster, args.networkPolicy);
  return cluster;
}

/** Replicas a topic gets unless extraConfig says otherwise: three copies where the engine tier allows it. */
export const DEFAULT_TOPIC_REPLICAS = 3;

/**
 * Most replicas a topic may have with `engines` engine-role pods. RobustMQ creates a topic and rolls
 * every new segment only while `replica_num` engine nodes are alive, and our disruption budgets
 * let one engine pod go down at a time: so one engine pod must be spare (a single engine pod can
 * hold only one replica, and topics then stop while it is down).
 */
export function topicReplicaLimit(engines: number): number {
  return Math.max(1, engines - 1);
}

/** The tier that carries the meta role (meta in split, combined otherwise). */
export function metaTier(cluster: ResolvedCluster): ResolvedTier {
  const tier = cluster.tiers.find(carriesMeta);
  if (tier === undefined) {
    throw new Error(`cluster "${cluster.name}" has no meta tier`);
  }
  return tier;
}
