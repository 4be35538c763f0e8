import { strict as assert } from "assert";
import { RobustMQCluster } from "../../components";
import { runWithMocks } from "../../offline/mock-runtime";
import { loadStackConfig } from "../../offline/render";
import { DeployedObject, deployerRights, PolicyRule, rightsYaml, SubjectKind } from "../../offline/rights";
import { deployedObjects } from "../../offline/rights-stacks";
import { readStackSettings } from "../../stacks/config";
import YAML from "yaml";

const USER = { kind: SubjectKind.User, name: "ci" };
const obj = (apiVersion: string, kind: string, name: string, namespace?: string, annotations?: Record<string, string>): DeployedObject => ({
  object: { apiVersion, kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }), ...(annotations === undefined ? {} : { annotations }) } },
});
const verbsOn = (rules: PolicyRule[], group: string, resource: string, named = false) =>
  rules.filter((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && (r.resourceNames !== undefined) === named).flatMap((r) => r.verbs).sort();

/** A stack's program with the settings a namespace-only deployer runs: no namespace, class or admission policy of its own. */
async function namespaceOnly(stack: string) {
  const { config, secretKeys } = loadStackConfig(stack);
  const settings = {
    ...config,
    "robustmq:storageClass": JSON.stringify({ existingClassName: "gp3" }),
    "robustmq:metaScaleInGuard": "false",
    // A build needs a registry; an image reference stands in, as the render's --image does.
    "robustmq:image": "ghcr.io/robustmq/robustmq:v0.4.11",
  };
  delete (settings as Record<string, string>)["robustmq:imageBuild"];
  const { resources } = await runWithMocks(
    () => {
      const s = readStackSettings();
      return new RobustMQCluster(s.name, { ...s.args, createNamespace: false });
    },
    { config: settings, secretKeys, stack },
  );
  return deployedObjects(resources);
}

describe("deployer rights (offline/rights.ts)", () => {
  const objects = [
    obj("v1", "Namespace", "mq"),
    obj("storage.k8s.io/v1", "StorageClass", "mq-ssd"),
    obj("v1", "ConfigMap", "cfg", "mq"),
    obj("v1", "Service", "svc", "mq"),
    obj("apps/v1", "StatefulSet", "sts", "mq", { "pulumi.com/waitFor": "jsonpath={.status.readyReplicas}=1" }),
    { ...obj("v1", "PersistentVolumeClaim", "data-sts-0", "mq", { "pulumi.com/skipAwait": "true" }), patch: true },
  ];
  const rights = deployerRights(objects, USER);
  const [role, roleBinding, clusterRole, clusterBinding] = rights.manifests;

  it("a Role in the namespace: the provider's verbs on what the stack owns, reads for the awaits, no create or delete on patched claims", () => {
    assert.equal(role.kind, "Role");
    assert.equal(role.metadata.namespace, "mq");
    const owned = ["create", "delete", "get", "list", "patch", "watch"];
    assert.deepEqual(verbsOn(role.rules, "", "configmaps"), owned);
    assert.deepEqual(verbsOn(role.rules, "apps", "statefulsets"), owned);
    // Patched with skipAwait: no await lists them.
    assert.deepEqual(verbsOn(role.rules, "", "persistentvolumeclaims"), ["get", "patch"]);
    assert.deepEqual(verbsOn(role.rules, "", "events"), ["list", "watch"]);
    assert.deepEqual(verbsOn(role.rules, "", "endpoints"), ["list", "watch"]);
    // Provider 4.25's Service await reads Endpoints, not EndpointSlices.
    assert.deepEqual(verbsOn(role.rules, "discovery.k8s.io", "endpointslices"), []);
    // The StatefulSet's waitFor replaces the await that lists its pods.
    assert.deepEqual(verbsOn(role.rules, "", "pods"), []);
    assert.ok(role.rules.every((r: PolicyRule) => r.resourceNames === undefined && !r.verbs.includes("*") && !r.resources.includes("*")));
    assert.equal(roleBinding.roleRef.name, role.metadata.name);
    assert.deepEqual(roleBinding.subjects, [{ kind: "User", name: "ci", apiGroup: "rbac.authorization.k8s.io" }]);
  });

  it("a StatefulSet left to the provider's own await: its pods listed too; a patch awaited: its kind listed", () => {
    const r = deployerRights([obj("apps/v1", "StatefulSet", "sts", "mq"), { ...obj("v1", "PersistentVolumeClaim", "c", "mq"), patch: true }], USER);
    assert.deepEqual(verbsOn(r.manifests[0].rules, "", "pods"), ["list", "watch"]);
    assert.deepEqual(verbsOn(r.manifests[0].rules, "", "persistentvolumeclaims"), ["get", "list", "patch", "watch"]);
  });

  it("a ClusterRole for the cluster-scoped objects, by name except for create, list and watch (RBAC cannot narrow them)", () => {
    assert.deepEqual(rights.clusterScoped.map((c) => `${c.kind} ${c.name}`), ["Namespace mq", "StorageClass mq-ssd"]);
    assert.equal(clusterRole.kind, "ClusterRole");
    assert.equal(clusterRole.metadata.name, "robustmq-deployer-mq");
    assert.deepEqual(verbsOn(clusterRole.rules, "storage.k8s.io", "storageclasses"), ["create", "list", "watch"]);
    assert.deepEqual(verbsOn(clusterRole.rules, "storage.k8s.io", "storageclasses", true), ["delete", "get", "patch"]);
    assert.deepEqual(clusterRole.rules.find((r: PolicyRule) => r.resources.includes("namespaces") && r.resourceNames !== undefined).resourceNames, ["mq"]);
    assert.equal(clusterBinding.roleRef.name, clusterRole.metadata.name);
  });

  it("a ServiceAccount subject is named with its namespace; YAML round-trips", () => {
    const r = deployerRights(objects, { kind: SubjectKind.ServiceAccount, name: "deployer", namespace: "ci" });
    assert.deepEqual(r.manifests[1].subjects, [{ kind: "ServiceAccount", name: "deployer", namespace: "ci" }]);
    assert.deepEqual(YAML.parseAllDocuments(rightsYaml(r)).map((d) => d.toJS()), r.manifests);
  });

  it("nothing cluster-scoped: no ClusterRole; objects in two namespaces are refused", () => {
    assert.deepEqual(deployerRights([obj("v1", "ConfigMap", "a", "mq")], USER).manifests.map((m) => m.kind), ["Role", "RoleBinding"]);
    assert.throws(() => deployerRights([obj("v1", "ConfigMap", "a", "mq"), obj("v1", "ConfigMap", "b", "other")], USER), /one namespace; these are in mq, other/);
  });

  for (const stack of ["dev", "staging", "prod"]) {
    it(`${stack} as a namespace-only deployer runs it (createNamespace: false, storageClass.existingClassName, metaScaleInGuard: false) registers no cluster-scoped object`, async function () {
      this.timeout(60_000);
      const objs = await namespaceOnly(stack);
      assert.ok(objs.length > 5);
      assert.deepEqual(objs.filter((o) => o.object.metadata?.namespace === undefined).map((o) => `${o.object.kind} ${o.object.metadata.name}`), []);
      const r = deployerRights(objs, USER);
      assert.deepEqual(r.clusterScoped, []);
      assert.deepEqual(r.manifests.map((m) => m.kind), ["Role", "RoleBinding"]);
    });
  }
});
