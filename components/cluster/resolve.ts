// RobustMQClusterArgs -> ResolvedCluster: every argument validated (all problems at once, before
// anything is registered), then every fact the builders need decided once.
import * as pulumi from "@pulumi/pulumi";
import { RobustMQClusterArgs, TierArgs } from "../api/args";
import { TIER_DEFAULTS } from "../api/defaults";
import { HostSpread, ImagePullPolicy, LogLevel, ServiceType, values, ZoneSpread } from "../api/enums";
import { ResolvedCluster, ResolvedFeatures, ResolvedTier, ResolvedTierFeatures, TierPatch } from "../api/model";
import { clusterNames, MAX_NAME_LENGTH, tierNames } from "../api/naming";
import { resolveImageArgs } from "../image/resolve";
import { CREDENTIALS, credentialProblems } from "../rmq/credentials";
import { metaAddressSlots, metaPods } from "../rmq/identity";
import { clientPorts, DEFAULT_PORTS, ExposedPort, LISTENERS, Ports, PROTOCOLS, Protocol } from "../rmq/ports";
import {
  carriesBroker,
  carriesEngine,
  carriesMeta,
  DEFAULT_TOPIC_REPLICAS,
  POD_MANAGEMENT_POLICY,
  Role,
  TierKind,
  tierKinds,
  Topology,
  topicReplicaLimit,
} from "../rmq/topology";
import { DEFAULT_BOOTSTRAP_GATE_IMAGE, DEFAULT_IMAGE } from "../rmq/versions";
import { validateConfigKeys } from "../validate/config-keys";
import { ProblemCollector, show } from "../validate/problems";
import {
  isRecord,
  Problems,
  unknownNameMessage,
  validateBoolean,
  validateCidrList,
  validateDnsLabel,
  validateDnsSubdomain,
  validateFields,
  validateImageReference,
  validateInteger,
  validateLabels,
  validateNonEmptyString,
  validateOneOf,
  validatePorts,
  validateQuantity,
  validateReplicas,
  validateResources,
  validateList,
  validateStringMap,
  validateTolerations,
} from "../validate/values";
import { FEATURES, TIER_FEATURES } from "./features";
import { resolveRuntimeSync, validateRuntimeArgs } from "../features/runtime-sync/args";
import { resolveBackup, resolveRestore, restoreProblems, validateBackupArgs } from "../features/backup/args";
import { autoscalingCeiling, autoscalingRefusal } from "../features/autoscaling";
import { readinessPortName } from "../workload/probes";
import { volumeRetention } from "../workload/statefulset";

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

/** Credential keys: they would land in a ConfigMap, so extraConfig refuses them and names the argument to use. */
export const SECRET_CONFIG_KEYS: ReadonlyMap<string, string> = new Map<string, string>([
  ...CREDENTIALS.map((c): [string, string] => [c.configKey, `a credential: use the ${c.name} argument (it never lands in a ConfigMap)`]),
  ["llm_client.token", "a secret, and this package has no way to keep it out of the ConfigMap yet"],
]);

const TIER_FIELDS = [
  "replicas", "storageSize", "storageClassName", "resources", "hostSpread", "zoneSpread", "nodeSelector", "tolerations",
  "terminationGracePeriodSeconds", "startupTimeoutSeconds", "partition", "autoscaling",
] as const satisfies ReadonlyArray<keyof TierArgs>;

const ARG_FIELDS = [
  "namespace", "createNamespace", "clusterName", "topology", "combined", "meta", "broker", "engine",
  "protocols", "ports", "image", "imageBuild", "imagePullPolicy", "imagePullSecrets", "bootstrapGateImage", "security",
  "clientService", "adminUsername", "adminPassword", "jwtSecret", "mqttUsername", "mqttPassword",
  "logLevel", "extraConfig", "retainVolumes", "metaScaleInGuard", "clusterDomain", "labels", "podLabels",
  "storageClass", "ingress", "listenerTls", "networkPolicy", "monitoring",
  "runtimeSync", "mqttUsers", "mqttAcls", "mqttBlacklist", "topics", "backup", "restore",
] as const satisfies ReadonlyArray<keyof RobustMQClusterArgs>;

const RESERVED_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component"];

function isPending(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || (value !== null && typeof value === "object" && "then" in value);
}

function validateTier(field: string, tier: unknown, kind: TierKind, defaultReplicas: number): Problems {
  const votesInRaft = carriesMeta(kind);
  if (tier === undefined) {
    return [];
  }
  const problems = validateFields(field, tier, TIER_FIELDS);
  if (!isRecord(tier)) {
    return problems;
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
    problems.push(...validateOneOf(`${field}.hostSpread`, tier.hostSpread, values(HostSpread)));
  }
  if (tier.zoneSpread !== undefined) {
    problems.push(...validateOneOf(`${field}.zoneSpread`, tier.zoneSpread, values(ZoneSpread)));
  }
  problems.push(...validateLabels(`${field}.nodeSelector`, tier.nodeSelector));
  problems.push(...validateTolerations(`${field}.tolerations`, tier.tolerations));
  if (tier.terminationGracePeriodSeconds !== undefined) {
    problems.push(...validateInteger(`${field}.terminationGracePeriodSeconds`, tier.terminationGracePeriodSeconds, 0, 3600));
  }
  if (tier.startupTimeoutSeconds !== undefined) {
    problems.push(...validateInteger(`${field}.startupTimeoutSeconds`, tier.startupTimeoutSeconds, 10, 3600));
  }
  if (tier.partition !== undefined) {
    // Bounded by the tier's replicas (its default when unset), or for an autoscaled tier by the
    // most pods it can have; an invalid count is reported on its own, and the partition then only
    // has to be a non-negative integer.
    const ceiling = autoscalingRefusal(kind) === undefined && tier.autoscaling !== undefined ? autoscalingCeiling(tier.autoscaling) : undefined;
    const bound = tier.autoscaling !== undefined ? ceiling : tier.replicas ?? defaultReplicas;
    const boundField = tier.autoscaling !== undefined ? `${field}.autoscaling.maxReplicas` : `${field}.replicas`;
    const known = tier.autoscaling !== undefined ? ceiling !== undefined : validateReplicas(`${field}.replicas`, bound, votesInRaft).length === 0;
    const p = tier.partition;
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || (known && p > (bound as number))) {
      problems.push(
        known
          ? `${field}.partition: must be an integer from 0 to ${bound} (${boundField}), got ${show(p)}: pods with an ordinal >= partition get a new pod template, so 0 updates every pod and ${bound} none`
          : `${field}.partition: must be an integer >= 0, got ${show(p)}`,
      );
    }
  }
  return problems;
}

function validateProtocols(value: unknown): Problems {
  if (!Array.isArray(value) || value.length === 0) {
    return [`protocols: must be a non-empty list drawn from ${PROTOCOLS.map((p) => `"${p}"`).join(", ")}, got ${show(value)}`];
  }
  const problems = value.flatMap((p, i) => validateOneOf(`protocols[${i}]`, p, PROTOCOLS));
  const dupes = value.filter((p, i) => value.indexOf(p) !== i);
  if (dupes.length > 0) {
    problems.push(`protocols: ${dupes.map((d) => show(d)).join(", ")} listed more than once`);
  }
  return problems;
}

/** A plain credential now; one given as an Output is checked when its value is known (cluster/credentials.ts). */
function validateCredential(name: (typeof CREDENTIALS)[number]["name"], value: unknown): Problems {
  return value === undefined || isPending(value) ? [] : credentialProblems(name, value);
}

/** An image given as an Output is checked once known: the same rule, applied at deployment. */
export function checkedImage(image: pulumi.Input<string>): pulumi.Input<string> {
  if (!pulumi.Output.isInstance(image)) {
    return image;
  }
  return image.apply((ref) => {
    const problems = validateImageReference("image", ref);
    if (problems.length > 0) {
      throw new Error(`Invalid arguments for RobustMQCluster: ${problems.join("; ")}`);
    }
    return ref;
  });
}

/** Every problem of the arguments, each naming its field and what is accepted. */
export function validateClusterArgs(name: string, argsIn: unknown): Problems {
  const c = new ProblemCollector();
  c.add(...validateDnsLabel("name", name, MAX_NAME_LENGTH));
  if (argsIn !== undefined && !isRecord(argsIn)) {
    c.add(`args: must be an object of RobustMQClusterArgs (or left out for every default), got ${show(argsIn)}`);
    return c.problems;
  }
  const args = (argsIn ?? {}) as Record<string, any>;
  for (const key of Object.keys(args).filter((k) => !(ARG_FIELDS as readonly string[]).includes(k))) {
    c.add(`${key}: ${unknownNameMessage("argument", key, ARG_FIELDS)}`);
  }
  const topology = args.topology ?? "combined";
  c.add(...validateOneOf("topology", topology, values(Topology)));
  const known: Topology = topology === "split" ? "split" : "combined";
  for (const field of known === "combined" ? ["meta", "broker", "engine"] : ["combined"]) {
    if (args[field] !== undefined) {
      c.add(`${field}: only used with topology "${field === "combined" ? "combined" : "split"}" (topology is "${known}")`);
    }
  }
  c.add(...validateDnsLabel("namespace", args.namespace ?? name));
  if (args.clusterName !== undefined) {
    c.add(...validateNonEmptyString("clusterName", args.clusterName));
  }
  const protocols = args.protocols ?? ["mqtt"];
  c.add(...validateProtocols(protocols));

  if (args.ports !== undefined) {
    c.add(...validateFields("ports", args.ports, Object.keys(DEFAULT_PORTS)));
  }
  c.add(...validatePorts("ports", { ...DEFAULT_PORTS, ...(isRecord(args.ports) ? args.ports : {}) }));

  if (args.image !== undefined && args.imageBuild !== undefined) {
    c.add("image: set image (a prebuilt reference) or imageBuild (build one), not both");
  }
  if (pulumi.Resource.isInstance(args.image)) {
    c.add("image: takes an image reference; for a RobustMQImage pass its ref (image: img.ref), or let the cluster build it with imageBuild");
  } else if (args.image !== undefined && !isPending(args.image)) {
    c.add(...validateImageReference("image", args.image));
  }
  if (args.imageBuild !== undefined) {
    try {
      resolveImageArgs(`${name}-image`, args.imageBuild);
    } catch (e) {
      const problems = (e as { problems?: string[] }).problems ?? [String(e)];
      c.add(...problems.map((p) => `imageBuild.${p}`));
    }
  }
  if (args.bootstrapGateImage !== undefined) {
    c.add(...validateImageReference("bootstrapGateImage", args.bootstrapGateImage));
  }
  if (args.imagePullPolicy !== undefined) {
    c.add(...validateOneOf("imagePullPolicy", args.imagePullPolicy, values(ImagePullPolicy)));
  }
  c.add(...validateList("imagePullSecrets", args.imagePullSecrets, validateDnsSubdomain));

  if (args.security !== undefined) {
    c.add(...validateFields("security", args.security, ["runAsUser", "runAsGroup", "fsGroup"]));
    for (const key of ["runAsUser", "runAsGroup", "fsGroup"]) {
      const v = isRecord(args.security) ? args.security[key] : undefined;
      if (v !== undefined) {
        c.add(...validateInteger(`security.${key}`, v, 1, 2147483647).map((p) => `${p} (non-root: 0 is refused)`));
      }
    }
  }

  const cs = args.clientService;
  if (cs !== undefined) {
    c.add(...validateFields("clientService", cs, ["type", "annotations", "loadBalancerSourceRanges", "exposeMqttQuic"]));
  }
  if (isRecord(cs)) {
    if (cs.type !== undefined) {
      c.add(...validateOneOf("clientService.type", cs.type, values(ServiceType)));
    }
    c.add(...validateStringMap("clientService.annotations", cs.annotations));
    c.add(...validateCidrList("clientService.loadBalancerSourceRanges", cs.loadBalancerSourceRanges));
    if (cs.loadBalancerSourceRanges !== undefined && (cs.type ?? "ClusterIP") !== "LoadBalancer") {
      c.add(`clientService.loadBalancerSourceRanges: only applies to clientService.type "LoadBalancer" (type is "${cs.type ?? "ClusterIP"}")`);
    }
    c.add(...validateBoolean("clientService.exposeMqttQuic", cs.exposeMqttQuic));
  }

  if (args.adminUsername !== undefined) {
    c.add(...validateNonEmptyString("adminUsername", args.adminUsername));
  }
  for (const cred of CREDENTIALS) {
    c.add(...validateCredential(cred.name, args[cred.name]));
  }
  if (args.logLevel !== undefined) {
    c.add(...validateOneOf("logLevel", args.logLevel, values(LogLevel)));
  }
  if (args.extraConfig !== undefined) {
    if (!isRecord(args.extraConfig)) {
      c.add(`extraConfig: must be a table of RobustMQ settings, got ${show(args.extraConfig)}`);
    } else {
      const refused = new Map([...MANAGED_CONFIG_KEYS, ...SECRET_CONFIG_KEYS]);
      if (args.listenerTls !== undefined) {
        refused.set("broker_network.tls_cert", "set by the listenerTls argument");
        refused.set("broker_network.tls_key", "set by the listenerTls argument");
      }
      c.add(...validateConfigKeys("extraConfig", args.extraConfig, refused));
    }
  }
  for (const feature of FEATURES) {
    if (args[feature.arg] !== undefined) {
      c.add(...feature.validate(args[feature.arg], { name, protocols: Array.isArray(protocols) ? protocols : [] }));
    }
  }
  // With NetworkPolicies, only the listed admin sources reach /metrics: monitoring without one
  // would scrape nothing and stay silent.
  const admin = isRecord(args.networkPolicy) && isRecord(args.networkPolicy.admin) ? args.networkPolicy.admin : undefined;
  if (isRecord(args.monitoring) && isRecord(args.networkPolicy) && admin === undefined) {
    c.add(
      "monitoring: Prometheus must reach /metrics on the admin port, which networkPolicy closes to every source outside the cluster; " +
        "list Prometheus's namespace in networkPolicy.admin.namespaces (or its addresses in networkPolicy.admin.cidrs)",
    );
  }
  if (args.clusterDomain !== undefined) {
    c.add(...validateDnsSubdomain("clusterDomain", args.clusterDomain));
  }
  for (const field of ["labels", "podLabels"] as const) {
    c.add(...validateLabels(field, args[field]));
    for (const reserved of RESERVED_LABELS.filter((r) => isRecord(args[field]) && r in args[field])) {
      c.add(`${field}.${reserved}: reserved for the component's selectors`);
    }
  }
  c.add(...validateBoolean("createNamespace", args.createNamespace), ...validateBoolean("retainVolumes", args.retainVolumes));
  c.add(...validateBoolean("metaScaleInGuard", args.metaScaleInGuard));

  // Per tier, then what the tiers must hold together.
  let engines = 0;
  for (const kind of tierKinds(known)) {
    const tierArgs = args[kind.name];
    c.add(...validateTier(kind.name, tierArgs, kind, TIER_DEFAULTS[kind.name].replicas));
    const merged = mergedTierArgs(kind, isRecord(tierArgs) ? (tierArgs as TierArgs) : {});
    // Defaults merged with user values can still put a limit under a request (requests.memory
    // raised to 4Gi with the 2Gi default limit): check the merged result too.
    c.add(...validateResources(`${kind.name}.resources`, { requests: merged.requests, limits: merged.limits }));
    for (const feature of TIER_FEATURES) {
      if (isRecord(tierArgs) && tierArgs[feature.arg] !== undefined) {
        const context = { name, protocols: Array.isArray(protocols) ? protocols : [], tier: kind, args: tierArgs, requests: merged.requests, limits: merged.limits };
        c.add(...feature.validate(tierArgs[feature.arg], context));
      }
    }
    engines += carriesEngine(kind) && Number.isInteger(merged.replicas) ? merged.replicas : 0;
  }
  const requested = isRecord(args.extraConfig) && isRecord(args.extraConfig.runtime) ? args.extraConfig.runtime.default_topic_replica_num : undefined;
  const max = topicReplicaLimit(engines);
  c.add(...validateRuntimeArgs(args, max));
  c.add(...validateBackupArgs(args));
  if (Number.isInteger(requested) && ((requested as number) < 1 || (requested as number) > max)) {
    c.add(
      `extraConfig.runtime.default_topic_replica_num: must be from 1 to ${max} with ${engines} engine-role pod(s), got ${requested}: ` +
        `a topic needs that many live engine nodes to be created or to roll a segment, and one pod may be down ` +
        `(rolling update, eviction), so the count may not exceed the engine-role pods minus one`,
    );
  }
  return c.problems;
}

function mergedTierArgs(kind: TierKind, t: TierArgs) {
  const d = TIER_DEFAULTS[kind.name];
  return {
    replicas: t.replicas ?? d.replicas,
    requests: { ...d.requests, ...(t.resources?.requests ?? {}) },
    limits: { ...d.limits, ...(t.resources?.limits ?? {}) },
  };
}

/** Ports a node with these roles listens on and declares. */
function nodePorts(roles: Role[], clientPortList: ExposedPort[], ports: Ports): ExposedPort[] {
  return [
    { name: "grpc", port: ports.grpc, transport: "TCP" },
    { name: "http", port: ports.http, transport: "TCP" },
    ...(carriesEngine({ roles }) ? [{ name: "storage", port: ports.storage, transport: "TCP" as const }] : []),
    ...(carriesBroker({ roles }) ? clientPortList : []),
  ];
}

/** Validates every argument and returns the resolved model, or throws listing every problem. */
export function resolveClusterArgs(name: string, argsIn: RobustMQClusterArgs = {}): ResolvedCluster {
  const c = new ProblemCollector();
  c.add(...validateClusterArgs(name, argsIn));
  c.throwIfAny(name);
  const args = argsIn ?? {};
  const names = clusterNames(name);
  const namespace = args.namespace ?? name;
  const clusterDomain = args.clusterDomain ?? "cluster.local";
  const topology: Topology = args.topology ?? "combined";
  const protocols = [...(args.protocols ?? ["mqtt"])] as Protocol[];
  const ports: Ports = { ...DEFAULT_PORTS, ...(args.ports ?? {}) };
  const cs = args.clientService ?? {};
  const clientService = {
    type: cs.type ?? "ClusterIP",
    annotations: cs.annotations ?? {},
    loadBalancerSourceRanges: cs.loadBalancerSourceRanges,
    exposeMqttQuic: cs.exposeMqttQuic ?? false,
    ports: clientPorts(protocols, ports, cs.exposeMqttQuic ?? false),
  };
  const kinds = tierKinds(topology);
  const metaKind = kinds.find(carriesMeta) as TierKind;
  const metaNames = tierNames(name, metaKind.name);
  const metaArgs: TierArgs = args[metaKind.name as "meta" | "combined"] ?? {};
  const metaIdentity = {
    statefulSet: metaNames.statefulSet,
    headlessService: metaNames.headlessService,
    idPrefix: metaKind.idPrefix,
    replicas: metaArgs.replicas ?? TIER_DEFAULTS[metaKind.name].replicas,
  };
  const meta = metaPods(metaIdentity, namespace, clusterDomain);
  const metaAddressed = metaPods({ ...metaIdentity, replicas: metaAddressSlots(metaIdentity.replicas) }, namespace, clusterDomain);
  const engines = kinds.filter(carriesEngine).reduce((n, k) => n + mergedTierArgs(k, args[k.name] ?? {}).replicas, 0);
  const requested = args.extraConfig?.runtime?.default_topic_replica_num as number | undefined;
  const base = { name, names, namespace, clusterDomain };

  // Features resolve with what they may know; their tier patches need the tiers, so come after.
  const features: ResolvedFeatures = {};
  for (const feature of FEATURES) {
    const value = args[feature.arg];
    if (value !== undefined) {
      (features as Record<string, unknown>)[feature.arg] = feature.resolve(value as never, base);
    }
  }
  const defaultClass = features.storageClass?.className;

  const tiers: ResolvedTier[] = kinds.map((kind) => {
    const t: TierArgs = args[kind.name] ?? {};
    const d = TIER_DEFAULTS[kind.name];
    const merged = mergedTierArgs(kind, t);
    const tierFeatures: ResolvedTierFeatures = {};
    for (const feature of TIER_FEATURES) {
      if (t[feature.arg] !== undefined) {
        tierFeatures[feature.arg] = feature.resolve(t[feature.arg] as never);
      }
    }
    return {
      name: kind.name,
      roles: kind.roles,
      idPrefix: kind.idPrefix,
      names: tierNames(name, kind.name),
      // Meta and engine tiers come up together (every node needs an alive engine node), brokers after.
      phase: carriesMeta(kind) || carriesEngine(kind) ? "core" : "brokers",
      podManagementPolicy: POD_MANAGEMENT_POLICY,
      // An autoscaled tier starts at its floor; replicas is refused alongside autoscaling.
      replicas: tierFeatures.autoscaling?.minReplicas ?? merged.replicas,
      storageSize: t.storageSize ?? d.storageSize,
      storageClassName: t.storageClassName ?? defaultClass,
      requests: merged.requests,
      limits: merged.limits,
      hostSpread: t.hostSpread ?? d.hostSpread,
      zoneSpread: t.zoneSpread ?? d.zoneSpread,
      nodeSelector: t.nodeSelector,
      tolerations: t.tolerations,
      terminationGracePeriodSeconds: t.terminationGracePeriodSeconds ?? d.terminationGracePeriodSeconds,
      startupTimeoutSeconds: t.startupTimeoutSeconds ?? d.startupTimeoutSeconds,
      partition: t.partition ?? 0,
      ports: nodePorts(kind.roles, clientService.ports, ports),
      readinessPort: readinessPortName(kind.roles, protocols, ports),
      // The admin API is served where the clients are, the broker-role pods: their node-local
      // views (an MQTT broker's clients and sessions) are the ones worth reading, and a rotated
      // admin password or JWT secret then restarts only them. Meta and engine pods hold private
      // credentials; reach their admin API through `kubectl port-forward` (loopback needs no login).
      servesAdminApi: carriesBroker(kind),
      // A peer's storage port opens only once that node has registered through a Raft leader:
      // joining it then finds a leader (its gRPC port opens before it has even joined).
      gate:
        carriesMeta(kind) && merged.replicas > 1
          ? { peers: meta.map((p) => `${p.host}:${ports.storage}`), port: ports.bootstrapGate }
          : undefined,
      volumeRetention: volumeRetention(args.retainVolumes ?? true, kind),
      ...tierFeatures,
      patches: [],
    };
  });

  const cluster: ResolvedCluster = {
    ...features,
    name,
    names,
    namespace,
    createNamespace: args.createNamespace ?? true,
    keepNamespaceOnDelete: (args.createNamespace ?? true) && tiers.some((t) => t.volumeRetention.whenDeleted === "Retain"),
    // A one-pod meta tier can only stop entirely, which the guard allows: it would guard nothing,
    // and cost every deployer cluster-scoped rights.
    metaScaleInGuard: args.metaScaleInGuard ?? meta.length > 1,
    clusterName: args.clusterName ?? name,
    topology,
    tiers,
    metaPods: meta,
    metaAddresses: metaAddressed,
    protocols,
    ports,
    image: args.imageBuild !== undefined ? "" : checkedImage(args.image ?? DEFAULT_IMAGE),
    imageBuild: args.imageBuild,
    imagePullPolicy: args.imagePullPolicy ?? "IfNotPresent",
    imagePullSecrets: [...(args.imagePullSecrets ?? [])],
    bootstrapGateImage: args.bootstrapGateImage ?? DEFAULT_BOOTSTRAP_GATE_IMAGE,
    security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, ...(args.security ?? {}) },
    clientService,
    adminUsername: args.adminUsername ?? "admin",
    logLevel: args.logLevel ?? "info",
    extraConfig: args.extraConfig ?? {},
    topicReplicas: requested ?? Math.min(DEFAULT_TOPIC_REPLICAS, topicReplicaLimit(engines)),
    clusterDomain,
    labels: args.labels ?? {},
    podLabels: args.podLabels ?? {},
  };
  cluster.runtimeSync = resolveRuntimeSync(args, tiers.find(carriesMeta)?.storageClassName);
  cluster.backup = resolveBackup(args);
  cluster.restore = resolveRestore(args);
  // Needs the resolved cluster (the manifest its arguments produce), so it comes after the other
  // checks, still before anything is registered.
  if (args.restore !== undefined) {
    c.add(...restoreProblems(cluster, args.restore.manifest));
    c.throwIfAny(name);
  }
  for (const tier of tiers) {
    tier.patches = FEATURES.flatMap((f): TierPatch[] => {
      const resolved = cluster[f.arg];
      const patch = resolved === undefined || f.tierPatch === undefined ? undefined : f.tierPatch(cluster, tier, resolved as never);
      return patch === undefined ? [] : [patch];
    });
  }
  return cluster;
}
