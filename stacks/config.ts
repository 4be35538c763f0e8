// Maps stack configuration (robustmq:* keys) to RobustMQCluster arguments. One table, STACK_CONFIG,
// says for every key its kind, where its value goes and its description; Pulumi.yaml's `config:`
// schema is that table's typed keys (tests/stacks.test.ts checks it). Type errors name the key;
// value errors are left to the component, whose messages name the argument.
import * as pulumi from "@pulumi/pulumi";
import { suggest } from "../components/validate/values";
import type { RobustMQClusterArgs, TierArgs } from "../components";
import type { RobustMQImageArgs } from "../components/image";

export const CONFIG_NAMESPACE = "robustmq";

export class StackConfigError extends Error {
  constructor(key: string, expected: string, got: string) {
    super(`stack config ${CONFIG_NAMESPACE}:${key}: expected ${expected}, got ${got}`);
    this.name = "StackConfigError";
  }
}

/** How a key's value is written in the stack file and read by the program. */
export type ConfigKind = "string" | "integer" | "boolean" | "stringList" | "object" | "objectList" | "secret";

/**
 * Where a key's value goes:
 * - `arg`: a dotted path in RobustMQClusterArgs ("meta.replicas", "clientService.annotations"). A
 *   path under a tier ("meta.", "combined.", ...) applies only when the topology has that tier.
 * - `eachTier`: the same value for that field of every tier of the topology (hostSpread).
 * - `byTier`: a map from tier name to the value of that field of the tier (resources).
 * - `setting`: a dotted path in StackSettings outside the args (name, protect, imageBuild).
 * A path inside another key's path ("imageBuild.registry.username" in "imageBuild") applies only
 * with that key set, and then replaces what that key's value holds there, set or not.
 */
export type Destination =
  | { arg: ArgPath }
  | { eachTier: keyof TierArgs }
  | { byTier: keyof TierArgs }
  | { setting: SettingPath };

/** The tiers a topology can have; each is a RobustMQClusterArgs field of type TierArgs. */
const TIER_NAMES = ["combined", "meta", "broker", "engine"] as const satisfies ReadonlyArray<keyof RobustMQClusterArgs>;
type TierName = (typeof TIER_NAMES)[number];

export type ArgPath =
  | keyof RobustMQClusterArgs
  | `${TierName}.${keyof TierArgs}`
  | `clientService.${keyof NonNullable<RobustMQClusterArgs["clientService"]>}`;
export type SettingPath = "name" | "protect" | "imageBuild" | `imageBuild.registry.${keyof RobustMQImageArgs["registry"]}`;

export interface StackConfigKey {
  key: string;
  kind: ConfigKind;
  to: Destination;
  /** Value when the key is unset. Unset keys otherwise leave the argument to the component's default. */
  default?: string | boolean;
  /** What the key does; Pulumi.yaml's description for typed keys. */
  description: string;
}

const arg = (path: ArgPath): Destination => ({ arg: path });

/** Every stack config key the program reads. */
export const STACK_CONFIG: readonly StackConfigKey[] = [
  { key: "name", kind: "string", to: { setting: "name" }, default: "robustmq",
    description: "Name of the RobustMQCluster component and prefix of every Kubernetes object (DNS label, <= 40 chars). Default robustmq." },
  { key: "namespace", kind: "string", to: arg("namespace"),
    description: "Namespace to deploy into (created with the restricted Pod Security label). Default the name." },
  { key: "topology", kind: "string", to: arg("topology"), default: "combined",
    description: "combined (every node runs meta+broker+engine) or split (separate meta, broker and engine tiers). Default combined." },
  { key: "protocols", kind: "stringList", to: arg("protocols"),
    description: "Protocols exposed to clients, from mqtt, kafka, amqp, nats. Default [mqtt]." },
  { key: "image", kind: "string", to: arg("image"),
    description: "RobustMQ image (tag or digest, never latest). Default the official image at the pinned RobustMQ version." },
  { key: "replicas", kind: "integer", to: arg("combined.replicas"),
    description: "Nodes of the combined topology (odd; 1 or 3). Default 1." },
  { key: "metaReplicas", kind: "integer", to: arg("meta.replicas"),
    description: "Split topology, meta (Raft) nodes, which are also engine nodes; odd, 3 or 5. Default 3." },
  { key: "brokerReplicas", kind: "integer", to: arg("broker.replicas"),
    description: "Split topology, broker nodes. Default 2." },
  { key: "engineReplicas", kind: "integer", to: arg("engine.replicas"),
    description: "Split topology, storage engine nodes. Default 3." },
  { key: "brokerAutoscaling", kind: "object", to: arg("broker.autoscaling"),
    description: "Split topology, a HorizontalPodAutoscaler owns the broker count (AutoscalingArgs: minReplicas, maxReplicas, targetCpuUtilization, ...); brokerReplicas must then be unset. None by default." },
  { key: "storageSize", kind: "string", to: arg("combined.storageSize"),
    description: "Combined topology, data volume size per node (Kubernetes quantity). Default 10Gi." },
  { key: "metaStorageSize", kind: "string", to: arg("meta.storageSize"),
    description: "Split topology, meta data volume size; meta pods carry the engine role and hold topic data. Default 20Gi." },
  { key: "brokerStorageSize", kind: "string", to: arg("broker.storageSize"),
    description: "Split topology, broker data volume size. Default 2Gi." },
  { key: "engineStorageSize", kind: "string", to: arg("engine.storageSize"),
    description: "Split topology, engine data volume size. Default 20Gi." },
  { key: "partition", kind: "integer", to: arg("combined.partition"),
    description: "Combined topology, canary roll-out (pods with an ordinal >= partition get a new pod template, lower ones keep the old), 0 to replicas. Default 0 (every pod)." },
  { key: "metaPartition", kind: "integer", to: arg("meta.partition"),
    description: "Split topology, canary roll-out of the meta tier (pods with an ordinal >= partition get a new pod template), 0 to metaReplicas. Default 0 (every pod)." },
  { key: "brokerPartition", kind: "integer", to: arg("broker.partition"),
    description: "Split topology, canary roll-out of the broker tier (pods with an ordinal >= partition get a new pod template), 0 to brokerReplicas. Default 0 (every pod)." },
  { key: "enginePartition", kind: "integer", to: arg("engine.partition"),
    description: "Split topology, canary roll-out of the engine tier (pods with an ordinal >= partition get a new pod template), 0 to engineReplicas. Default 0 (every pod)." },
  { key: "hostSpread", kind: "string", to: { eachTier: "hostSpread" },
    description: "Spread of each tier's pods over nodes, soft (prefer) or hard (require). Default soft." },
  { key: "zoneSpread", kind: "string", to: { eachTier: "zoneSpread" },
    description: "Spread of each tier's pods over zones, none, soft or hard. Default none." },
  { key: "resources", kind: "object", to: { byTier: "resources" },
    description: "Requests and limits per tier, keyed by tier name (combined, or meta, broker, engine): { requests: { cpu, memory }, limits: { cpu, memory } }." },
  { key: "serviceType", kind: "string", to: arg("clientService.type"),
    description: "Client Service type, ClusterIP, NodePort or LoadBalancer. Default ClusterIP." },
  { key: "serviceAnnotations", kind: "object", to: arg("clientService.annotations"),
    description: "Annotations of the client Service (e.g. load balancer settings)." },
  { key: "loadBalancerSourceRanges", kind: "stringList", to: arg("clientService.loadBalancerSourceRanges"),
    description: "CIDRs allowed to reach a LoadBalancer client Service." },
  { key: "retainVolumes", kind: "boolean", to: arg("retainVolumes"),
    description: "Keep data volumes when the cluster is deleted or scaled in. Default true." },
  { key: "metaScaleInGuard", kind: "boolean", to: arg("metaScaleInGuard"),
    description: "Create the meta scale-in guard (a cluster-scoped ValidatingAdmissionPolicy and binding). Default true when the meta tier has more than one pod." },
  { key: "protect", kind: "boolean", to: { setting: "protect" }, default: false,
    description: "Protect the cluster's resources from deletion by pulumi destroy or a replacement. Default false." },
  { key: "storageClass", kind: "object", to: arg("storageClass"),
    description: "StorageClass of the data volumes: a preset to create, or an existing class. Default the cluster's default class." },
  { key: "ingress", kind: "object", to: arg("ingress"),
    description: "Ingress for the admin HTTP API and MQTT over WebSocket. None by default." },
  { key: "listenerTls", kind: "object", to: arg("listenerTls"),
    description: "Certificate of the broker's TLS listeners (MQTTS, WSS). Default the image's bundled certificate." },
  { key: "networkPolicy", kind: "object", to: arg("networkPolicy"),
    description: "NetworkPolicies: default deny, then only what the cluster needs. None by default." },
  { key: "monitoring", kind: "object", to: arg("monitoring"),
    description: "Prometheus monitoring: ServiceMonitors or PodMonitors (Prometheus Operator) with selectorLabels, alert rules, dashboard. None by default." },
  { key: "logLevel", kind: "string", to: arg("logLevel"),
    description: "Log level of the stdout log, error, warn, info, debug or trace. Default info." },
  { key: "extraConfig", kind: "object", to: arg("extraConfig"),
    description: "Extra server.toml settings merged over the generated ones, as nested tables." },
  { key: "runtimeSync", kind: "object", to: arg("runtimeSync"),
    description: "The runtime sync (a Job applying dynamic config keys, ACLs, blacklist entries and topics through the admin API). On when any of them is set." },
  { key: "backup", kind: "object", to: arg("backup"),
    description: "Scheduled VolumeSnapshots of the meta and engine data claims (BackupArgs; volumeSnapshotClassName required). None by default." },
  { key: "restore", kind: "object", to: arg("restore"),
    description: "Create the data claims from one snapshot set before the StatefulSets (RestoreArgs: snapshotSet and the set's manifest JSON). None by default." },
  { key: "mqttAcls", kind: "objectList", to: arg("mqttAcls"),
    description: "ACL rules the runtime sync creates and keeps (AclArgs). None by default." },
  { key: "mqttBlacklist", kind: "objectList", to: arg("mqttBlacklist"),
    description: "Blacklist entries the runtime sync creates and keeps (BlacklistEntryArgs). None by default." },
  { key: "topics", kind: "objectList", to: arg("topics"),
    description: "Topics the runtime sync creates; removing one deletes it and its messages (TopicArgs). None by default." },
  { key: "adminUsername", kind: "string", to: arg("adminUsername"),
    description: "Admin HTTP API user. Default admin (its password is always generated or set as a secret)." },
  { key: "adminPassword", kind: "secret", to: arg("adminPassword"),
    description: "Admin HTTP API password. Generated when unset." },
  { key: "jwtSecret", kind: "secret", to: arg("jwtSecret"),
    description: "Secret that signs admin API tokens (>= 32 chars). Generated when unset." },
  { key: "mqttUsername", kind: "secret", to: arg("mqttUsername"),
    description: "Initial MQTT superuser, seeded when the cluster first starts. Generated when unset." },
  { key: "mqttPassword", kind: "secret", to: arg("mqttPassword"),
    description: "Password of the initial MQTT superuser, seeded when the cluster first starts. Generated when unset." },
  { key: "imageBuild", kind: "object", to: { setting: "imageBuild" },
    description: "Build the image from source into a registry instead of running a prebuilt one (RobustMQImage arguments); excludes image." },
  { key: "imageRegistryUsername", kind: "string", to: { setting: "imageBuild.registry.username" },
    description: "User for the registry imageBuild pushes to (its password is the secret imageRegistryPassword). Unset uses the machine's docker login." },
  { key: "imageRegistryPassword", kind: "secret", to: { setting: "imageBuild.registry.password" },
    description: "Password or token for the registry imageBuild pushes to. Unset uses the machine's docker login." },
];

export const STACK_CONFIG_KEYS: readonly string[] = STACK_CONFIG.map((e) => e.key);

/** Pulumi.yaml's type of a kind; objects and secrets cannot be typed there (the program checks them). */
const SCHEMA_TYPES: Partial<Record<ConfigKind, ProjectConfigType>> = {
  string: { type: "string" },
  integer: { type: "integer" },
  boolean: { type: "boolean" },
  stringList: { type: "array", items: { type: "string" } },
};

export interface ProjectConfigType {
  type: "string" | "integer" | "boolean" | "array";
  items?: { type: "string" };
}

/**
 * The `config:` section Pulumi.yaml must have: the typed keys that have a default here, with it.
 * The Pulumi CLI requires a value for every key the project declares without a default ("Stack
 * 'dev' is missing configuration values ...", found by the end-to-end run), so a key whose unset
 * value leaves the choice to the component cannot be declared there; the program checks its type
 * and names the key (Reader below).
 */
export function projectConfigSchema(): Record<string, ProjectConfigType & { description: string; default: string | boolean }> {
  const schema: Record<string, ProjectConfigType & { description: string; default: string | boolean }> = {};
  for (const e of STACK_CONFIG) {
    const type = SCHEMA_TYPES[e.kind];
    if (type !== undefined && e.default !== undefined) {
      schema[e.key] = { ...structuredClone(type), description: e.description, default: e.default };
    }
  }
  return schema;
}

/** Typed reads over pulumi.Config: every failure names the key and the expected type. */
class Reader {
  constructor(private readonly config: pulumi.Config) {}

  read(key: string, kind: ConfigKind): unknown {
    return this[kind](key);
  }

  private raw(key: string): string | undefined {
    return this.config.get(key);
  }

  private json(key: string): unknown {
    const raw = this.raw(key);
    if (raw === undefined) {
      return undefined;
    }
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }

  string(key: string): string | undefined {
    const raw = this.raw(key);
    if (raw !== undefined && raw.trim() === "") {
      throw new StackConfigError(key, "a non-empty string", JSON.stringify(raw));
    }
    return raw;
  }

  integer(key: string): number | undefined {
    const raw = this.raw(key);
    if (raw === undefined) {
      return undefined;
    }
    if (!/^-?\d+$/.test(raw.trim())) {
      throw new StackConfigError(key, "an integer", JSON.stringify(raw));
    }
    return Number(raw);
  }

  boolean(key: string): boolean | undefined {
    const raw = this.raw(key);
    if (raw === undefined) {
      return undefined;
    }
    if (raw !== "true" && raw !== "false") {
      throw new StackConfigError(key, "true or false", JSON.stringify(raw));
    }
    return raw === "true";
  }

  stringList(key: string): string[] | undefined {
    const v = this.json(key);
    if (v === undefined) {
      return undefined;
    }
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) {
      throw new StackConfigError(key, "a list of strings", JSON.stringify(v));
    }
    return v;
  }

  object(key: string): Record<string, unknown> | undefined {
    const v = this.json(key);
    if (v === undefined) {
      return undefined;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      throw new StackConfigError(key, "an object (a YAML map)", JSON.stringify(v));
    }
    return v as Record<string, unknown>;
  }

  objectList(key: string): Array<Record<string, unknown>> | undefined {
    const v = this.json(key);
    if (v === undefined) {
      return undefined;
    }
    if (!Array.isArray(v) || !v.every((o) => o !== null && typeof o === "object" && !Array.isArray(o))) {
      throw new StackConfigError(key, "a list of objects (YAML maps)", JSON.stringify(v));
    }
    return v as Array<Record<string, unknown>>;
  }

  secret(key: string): pulumi.Output<string> | undefined {
    return this.raw(key) === undefined ? undefined : this.config.requireSecret(key);
  }
}

export interface StackSettings {
  /** Name of the component, and base of every object name. */
  name: string;
  args: RobustMQClusterArgs;
  /** Build the image from source into the stack's registry instead of running a prebuilt one. */
  imageBuild?: RobustMQImageArgs;
  /** Protect the component and its children from deletion (prod). */
  protect: boolean;
}

/** The tiers of a topology; an unknown topology gets the combined tier (the component refuses it). */
function topologyTiers(topology: unknown): readonly TierName[] {
  return topology === "split" ? ["meta", "broker", "engine"] : ["combined"];
}

/** Where an arg or setting destination lands in { args, ...settings }; none for the per-tier ones. */
function destinationPath(to: Destination): string | undefined {
  return "arg" in to ? `args.${to.arg}` : "setting" in to ? to.setting : undefined;
}

/**
 * Rejects robustmq:* keys the program does not read: Pulumi accepts any key, so a misspelt one
 * would otherwise be ignored without a word.
 */
export function checkKnownKeys(allConfig: Record<string, string>): void {
  const unknown = Object.keys(allConfig)
    .filter((k) => k.startsWith(`${CONFIG_NAMESPACE}:`))
    .map((k) => k.slice(CONFIG_NAMESPACE.length + 1))
    .filter((k) => !STACK_CONFIG_KEYS.includes(k));
  if (unknown.length > 0) {
    const named = unknown.map((k) => {
      const guess = suggest(k, STACK_CONFIG_KEYS);
      return `${CONFIG_NAMESPACE}:${k}${guess === undefined ? "" : ` (did you mean ${CONFIG_NAMESPACE}:${guess}?)`}`;
    });
    throw new Error(`stack config: unknown key(s) ${named.join(", ")} (accepted: ${STACK_CONFIG_KEYS.join(", ")})`);
  }
}

/** Sets a dotted path, creating the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let at = target;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    at = (next !== null && typeof next === "object" ? next : (at[part] = {})) as Record<string, unknown>;
  }
  at[parts[parts.length - 1]] = value;
}

export function readStackSettings(config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE)): StackSettings {
  checkKnownKeys(pulumi.runtime.allConfig());
  const r = new Reader(config);
  const values = new Map<string, unknown>();
  for (const e of STACK_CONFIG) {
    const value = r.read(e.key, e.kind) ?? e.default;
    if (value !== undefined) {
      values.set(e.key, value);
    }
  }
  if (values.has("image") && values.has("imageBuild")) {
    throw new Error(`stack config: set ${CONFIG_NAMESPACE}:image (a prebuilt image) or ${CONFIG_NAMESPACE}:imageBuild (build one), not both`);
  }

  const tiers = topologyTiers(values.get("topology"));
  // { args, ...the other settings }, filled from the table.
  const out: Record<string, unknown> = { args: {} };
  const onTopology = (path: string) => {
    const [root, first] = path.split(".");
    return root !== "args" || !(TIER_NAMES as readonly string[]).includes(first) || (tiers as readonly string[]).includes(first);
  };
  const pathed = STACK_CONFIG.flatMap((e) => {
    const path = destinationPath(e.to);
    return path === undefined ? [] : [{ e, path }];
  });
  const outerOf = (path: string) => pathed.find((o) => path.startsWith(`${o.path}.`));
  for (const { e, path } of pathed.filter((p) => outerOf(p.path) === undefined)) {
    if (values.has(e.key) && onTopology(path)) {
      setPath(out, path, values.get(e.key));
    }
  }
  for (const { e, path } of pathed) {
    const outer = outerOf(path);
    if (outer === undefined) {
      continue;
    }
    if (values.has(outer.e.key)) {
      setPath(out, path, values.get(e.key));
    } else if (values.has(e.key)) {
      const inner = pathed.filter((p) => outerOf(p.path) === outer).map((p) => p.e.key);
      throw new Error(`stack config: ${CONFIG_NAMESPACE}:${inner.join("/")} only apply with ${CONFIG_NAMESPACE}:${outer.e.key}`);
    }
  }
  for (const e of STACK_CONFIG) {
    const to = e.to;
    const value = values.get(e.key);
    if ("eachTier" in to && value !== undefined) {
      tiers.forEach((t) => setPath(out, `args.${t}.${to.eachTier}`, value));
    } else if ("byTier" in to && value !== undefined) {
      tiers.forEach((t) => setPath(out, `args.${t}.${to.byTier}`, (value as Record<string, unknown>)[t]));
    }
  }
  return {
    name: out.name as string,
    args: prune(out.args as Record<string, unknown>) as RobustMQClusterArgs,
    imageBuild: out.imageBuild as RobustMQImageArgs | undefined,
    protect: out.protect as boolean,
  };
}

/** Drops unset values so the component applies its own defaults. */
function prune(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) {
      continue;
    }
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !pulumi.Output.isInstance(v)) {
      const inner = prune(v as Record<string, unknown>);
      if (Object.keys(inner).length > 0 || k === "extraConfig") {
        out[k] = inner;
      }
      continue;
    }
    out[k] = v;
  }
  return out;
}
