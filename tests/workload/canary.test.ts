// Canary roll-outs: TierArgs.partition, its validation, the StatefulSet's updateStrategy and the
// pulumi.com/waitFor expression that lets `pulumi up` complete under a partition. The expression is
// evaluated with the lifecycle model's reading of the provider's rules (tests/lifecycle/jsonpath.ts)
// against the status the StatefulSet controller reports in each situation.
import { strict as assert } from "assert";
import { RobustMQCluster } from "../../components";
import type { RobustMQClusterArgs } from "../../components/api/args";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { MIN_KUBERNETES_PROVIDER, rolloutWaitFor, statefulSetManifest, WAIT_FOR_ANNOTATION } from "../../components/workload/statefulset";
import { runWithMocks } from "../../offline/mock-runtime";
import { parseJsonPath, parseWaitFor, waitForSatisfied, WaitForError } from "../lifecycle/jsonpath";
import { validateManifest } from "../schema";
import { problemsOf } from "../problems";

function stsOf(args: RobustMQClusterArgs, tierName: string): any {
  const cluster = resolveClusterArgs("rmq", args);
  const tier = cluster.tiers.find((t) => t.name === tierName);
  assert.ok(tier, tierName);
  return statefulSetManifest({ cluster, tier, configChecksum: "x", credentialsChecksum: "y" });
}

describe("canary roll-outs: TierArgs.partition", () => {
  it("refuses a partition that is not an integer from 0 to the tier's replicas, naming the field and the range", () => {
    const cases: Array<[RobustMQClusterArgs, string]> = [
      [{ topology: "split", broker: { replicas: 2, partition: 3 } }, "broker.partition: must be an integer from 0 to 2 (broker.replicas), got 3"],
      [{ topology: "split", meta: { partition: -1 } }, "meta.partition: must be an integer from 0 to 3 (meta.replicas), got -1"],
      [{ topology: "split", engine: { partition: 1.5 } }, "engine.partition: must be an integer from 0 to 3 (engine.replicas), got 1.5"],
      [{ topology: "split", engine: { partition: "1" as never } }, 'engine.partition: must be an integer from 0 to 3 (engine.replicas), got "1"'],
      // Unset replicas: the tier's default (combined 1) bounds it.
      [{ combined: { partition: 2 } }, "combined.partition: must be an integer from 0 to 1 (combined.replicas), got 2"],
    ];
    for (const [args, message] of cases) {
      const problems = problemsOf(args);
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.ok(problems[0].startsWith(message), `${problems[0]}\ndoes not start with\n${message}`);
      assert.match(problems[0], /ordinal >= partition get a new pod template, so 0 updates every pod/);
    }
  });

  it("with invalid replicas, reports those and checks only that the partition is a non-negative integer", () => {
    assert.deepEqual(
      problemsOf({ topology: "split", meta: { replicas: 4, partition: 4 } }).filter((p) => p.startsWith("meta.partition")),
      [],
    );
    assert.deepEqual(
      problemsOf({ topology: "split", meta: { replicas: 4, partition: -2 } }).filter((p) => p.startsWith("meta.partition")),
      ["meta.partition: must be an integer >= 0, got -2"],
    );
  });

  it("accepts 0 to replicas, and registers nothing when it is refused", async () => {
    for (const partition of [0, 1, 3]) {
      assert.deepEqual(problemsOf({ topology: "split", engine: { partition } }), []);
    }
    const { resources } = await runWithMocks(() => {
      assert.throws(() => new RobustMQCluster("rmq", { topology: "split", broker: { partition: 5 } }), /broker\.partition: must be an integer from 0 to 2/);
    });
    assert.deepEqual(resources, []);
  });

  it("resolves into the tier model, 0 when unset", () => {
    const cluster = resolveClusterArgs("rmq", { topology: "split", broker: { replicas: 3, partition: 2 } });
    assert.deepEqual(
      cluster.tiers.map((t) => [t.name, t.partition]),
      [["meta", 0], ["broker", 2], ["engine", 0]],
    );
  });
});

describe("canary roll-outs: the StatefulSet", () => {
  it("has no partition at partition 0 or unset, and waits for the whole roll-out (not the provider's own await, which ends on a stale status)", () => {
    for (const broker of [{}, { partition: 0 }]) {
      const sts = stsOf({ topology: "split", broker }, "broker");
      assert.deepEqual(sts.spec.updateStrategy, { type: "RollingUpdate" });
      assert.deepEqual(sts.metadata.annotations, { [WAIT_FOR_ANNOTATION]: "jsonpath={$[?@.replicas==2&&@.readyReplicas==2&&@.updatedReplicas==2]}" });
    }
  });

  it("above 0: spec.updateStrategy.rollingUpdate.partition and pulumi.com/waitFor, both valid Kubernetes", () => {
    const sts = stsOf({ topology: "split", broker: { replicas: 3, partition: 2 } }, "broker");
    assert.deepEqual(sts.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 2 } });
    assert.deepEqual(sts.metadata.annotations, { [WAIT_FOR_ANNOTATION]: rolloutWaitFor(3, 2) });
    assert.equal(
      rolloutWaitFor(3, 2),
      "jsonpath={$[?@.replicas==3&&@.readyReplicas==3&&(@.updatedReplicas==3||(@.updatedReplicas>0&&!(@.currentRevision==@.updateRevision)))]}",
    );
    validateManifest(JSON.parse(JSON.stringify({ apiVersion: "apps/v1", kind: "StatefulSet", ...sts })));
    // The other tiers are untouched.
    assert.deepEqual(stsOf({ topology: "split", broker: { replicas: 3, partition: 2 } }, "meta").spec.updateStrategy, { type: "RollingUpdate" });
  });

  it("a partition change touches the StatefulSet's spec and metadata only, never the pod template (no restart by itself)", () => {
    const a = stsOf({ topology: "split", broker: { replicas: 3 } }, "broker");
    const b = stsOf({ topology: "split", broker: { replicas: 3, partition: 1 } }, "broker");
    assert.deepEqual(JSON.parse(JSON.stringify(a.spec.template)), JSON.parse(JSON.stringify(b.spec.template)));
  });
});

/** A StatefulSet as the API server returns it (counts of 0 left out, as the API does). */
function live(s: { replicas: number; ready: number; updated: number; current: string; update: string; generation?: number; observed?: number }): any {
  const omit = (n: number) => (n === 0 ? undefined : n);
  return JSON.parse(
    JSON.stringify({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "rmq-broker", generation: s.generation ?? 2 },
      spec: { replicas: 3 },
      status: {
        observedGeneration: s.observed ?? s.generation ?? 2,
        replicas: s.replicas,
        readyReplicas: omit(s.ready),
        updatedReplicas: omit(s.updated),
        currentRevision: s.current,
        updateRevision: s.update,
        availableReplicas: s.ready,
      },
    }),
  );
}

describe("canary roll-outs: when `pulumi up` completes (provider waitFor rules)", () => {
  const ready = (annotation: string, obj: any) => waitForSatisfied(parseWaitFor(annotation), obj);

  it("has no whitespace: provider 4.25's JSONPath parser refuses a second `&&` after a space (tests/e2e/00-waitfor runs the real one)", () => {
    for (const [r, p, max] of [[1, 0], [3, 0], [3, 2], [5, 3], [3, 0, 9], [3, 2, 9]] as Array<[number, number, number?]>) {
      assert.doesNotMatch(rolloutWaitFor(r, p, max), /\s/);
    }
  });

  it("survives the provider's parsing: a single `jsonpath=`, no lone '=' inside the path", () => {
    for (const [r, p] of [[1, 1], [2, 1], [3, 2], [3, 3], [5, 3], [5, 1]]) {
      const expr = rolloutWaitFor(r, p) as string;
      const parsed = parseJsonPath(expr);
      assert.equal(parsed.value, undefined, expr);
      assert.equal(parseWaitFor(expr).length, 1);
    }
  });

  it("partition 0: waits for every pod Ready on the update revision, and never for a status older than the spec", () => {
    const w = rolloutWaitFor(3, 0);
    assert.equal(parseWaitFor(w).length, 1);
    assert.ok(!ready(w, live({ replicas: 3, ready: 3, updated: 3, current: "a", update: "a", generation: 3, observed: 2 })), "the old generation's complete status (what the provider's own await accepted)");
    assert.ok(!ready(w, live({ replicas: 3, ready: 3, updated: 1, current: "a", update: "b", generation: 3, observed: 3 })), "rolling");
    assert.ok(!ready(w, live({ replicas: 3, ready: 2, updated: 3, current: "a", update: "b", generation: 3, observed: 3 })), "last pod not Ready");
    assert.ok(ready(w, live({ replicas: 3, ready: 3, updated: 3, current: "b", update: "b", generation: 3, observed: 3 })), "done");
  });

  it("3 pods, partition 2 (canary: ordinal 2): waits for pod 2 on the new revision and every pod Ready", () => {
    const w = rolloutWaitFor(3, 2) as string;
    assert.ok(!ready(w, live({ replicas: 3, ready: 3, updated: 0, current: "a", update: "b" })), "nothing updated yet");
    assert.ok(!ready(w, live({ replicas: 3, ready: 2, updated: 0, current: "a", update: "b" })), "pod 2 deleted");
    assert.ok(!ready(w, live({ replicas: 3, ready: 2, updated: 1, current: "a", update: "b" })), "pod 2 recreated, not Ready");
    assert.ok(ready(w, live({ replicas: 3, ready: 3, updated: 1, current: "a", update: "b" })), "pod 2 Ready on b");
    assert.ok(!ready(w, live({ replicas: 3, ready: 3, updated: 1, current: "a", update: "b", generation: 3, observed: 2 })), "status not yet for this generation");
  });

  it("5 pods, partition 3: both canary pods (4, then 3) before it completes", () => {
    const w = rolloutWaitFor(5, 3) as string;
    assert.ok(!ready(w, live({ replicas: 5, ready: 5, updated: 1, current: "a", update: "b" })));
    assert.ok(ready(w, live({ replicas: 5, ready: 5, updated: 2, current: "a", update: "b" })));
  });

  it("a new StatefulSet under a partition: every pod is created on the one revision", () => {
    const w = rolloutWaitFor(3, 2) as string;
    assert.ok(!ready(w, live({ replicas: 2, ready: 2, updated: 2, current: "a", update: "a", generation: 1 })));
    assert.ok(ready(w, live({ replicas: 3, ready: 3, updated: 3, current: "a", update: "a", generation: 1 })));
  });

  it("the template reverted while the partition is set: waits until the canary pod is back (not as soon as ordinals < partition count)", () => {
    // The controller reuses the old revision: current == update == a; pods 0 and 1 run a, pod 2 runs b.
    const w = rolloutWaitFor(3, 2) as string;
    assert.ok(!ready(w, live({ replicas: 3, ready: 3, updated: 2, current: "a", update: "a" })), "pod 2 still on b");
    assert.ok(!ready(w, live({ replicas: 3, ready: 2, updated: 2, current: "a", update: "a" })));
    assert.ok(ready(w, live({ replicas: 3, ready: 3, updated: 3, current: "a", update: "a" })));
  });

  it("partition = replicas (a tier held while another is canaried): every pod Ready, none to update", () => {
    const w = rolloutWaitFor(3, 3) as string;
    assert.ok(ready(w, live({ replicas: 3, ready: 3, updated: 0, current: "a", update: "b" })));
    assert.ok(!ready(w, live({ replicas: 3, ready: 2, updated: 0, current: "a", update: "b" })));
  });
});

describe("lifecycle model: its reading of the provider's JSONPath (cases of provider/pkg/jsonpath tests)", () => {
  const match = (expr: string, obj: unknown) => waitForSatisfied([parseJsonPath(expr)], obj);
  it("matches like the provider", () => {
    assert.ok(match("jsonpath={.foo}=bar", { foo: "bar" }));
    assert.ok(!match("jsonpath={.foo}=bar", { foo: "baz" }));
    assert.ok(!match("jsonpath={.foo}", {}));
    assert.ok(match("jsonpath={$.foo}=bar", { foo: "bar" }));
    assert.ok(match(`jsonpath={.conditions[?(@.type=="Failed"||@.type=="Complete")].status}=True`, { conditions: [{ type: "Complete", status: "True" }] }));
    assert.ok(!match(`jsonpath={.conditions[?(@.type=="Failed"||@.type=="Complete")].status}=True`, { conditions: [{ type: "Complete", status: "False" }] }));
    assert.ok(match(`jsonpath={.status[?@ == "Running" || @ == 'Succeeded' ]}`, { status: { phase: "Succeeded" } }));
    assert.ok(!match(`jsonpath={.status[?@ == "Running" || @ == "Succeeded" ]}`, { status: { phase: "Pending" } }));
    assert.ok(match("jsonpath={ .webhooks[*].clientConfig.caBundle }", { webhooks: [{ clientConfig: { caBundle: "x" } }] }));
  });
  it("refuses what the provider refuses", () => {
    assert.throws(() => parseJsonPath("jsonpath={.a}=b=c"), WaitForError);
    // `>=` splits the text in two: the path "{$[?@.a>" has no closing bracket.
    assert.throws(() => parseJsonPath("jsonpath={$[?@.a>=1]}"), /should be wrapped in brackets/);
    assert.throws(() => parseJsonPath("jsonpath=.foo"), /wrapped in brackets/);
    assert.throws(() => parseWaitFor("foo"), /expected a "jsonpath=" or "condition=" prefix/);
    assert.throws(() => waitForSatisfied([parseJsonPath("jsonpath={.foo}=bar")], { foo: { a: 1 } }), /non-primitive/);
  });
});

describe("the Kubernetes provider the package needs", () => {
  it("is the peer range's lowest version: every StatefulSet's waitFor needs RFC 9535 filters", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const peer: string = require("../../package.json").peerDependencies["@pulumi/kubernetes"];
    assert.equal(peer, `^${MIN_KUBERNETES_PROVIDER}`);
  });
});
