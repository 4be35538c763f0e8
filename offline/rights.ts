// The smallest RBAC a Pulumi deployer needs for a stack, read from the objects the stack registers:
// a Role in the stack's namespace and a ClusterRole for its cluster-scoped objects, with the verbs
// pulumi-kubernetes 4.25 (server-side apply) uses in preview, up, refresh and destroy.
import YAML from "yaml";
import { SKIP_AWAIT_ANNOTATION, WAIT_FOR_ANNOTATION } from "../components/workload/volumes";
import { groupVersion, plural } from "./prerequisites";

type Manifest = Record<string, any>;

export interface DeployedObject {
  object: Manifest;
  /** A Pulumi `...Patch` resource: applied to an object something else creates, never created or deleted. */
  patch?: boolean;
}

export enum SubjectKind {
  User = "User",
  Group = "Group",
  ServiceAccount = "ServiceAccount",
}

export interface Subject {
  kind: SubjectKind;
  name: string;
  /** For a ServiceAccount. */
  namespace?: string;
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

export interface ClusterScopedObject {
  kind: string;
  /** RBAC's `<plural>` (and group). */
  apiGroup: string;
  resource: string;
  name: string;
}

export interface DeployerRights {
  namespace: string;
  clusterScoped: ClusterScopedObject[];
  /** Role, RoleBinding, then ClusterRole and ClusterRoleBinding when anything is cluster-scoped. */
  manifests: Manifest[];
}

/**
 * What the provider does with an object it owns: create (create, or the dry-run create of a
 * preview), patch (server-side apply of an update, its dry run in preview, and the field-manager
 * fix-up on the first update), get (refresh, the read before an update, and the deletion await's
 * last look), list and watch (the informers of every await, which list the kind in the object's
 * namespace, or cluster-wide for a cluster-scoped kind), delete (destroy, replacement). Each was
 * taken away from dev's rights in turn, in runs of tests/e2e/06-rights.e2e.ts: without get refresh
 * fails, without delete destroy, and without list and watch `up` waits until it times out
 * (StatefulSet, ConfigMap, StorageClass tried).
 */
const OWNED_VERBS = ["create", "delete", "get", "list", "patch", "watch"];
/**
 * A Patch resource: applied (patch) and read back (get); its delete is a patch that gives up its
 * fields. Its await's informer lists and watches the kind, unless `pulumi.com/skipAwait` skips it.
 */
const PATCH_VERBS = ["get", "patch"];
/** An await's informer lists and watches; nothing reads what only an await reads by name. */
const INFORMER_VERBS = ["list", "watch"];
/** RBAC cannot narrow these to named objects: create names no existing object, list and watch a whole kind. */
const UNNAMEABLE = new Set(["create", "list", "watch"]);

/**
 * What the awaits read besides the objects themselves (provider/pkg/await in pulumi-kubernetes
 * 4.25): a Service's await lists its Endpoints (without them `up` waits until it times out:
 * tests/e2e/06-rights.e2e.ts); a StatefulSet's built-in await lists its pods, unless a
 * `pulumi.com/waitFor` condition replaces that await (workload/volumes.ts sets one); every await's
 * event aggregator watches the namespace's events, which the provider shows when an await fails.
 * The run completes without the events, but says less about why it failed.
 */
function awaitReads(objects: Manifest[]): Array<[group: string, resource: string]> {
  const out: Array<[string, string]> = [["", "events"]];
  if (objects.some((o) => o.kind === "StatefulSet" && o.metadata?.annotations?.[WAIT_FOR_ANNOTATION] === undefined)) {
    out.push(["", "pods"]);
  }
  if (objects.some((o) => o.kind === "Service")) {
    out.push(["", "endpoints"]);
  }
  // A Job's await follows its pods (pulumi-kubernetes provider/pkg/await/job.go).
  if (objects.some((o) => o.kind === "Job" && o.metadata?.annotations?.[SKIP_AWAIT_ANNOTATION] !== "true") && !out.some(([, r]) => r === "pods")) {
    out.push(["", "pods"]);
  }
  return out;
}

const sortedUniq = (xs: Iterable<string>) => [...new Set(xs)].sort();

function addVerbs(table: Map<string, Set<string>>, key: string, verbs: string[]): void {
  const set = table.get(key) ?? new Set<string>();
  verbs.forEach((v) => set.add(v));
  table.set(key, set);
}

/** Rules grouped by API group, resources with the same verbs in one rule. */
function rules(table: Map<string, Set<string>>): PolicyRule[] {
  const byVerbs = new Map<string, PolicyRule>();
  for (const [key, verbs] of [...table.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [group, resource] = key.split("/");
    const v = sortedUniq(verbs);
    const id = `${group}|${v.join(",")}`;
    const rule = byVerbs.get(id) ?? { apiGroups: [group], resources: [], verbs: v };
    rule.resources.push(resource);
    byVerbs.set(id, rule);
  }
  return [...byVerbs.values()];
}

/**
 * The Role, ClusterRole and bindings a deployer needs for these objects; `name` names the Role and
 * (with the namespace, as cluster-scoped names must be unique) the ClusterRole.
 */
export function deployerRights(objects: readonly DeployedObject[], subject: Subject, name = "robustmq-deployer"): DeployerRights {
  const namespaces = sortedUniq(objects.map((o) => o.object.metadata?.namespace).filter((n): n is string => n !== undefined));
  if (namespaces.length !== 1) {
    throw new Error(`a stack's objects live in one namespace; these are in ${namespaces.length === 0 ? "none" : namespaces.join(", ")}`);
  }
  const namespace = namespaces[0];
  const namespaced = new Map<string, Set<string>>();
  const clusterScoped: ClusterScopedObject[] = [];
  for (const { object: o, patch } of objects) {
    const { group } = groupVersion(String(o.apiVersion));
    const resource = plural(o.kind);
    if (o.metadata?.namespace === undefined) {
      clusterScoped.push({ kind: o.kind, apiGroup: group, resource, name: o.metadata.name });
    } else {
      addVerbs(namespaced, `${group}/${resource}`, patch !== true ? OWNED_VERBS : o.metadata?.annotations?.[SKIP_AWAIT_ANNOTATION] === "true" ? PATCH_VERBS : [...PATCH_VERBS, ...INFORMER_VERBS]);
    }
  }
  // RBAC's escalation check: creating or updating a Role (and binding it) is allowed only to a
  // user who holds every right the Role grants, unless they have `escalate`/`bind`, which would
  // let them grant themselves anything. So the deployer also holds the backup Role's own rules.
  for (const { object: o } of objects.filter((d) => d.object.kind === "Role" && d.object.metadata?.namespace !== undefined)) {
    for (const rule of (o.rules ?? []) as PolicyRule[]) {
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          addVerbs(namespaced, `${group}/${resource}`, rule.verbs);
        }
      }
    }
  }
  for (const [group, resource] of awaitReads(objects.filter((o) => o.object.metadata?.namespace !== undefined).map((o) => o.object))) {
    addVerbs(namespaced, `${group}/${resource}`, INFORMER_VERBS);
  }

  const metadata = (extra: Manifest = {}) => ({ name, labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/component": "deployer-rights" }, ...extra });
  const subjects = [{ kind: subject.kind, name: subject.name, ...(subject.kind === SubjectKind.ServiceAccount ? { namespace: subject.namespace ?? namespace } : { apiGroup: "rbac.authorization.k8s.io" }) }];
  const manifests: Manifest[] = [
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: metadata({ namespace }), rules: rules(namespaced) },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: metadata({ namespace }),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects,
    },
  ];
  if (clusterScoped.length > 0) {
    const clusterRules: PolicyRule[] = [];
    for (const key of sortedUniq(clusterScoped.map((c) => `${c.apiGroup}/${c.resource}`))) {
      const [group, resource] = key.split("/");
      const names = sortedUniq(clusterScoped.filter((c) => c.apiGroup === group && c.resource === resource).map((c) => c.name));
      clusterRules.push({ apiGroups: [group], resources: [resource], verbs: OWNED_VERBS.filter((v) => UNNAMEABLE.has(v)) });
      clusterRules.push({ apiGroups: [group], resources: [resource], resourceNames: names, verbs: OWNED_VERBS.filter((v) => !UNNAMEABLE.has(v)) });
    }
    const clusterName = `${name}-${namespace}`;
    manifests.push(
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { ...metadata(), name: clusterName }, rules: clusterRules },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { ...metadata(), name: clusterName },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterName },
        subjects,
      },
    );
  }
  return { namespace, clusterScoped, manifests };
}

/** The manifests as one multi-document YAML file, for `kubectl apply -f`. */
export function rightsYaml(rights: DeployerRights): string {
  return rights.manifests.map((m) => YAML.stringify(m, { lineWidth: 0 })).join("---\n");
}
