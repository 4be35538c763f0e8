// Evaluates a stack under Pulumi's mock runtime, records every resource with its options, and plans
// "before -> after" as `pulumi preview` would: per object unchanged / update / replace / create /
// delete by the Kubernetes provider's rules (k8s-rules.ts), refusals by the engine's protect rules,
// and pod restarts per workload. Generic: names, kinds and options come from what gets registered.
import * as pulumi from "@pulumi/pulumi";
import { parse as parseToml } from "smol-toml";
import { RobustMQCluster } from "../../components";
import type { RobustMQClusterArgs } from "../../components";
import { MockRunOptions, runWithMocks, withIgnoredMasked } from "../../offline/mock-runtime";
import { deployStack } from "../../stacks/program";
import { readStackSettings } from "../../stacks/config";
import { engineIgnored, PathSegment, pathContains, ProviderFlags, providerChecked, providerDiff } from "./k8s-rules";

/** Pulumi's marker of a secret value in serialised inputs (@pulumi/pulumi runtime/rpc.js specialSigKey). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** The options the engine sees for a resource, as the SDK sends them (runtime/resource.js:367-395). */
export interface RecordedOptions {
  /** After inheritance: resource.js:211-213 copies the parent's protect only when the child's own is undefined. */
  protect: boolean;
  deleteBeforeReplace?: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  retainOnDelete?: boolean;
}

export interface PlannedObject {
  /** type::name, parent chain included (the URN's identity). */
  key: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  inputs: Record<string, any>;
  opts: RecordedOptions;
}

export type Snapshot = Map<string, PlannedObject>;

interface Registration {
  res: pulumi.Resource;
  parent?: pulumi.Resource;
  type: string;
  name: string;
  custom: boolean;
  opts: pulumi.CustomResourceOptions;
}

let recording: Registration[] | undefined;
let patched = false;

/**
 * Wraps @pulumi/pulumi's runtime registerResource, which Resource's constructor calls (resource.js:300)
 * after it has filled in inherited options. Nothing of the component is changed.
 */
function captureOptions(): void {
  if (patched) {
    return;
  }
  patched = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rt = require("@pulumi/pulumi/runtime/resource");
  const original = rt.registerResource;
  rt.registerResource = function (res: pulumi.Resource, parent: pulumi.Resource | undefined, type: string, name: string, custom: boolean, ...rest: any[]) {
    const opts = rest[3] as pulumi.CustomResourceOptions;
    recording?.push({ res, parent, type, name, custom, opts: { ...opts } });
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments);
  };
}

/** Replaces Pulumi's serialised secrets by their values: the plan compares contents. */
function unwrap(value: unknown): any {
  if (Array.isArray(value)) {
    return value.map(unwrap);
  }
  if (value !== null && typeof value === "object") {
    if (SECRET_SIG_KEY in value) {
      return unwrap((value as any).value);
    }
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

export interface Evaluation {
  config: Record<string, string>;
  secretKeys: string[];
  stack: string;
  /** Applied to the args deployStack would pass (for changes that are not stack config keys). */
  mutateArgs?: (args: RobustMQClusterArgs) => RobustMQClusterArgs;
}

/** deployStack, with the args passed through `mutate`: the same three lines as stacks/program.ts. */
function programWith(mutate: (args: RobustMQClusterArgs) => RobustMQClusterArgs) {
  return () => {
    const settings = readStackSettings();
    const args = settings.imageBuild === undefined ? settings.args : { ...settings.args, imageBuild: settings.imageBuild };
    return new RobustMQCluster(settings.name, mutate(args), { protect: settings.protect });
  };
}

export async function evaluate(e: Evaluation): Promise<Snapshot> {
  return evaluateProgram(e.mutateArgs === undefined ? deployStack : programWith(e.mutateArgs), { config: e.config, secretKeys: e.secretKeys, stack: e.stack });
}

/** Runs any program under mocks and returns what it registered, options included. */
export async function evaluateProgram(program: () => unknown, options: MockRunOptions = {}): Promise<Snapshot> {
  captureOptions();
  const regs: Registration[] = [];
  const { resources } = await runWithMocks(() => {
    recording = regs;
    return program();
  }, options);
  recording = undefined;
  const keys = new Map<pulumi.Resource, string>();
  const keyOf = (r: Registration) => {
    const parentKey = r.parent === undefined ? undefined : keys.get(r.parent);
    return `${parentKey === undefined ? "" : `${parentKey}$`}${r.type}::${r.name}`;
  };
  const snapshot: Snapshot = new Map();
  for (const r of regs) {
    const key = keyOf(r);
    keys.set(r.res, key);
    if (snapshot.has(key)) {
      throw new Error(`two resources with identity ${key}`);
    }
    const mocked = resources.filter((m) => m.type === r.type && m.name === r.name);
    if (r.custom && mocked.length !== 1) {
      throw new Error(`expected one mock registration of ${r.type}::${r.name}, got ${mocked.length}`);
    }
    snapshot.set(key, {
      key,
      type: r.type,
      name: r.name,
      custom: r.custom,
      parent: r.parent === undefined ? undefined : keys.get(r.parent),
      inputs: mocked.length === 1 ? unwrap(mocked[0].inputs) : {},
      opts: {
        protect: r.opts.protect === true,
        deleteBeforeReplace: r.opts.deleteBeforeReplace,
        ignoreChanges: r.opts.ignoreChanges ?? [],
        replaceOnChanges: r.opts.replaceOnChanges ?? [],
        retainOnDelete: r.opts.retainOnDelete,
      },
    });
  }
  return snapshot;
}

/**
 * A snapshot with the live pod counts of some StatefulSets (by object name) in place of the
 * program's: what a `pulumi refresh` records once an autoscaler has moved them.
 */
export function withLiveReplicas(s: Snapshot, live: Record<string, number> | undefined): Snapshot {
  if (live === undefined) {
    return s;
  }
  const out: Snapshot = new Map([...s].map(([k, o]) => [k, structuredClone(o)]));
  for (const [name, replicas] of Object.entries(live)) {
    const sts = [...out.values()].find((o) => o.inputs.kind === "StatefulSet" && o.inputs.metadata?.name === name);
    if (sts === undefined) {
      throw new Error(`no StatefulSet ${name}`);
    }
    sts.inputs.spec.replicas = replicas;
  }
  return out;
}

export type Action = "same" | "update" | "replace" | "create" | "delete";

export interface ObjectPlan {
  key: string;
  type: string;
  kind: string;
  /** metadata.name for Kubernetes objects, the Pulumi name otherwise. */
  name: string;
  action: Action;
  /** replace only: delete-before-replace (provider's answer, overridden by the program's option). */
  deleteBeforeReplace?: boolean;
  /** Paths that force the replacement. */
  replaceKeys: string[];
  changed: string[];
  /** Why the engine refuses this step, if it does. */
  refused?: string;
  stateful: boolean;
  serving: boolean;
  /** For non-Kubernetes resources: the plan is "inputs differ", their provider's rules are not modelled. */
  modelled: boolean;
}

/**
 * Kinds whose replacement loses state or interrupts traffic (see the test's comment for why each):
 * the assertion "no replacement of anything that holds state or serves traffic" reads these.
 */
export const STATEFUL_KINDS = new Set(["Namespace", "StatefulSet", "PersistentVolumeClaim", "PersistentVolume"]);
export const SERVING_KINDS = new Set(["Service", "Ingress", "NetworkPolicy", "Certificate", "StatefulSet", "Deployment", "DaemonSet"]);

const isKube = (type: string) => type.startsWith("kubernetes:");
/** pulumi-kubernetes kinds.IsPatchResource: the resource type's name ends in "Patch". */
const isPatch = (type: string) => isKube(type) && type.endsWith("Patch");

function kindOf(o: PlannedObject): string {
  // A patch is not the object it patches: dropping it from the stack leaves the object (and with
  // retainOnDelete, the fields it set) alone.
  if (isPatch(o.type)) {
    return o.type.split(":").pop() as string;
  }
  return isKube(o.type) ? String(o.inputs.kind ?? o.type.split(":").pop()) : o.type.split(":").pop() ?? o.type;
}

function objectName(o: PlannedObject): string {
  return isKube(o.type) ? String(o.inputs.metadata?.name ?? o.name) : o.name;
}

/**
 * The engine's decision per object (step_generator.go generateSteps/generateStepsFromDiff,
 * GenerateDeletes; step.go DeleteStep.Apply).
 */
export function plan(before: Snapshot, after: Snapshot, flags: ProviderFlags): ObjectPlan[] {
  const out: ObjectPlan[] = [];
  const base = (o: PlannedObject) => ({
    key: o.key,
    type: o.type,
    kind: kindOf(o),
    name: objectName(o),
    stateful: STATEFUL_KINDS.has(kindOf(o)),
    serving: SERVING_KINDS.has(kindOf(o)),
    modelled: isKube(o.type) || !o.custom,
  });
  for (const [key, n] of after) {
    const o = before.get(key);
    if (o === undefined) {
      out.push({ ...base(n), action: "create", replaceKeys: [], changed: [] });
      continue;
    }
    if (!n.custom) {
      out.push({ ...base(n), action: "same", replaceKeys: [], changed: [] });
      continue;
    }
    if (!isKube(n.type)) {
      const changed = JSON.stringify(o.inputs) !== JSON.stringify(n.inputs);
      out.push({ ...base(n), action: changed ? "update" : "same", replaceKeys: [], changed: changed ? ["(inputs)"] : [] });
      continue;
    }
    // What the state holds (the provider's checked inputs) against the new inputs after the
    // engine's ignoreChanges and the provider's Check.
    const olds = providerChecked(o.inputs);
    const d = providerDiff(olds, providerChecked(engineIgnored(n.inputs, olds, n.opts.ignoreChanges)), flags, n.opts, isPatch(n.type));
    if (!d.changes) {
      out.push({ ...base(n), action: "same", replaceKeys: [], changed: [] });
      continue;
    }
    if (d.replaces.length === 0) {
      out.push({ ...base(n), action: "update", replaceKeys: [], changed: d.changed });
      continue;
    }
    // step_generator.go: goal.DeleteBeforeReplace, when set, overrides the provider's answer.
    const dbr = n.opts.deleteBeforeReplace ?? d.deleteBeforeReplace;
    // step_generator.go: "if new.Protect && old.Protect" -> "unable to replace resource ... marked for protection".
    const refused = n.opts.protect && o.opts.protect ? "replacement of a protected resource" : undefined;
    out.push({ ...base(n), action: "replace", deleteBeforeReplace: dbr, replaceKeys: d.replaces, changed: d.changed, refused });
  }
  for (const [key, o] of before) {
    if (!after.has(key)) {
      // step.go DeleteStep.Apply: "if s.old.Protect" -> "unable to delete resource ... marked for protection".
      // provider.go Delete: a Patch resource relinquishes its fields, which fails when one of them
      // is required (a claim's size) unless retainOnDelete keeps the provider out of it.
      const relinquish = isPatch(o.type) && o.opts.retainOnDelete !== true ? "relinquishing a patch's required field" : undefined;
      out.push({ ...base(o), action: "delete", replaceKeys: [], changed: [], refused: o.opts.protect ? "deletion of a protected resource" : relinquish });
    }
  }
  return out;
}

/** Workload kinds whose pod template rolls its pods. */
const WORKLOADS = new Set(["StatefulSet", "Deployment"]);

export interface Restart {
  /** The workload's tier: its app.kubernetes.io/component label, else its name. */
  tier: string;
  key: string;
  pods: number;
  /** Whether what the pods run (spec with the files and env they read resolved, image included) changed. */
  runningConfigChanged: boolean;
  /** Pod template paths that changed. */
  templateChanges: string[];
}

const tierOf = (o: PlannedObject) => String(o.inputs.metadata?.labels?.["app.kubernetes.io/component"] ?? objectName(o));

/**
 * Pods restarted per workload: a pod template change rolls every existing replica (a StatefulSet
 * RollingUpdate from the highest ordinal down to `partition`; OnDelete rolls none), a replacement
 * or deletion stops them all. New replicas of a scale-out are creations, not restarts.
 */
export function restarts(before: Snapshot, after: Snapshot, plans: ObjectPlan[]): Restart[] {
  const out: Restart[] = [];
  for (const p of plans) {
    if (!WORKLOADS.has(p.kind) || !isKube(p.type) || p.action === "create" || p.action === "same") {
      continue;
    }
    const o = before.get(p.key) as PlannedObject;
    const n = after.get(p.key);
    const oldReplicas = Number(o.inputs.spec?.replicas ?? 1);
    const running = n === undefined || JSON.stringify(effectivePodSpec(o, before)) !== JSON.stringify(effectivePodSpec(n, after));
    if (p.action === "delete" || p.action === "replace") {
      out.push({ tier: tierOf(o), key: p.key, pods: oldReplicas, runningConfigChanged: running, templateChanges: ["(object " + p.action + "d)"] });
      continue;
    }
    const templateChanges = p.changed.filter((c) => c.startsWith("spec.template"));
    if (templateChanges.length === 0) {
      continue;
    }
    const strategy = n?.inputs.spec?.updateStrategy ?? {};
    const partition = Number(strategy.rollingUpdate?.partition ?? 0);
    // An ignored count is not applied: the live one (the old state's) stays (k8s-rules.ts appliedOnUpdate).
    const countIgnored = (n?.opts.ignoreChanges ?? []).some((i) => pathContains(i, ["spec", "replicas"]));
    const newReplicas = countIgnored ? oldReplicas : Number(n?.inputs.spec?.replicas ?? 1);
    const rolled = strategy.type === "OnDelete" ? 0 : Math.max(0, Math.min(oldReplicas, newReplicas) - partition);
    out.push({ tier: tierOf(o), key: p.key, pods: rolled, runningConfigChanged: running, templateChanges });
  }
  return out;
}

function findObject(snapshot: Snapshot, kind: string, namespace: string | undefined, name: string): PlannedObject | undefined {
  return [...snapshot.values()].find(
    (o) => isKube(o.type) && o.inputs.kind === kind && o.inputs.metadata?.name === name && (o.inputs.metadata?.namespace ?? namespace) === namespace,
  );
}

/** The files or values a Secret/ConfigMap holds (stringData over data, base64 decoded). */
function contents(o: PlannedObject | undefined): Record<string, string> | undefined {
  if (o === undefined) {
    return undefined;
  }
  // A value under ignoreChanges is the one stored at creation, whatever this run drew.
  const inputs = withIgnoredMasked(o.inputs, o.opts.ignoreChanges);
  const decoded = Object.fromEntries(Object.entries<string>(inputs.data ?? {}).map(([k, v]) => [k, inputs.kind === "Secret" ? Buffer.from(v, "base64").toString() : v]));
  return { ...decoded, ...(inputs.stringData ?? {}) };
}

/**
 * What a pod runs, as far as its process can tell: the template's spec with every ConfigMap/Secret
 * it mounts or reads into env resolved to the content, and each server.toml reduced to the tables
 * the node's roles read (tablesReadBy). Pod labels and annotations are not part of it.
 */
export function effectivePodSpec(workload: PlannedObject, snapshot: Snapshot): unknown {
  const ns: string | undefined = workload.inputs.metadata?.namespace;
  const spec = structuredClone(workload.inputs.spec?.template?.spec ?? {});
  const source = (kind: "ConfigMap" | "Secret", name: string, items?: Array<{ key: string; path: string }>) => {
    const c = contents(findObject(snapshot, kind, ns, name));
    if (c === undefined) {
      return { external: `${kind}/${name}`, items };
    }
    const files = items === undefined ? c : Object.fromEntries(items.map((i) => [i.path, c[i.key]]));
    return Object.fromEntries(Object.entries(files).map(([path, text]) => [path, readAs(path, text)]));
  };
  for (const v of spec.volumes ?? []) {
    if (v.configMap) {
      v.configMap = source("ConfigMap", v.configMap.name, v.configMap.items);
    }
    if (v.secret) {
      v.secret = source("Secret", v.secret.secretName, v.secret.items);
    }
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap) {
        s.configMap = source("ConfigMap", s.configMap.name, s.configMap.items);
      }
      if (s.secret) {
        s.secret = source("Secret", s.secret.name, s.secret.items);
      }
    }
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const e of c.env ?? []) {
      const cm = e.valueFrom?.configMapKeyRef;
      const sk = e.valueFrom?.secretKeyRef;
      if (cm) {
        e.valueFrom = { resolved: contents(findObject(snapshot, "ConfigMap", ns, cm.name))?.[cm.key] ?? `external ${cm.name}/${cm.key}` };
      }
      if (sk) {
        e.valueFrom = { resolved: contents(findObject(snapshot, "Secret", ns, sk.name))?.[sk.key] ?? `external ${sk.name}/${sk.key}` };
      }
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) {
        e.configMapRef = source("ConfigMap", e.configMapRef.name);
      }
      if (e.secretRef) {
        e.secretRef = source("Secret", e.secretRef.name);
      }
    }
  }
  return canonical(spec);
}

/**
 * RobustMQ's server.toml tables read only by some roles. The one piece of RobustMQ knowledge here:
 * the protocol runtimes and listeners belong to the broker role, meta_runtime to the meta role,
 * storage_runtime to the engine role (RobustMQ v0.4.11 src/common/config/src/config.rs names them
 * so; every other table, meta_addrs, log, admin and runtime included, is taken as read by all).
 */
export const ROLE_TABLES: Record<string, string[]> = {
  broker: ["mqtt_runtime", "kafka_runtime", "amqp_runtime", "nats_runtime", "broker_network"],
  meta: ["meta_runtime"],
  engine: ["storage_runtime"],
};

function tablesReadBy(doc: Record<string, unknown>): Record<string, unknown> {
  const roles = Array.isArray(doc.roles) ? (doc.roles as string[]) : undefined;
  if (roles === undefined) {
    return doc;
  }
  const unread = Object.entries(ROLE_TABLES)
    .filter(([role]) => !roles.includes(role))
    .flatMap(([, tables]) => tables);
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !unread.includes(k)));
}

function readAs(path: string, text: string | undefined): unknown {
  if (text === undefined || !path.endsWith(".toml")) {
    return text;
  }
  try {
    return tablesReadBy(parseToml(text) as Record<string, unknown>);
  } catch {
    return text;
  }
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(canonical);
  }
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as any)[k])]),
    );
  }
  return v;
}

export type { PathSegment };
