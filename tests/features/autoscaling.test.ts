// Broker autoscaling: validation (collected with every other problem), the resolved tier, the
// HorizontalPodAutoscaler (valid autoscaling/v2), where it sits in the apply order, the
// StatefulSet's ignoreChanges as the engine receives it, the PodDisruptionBudget at any count, and
// the canary await of an autoscaled tier.
import { strict as assert } from "assert";
import { RobustMQCluster } from "../../components";
import type { RobustMQClusterArgs } from "../../components/api/args";
import { resolveClusterArgs } from "../../components/cluster/resolve";
import { autoscalerManifest, DEFAULT_CONNECTIONS_METRIC } from "../../components/features/autoscaling";
import { RobustMQArgsError } from "../../components/validate/errors";
import { pdbManifest } from "../../components/workload/disruption";
import { rolloutWaitFor, statefulSetManifest, WAIT_FOR_ANNOTATION } from "../../components/workload/statefulset";
import { runWithMocks, valueOf } from "../../offline/mock-runtime";
import { parseWaitFor, waitForSatisfied } from "../lifecycle/jsonpath";
import { evaluateProgram } from "../preview/harness";
import { validateManifest } from "../schema";
import { problemsOf } from "../problems";

const split = (broker: Record<string, unknown>, more: RobustMQClusterArgs = {}): RobustMQClusterArgs => ({ topology: "split", broker, ...more });
const autoscaled = (a: Record<string, unknown> = {}, more: Record<string, unknown> = {}) => split({ autoscaling: { maxReplicas: 6, ...a }, ...more });

describe("broker autoscaling: validation", () => {
  it("refuses the meta, engine and combined tiers, saying why", () => {
    const meta = problemsOf({ topology: "split", meta: { autoscaling: { maxReplicas: 5 } } });
    assert.equal(meta.length, 1, meta.join("\n"));
    assert.match(meta[0], /^meta\.autoscaling: not available for the meta tier: its pods are Raft voters.*node leave/);
    const engine = problemsOf({ topology: "split", engine: { autoscaling: { maxReplicas: 5 } } });
    assert.equal(engine.length, 1, engine.join("\n"));
    assert.match(engine[0], /^engine\.autoscaling: not available for the engine tier: its pods hold topic replicas/);
    const combined = problemsOf({ combined: { autoscaling: { maxReplicas: 5 } } });
    assert.equal(combined.length, 1, combined.join("\n"));
    assert.match(combined[0], /^combined\.autoscaling: not available for the combined topology: .*Raft voters.*topology "split"/);
  });

  it("refuses broker.replicas beside it: the autoscaler owns the count", () => {
    assert.deepEqual(problemsOf(autoscaled({}, { replicas: 3 })), [
      "broker.replicas: leave unset with broker.autoscaling: the autoscaler owns the pod count and a new tier starts at broker.autoscaling.minReplicas; to fix the count instead, remove broker.autoscaling",
    ]);
  });

  it("wants maxReplicas, at least minReplicas and at most 99", () => {
    assert.deepEqual(problemsOf(split({ autoscaling: {} })), [
      "broker.autoscaling.maxReplicas: required: the most broker pods the autoscaler may run, an integer from 2 to 99",
    ]);
    assert.deepEqual(problemsOf(autoscaled({ minReplicas: 4, maxReplicas: 3 })), [
      "broker.autoscaling.maxReplicas: must be an integer from 4 to 99, got 3 (from broker.autoscaling.minReplicas to 99)",
    ]);
    assert.deepEqual(problemsOf(autoscaled({ minReplicas: 0, maxReplicas: 100 })), [
      "broker.autoscaling.minReplicas: must be an integer from 1 to 99, got 0",
      "broker.autoscaling.maxReplicas: must be an integer from 1 to 99, got 100",
    ]);
    assert.deepEqual(problemsOf(autoscaled({ minReplicas: 1, maxReplicas: 1 })), []);
  });

  it("takes CPU targets of 1 to 100 percent, and needs the CPU request they are a percentage of", () => {
    assert.match(problemsOf(autoscaled({ targetCpuUtilization: 101 }))[0], /^broker\.autoscaling\.targetCpuUtilization: must be an integer from 1 to 100, got 101: a percentage of the pods' CPU request/);
    assert.match(problemsOf(autoscaled({ targetCpuUtilization: 0 }))[0], /from 1 to 100, got 0/);
    // Only an explicit undefined removes the tier's default request.
    assert.deepEqual(problemsOf(autoscaled({}, { resources: { requests: { cpu: undefined } } })), [
      "broker.resources.requests.cpu: required with broker.autoscaling: the autoscaler measures CPU use as a percentage of the request (targetCpuUtilization, default 70)",
    ]);
  });

  it("takes memory targets below the memory limit, as a percentage of the request", () => {
    // Defaults: 1Gi request, 2Gi limit.
    assert.deepEqual(problemsOf(autoscaled({ targetMemoryUtilization: 199 })), []);
    assert.deepEqual(problemsOf(autoscaled({ targetMemoryUtilization: 200 })), [
      "broker.autoscaling.targetMemoryUtilization: must be an integer from 1 to 199, got 200: a percentage of the pods' memory request, below the memory limit 2Gi, 200% of the 1Gi request",
    ]);
    const equal = { resources: { requests: { memory: "4Gi" }, limits: { memory: "4Gi" } } };
    assert.match(problemsOf(autoscaled({ targetMemoryUtilization: 101 }, equal))[0], /from 1 to 100, got 101: .*at most the request/);
  });

  it("counts connections only with MQTT on, and names a metric only with a connections target", () => {
    assert.deepEqual(problemsOf(autoscaled({ connectionsPerPod: 5000 }, {})), []);
    assert.deepEqual(problemsOf({ ...autoscaled({ connectionsPerPod: 5000 }), protocols: ["kafka"] }), [
      'broker.autoscaling.connectionsPerPod: counts MQTT connections, and "mqtt" is not in protocols',
    ]);
    assert.deepEqual(problemsOf(autoscaled({ connectionsMetric: "robustmq_mqtt_connections" })), [
      "broker.autoscaling.connectionsMetric: only used with broker.autoscaling.connectionsPerPod",
    ]);
    assert.match(problemsOf(autoscaled({ connectionsPerPod: 10, connectionsMetric: "a b" }))[0], /^broker\.autoscaling\.connectionsMetric: must be a metric name/);
    assert.match(problemsOf(autoscaled({ connectionsPerPod: 0 }))[0], /^broker\.autoscaling\.connectionsPerPod: must be an integer from 1/);
  });

  it("bounds the scale-down settings by what the autoscaling/v2 API takes, and names unknown fields", () => {
    assert.deepEqual(problemsOf(autoscaled({ scaleDownStabilizationSeconds: 3601, scaleDownPods: 0, scaleDownPeriodSeconds: 1801, maxReplica: 3 })), [
      'broker.autoscaling.maxReplica: unknown field (did you mean "maxReplicas"? accepted: minReplicas, maxReplicas, targetCpuUtilization, targetMemoryUtilization, connectionsPerPod, connectionsMetric, scaleDownStabilizationSeconds, scaleDownPods, scaleDownPeriodSeconds)',
      "broker.autoscaling.scaleDownStabilizationSeconds: must be an integer from 0 to 3600, got 3601",
      "broker.autoscaling.scaleDownPods: must be an integer from 1 to 99, got 0",
      "broker.autoscaling.scaleDownPeriodSeconds: must be an integer from 1 to 1800, got 1801",
    ]);
  });

  it("bounds an autoscaled tier's partition by maxReplicas, which holds every pod whatever the count", () => {
    assert.deepEqual(problemsOf(autoscaled({}, { partition: 6 })), []);
    assert.match(problemsOf(autoscaled({}, { partition: 7 }))[0], /^broker\.partition: must be an integer from 0 to 6 \(broker\.autoscaling\.maxReplicas\), got 7/);
    assert.deepEqual(problemsOf(split({ autoscaling: { maxReplicas: 0 }, partition: 3 })), [
      "broker.autoscaling.maxReplicas: must be an integer from 2 to 99, got 0 (from broker.autoscaling.minReplicas to 99)",
    ]);
  });

  it("reports its problems with every other one, and registers nothing", async () => {
    const args = { ...autoscaled({ maxReplicas: 1 }, { replicas: 2 }), meta: { replicas: 4 }, logLevel: "loud" } as unknown as RobustMQClusterArgs;
    const problems = problemsOf(args);
    for (const field of ["meta.replicas", "broker.replicas", "broker.autoscaling.maxReplicas", "logLevel"]) {
      assert.ok(problems.some((p) => p.startsWith(`${field}:`)), `${field} in\n${problems.join("\n")}`);
    }
    const { resources } = await runWithMocks(() => {
      assert.throws(() => new RobustMQCluster("rmq", args), RobustMQArgsError);
    });
    assert.deepEqual(resources, []);
  });
});

describe("broker autoscaling: the model and the objects", () => {
  it("resolves into the broker tier: defaults, and minReplicas as the count a new StatefulSet starts with", () => {
    const cluster = resolveClusterArgs("rmq", autoscaled());
    const broker = cluster.tiers.find((t) => t.name === "broker")!;
    assert.deepEqual(broker.autoscaling, {
      minReplicas: 2,
      maxReplicas: 6,
      targetCpuUtilization: 70,
      targetMemoryUtilization: undefined,
      connectionsPerPod: undefined,
      connectionsMetric: DEFAULT_CONNECTIONS_METRIC,
      scaleDownStabilizationSeconds: 300,
      scaleDownPods: 1,
      scaleDownPeriodSeconds: 60,
    });
    assert.equal(broker.replicas, 2);
    assert.equal(resolveClusterArgs("rmq", autoscaled({ minReplicas: 4 })).tiers.find((t) => t.name === "broker")!.replicas, 4);
    assert.ok(cluster.tiers.filter((t) => t.name !== "broker").every((t) => t.autoscaling === undefined));
  });

  it("builds a valid autoscaling/v2 HorizontalPodAutoscaler on the broker StatefulSet, one metric per signal", () => {
    const cluster = resolveClusterArgs("rmq", autoscaled({ minReplicas: 3, maxReplicas: 9, targetCpuUtilization: 60, targetMemoryUtilization: 150, connectionsPerPod: 20000, scaleDownPods: 2 }));
    const broker = cluster.tiers.find((t) => t.name === "broker")!;
    const hpa = autoscalerManifest(cluster, broker, broker.autoscaling!) as any;
    validateManifest(JSON.parse(JSON.stringify(hpa)));
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "StatefulSet", name: broker.names.statefulSet });
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 9]);
    assert.deepEqual(hpa.spec.metrics, [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
      { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 150 } } },
      { type: "Pods", pods: { metric: { name: "mqtt_connections_count" }, target: { type: "AverageValue", averageValue: "20000" } } },
    ]);
    assert.deepEqual(hpa.spec.behavior, { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] } });
    // CPU only by default.
    const plain = resolveClusterArgs("rmq", autoscaled());
    const pb = plain.tiers.find((t) => t.name === "broker")!;
    assert.deepEqual((autoscalerManifest(plain, pb, pb.autoscaling!) as any).spec.metrics.map((m: any) => m.resource?.name ?? m.type), ["cpu"]);
  });

  it("registers the autoscaler after the broker StatefulSet is Ready, and only with autoscaling on", async () => {
    const { resources, result } = await runWithMocks(() => new RobustMQCluster("rmq", autoscaled()));
    const entry = result.plan.find((p) => p.kind === "HorizontalPodAutoscaler");
    assert.ok(entry);
    assert.equal(entry.name, "rmq-broker-hpa");
    assert.equal(entry.phase, "services");
    assert.ok(entry.dependsOn.includes("rmq-broker"), entry.dependsOn.join(", "));
    const hpa = resources.find((r) => r.name === "rmq-broker-hpa")!;
    assert.equal(hpa.type, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    assert.equal(hpa.inputs.metadata.name, "rmq-broker");
    const off = await runWithMocks(() => new RobustMQCluster("rmq", split({ replicas: 2 })));
    assert.equal(off.resources.some((r) => r.inputs.kind === "HorizontalPodAutoscaler"), false);
  });

  it("leaves spec.replicas of the broker StatefulSet alone after creation (ignoreChanges), besides every tier's claim templates", async () => {
    const on = await evaluateProgram(() => new RobustMQCluster("rmq", autoscaled()));
    const ignored = (s: typeof on) =>
      Object.fromEntries([...s.values()].filter((o) => o.inputs.kind === "StatefulSet").map((o) => [o.name, o.opts.ignoreChanges]));
    const vct = "spec.volumeClaimTemplates";
    assert.deepEqual(ignored(on), { "rmq-meta": [vct], "rmq-engine": [vct], "rmq-broker": [vct, "spec.replicas"] });
    // The count is still in the inputs: a new StatefulSet starts at minReplicas.
    assert.equal([...on.values()].find((o) => o.name === "rmq-broker")!.inputs.spec.replicas, 2);
    const off = await evaluateProgram(() => new RobustMQCluster("rmq", split({ replicas: 2 })));
    assert.deepEqual(ignored(off), { "rmq-meta": [vct], "rmq-engine": [vct], "rmq-broker": [vct] });
  });

  it("keeps the broker PodDisruptionBudget at one pod at a time, whatever the count", () => {
    const cluster = resolveClusterArgs("rmq", autoscaled({ minReplicas: 2, maxReplicas: 9 }));
    const broker = cluster.tiers.find((t) => t.name === "broker")!;
    const spec = pdbManifest(cluster, broker).spec as any;
    assert.equal(spec.maxUnavailable, 1);
    assert.equal(spec.minAvailable, undefined, "a fixed minAvailable would block every drain below it or allow many at once above it");
  });

  it("lists every broker id the autoscaled tier can have", async () => {
    const { result } = await runWithMocks(() => new RobustMQCluster("rmq", autoscaled({ maxReplicas: 4 })));
    assert.deepEqual((await valueOf(result.brokerIds)).broker, [20, 21, 22, 23]);
  });
});

/** The status the controller reports, with the live spec.replicas the autoscaler wrote. */
function live(s: { spec: number; replicas: number; ready: number; updated: number; current: string; update: string }): any {
  const omit = (n: number) => (n === 0 ? undefined : n);
  return JSON.parse(
    JSON.stringify({
      metadata: { generation: 2 },
      spec: { replicas: s.spec },
      status: { observedGeneration: 2, replicas: s.replicas, readyReplicas: omit(s.ready), updatedReplicas: omit(s.updated), currentRevision: s.current, updateRevision: s.update },
    }),
  );
}

describe("broker autoscaling: canary await at the live count", () => {
  const ready = (annotation: string, obj: any) => waitForSatisfied(parseWaitFor(annotation), obj);

  it("puts the autoscaled form on the StatefulSet under a partition", () => {
    const cluster = resolveClusterArgs("rmq", autoscaled({ minReplicas: 3, maxReplicas: 9 }, { partition: 2 }));
    const broker = cluster.tiers.find((t) => t.name === "broker")!;
    const sts = statefulSetManifest({ cluster, tier: broker, configChecksum: "x", credentialsChecksum: "y" }) as any;
    assert.equal(sts.metadata.annotations[WAIT_FOR_ANNOTATION], rolloutWaitFor(3, 2, 9) as string);
    assert.match(sts.metadata.annotations[WAIT_FOR_ANNOTATION], /\$\.spec\.replicas/);
  });

  it("partition 2 of 9 at most: waits for every pod at or above 2 on the new revision, at whatever count the autoscaler set", () => {
    const w = rolloutWaitFor(3, 2, 9) as string;
    // 3 pods: one canary pod.
    assert.ok(!ready(w, live({ spec: 3, replicas: 3, ready: 3, updated: 0, current: "a", update: "b" })));
    assert.ok(ready(w, live({ spec: 3, replicas: 3, ready: 3, updated: 1, current: "a", update: "b" })));
    // 5 pods: three canary pods; two is not enough.
    assert.ok(!ready(w, live({ spec: 5, replicas: 5, ready: 5, updated: 2, current: "a", update: "b" })));
    assert.ok(ready(w, live({ spec: 5, replicas: 5, ready: 5, updated: 3, current: "a", update: "b" })));
    // The autoscaler asked for 6, the sixth pod is not there yet.
    assert.ok(!ready(w, live({ spec: 6, replicas: 5, ready: 5, updated: 3, current: "a", update: "b" })));
    // A pod not Ready.
    assert.ok(!ready(w, live({ spec: 5, replicas: 5, ready: 4, updated: 3, current: "a", update: "b" })));
  });

  it("a tier held at partition = maxReplicas completes once every pod is Ready, none updated", () => {
    const w = rolloutWaitFor(3, 9, 9) as string;
    assert.ok(ready(w, live({ spec: 7, replicas: 7, ready: 7, updated: 0, current: "a", update: "b" })));
    assert.ok(!ready(w, live({ spec: 7, replicas: 7, ready: 6, updated: 0, current: "a", update: "b" })));
    // A new StatefulSet under a partition: one revision, every pod on it.
    assert.ok(ready(w, live({ spec: 3, replicas: 3, ready: 3, updated: 3, current: "a", update: "a" })));
  });
});
