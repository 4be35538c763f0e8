// Routine changes on a protected stack: what the component protects, and what a change restarts.
import { strict as assert } from "assert";
import { RobustMQCluster, RobustMQClusterArgs } from "../../components";
import { runWithMocks } from "../../offline/mock-runtime";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeResource = require("@pulumi/pulumi/runtime/resource");

/** Registers the cluster protected, recording each resource's effective `protect`. */
async function protectedCluster(args: RobustMQClusterArgs): Promise<Map<string, boolean>> {
  const seen = new Map<string, boolean>();
  const original = runtimeResource.registerResource;
  runtimeResource.registerResource = function (res: { __protect?: boolean }, parent: unknown, t: string, name: string, ...rest: unknown[]) {
    seen.set(`${t} ${name}`, res.__protect === true);
    return original.call(this, res, parent, t, name, ...rest);
  };
  try {
    await runWithMocks(() => new RobustMQCluster("rmq", args, { protect: true }));
  } finally {
    runtimeResource.registerResource = original;
  }
  return seen;
}

async function templates(args: RobustMQClusterArgs): Promise<Record<string, string>> {
  const { resources } = await runWithMocks(() => new RobustMQCluster("rmq", args));
  return Object.fromEntries(
    resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet").map((s) => [s.name, JSON.stringify(s.inputs.spec.template)]),
  );
}

describe("day 2: a protected cluster takes routine changes", () => {
  it("leaves the ConfigMap and the Secret unprotected (the provider replaces them on a data change) and protects everything else", async () => {
    const seen = await protectedCluster({ topology: "split", networkPolicy: {}, ingress: { host: "mq.example.com" } });
    const unprotected = [...seen].filter(([, p]) => !p).map(([k]) => k).sort();
    // The claim patches too: a scale-in drops a patch from the stack (retainOnDelete: the claim
    // keeps its size), which a protected patch would refuse.
    const claims = [["meta", 3], ["broker", 2], ["engine", 3]].flatMap(([t, n]) =>
      Array.from({ length: n as number }, (_, i) => `kubernetes:core/v1:PersistentVolumeClaimPatch data-rmq-${t}-${i}`),
    );
    assert.deepEqual(unprotected, ["kubernetes:core/v1:ConfigMap rmq-config", ...claims.sort(), "kubernetes:core/v1:Secret rmq-credentials"]);
    for (const kind of ["StatefulSet", "Service", "PodDisruptionBudget", "Namespace", "Ingress"]) {
      assert.ok([...seen].some(([k, p]) => k.includes(`:${kind} `) && p), `${kind} is protected`);
    }
  });

  it("restarts no pod for a label change, and every pod for a pod label change", async () => {
    const base = await templates({ topology: "split" });
    assert.deepEqual(await templates({ topology: "split", labels: { team: "platform" } }), base);
    const withPodLabels = await templates({ topology: "split", podLabels: { team: "platform" } });
    for (const name of Object.keys(base)) {
      assert.notEqual(withPodLabels[name], base[name], name);
      assert.match(withPodLabels[name], /"team":"platform"/);
    }
  });
});
