// Each stack through the real CLI on the real control plane: preview, up to completion, a second
// preview with nothing to do, a refresh with no drift, and (dev, staging) destroy. prod stays up for
// the routine changes and day-2 checks that follow, and is torn down last (99-teardown).
import { strict as assert } from "assert";
import { e2e, registerStack } from "./context";
import { changes, drift, E2EStack, RunResult } from "./harness/pulumi";
import { waitFor } from "./harness/processes";
import { identity, modelSnapshot } from "./model";
import { e2eStackConfig, SECRETS, stackProgram, STACKS } from "./stacks";

const NAMESPACE = "robustmq";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const summary = (r: RunResult) =>
  Object.entries(r.summary)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");

async function claims(): Promise<any[]> {
  return e2e().cp.kubectl.list("persistentvolumeclaims", NAMESPACE);
}

for (const name of STACKS) {
  describe(`stack ${name}: the real CLI on the real control plane`, function () {
    this.timeout(20 * 60 * 1000);
    let stack: E2EStack;
    const row: Record<string, string> = {};

    before(async () => {
      const { pulumi } = e2e();
      stack = await E2EStack.create(pulumi, name, stackProgram);
      await stack.configure(e2eStackConfig(name), SECRETS);
      registerStack(name, stack);
    });

    after(() => {
      e2e().report.add(`Stacks`, `- **${name}**: ${Object.entries(row).map(([k, v]) => `${k}: ${v}`).join("; ")}`);
    });

    it("previews exactly the objects the program registers under mocks, all to be created", async () => {
      const t = Date.now();
      const r = await stack.preview();
      row.preview = `${seconds(Date.now() - t)} (${summary(r)})`;
      // The stack and the default provider are the engine's own resources, not the program's.
      const real = changes(r.steps)
        .filter((s) => s.op === "create" && !s.type.startsWith("pulumi:"))
        .map((s) => identity(s.type, s.name));
      const model = [...(await modelSnapshot(name, e2eStackConfig(name))).values()].map((o) => identity(o.type, o.name));
      assert.deepEqual([...real].sort(), [...model].sort(), "the engine plans the objects the mock runtime records");
      assert.deepEqual(
        changes(r.steps).filter((s) => s.op !== "create" && !s.type.startsWith("pulumi:")),
        [],
      );
    });

    it("`pulumi up` completes: every StatefulSet Ready, every claim Bound, Services and Ingress with their addresses", async () => {
      const t = Date.now();
      const r = await stack.up();
      row.up = `${seconds(Date.now() - t)} (${summary(r)})`;
      const { kubectl } = e2e().cp;
      for (const sts of await kubectl.list("statefulsets", NAMESPACE)) {
        assert.equal(sts.status.readyReplicas, sts.spec.replicas, `${sts.metadata.name} ready`);
        assert.equal(sts.status.currentRevision, sts.status.updateRevision, `${sts.metadata.name} rolled out`);
      }
      const unbound = (await claims()).filter((c) => c.status.phase !== "Bound").map((c) => c.metadata.name);
      assert.deepEqual(unbound, []);
      const pods = await kubectl.list("pods", NAMESPACE);
      assert.ok(pods.length > 0 && pods.every((p) => p.status.phase === "Running"));
      row.pods = String(pods.length);
      if (name === "dev") {
        // The README's kind path: dev's up owes nothing to this harness's stand-ins for a load
        // balancer or an ingress controller, which plain kind does not have.
        const services = await kubectl.list("services", NAMESPACE);
        assert.deepEqual(services.filter((s) => s.spec.type === "LoadBalancer").map((s) => s.metadata.name), []);
        assert.deepEqual(await kubectl.list("ingresses", NAMESPACE), []);
        row["what plain kind lacks"] = "none used (no LoadBalancer, no Ingress)";
      }
    });

    it("a second preview plans no change", async () => {
      const r = await stack.preview();
      assert.deepEqual(
        changes(r.steps).map((s) => `${s.op} ${s.urn} ${s.diffs.join(",")}`),
        [],
      );
      row["second preview"] = summary(r);
    });

    it("`pulumi refresh` finds no drift", async () => {
      const t = Date.now();
      const r = await stack.refresh();
      row.refresh = `${seconds(Date.now() - t)} (${summary(r)})`;
      assert.deepEqual(drift(r), {}, "the refresh changed nothing in the state");
      // And what refresh read back plans nothing either.
      const p = await stack.preview();
      assert.deepEqual(
        changes(p.steps).map((s) => `${s.op} ${s.urn} ${s.diffs.join(",")}`),
        [],
      );
    });

    if (name !== "prod") {
      it("`pulumi destroy` removes the cluster; claims stay where retainVolumes says so", async () => {
        const before = (await claims()).map((c) => c.metadata.name).sort();
        const t = Date.now();
        const r = await stack.destroy();
        row.destroy = `${seconds(Date.now() - t)} (${summary(r)})`;
        const { kubectl } = e2e().cp;
        const retain = e2eStackConfig(name)["robustmq:retainVolumes"] !== false;
        if (retain) {
          const kept = await claims();
          assert.deepEqual(kept.map((c) => c.metadata.name).sort(), before, "every claim kept, in the namespace kept for them");
          assert.deepEqual((await kubectl.list("pods", NAMESPACE)).length, 0);
          row["claims kept"] = String(kept.length);
          // A new `up` takes the kept claims back: the same volumes under the same pods.
          const volumes = Object.fromEntries(kept.map((c) => [c.metadata.name, c.spec.volumeName]));
          await stack.up();
          const again = await claims();
          assert.deepEqual(Object.fromEntries(again.map((c) => [c.metadata.name, c.spec.volumeName])), volumes, "the same volumes");
          await stack.destroy();
          row["claims taken back by a new up"] = String(again.length);
        } else {
          await waitFor(`the claims of ${name} deleted with the cluster`, 120_000, async () => ((await kubectl.getOrUndefined("namespace", NAMESPACE)) === undefined ? true : undefined));
          row["claims kept"] = "0 (namespace deleted)";
        }
        assert.equal((await kubectl.list("statefulsets", NAMESPACE)).length, 0);
      });

      after(async () => {
        // The next stack deploys into the same namespace: the harness removes what was kept.
        const { kubectl } = e2e().cp;
        await kubectl.ok(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"]);
        await waitFor(`namespace ${NAMESPACE} gone`, 180_000, async () => ((await kubectl.getOrUndefined("namespace", NAMESPACE)) === undefined ? true : undefined));
      });
    }
  });
}
