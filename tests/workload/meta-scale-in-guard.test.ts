// The meta scale-in guard's CEL, evaluated with a CEL implementation (integers as CEL ints, the
// type spec.replicas has), and its objects checked against the API schema.
import { strict as assert } from "assert";
import { RobustMQCluster } from "../../components";
import { META_SCALE_IN_MESSAGE, META_SCALE_IN_RULE, META_SCALE_IN_VARIABLES } from "../../components/workload/meta-scale-in-guard";
import { runWithMocks } from "../../offline/mock-runtime";
import { problemsOf } from "../problems";
import { validateManifest } from "../schema";

type Cel = typeof import("@marcbachmann/cel-js");

async function cel(): Promise<Cel> {
  return import("@marcbachmann/cel-js");
}

/**
 * The policy's inputs as the API server builds them: its variables evaluated first over the
 * objects. A Scale object of 0 has no spec.replicas (omitempty), as `kubectl scale --replicas=0` sends it.
 */
async function vars(from: number, to: number, shape: "statefulset" | "scale" = "statefulset") {
  const { evaluate } = await cel();
  const spec = (n: number) => (shape === "scale" && n === 0 ? {} : { replicas: BigInt(n) });
  const objects = { oldObject: { spec: spec(from) }, object: { spec: spec(to) } };
  const variables = Object.fromEntries(META_SCALE_IN_VARIABLES.map((v) => [v.name, evaluate(v.expression, objects)]));
  return { ...objects, variables };
}

describe("meta scale-in guard (ValidatingAdmissionPolicy)", () => {
  it("allows growth, a full stop and a scale-in that keeps a majority of the voters running; refuses the rest", async () => {
    const { evaluate } = await cel();
    const cases: Array<[number, number, boolean]> = [
      [3, 5, true], [5, 5, true], [5, 7, true], [5, 0, true], [1, 0, true], [0, 5, true], [0, 0, true],
      [5, 3, true], [7, 4, true], [7, 5, true], [3, 2, true],
      [5, 2, false], [7, 3, false], [3, 1, false], [5, 1, false], [9, 4, false],
    ];
    for (const shape of ["statefulset", "scale"] as const) {
      const got = [];
      for (const [f, t] of cases) {
        got.push(`${f}->${t} ${evaluate(META_SCALE_IN_RULE, await vars(f, t, shape)) as boolean}`);
      }
      assert.deepEqual(got, cases.map(([f, t, ok]) => `${f}->${t} ${ok}`), shape);
    }
  });

  it("says what was refused and where the procedure is", async () => {
    const { evaluate } = await cel();
    const message = evaluate(META_SCALE_IN_MESSAGE, await vars(5, 2)) as string;
    assert.match(message, /^meta tier scale-in from 5 to 2 would stop a majority of the Raft voters/);
    assert.match(message, /docs\/OPERATIONS\.md/);
  });

  it("matches the meta StatefulSet and its scale subresource, in its namespace only, and validates against the API schema", async () => {
    for (const topology of ["split", "combined"] as const) {
      const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", { topology, namespace: "mq", ...(topology === "combined" ? { combined: { replicas: 3 } } : {}) }));
      const policy = resources.find((r) => r.type === "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy")!;
      const binding = resources.find((r) => r.type === "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")!;
      validateManifest(policy.inputs);
      validateManifest(binding.inputs);
      const sts = topology === "split" ? "rmq-meta" : "rmq-combined";
      assert.equal(policy.inputs.spec.matchConditions[0].expression, `request.namespace == 'mq' && request.name == '${sts}'`);
      assert.deepEqual(policy.inputs.spec.matchConstraints.resourceRules[0].resources, ["statefulsets", "statefulsets/scale"]);
      assert.deepEqual(policy.inputs.spec.matchConstraints.resourceRules[0].operations, ["UPDATE"]);
      assert.equal(policy.inputs.metadata.name, "mq-rmq-meta-scale-in");
      assert.equal(binding.inputs.spec.policyName, policy.inputs.metadata.name);
      assert.deepEqual(binding.inputs.spec.validationActions, ["Deny"]);
      const { evaluate } = await cel();
      const request = (namespace: string, name: string) => ({ request: { namespace, name } });
      assert.equal(evaluate(policy.inputs.spec.matchConditions[0].expression, request("mq", sts)), true);
      assert.equal(evaluate(policy.inputs.spec.matchConditions[0].expression, request("mq", "rmq-broker")), false);
      assert.equal(evaluate(policy.inputs.spec.matchConditions[0].expression, request("other", sts)), false);
    }
  });

  it("is there by default where it guards something (more than one meta pod), and is an option", async () => {
    const guards = async (args: ConstructorParameters<typeof RobustMQCluster>[1]) => {
      const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", args));
      return resources.filter((r) => r.type.startsWith("kubernetes:admissionregistration.k8s.io/v1:")).map((r) => r.name).sort();
    };
    const both = ["rmq-meta-scale-in", "rmq-meta-scale-in-binding"];
    assert.deepEqual(await guards({}), [], "one combined pod: nothing to guard, no cluster-scoped policy");
    assert.deepEqual(await guards({ combined: { replicas: 3 } }), both);
    assert.deepEqual(await guards({ topology: "split" }), both);
    assert.deepEqual(await guards({ topology: "split", meta: { replicas: 1 } }), []);
    assert.deepEqual(await guards({ topology: "split", metaScaleInGuard: false }), [], "a namespace-scoped deployer turns it off");
    assert.deepEqual(await guards({ metaScaleInGuard: true }), both, "asked for, even on one pod");
    assert.deepEqual(problemsOf({ metaScaleInGuard: "yes" as unknown as boolean }), ["metaScaleInGuard: must be true or false, got \"yes\""]);
  });
});
