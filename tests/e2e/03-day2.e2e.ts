// Day-2 features on the real API server: the meta scale-in guard (a ValidatingAdmissionPolicy)
// against `kubectl scale` and `pulumi preview`, claims grown in place (and the API server's
// refusals during preview), the HorizontalPodAutoscaler owning the broker count through a
// refreshed `up`, and a canary partition that `up` completes under.
import { strict as assert } from "assert";
import { deployedStack, e2e } from "./context";
import { NO_RESIZE_PROVISIONER } from "./harness/kwok-stages";
import { changes, drift, E2EStack } from "./harness/pulumi";
import { waitFor } from "./harness/processes";
import { renderStack } from "../../offline/render";
import { renderOptions } from "../offline/render-options";
import { e2eStackConfig, SECRETS, stackProgram } from "./stacks";

const NAMESPACE = "robustmq";
const SECTION = "Day-2 checks on the real API server";

/** prod's config as 02-changes left it (engine volumes grown to 300Gi), with `edit` applied. */
const prodConfig = (edit?: (c: Record<string, any>) => void) =>
  e2eStackConfig("prod", (c) => {
    c.engineStorageSize = "300Gi";
    edit?.(c);
  });

async function upTo(stack: E2EStack, edit?: (c: Record<string, any>) => void): Promise<void> {
  await stack.configure(prodConfig(edit), SECRETS);
  await stack.up(stackProgram);
}

function note(line: string): void {
  e2e().report.add(SECTION, `- ${line}`);
}

const firstLine = (s: string) => s.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";

describe("day-2 on the real API server", function () {
  this.timeout(20 * 60 * 1000);

  describe("meta scale-in guard", () => {
    const scale = (n: number) => e2e().cp.kubectl.run(["-n", NAMESPACE, "scale", "statefulset/robustmq-meta", `--replicas=${n}`]);
    const metaReady = (n: number) =>
      waitFor(`StatefulSet robustmq-meta at ${n} Ready pods`, 180_000, async () => {
        const s = await e2e().cp.kubectl.get("statefulset", "robustmq-meta", NAMESPACE);
        return s.spec.replicas === n && (s.status.readyReplicas ?? 0) === n ? true : undefined;
      });

    it("refuses `kubectl scale` 5 -> 2 with its message, allows 5 -> 4 -> 5", async () => {
      const refused = await scale(2);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /meta tier scale-in from 5 to 2 would stop a majority of the Raft voters/);
      note(`\`kubectl scale statefulset/robustmq-meta --replicas=2\` (from 5): refused: \`${firstLine(refused.stderr)}\``);
      for (const n of [4, 5]) {
        const r = await scale(n);
        assert.equal(r.code, 0, r.stderr);
        await metaReady(n);
      }
      note("`kubectl scale` 5 -> 4 and 4 -> 5: allowed");
    });

    it("allows a full stop with `kubectl scale --replicas=0` and the way back (a Scale of 0 carries no replicas field)", async () => {
      for (const n of [0, 5]) {
        const r = await scale(n);
        assert.equal(r.code, 0, `scale to ${n}: ${r.stderr}`);
        await metaReady(n);
      }
      note("`kubectl scale` 5 -> 0 and 0 -> 5 (the documented full stop): allowed");
    });

    it("refuses a scale-in the program asks for when `pulumi preview` dry-runs it (7 -> 3; the program refuses even counts itself)", async () => {
      const stack = deployedStack("prod");
      await upTo(stack, (c) => (c.metaReplicas = 7));
      await stack.configure(prodConfig((c) => (c.metaReplicas = 3)), SECRETS);
      const r = await stack.previewOrError(stackProgram);
      assert.ok("error" in r, "the preview fails");
      assert.match(r.error, /meta tier scale-in from 7 to 3 would stop a majority of the Raft voters/);
      note(`\`pulumi preview\` with metaReplicas 7 -> 3: fails during the provider's dry-run: \`${(/ValidatingAdmissionPolicy[^\n]*?voters/.exec(r.error) ?? /meta tier scale-in[^\n]*?voters/.exec(r.error) ?? [""])[0]}\``);
      // Two at a time is allowed: back to 5.
      await upTo(stack);
      const back = await stack.preview(stackProgram);
      assert.deepEqual(changes(back.steps).map((s) => s.urn), []);
    });
  });

  describe("volumes", () => {
    it("grew the engine claims in place: 300Gi requested and provisioned, the claim template still 200Gi", async () => {
      const { kubectl } = e2e().cp;
      for (let i = 0; i < 3; i++) {
        const c = await kubectl.get("pvc", `data-robustmq-engine-${i}`, NAMESPACE);
        assert.equal(c.spec.resources.requests.storage, "300Gi");
        assert.equal(c.status.capacity.storage, "300Gi");
      }
      const sts = await kubectl.get("statefulset", "robustmq-engine", NAMESPACE);
      assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "200Gi");
      note("engine claims grown 200Gi -> 300Gi by their PersistentVolumeClaimPatches, no pod restarted (02), StatefulSet's claim template untouched");
    });

    it("refuses a shrink during `pulumi preview`, with the API server's message", async () => {
      const stack = deployedStack("prod");
      await stack.configure(prodConfig((c) => (c.engineStorageSize = "250Gi")), SECRETS);
      const r = await stack.previewOrError(stackProgram);
      assert.ok("error" in r, "the preview fails");
      const message = /spec\.resources\.requests\.storage: Forbidden: [^\n"]*/.exec(r.error)?.[0];
      assert.ok(message !== undefined, r.error);
      assert.match(message, /field can not be less than status\.capacity/);
      note(`engineStorageSize 300Gi -> 250Gi: \`pulumi preview\` fails: \`${message}\``);
      await stack.configure(prodConfig(), SECRETS);
    });

    it("while an expansion is pending, any size above the capacity is accepted: the claim never shrinks, but nothing refuses", async () => {
      const { kubectl } = e2e().cp;
      const ns = "e2e-pending-expansion";
      await kubectl.ok(["create", "namespace", ns]);
      await kubectl.apply({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "e2e-no-resize" }, provisioner: NO_RESIZE_PROVISIONER, allowVolumeExpansion: true, volumeBindingMode: "WaitForFirstConsumer" });
      await kubectl.apply({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: ns }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "e2e-no-resize", resources: { requests: { storage: "200Gi" } } } });
      await kubectl.apply({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "user", namespace: ns },
        spec: { containers: [{ name: "c", image: "registry.example.com/none:1" }], volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }] },
      });
      await waitFor("claim data Bound", 120_000, async () => ((await kubectl.get("pvc", "data", ns)).status?.phase === "Bound" ? true : undefined));
      const resize = (size: string) => kubectl.run(["-n", ns, "patch", "pvc", "data", "--type=merge", "-p", JSON.stringify({ spec: { resources: { requests: { storage: size } } } })]);
      assert.equal((await resize("300Gi")).code, 0);
      const lower = await resize("250Gi");
      assert.equal(lower.code, 0, `300Gi -> 250Gi while pending: ${lower.stderr}`);
      const below = await resize("150Gi");
      assert.notEqual(below.code, 0);
      assert.match(below.stderr, /field can not be less than status\.capacity/);
      const c = await kubectl.get("pvc", "data", ns);
      assert.equal(c.status.capacity.storage, "200Gi");
      note(`a pending expansion (capacity 200Gi): 200Gi -> 300Gi accepted, 300Gi -> 250Gi accepted, 250Gi -> 150Gi refused: \`${firstLine(below.stderr)}\``);
      await kubectl.ok(["delete", "namespace", ns, "--wait=false"]);
      await kubectl.ok(["delete", "storageclass", "e2e-no-resize"]);
    });

    it("growth on a class without volume expansion (dev's local-path): the preview plans it, the `up` is refused by the API server", async () => {
      const { pulumi, cp } = e2e();
      const stack = await E2EStack.create(pulumi, "dev-growth", stackProgram);
      const dev = (size: string) => e2eStackConfig("dev", (c) => Object.assign(c, { name: "rmq-dev", storageSize: size }));
      await stack.configure(dev("2Gi"), SECRETS);
      await stack.up();
      await stack.configure(dev("3Gi"), SECRETS);
      // The provider answers a preview whose dry-run is Forbidden with the planned object
      // (provider.go Update), and the admission plugin's refusal is a Forbidden.
      const preview = await stack.previewOrError();
      assert.ok(!("error" in preview), "the preview passes");
      assert.deepEqual(changes(preview.steps).map((s) => `${s.op} ${s.type.split(":").pop()}/${s.name}`), ["update PersistentVolumeClaimPatch/data-rmq-dev-combined-0"]);
      let error = "";
      try {
        await stack.up();
      } catch (e) {
        error = (e as Error).message;
      }
      const message = /persistentvolumeclaims "[^"]+" is forbidden: [^\n"]*/.exec(error)?.[0];
      assert.ok(message !== undefined, error);
      assert.match(message, /only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize/);
      assert.equal((await cp.kubectl.get("pvc", "data-rmq-dev-combined-0", "rmq-dev")).spec.resources.requests.storage, "2Gi");
      note(`dev (local-path, no expansion) storageSize 2Gi -> 3Gi: \`pulumi preview\` plans the claim patch (the provider hides a Forbidden dry-run); \`pulumi up\` fails on it: \`${message}\``);
      await stack.configure(dev("2Gi"), SECRETS);
      await stack.destroy();
      await cp.kubectl.ok(["delete", "namespace", "rmq-dev", "--ignore-not-found", "--wait=false"]);
    });
  });

  describe("broker autoscaling", () => {
    it("the HorizontalPodAutoscaler takes the broker count; a refresh records it and the next `up` leaves it alone", async () => {
      const stack = deployedStack("prod");
      const { kubectl } = e2e().cp;
      await upTo(stack, (c) => (c.brokerAutoscaling.minReplicas = 5));
      const owned = await waitFor("the HPA scaling robustmq-broker to its new floor of 5", 180_000, async () => {
        const s = JSON.parse(await kubectl.ok(["get", "statefulset", "robustmq-broker", "-n", NAMESPACE, "-o", "json", "--show-managed-fields"]));
        return s.spec.replicas === 5 && s.status.readyReplicas === 5 ? s : undefined;
      });
      const managers = (owned.metadata.managedFields ?? [])
        .filter((f: any) => JSON.stringify(f.fieldsV1 ?? {}).includes('"f:replicas"'))
        .map((f: any) => `${f.manager}${f.subresource ? `/${f.subresource}` : ""}`);
      const refresh = await stack.refresh();
      const refreshed = Object.entries(drift(refresh)).map(([op, n]) => `${op} ${n}`);
      const preview = await stack.preview(stackProgram);
      assert.deepEqual(changes(preview.steps).map((s) => s.urn), [], "nothing planned after the refresh");
      await stack.up(stackProgram);
      const after = await kubectl.get("statefulset", "robustmq-broker", NAMESPACE);
      assert.equal(after.spec.replicas, 5, "the up left the autoscaler's count");
      assert.ok(managers.some((m: string) => m.endsWith("/scale")), `the autoscaler's write through the scale subresource owns spec.replicas: ${managers.join(", ")}`);
      note(`brokerAutoscaling.minReplicas 3 -> 5: the HPA scaled robustmq-broker to 5 (spec.replicas managed by ${managers.join(", ")}); \`pulumi refresh\`: ${refreshed.length === 0 ? "no change" : refreshed.join(", ")} in the state; the next preview planned nothing and \`up\` kept 5 brokers`);
    });
  });

  describe("GitOps: the rendered autoscaled StatefulSet", () => {
    it("has no spec.replicas, so Kubernetes starts it at 1 until the autoscaler's first sync raises it to the floor", async () => {
      const { kubectl } = e2e().cp;
      const ns = "e2e-gitops";
      const { files } = await renderStack("prod", renderOptions("prod"));
      const pick = (kind: string, name: string): Record<string, any> => {
        const o = files.map((f) => f.object).find((x) => x.kind === kind && x.metadata.name === name);
        assert.ok(o !== undefined, `rendered prod has ${kind}/${name}`);
        return o;
      };
      const sts = pick("StatefulSet", "robustmq-broker");
      const hpa = pick("HorizontalPodAutoscaler", "robustmq-broker");
      assert.equal(sts.spec.replicas, undefined, "the render leaves the count to the autoscaler");
      await kubectl.ok(["create", "namespace", ns]);
      for (const o of [hpa, sts]) {
        await kubectl.apply({ ...o, metadata: { ...o.metadata, namespace: ns } });
      }
      const start = Date.now();
      const first = (await kubectl.get("statefulset", "robustmq-broker", ns)).spec.replicas;
      const floor = hpa.spec.minReplicas;
      await waitFor(`the HPA raising the rendered robustmq-broker to ${floor}`, 120_000, async () => ((await kubectl.get("statefulset", "robustmq-broker", ns)).spec.replicas === floor ? true : undefined), 250);
      const seconds = Math.round((Date.now() - start) / 1000);
      assert.equal(first, 1);
      note(`rendered prod broker StatefulSet (no spec.replicas) and its HPA applied server-side: spec.replicas ${first} for ${seconds} s, then ${floor} (the autoscaler's first sync; Kubernetes defaults a missing count to 1)`);
      await kubectl.ok(["delete", "namespace", ns, "--wait=false"]);
    });
  });

  describe("canary roll-out", () => {
    it("`pulumi up` completes under a meta partition, with the canary pods on the new image and the others on the old", async () => {
      const stack = deployedStack("prod");
      const { kubectl } = e2e().cp;
      const image = (tag: string) => `ghcr.io/robustmq/robustmq:${tag}`;
      const t = Date.now();
      await upTo(stack, (c) => {
        c.brokerAutoscaling.minReplicas = 5;
        c.metaPartition = 3;
        c.imageBuild.version = "v0.4.13";
        delete c.imageBuild.gitSha;
      });
      const images = async () =>
        Object.fromEntries((await kubectl.list("pods", NAMESPACE, "app.kubernetes.io/component=meta")).map((p) => [p.metadata.name, p.spec.containers[0].image]));
      const canary = await images();
      assert.deepEqual(canary, {
        "robustmq-meta-0": image("v0.4.11-8bd49dc"),
        "robustmq-meta-1": image("v0.4.11-8bd49dc"),
        "robustmq-meta-2": image("v0.4.11-8bd49dc"),
        "robustmq-meta-3": image("v0.4.13"),
        "robustmq-meta-4": image("v0.4.13"),
      });
      note(`metaPartition 3 with a new image: \`pulumi up\` completed in ${Math.round((Date.now() - t) / 1000)} s with meta-3 and meta-4 on the new image, meta-0..2 on the old`);
      await upTo(stack, (c) => {
        c.brokerAutoscaling.minReplicas = 5;
        c.imageBuild.version = "v0.4.13";
        delete c.imageBuild.gitSha;
      });
      assert.ok(Object.values(await images()).every((i) => i === image("v0.4.13")));
      note("metaPartition back to 0: `pulumi up` completed with every meta pod on the new image");
    });
  });
});
