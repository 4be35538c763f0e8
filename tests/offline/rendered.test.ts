import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { MOCK_RANDOM_PREFIX } from "../../offline/mock-runtime";
import { leaveCountsToAutoscalers, renderStack, SECRET_PLACEHOLDER, writeRendered } from "../../offline/render";
import { validateManifest } from "../schema";

describe("render", () => {
  for (const stack of ["dev", "staging", "prod"]) {
    describe(stack, () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), `rendered-${stack}-`));
      let files: string[] = [];
      before(async () => {
        await writeRendered(stack, out);
        files = fs.readdirSync(out).filter((f) => f.endsWith(".yaml"));
      });
      after(() => fs.rmSync(out, { recursive: true, force: true }));

      it("writes one object per file, prefixed with its apply order", () => {
        assert.ok(files.length > 5);
        files.forEach((f, i) => assert.match(f, new RegExp(`^${String(i).padStart(2, "0")}-[a-z]+-[a-z0-9-]+\\.yaml$`)));
        assert.match(files[0], /-namespace-/);
        const kinds = files.map((f) => f.split("-")[1]);
        assert.ok(kinds.indexOf("configmap") < kinds.indexOf("statefulset"));
        assert.ok(kinds.lastIndexOf("statefulset") < kinds.indexOf("service", kinds.lastIndexOf("statefulset")));
      });

      it("writes only objects valid against the Kubernetes API schema", () => {
        for (const f of files) {
          const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(out, f), "utf8"));
          assert.equal(docs.length, 1, f);
          try {
            validateManifest(docs[0].toJS());
          } catch (e) {
            assert.fail(`${f}: ${e instanceof Error ? e.message : e}`);
          }
        }
      });

      it("never writes a secret value, and says how Secrets are handled", () => {
        assert.equal(files.some((f) => f.includes("-secret-")), false);
        for (const f of fs.readdirSync(out)) {
          const text = fs.readFileSync(path.join(out, f), "utf8");
          assert.equal(text.includes(MOCK_RANDOM_PREFIX), false, `${f} holds a generated secret`);
          assert.equal(text.includes(SECRET_PLACEHOLDER), false, `${f} holds a stack secret`);
          for (const published of ['"robustmq-change-me-in-production"', 'password = "admin"', 'default_password = "robustmq"']) {
            assert.equal(text.includes(published), false, `${f} holds a published default credential`);
          }
        }
        const note = fs.readFileSync(path.join(out, "SECRETS.md"), "utf8");
        assert.match(note, /robustmq-credentials/);
        assert.match(note, /admin-password\.toml/);
      });
    });
  }

  it("prod: writes the broker autoscaler and leaves the broker count to it, every other count as the program says", async () => {
    const { files } = await renderStack("prod");
    const hpa = files.find((f) => f.object.kind === "HorizontalPodAutoscaler");
    assert.ok(hpa, "the broker HorizontalPodAutoscaler is rendered");
    assert.deepEqual(hpa.object.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "StatefulSet", name: "robustmq-broker" });
    const sts = new Map<string, any>(files.filter((f) => f.object.kind === "StatefulSet").map((f) => [f.object.metadata.name, f.object]));
    assert.equal("replicas" in sts.get("robustmq-broker").spec, false);
    assert.deepEqual([sts.get("robustmq-meta").spec.replicas, sts.get("robustmq-engine").spec.replicas], [5, 3]);
    // The autoscaler comes after the StatefulSet it targets.
    const at = (kind: string, name: string) => files.findIndex((f) => f.object.kind === kind && f.object.metadata.name === name);
    assert.ok(at("StatefulSet", "robustmq-broker") < at("HorizontalPodAutoscaler", "robustmq-broker"));
  });

  it("leaves only an autoscaler's own target without a count", () => {
    const sts = (name: string, namespace = "mq") => ({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name, namespace }, spec: { replicas: 3 } });
    const objects: Array<Record<string, any>> = [
      sts("a"), sts("b"), sts("a", "other"),
      { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "a", namespace: "mq" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "a" } } },
    ];
    leaveCountsToAutoscalers(objects);
    assert.deepEqual(objects.slice(0, 3).map((o) => o.spec.replicas), [undefined, 3, 3]);
  });

  it("keeps stack secrets out of every file", async () => {
    // A stack with `secure:` values: they reach the Secret only.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "rendered-secure-"));
    const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), "rendered-stacks-"));
    fs.writeFileSync(path.join(stackDir, "Pulumi.rendertest.yaml"), "config:\n  robustmq:adminPassword:\n    secure: v1:abc\n  robustmq:mqttPassword:\n    secure: v1:def\n");
    try {
      const result = await writeRendered("rendertest", out, stackDir);
      assert.ok(result.secrets.length === 1);
      for (const f of fs.readdirSync(out)) {
        assert.equal(fs.readFileSync(path.join(out, f), "utf8").includes(SECRET_PLACEHOLDER), false, f);
      }
    } finally {
      fs.rmSync(stackDir, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
