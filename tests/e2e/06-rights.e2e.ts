// A CI deployer whose rights stop at a namespace: a user holding exactly the Role and ClusterRole
// offline/rights.ts derives for dev runs dev's preview, up, a second preview, refresh and destroy
// through the real CLI and provider, and is refused what those rights leave out. Its own stack and
// namespace, so it meets nothing another scenario leaves up (prod stays until 99-teardown).
import { strict as assert } from "assert";
import * as path from "path";
import YAML from "yaml";
import type { RobustMQClusterArgs } from "../../components";
import { runWithMocks } from "../../offline/mock-runtime";
import { DeployerRights, deployerRights, rightsYaml, SubjectKind } from "../../offline/rights";
import { deployedObjects } from "../../offline/rights-stacks";
import { e2e } from "./context";
import { Kubectl } from "./harness/kubectl";
import { signUser, writeKubeconfig } from "./harness/pki";
import { changes, drift, E2EStack, RunResult } from "./harness/pulumi";
import { waitFor } from "./harness/processes";
import { e2eStackConfig, programWith, SECRETS } from "./stacks";

const STACK = "rights-dev";
const NAMESPACE = "rights-dev";
const USER = "e2e-ci-deployer";
// dev as it is, in its own namespace, which the platform team creates with the Role in it: a Role
// cannot be bound in a namespace that does not exist yet (docs/RIGHTS.md).
const CONFIG = e2eStackConfig("dev", (d) => {
  d.namespace = NAMESPACE;
});
const mutate = (a: RobustMQClusterArgs): RobustMQClusterArgs => ({ ...a, createNamespace: false });

const summary = (r: RunResult) =>
  Object.entries(r.summary)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");

async function rightsForDev(): Promise<DeployerRights> {
  const flat = Object.fromEntries(Object.entries({ ...CONFIG, ...SECRETS }).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const { resources } = await runWithMocks(programWith(mutate), { config: flat, secretKeys: Object.keys(SECRETS), stack: STACK });
  return deployerRights(deployedObjects(resources), { kind: SubjectKind.User, name: USER });
}

describe("a deployer with only the generated rights (offline/rights.ts) runs dev", function () {
  this.timeout(20 * 60 * 1000);
  let stack: E2EStack;
  let user: Kubectl;
  let rights: DeployerRights;
  const row: string[] = [];

  before(async () => {
    const { cp, pulumi, workDir, tools } = e2e();
    rights = await rightsForDev();
    // The platform team's part, as admin: the namespace, then the rights.
    await cp.kubectl.ok(["create", "namespace", NAMESPACE]);
    await cp.kubectl.ok(["apply", "--server-side", "--field-manager=e2e-platform-team", "-f", "-"], rightsYaml(rights));
    signUser(cp.pki, "client-ci-deployer", USER);
    const kubeconfig = writeKubeconfig(path.join(workDir, "ci-deployer.kubeconfig"), cp.server, cp.pki, "client-ci-deployer");
    user = new Kubectl(tools.bin("kubectl"), kubeconfig);
    // The provider reads its kubeconfig from KUBECONFIG, as the harness gives it the admin's.
    stack = await E2EStack.create({ ...pulumi, env: { ...pulumi.env, KUBECONFIG: kubeconfig } }, STACK, programWith(mutate));
    await stack.configure(CONFIG, SECRETS);
    row.push(`user \`${USER}\` (client certificate from the run's CA) bound to ${rights.manifests.filter((m) => m.kind.endsWith("Role")).map((m) => `${m.kind} with ${m.rules.length} rules`).join(" and ")}; cluster-scoped: ${rights.clusterScoped.map((c) => `${c.kind} ${c.name}`).join(", ")}`);
  });

  after(async () => {
    e2e().report.add("Rights", `- **dev as a namespace deployer** (tests/e2e/06-rights.e2e.ts): ${row.join("; ")}`);
    const { kubectl } = e2e().cp;
    for (const m of rights?.manifests.filter((m) => m.metadata.namespace === undefined) ?? []) {
      await kubectl.ok(["delete", m.kind.toLowerCase(), m.metadata.name, "--ignore-not-found"]);
    }
    await kubectl.ok(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"]);
    await waitFor(`namespace ${NAMESPACE} gone`, 180_000, async () => ((await kubectl.getOrUndefined("namespace", NAMESPACE)) === undefined ? true : undefined));
  });

  it("is refused what the rights leave out: an admission policy, another namespace's secrets, deleting a class it does not own", async () => {
    const vap = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: "e2e-rights-probe" },
      spec: { failurePolicy: "Fail", matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }] }, validations: [{ expression: "true" }] },
    };
    const refused = await user.run(["create", "-f", "-"], JSON.stringify(vap));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /forbidden/i);
    const secrets = await user.run(["get", "secrets", "-n", "default"]);
    assert.match(secrets.stderr, /forbidden/i);
    const standard = await user.run(["auth", "can-i", "delete", "storageclasses/standard"]);
    assert.equal(standard.stdout.trim(), "no");
    const own = await user.run(["auth", "can-i", "create", "statefulsets", "-n", NAMESPACE]);
    assert.equal(own.stdout.trim(), "yes", "and the probe is not refused everything");
    row.push("refused: creating a ValidatingAdmissionPolicy, reading secrets in `default`, deleting another StorageClass");
  });

  it("previews, brings dev up, previews no change, refreshes without drift and destroys", async () => {
    const first = await stack.preview();
    assert.ok((first.summary.create ?? 0) > 0);
    row.push(`preview (${summary(first)})`);

    const up = await stack.up();
    row.push(`up (${summary(up)})`);
    const { kubectl } = e2e().cp;
    for (const sts of await kubectl.list("statefulsets", NAMESPACE)) {
      assert.equal(sts.status.readyReplicas, sts.spec.replicas, `${sts.metadata.name} ready`);
    }
    const managers = JSON.parse(await kubectl.ok(["get", "statefulset", "robustmq-combined", "-n", NAMESPACE, "-o", "json", "--show-managed-fields"])).metadata.managedFields.map((f: any) => f.manager);
    assert.ok(managers.some((m: string) => m.startsWith("pulumi")), "written by the provider as the user");

    const second = await stack.preview();
    assert.deepEqual(changes(second.steps).map((s) => `${s.op} ${s.urn} ${s.diffs.join(",")}`), []);
    row.push(`second preview (${summary(second)})`);

    const refresh = await stack.refresh();
    assert.deepEqual(drift(refresh), {});
    row.push(`refresh (${summary(refresh)})`);

    const destroy = await stack.destroy();
    row.push(`destroy (${summary(destroy)})`);
    assert.deepEqual(await kubectl.list("statefulsets", NAMESPACE), []);
    for (const c of rights.clusterScoped) {
      assert.equal(await kubectl.getOrUndefined(c.apiGroup === "" ? c.resource : `${c.resource}.${c.apiGroup}`, c.name), undefined, `${c.kind} ${c.name} deleted`);
    }
  });

  it("the rules bound are the ones generated", async () => {
    const role = await e2e().cp.kubectl.get("role", rights.manifests[0].metadata.name, NAMESPACE);
    assert.deepEqual(YAML.parse(YAML.stringify(role.rules)), rights.manifests[0].rules);
  });
});
