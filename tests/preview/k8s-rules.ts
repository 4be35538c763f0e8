// The Kubernetes provider's own replacement rules and the Pulumi engine's protect rules, as data,
// so a test can say what `pulumi preview` would plan for a change without a cluster or an engine.
//
// Sources (read, not guessed):
// - pulumi/pulumi-kubernetes at 94977969d64112b04e19945818a7d5d5f38f631d:
//   provider/pkg/provider/diff.go (forceNew table, forceNewProperties),
//   provider/pkg/provider/provider.go (Diff, convertPatchToDiff, enable*Mutable flags),
//   provider/pkg/openapi/match.go (PatchPropertiesChanged: jsonpath over the patch slice),
//   provider/pkg/clients/clients.go (IsSecret, IsConfigMap, IsImmutable).
// - pulumi/pulumi pkg/resource/deploy/step_generator.go (generateStepsFromDiff: protected
//   replacement, deleteBeforeReplace override) and pkg/resource/deploy/step.go (DeleteStep.Apply).
// - @pulumi/pulumi 3.248.0 resource.js (protect inheritance, lines 211-213, 253) and
//   runtime/resource.js (what the SDK sends: lines 367-395).
import { propertyPath } from "../../offline/mock-runtime";

/** A JSON path in the provider's forceNew notation: ".spec.volumeClaimTemplates", ".spec.containers[*].image". */
type Properties = readonly string[];

// diff.go:243-251
const labelSelector = (prefix: string): Properties => [
  `${prefix}.matchExpressions`,
  `${prefix}.matchExpressions.key`,
  `${prefix}.matchExpressions.operator`,
  `${prefix}.matchExpressions.values`,
  `${prefix}.matchLabels`,
];

// diff.go:214-241
const containerProps = (...prefixes: string[]): Properties =>
  prefixes.flatMap((p) =>
    [
      ".args", ".command", ".env", ".env.value", ".image", ".imagePullPolicy", ".lifecycle", ".livenessProbe", ".ports",
      ".readinessProbe", ".resources", ".securityContext", ".stdin", ".stdinOnce", ".terminationMessagePath",
      ".terminationMessagePolicy", ".tty", ".volumeDevices", ".volumeMounts", ".workingDir",
    ].map((f) => p + f),
  );

// diff.go:196-205
const statefulSet: Properties = [".spec.podManagementPolicy", ".spec.revisionHistoryLimit", ".spec.selector", ".spec.serviceName", ".spec.volumeClaimTemplates", ...labelSelector(".spec.selector")];
// diff.go:164-176
const daemonsetOrDeployment: Properties = [".spec.selector", ...labelSelector(".spec.selector")];
// diff.go:178-186
const job: Properties = [".spec.completions", ".spec.parallelism", ".spec.selector", ".spec.template", ...labelSelector(".spec.selector")];
// diff.go:188-190 (listed for policy/v1beta1 only: diff.go:62-64; policy/v1 PDBs are updated in place)
const podDisruptionBudget: Properties = [".spec"];
// diff.go:192-194
const roleBinding: Properties = [".roleRef"];

// diff.go:85-162
const core: Record<string, Record<string, Properties>> = {
  v1: {
    PersistentVolume: [
      ".spec.awsElasticBlockStore", ".spec.azureDisk", ".spec.azureFile", ".spec.cephfs", ".spec.cinder", ".spec.csi", ".spec.fc",
      ".spec.flexVolume", ".spec.flocker", ".spec.gcePersistentDisk", ".spec.glusterfs", ".spec.hostPath", ".spec.iscsi", ".spec.local",
      ".spec.nfs", ".spec.photonPersistentDisk", ".spec.portworxVolume", ".spec.quobyte", ".spec.rbd", ".spec.scaleIO", ".spec.storageos",
      ".spec.vsphereVolume",
    ],
    PersistentVolumeClaim: [".spec.accessModes", ".spec.selector", ".spec.storageClassName", ".spec.volumeName", ...labelSelector(".spec.selector")],
    Pod: [
      ".spec.affinity", ".spec.automountServiceAccountToken", ".spec.dnsConfig", ".spec.dnsPolicy", ".spec.enableServiceLinks",
      ".spec.hostAliases", ".spec.hostIPC", ".spec.hostNetwork", ".spec.hostPID", ".spec.hostname", ".spec.imagePullSecrets",
      ".spec.nodeName", ".spec.nodeSelector", ".spec.overhead", ".spec.preemptionPolicy", ".spec.priority", ".spec.priorityClassName",
      ".spec.readinessGates", ".spec.restartPolicy", ".spec.runtimeClassName", ".spec.schedulerName", ".spec.securityContext",
      ".spec.serviceAccount", ".spec.serviceAccountName", ".spec.shareProcessNamespace", ".spec.subdomain",
      ".spec.terminationGracePeriodSeconds", ".spec.volumes",
      ...containerProps(".spec.containers[*]", ".spec.initContainers[*]"),
    ],
    ResourceQuota: [".spec.scopes"],
    Secret: [".type"],
    Service: [".spec.clusterIP"],
  },
};

/** diff.go:45-83: group -> version -> kind -> properties whose change forces a replacement. */
export const FORCE_NEW: Record<string, Record<string, Record<string, Properties>>> = {
  apps: {
    v1beta1: { StatefulSet: statefulSet },
    v1beta2: { DaemonSet: daemonsetOrDeployment, Deployment: daemonsetOrDeployment, StatefulSet: statefulSet },
    v1: { DaemonSet: daemonsetOrDeployment, Deployment: daemonsetOrDeployment, StatefulSet: statefulSet },
  },
  core,
  "": core,
  policy: { v1beta1: { PodDisruptionBudget: podDisruptionBudget } },
  "rbac.authorization.k8s.io": {
    v1alpha1: { ClusterRoleBinding: roleBinding, RoleBinding: roleBinding },
    v1beta1: { ClusterRoleBinding: roleBinding, RoleBinding: roleBinding },
    v1: { ClusterRoleBinding: roleBinding, RoleBinding: roleBinding },
  },
  "storage.k8s.io": { v1: { StorageClass: [".parameters", ".provisioner"] } },
  batch: { v1beta1: { Job: job }, v1: { Job: job }, v2alpha1: { Job: job } },
};

/**
 * Provider settings that change the rules. provider.go:696-726: `kubernetes:enableConfigMapMutable`
 * and `kubernetes:enableSecretMutable` (or PULUMI_K8S_ENABLE_CONFIGMAP_MUTABLE /
 * PULUMI_K8S_ENABLE_SECRET_MUTABLE) default to false.
 */
export interface ProviderFlags {
  enableConfigMapMutable: boolean;
  enableSecretMutable: boolean;
}

export const DEFAULT_PROVIDER_FLAGS: ProviderFlags = { enableConfigMapMutable: false, enableSecretMutable: false };

/** Reads the flags from stack config ("kubernetes:enableConfigMapMutable": "true"), as provider.go:696-726 does. */
export function providerFlags(config: Record<string, string>): ProviderFlags {
  return {
    enableConfigMapMutable: config["kubernetes:enableConfigMapMutable"] === "true",
    enableSecretMutable: config["kubernetes:enableSecretMutable"] === "true",
  };
}

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export function gvkOf(inputs: Record<string, any>): Gvk {
  const apiVersion: string = inputs.apiVersion ?? "";
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  return { group, version, kind: inputs.kind ?? "" };
}

/** diff.go:23-38 forceNewProperties: every object also gets .metadata.name and .metadata.namespace (diff.go:207-212). */
export function forceNewProperties(inputs: Record<string, any>, flags: ProviderFlags): string[] {
  const gvk = gvkOf(inputs);
  const props = [".metadata.name", ".metadata.namespace"];
  const version = FORCE_NEW[gvk.group]?.[gvk.version];
  if (version !== undefined) {
    // clients.go:322-337: core Secret / ConfigMap, `immutable: true`.
    const isCore = gvk.group === "" || gvk.group === "core";
    const immutable = inputs.immutable === true;
    if (isCore && gvk.kind === "Secret" && (!flags.enableSecretMutable || immutable)) {
      props.push(".type", ".stringData", ".data");
    } else if (version[gvk.kind] !== undefined) {
      props.push(...version[gvk.kind]);
    } else if (isCore && gvk.kind === "ConfigMap" && (!flags.enableConfigMapMutable || immutable)) {
      props.push(".binaryData", ".data");
    }
  }
  return props;
}

export type PathSegment = string | number;

export type DiffKind = "add" | "delete" | "update";

export interface PropertyDiff {
  path: PathSegment[];
  kind: DiffKind;
  /** The new value (undefined for a delete). */
  value: unknown;
  replace: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The detailed diff the provider computes (provider.go:1494-1620, convertPatchToDiff and
 * addPatchValueToDiff/addPatchArrayToDiff at provider.go:3191-3450): the old live state pruned to
 * the old inputs' shape (here: the old inputs) against the new inputs, leaf by leaf, arrays element
 * by element. Server-side defaulting is not modelled (a quantity normalised by the API server is
 * not seen as a change here either, since both sides are inputs).
 */
export function detailedDiff(oldInputs: unknown, newInputs: unknown, forceNew: string[]): PropertyDiff[] {
  const out: PropertyDiff[] = [];
  const walk = (path: PathSegment[], o: unknown, n: unknown) => {
    if (n === undefined && o === undefined) {
      return;
    }
    if (n === undefined || n === null) {
      if (o !== undefined && o !== null) {
        out.push({ path, kind: "delete", value: undefined, replace: false });
      }
      return;
    }
    if (o === undefined || o === null) {
      out.push({ path, kind: "add", value: n, replace: false });
      return;
    }
    if (isObject(o) && isObject(n)) {
      for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
        walk([...path, k], o[k], n[k]);
      }
      return;
    }
    if (Array.isArray(o) && Array.isArray(n)) {
      for (let i = 0; i < Math.max(o.length, n.length); i++) {
        walk([...path, i], o[i], n[i]);
      }
      return;
    }
    if (JSON.stringify(o) !== JSON.stringify(n)) {
      out.push({ path, kind: "update", value: n, replace: false });
    }
  };
  walk([], oldInputs, newInputs);
  for (const d of out) {
    d.replace = forceNew.some((p) => patternMatches(p, d.path, d.value));
    // provider.go:1613-1616: deleting the whole metadata replaces.
    if (d.kind === "delete" && d.path.length === 1 && d.path[0] === "metadata") {
      d.replace = true;
    }
  }
  return out;
}

function parsePattern(p: string): PathSegment[] {
  return p
    .split(".")
    .filter((s) => s !== "")
    .flatMap((s) => (s.endsWith("[*]") ? [s.slice(0, -3), "*"] : [s]));
}

/**
 * openapi/match.go:29-49 (PatchPropertiesChanged): the pattern is evaluated as a jsonpath over the
 * patch slice {path: value} (provider.go makePatchSlice); a hit anywhere is a match. So a change at
 * or below the pattern matches, and a change above it matches when the new value contains it.
 */
export function patternMatches(pattern: string, path: PathSegment[], value: unknown): boolean {
  const p = parsePattern(pattern);
  const n = Math.min(p.length, path.length);
  for (let i = 0; i < n; i++) {
    if (p[i] === "*" ? typeof path[i] !== "number" : p[i] !== path[i]) {
      return false;
    }
  }
  if (p.length <= path.length) {
    return true;
  }
  const contains = (v: unknown, rest: PathSegment[]): boolean => {
    if (rest.length === 0) {
      return true;
    }
    const [head, ...tail] = rest;
    if (head === "*") {
      return Array.isArray(v) && v.some((e) => contains(e, tail));
    }
    return isObject(v) && head in v && contains(v[head as string], tail);
  };
  return contains(value, p.slice(path.length));
}

/** A diff path as the provider prints it (provider.go addPatchValueToDiff, after the replace check). */
export function formatPath(path: PathSegment[]): string {
  let s = "";
  for (const seg of path) {
    if (typeof seg === "number") {
      s += `[${seg}]`;
    } else if (/[."[\]]/.test(seg)) {
      s += `["${seg.replace(/"/g, '\\"')}"]`;
    } else {
      s += s === "" ? seg : `.${seg}`;
    }
  }
  return s;
}

/** Pulumi property paths ("spec.template", "data", "*") contain a diff path when they are a prefix of it. */
export function pathContains(container: string, path: PathSegment[]): boolean {
  if (container === "*") {
    return true;
  }
  const c = propertyPath(container);
  if (c.length > path.length) {
    return false;
  }
  return c.every((seg, i) => seg === "*" || seg === String(path[i]));
}

export interface ProviderDiff {
  changes: boolean;
  /** Diff paths that force a replacement. */
  replaces: string[];
  /** Diff paths of every change. */
  changed: string[];
  /** What the provider asks for (provider.go:1645-1661), before the program's own option. */
  deleteBeforeReplace: boolean;
}

/**
 * provider.go Diff (1431-1675) for one Kubernetes object, with the engine's handling of the
 * program's ignoreChanges (provider.go:1577-1602) and replaceOnChanges (step_generator.go
 * applyReplaceOnChanges).
 */
export function providerDiff(
  oldInputs: Record<string, any>,
  newInputs: Record<string, any>,
  flags: ProviderFlags,
  opts: { ignoreChanges?: string[]; replaceOnChanges?: string[] } = {},
  patch = false,
): ProviderDiff {
  // provider.go:1558-1566: a Patch resource (kinds.IsPatchResource: its type ends in "Patch") is
  // replaced only for a new name or namespace; every other field is updated in place.
  const forceNew = patch ? [".metadata.name", ".metadata.namespace"] : forceNewProperties(newInputs, flags);
  let diffs = detailedDiff(oldInputs, newInputs, forceNew);
  diffs = diffs.filter((d) => !(opts.ignoreChanges ?? []).some((i) => pathContains(i, d.path)));
  for (const d of diffs) {
    if ((opts.replaceOnChanges ?? []).some((r) => pathContains(r, d.path))) {
      d.replace = true;
    }
  }
  const replaces = diffs.filter((d) => d.replace).map((d) => formatPath(d.path));
  const name = (o: Record<string, any>) => o.metadata?.name;
  const ns = (o: Record<string, any>) => o.metadata?.namespace ?? "default";
  // provider.go:1647-1661: replace, named, not autonamed (the pulumi.com/autonamed annotation
  // metadata/naming.go:68 puts on objects without a name), same name, same namespace.
  const autonamed = name(newInputs) === undefined || newInputs.metadata?.annotations?.["pulumi.com/autonamed"] === "true";
  const deleteBeforeReplace = replaces.length > 0 && !autonamed && name(newInputs) === name(oldInputs) && ns(newInputs) === ns(oldInputs);
  return { changes: diffs.length > 0, replaces, changed: diffs.map((d) => formatPath(d.path)), deleteBeforeReplace };
}

/** Field managers of an object's paths, as its metadata.managedFields would list them. */
export type FieldOwners = Record<string, string[]>;

/**
 * The provider's field manager of one resource under Server-Side Apply: "pulumi-kubernetes-" and a
 * random suffix chosen once and kept in the state (provider.go fieldManagerName, 2883-2908).
 */
export const PULUMI_MANAGER = "pulumi-kubernetes-5f3c2a1b";

/**
 * What the provider applies on an update under Server-Side Apply (provider/pkg/await/await.go at
 * the commit above: Update GETs the live object, line 462; ssaUpdate, 643-672;
 * handleSSAIgnoreFields, 716-800): the new inputs, with every ignoreChanges path
 * - removed when another field manager owns it and the provider's does not (763-766), so the
 *   apply neither conflicts with that manager nor takes the field from it;
 * - otherwise set to the live object's value when it has one (786-795), so an owned field is
 *   neither reset to the program's value nor, by being left out, unset.
 * Array segments of ignore paths are not modelled (the provider's own TODO says it handles them
 * only as plain path components).
 */
export function appliedOnUpdate(inputs: Record<string, any>, live: Record<string, any>, ignoreChanges: string[], owners: FieldOwners): Record<string, any> {
  const out = structuredClone(inputs);
  for (const ignore of ignoreChanges) {
    const parts = propertyPath(ignore);
    const managers = owners[ignore] ?? [];
    const theirs = managers.some((m) => m !== PULUMI_MANAGER);
    const ours = managers.includes(PULUMI_MANAGER);
    const parentOf = (o: any) => parts.slice(0, -1).reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), o);
    const last = parts[parts.length - 1];
    if (theirs && !ours) {
      const parent = parentOf(out);
      if (parent !== undefined && parent !== null) {
        delete parent[last];
      }
      continue;
    }
    const liveParent = parentOf(live);
    if (liveParent !== undefined && liveParent !== null && last in liveParent) {
      let at = out;
      for (const k of parts.slice(0, -1)) {
        at = at[k] ??= {};
      }
      at[last] = structuredClone(liveParent[last]);
    }
  }
  return out;
}

/**
 * The engine's ignoreChanges before it asks the provider anything (pkg/resource/deploy
 * step_generator.go processIgnoreChanges): each ignored path of the new inputs takes the old
 * inputs' value, or is removed where the old inputs have none.
 */
export function engineIgnored(newInputs: Record<string, any>, oldInputs: Record<string, any>, ignoreChanges: string[]): Record<string, any> {
  const out = structuredClone(newInputs);
  for (const p of ignoreChanges) {
    const parts = propertyPath(p);
    const last = parts[parts.length - 1];
    const oldParent = parts.slice(0, -1).reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), oldInputs);
    if (oldParent !== undefined && oldParent !== null && typeof oldParent === "object" && last in oldParent) {
      let at = out;
      for (const k of parts.slice(0, -1)) {
        at = at[k] ??= {};
      }
      at[last] = structuredClone(oldParent[last]);
    } else {
      const parent = parts.slice(0, -1).reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), out);
      if (parent !== undefined && parent !== null && typeof parent === "object") {
        delete parent[last];
      }
    }
  }
  return out;
}

/**
 * The inputs as the provider's Check leaves them, which is what the state keeps and Diff compares:
 * a Secret's stringData is folded into data, base64-encoded, overwriting keys data has
 * (clients/unstructured.go normalizeSecretStringData). An ignoreChanges path under stringData
 * therefore never holds a stored value: the end-to-end run replaced the credentials Secret on
 * every preview until its private values moved to data.
 */
export function providerChecked(inputs: Record<string, any>): Record<string, any> {
  if (inputs.kind !== "Secret" || inputs.stringData === undefined || Object.keys(inputs.stringData).length === 0) {
    return inputs;
  }
  const { stringData, ...rest } = inputs;
  const data = { ...(inputs.data ?? {}) };
  for (const [k, v] of Object.entries<string>(stringData)) {
    data[k] = Buffer.from(v).toString("base64");
  }
  return { ...rest, data };
}
