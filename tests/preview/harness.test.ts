// The harness itself: the provider rules it encodes give the provider's known answers, options are
// captured with protect inheritance, and the args hook evaluates exactly what deployStack does.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { appliedOnUpdate, DEFAULT_PROVIDER_FLAGS, patternMatches, providerDiff, PULUMI_MANAGER } from "./k8s-rules";
import { withIgnoredMasked } from "../../offline/mock-runtime";
import { evaluate, evaluateProgram, plan, restarts, Snapshot } from "./harness";
import { evaluation } from "./scenarios";

const sts = (over: { storage?: string; annotation?: string; replicas?: number; partition?: number; serviceName?: string } = {}) => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "x", namespace: "ns" },
  spec: {
    replicas: over.replicas ?? 3,
    serviceName: over.serviceName ?? "x-headless",
    selector: { matchLabels: { app: "x" } },
    updateStrategy: over.partition === undefined ? { type: "RollingUpdate" } : { type: "RollingUpdate", rollingUpdate: { partition: over.partition } },
    template: { metadata: { annotations: { a: over.annotation ?? "1" } }, spec: { containers: [{ name: "c", image: "i" }] } },
    volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: over.storage ?? "1Gi" } } } }],
  },
});

describe("preview harness: Kubernetes provider rules", function () {
  const f = DEFAULT_PROVIDER_FLAGS;

  it("a StatefulSet's volumeClaimTemplates force a delete-before-replace (fixed name)", function () {
    const d = providerDiff(sts(), sts({ storage: "2Gi" }), f);
    assert.deepEqual(d.replaces, ["spec.volumeClaimTemplates[0].spec.resources.requests.storage"]);
    assert.equal(d.deleteBeforeReplace, true);
  });

  it("a StatefulSet's pod template and replicas update in place", function () {
    const d = providerDiff(sts(), sts({ annotation: "2", replicas: 5 }), f);
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(d.changed.sort(), ["spec.replicas", "spec.template.metadata.annotations.a"]);
    assert.equal(providerDiff(sts(), sts({ serviceName: "y" }), f).replaces.length, 1);
  });

  it("ConfigMap data replaces unless enableConfigMapMutable; immutable ones always", function () {
    const cm = (v: string, immutable?: boolean) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { k: v }, ...(immutable ? { immutable } : {}) });
    assert.deepEqual(providerDiff(cm("1"), cm("2"), f).replaces, ["data.k"]);
    assert.deepEqual(providerDiff(cm("1"), cm("2"), { ...f, enableConfigMapMutable: true }).replaces, []);
    assert.deepEqual(providerDiff(cm("1", true), cm("2", true), { ...f, enableConfigMapMutable: true }).replaces, ["data.k"]);
  });

  it("Secret stringData replaces unless enableSecretMutable; its type always", function () {
    const s = (v: string, type = "Opaque") => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, type, stringData: { k: v } });
    assert.deepEqual(providerDiff(s("1"), s("2"), f).replaces, ["stringData.k"]);
    assert.deepEqual(providerDiff(s("1"), s("2"), { ...f, enableSecretMutable: true }).replaces, []);
    assert.deepEqual(providerDiff(s("1"), s("1", "kubernetes.io/tls"), { ...f, enableSecretMutable: true }).replaces, ["type"]);
  });

  it("policy/v1 PodDisruptionBudgets update in place, policy/v1beta1 ones replace", function () {
    const pdb = (apiVersion: string, n: number) => ({ apiVersion, kind: "PodDisruptionBudget", metadata: { name: "p" }, spec: { maxUnavailable: n } });
    assert.deepEqual(providerDiff(pdb("policy/v1", 1), pdb("policy/v1", 2), f).replaces, []);
    assert.deepEqual(providerDiff(pdb("policy/v1beta1", 1), pdb("policy/v1beta1", 2), f).replaces, ["spec.maxUnavailable"]);
  });

  it("a renamed object is replaced create-before-delete; an unnamed (autonamed) one too", function () {
    const svc = (name?: string, port = 80) => ({ apiVersion: "v1", kind: "Service", metadata: name === undefined ? {} : { name }, spec: { ports: [{ port }] } });
    const renamed = providerDiff(svc("a"), svc("b"), f);
    assert.deepEqual([renamed.replaces, renamed.deleteBeforeReplace], [["metadata.name"], false]);
    assert.deepEqual(providerDiff(svc("a"), svc("a", 81), f).replaces, []);
    const clusterIp = (ip: string) => ({ ...svc("a"), spec: { clusterIP: ip } });
    assert.equal(providerDiff(clusterIp("10.0.0.1"), clusterIp("10.0.0.2"), f).deleteBeforeReplace, true);
  });

  it("ignoreChanges hides a change, replaceOnChanges forces a replacement", function () {
    assert.equal(providerDiff(sts(), sts({ storage: "2Gi" }), f, { ignoreChanges: ["spec.volumeClaimTemplates"] }).changes, false);
    assert.deepEqual(providerDiff(sts(), sts({ annotation: "2" }), f, { replaceOnChanges: ["spec.template"] }).replaces, ["spec.template.metadata.annotations.a"]);
  });

  it("an autoscaler's count: a diff without ignoreChanges, none with it", function () {
    assert.deepEqual(providerDiff(sts({ replicas: 7 }), sts(), f).changed, ["spec.replicas"]);
    assert.equal(providerDiff(sts({ replicas: 7 }), sts(), f, { ignoreChanges: ["spec.replicas"] }).changes, false);
  });

  it("an update applies an ignored field as the live value, or not at all when another manager owns it", function () {
    const program = sts({ replicas: 3, annotation: "2" });
    const live = sts({ replicas: 7 });
    const hpa = { "spec.replicas": ["kube-controller-manager"] };
    assert.equal(appliedOnUpdate(program, live, [], hpa).spec.replicas, 3, "without ignoreChanges the program's count is applied");
    assert.equal("replicas" in appliedOnUpdate(program, live, ["spec.replicas"], hpa).spec, false);
    assert.equal(appliedOnUpdate(program, live, ["spec.replicas"], { "spec.replicas": [PULUMI_MANAGER] }).spec.replicas, 7);
    // Shared with another manager: the provider's own still owns it, so the live value is sent.
    assert.equal(appliedOnUpdate(program, live, ["spec.replicas"], { "spec.replicas": ["kube-controller-manager", PULUMI_MANAGER] }).spec.replicas, 7);
    assert.equal(appliedOnUpdate(program, live, ["spec.replicas"], hpa).spec.template.metadata.annotations.a, "2", "everything else as the program says");
    assert.equal(program.spec.replicas, 3, "the inputs are not modified");
  });

  it("a forceNew pattern matches a change above it when the new value holds it (jsonpath over the patch)", function () {
    assert.ok(patternMatches(".spec.selector", ["spec"], { selector: {} }));
    assert.ok(!patternMatches(".spec.selector", ["spec"], { replicas: 1 }));
    assert.ok(patternMatches(".spec.containers[*].image", ["spec", "containers", 0, "image"], "i2"));
  });
});

describe("preview harness: plan, protect and restarts", function () {
  const snap = (objs: Array<{ name: string; inputs: any; protect?: boolean }>): Snapshot =>
    new Map(
      objs.map((o) => [
        o.name,
        { key: o.name, type: `kubernetes:x:${o.inputs.kind}`, name: o.name, custom: true, inputs: o.inputs, opts: { protect: o.protect ?? false, ignoreChanges: [], replaceOnChanges: [] } },
      ]),
    );

  it("refuses a replacement only when old and new are protected, a deletion when the old one is", function () {
    const before = snap([{ name: "s", inputs: sts(), protect: true }, { name: "gone", inputs: sts(), protect: true }]);
    const plans = plan(before, snap([{ name: "s", inputs: sts({ storage: "2Gi" }), protect: true }]), DEFAULT_PROVIDER_FLAGS);
    assert.deepEqual(plans.map((p) => [p.key, p.action, p.refused]), [["s", "replace", "replacement of a protected resource"], ["gone", "delete", "deletion of a protected resource"]]);
    const unprotected = plan(before, snap([{ name: "s", inputs: sts({ storage: "2Gi" }), protect: false }]), DEFAULT_PROVIDER_FLAGS);
    assert.equal(unprotected[0].refused, undefined);
  });

  it("a template change restarts the replicas above the partition; a scale-out restarts none", function () {
    const b = snap([{ name: "s", inputs: sts({ partition: 1 }) }]);
    const a = snap([{ name: "s", inputs: sts({ partition: 1, annotation: "2" }) }]);
    const r = restarts(b, a, plan(b, a, DEFAULT_PROVIDER_FLAGS));
    assert.deepEqual(r.map((x) => [x.pods, x.runningConfigChanged]), [[2, false]]);
    const scaled = snap([{ name: "s", inputs: sts({ replicas: 5 }) }]);
    const b2 = snap([{ name: "s", inputs: sts() }]);
    assert.deepEqual(restarts(b2, scaled, plan(b2, scaled, DEFAULT_PROVIDER_FLAGS)), []);
  });

  it("a template change rolls the live count when the count is ignored (an autoscaler's), the program's otherwise", function () {
    const live = snap([{ name: "s", inputs: sts({ replicas: 7 }) }]);
    const next = snap([{ name: "s", inputs: sts({ replicas: 3, annotation: "2" }) }]);
    assert.deepEqual(restarts(live, next, plan(live, next, DEFAULT_PROVIDER_FLAGS)).map((x) => x.pods), [3]);
    (next.get("s") as any).opts.ignoreChanges = ["spec.replicas"];
    assert.deepEqual(restarts(live, next, plan(live, next, DEFAULT_PROVIDER_FLAGS)).map((x) => x.pods), [7]);
  });

  it("records protect as the SDK resolves it: inherited only where the child's own option is undefined", async function () {
    const snapshot = await evaluateProgram(() => {
      class Parent extends pulumi.ComponentResource {
        constructor() {
          super("test:index:Parent", "p", {}, { protect: true });
          new k8s.core.v1.ConfigMap("inherits", { metadata: { name: "inherits" } }, { parent: this });
          new k8s.core.v1.ConfigMap("opts-out", { metadata: { name: "opts-out" } }, { parent: this, protect: false, deleteBeforeReplace: false });
        }
      }
      new Parent();
    });
    const byName = new Map([...snapshot.values()].map((o) => [o.name, o]));
    assert.equal(byName.get("p")?.opts.protect, true);
    assert.equal(byName.get("inherits")?.opts.protect, true);
    assert.equal(byName.get("opts-out")?.opts.protect, false);
    assert.equal(byName.get("opts-out")?.opts.deleteBeforeReplace, false);
    assert.equal(byName.get("inherits")?.parent, "test:index:Parent::p");
  });

  it("the args hook evaluates exactly what deployStack registers", async function () {
    const e = evaluation(undefined);
    const viaDeployStack = await evaluate(e);
    const viaHook = await evaluate({ ...e, mutateArgs: (a) => a });
    const comparable = (s: Snapshot) => [...s.entries()].map(([k, o]) => [k, { ...o, inputs: withIgnoredMasked(o.inputs, o.opts.ignoreChanges) }]);
    assert.deepEqual(comparable(viaHook), comparable(viaDeployStack));
  });
});
