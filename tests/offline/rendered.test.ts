import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { MOCK_RANDOM_PREFIX } from "../../offline/mock-runtime";
import { applyCommands, CLAIMS_DIR, leaveCountsToAutoscalers, NOTES_FILE, notes, orderPrefixes, renderStack, SECRET_PLACEHOLDER, SECRET_SCRIPT, writeRendered } from "../../offline/render";
import { validateManifest } from "../schema";
import { BUILT_IMAGE, renderOptions } from "./render-options";
import { CREDENTIALS } from "../../components/rmq/credentials";
import { credentialEnvVar } from "../../offline/secret-script";


describe("render", () => {
  for (const stack of ["dev", "staging", "prod"]) {
    describe(stack, () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), `rendered-${stack}-`));
      let files: string[] = [];
      let claims: string[] = [];
      before(async () => {
        await writeRendered(stack, out, renderOptions(stack));
        files = fs.readdirSync(out).filter((f) => f.endsWith(".yaml"));
        claims = fs.readdirSync(path.join(out, CLAIMS_DIR)).map((f) => path.join(CLAIMS_DIR, f));
      });
      after(() => fs.rmSync(out, { recursive: true, force: true }));

      it("writes one object per file, prefixed with its apply order; the claim patches apart, for the second apply", () => {
        assert.ok(files.length > 5);
        files.forEach((f, i) => assert.match(f, new RegExp(`^${String(i).padStart(2, "0")}-[a-z]+-[a-z0-9-]+\\.yaml$`)));
        assert.match(files[0], /-namespace-/);
        const kinds = files.map((f) => f.split("-")[1]);
        assert.ok(kinds.indexOf("configmap") < kinds.indexOf("statefulset"));
        assert.ok(kinds.lastIndexOf("statefulset") < kinds.indexOf("service", kinds.lastIndexOf("statefulset")));
        assert.equal(kinds.includes("persistentvolumeclaim"), false, "no claim in the first apply");
        assert.deepEqual(fs.readdirSync(out).sort(), [...files, CLAIMS_DIR, NOTES_FILE, SECRET_SCRIPT].sort());
        assert.ok(claims.length > 0);
        for (const c of claims) {
          const claim = YAML.parse(fs.readFileSync(path.join(out, c), "utf8"));
          assert.equal(claim.kind, "PersistentVolumeClaim");
          // The whole spec: should the patch reach the API server first, it creates the claim the controller would.
          assert.deepEqual(claim.spec.accessModes, ["ReadWriteOnce"], c);
          assert.ok(claim.spec.resources.requests.storage, c);
          assert.equal(claim.metadata.annotations, undefined, `${c}: Pulumi's patch annotations mean nothing to kubectl`);
        }
      });

      it("says in its README.md how to apply it and what the cluster needs", () => {
        const readme = fs.readFileSync(path.join(out, NOTES_FILE), "utf8");
        const rel = path.relative(process.cwd(), out);
        const dir = rel.startsWith("..") ? out : rel;
        assert.ok(readme.includes(["```sh", `bash ${dir}/${SECRET_SCRIPT}`, `kubectl apply --server-side -f ${dir}/`, `kubectl apply --server-side --force-conflicts -f ${dir}/${CLAIMS_DIR}/`, "```"].join("\n")), readme);
        // dev's one meta pod has no scale-in guard, so nothing in it needs more than the pod-index label.
        assert.match(readme, stack === "dev" ? /Kubernetes >= 1\.28/ : /Kubernetes >= 1\.30/);
        assert.equal(/validatingadmissionpolicies\.admissionregistration\.k8s\.io/.test(readme), stack !== "dev");
        assert.equal(/CRD `/.test(readme), stack !== "dev", "staging and prod name their CRDs, dev has none");
      });

      it("writes only objects valid against the Kubernetes API schema", () => {
        for (const f of [...files, ...claims]) {
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
        for (const f of [...fs.readdirSync(out).filter((f) => f !== CLAIMS_DIR), ...claims]) {
          const text = fs.readFileSync(path.join(out, f), "utf8");
          assert.equal(text.includes(MOCK_RANDOM_PREFIX), false, `${f} holds a generated secret`);
          assert.equal(text.includes(SECRET_PLACEHOLDER), false, `${f} holds a stack secret`);
          for (const published of ['"robustmq-change-me-in-production"', 'password = "admin"', 'default_password = "robustmq"']) {
            assert.equal(text.includes(published), false, `${f} holds a published default credential`);
          }
        }
        const note = fs.readFileSync(path.join(out, NOTES_FILE), "utf8");
        assert.match(note, /robustmq\/robustmq-credentials: `admin-password`, `admin-password\.toml`/);
      });

      it("every Secret key a pod reads is one the credentials Secret or a cert-manager Certificate's Secret has (no CreateContainerConfigError)", async () => {
        const { files: objects, secrets } = await renderStack(stack, renderOptions(stack));
        // cert-manager writes a Certificate's Secret with these keys.
        const issued = objects
          .filter((f) => f.object.kind === "Certificate")
          .map((f) => ({ name: f.object.spec.secretName, namespace: f.object.metadata.namespace, keys: ["tls.crt", "tls.key", "ca.crt"] }));
        const refs = secretReferences(objects.map((f) => f.object));
        assert.ok(refs.length > 0);
        for (const r of refs) {
          const s = [...secrets, ...issued].find((x) => x.name === r.secret && x.namespace === r.namespace);
          assert.ok(s !== undefined && s.keys.includes(r.key), `${r.where} reads ${r.namespace}/${r.secret} key ${r.key}`);
        }
      });
    });
  }

  it("prod: writes the broker autoscaler and leaves the broker count to it, every other count as the program says", async () => {
    const { files } = await renderStack("prod", renderOptions("prod"));
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
      const result = await writeRendered("rendertest", out, { stackDir });
      assert.ok(result.secrets.length === 1);
      for (const f of fs.readdirSync(out, { recursive: true }) as string[]) {
        if (fs.statSync(path.join(out, f)).isDirectory()) continue;
        assert.equal(fs.readFileSync(path.join(out, f), "utf8").includes(SECRET_PLACEHOLDER), false, f);
      }
    } finally {
      fs.rmSync(stackDir, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("renders a stack with the runtime sync: plan, ledger claim, Job and CronJob, valid manifests, no Secret without users", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "rendered-sync-"));
    const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), "rendered-stacks-"));
    const acls = [{ name: "deny-guest", resourceType: "User", resourceName: "guest", action: "Publish", permission: "Deny" }];
    fs.writeFileSync(path.join(stackDir, "Pulumi.synctest.yaml"), YAML.stringify({ config: { "robustmq:mqttAcls": acls, "robustmq:runtimeSync": { reconcileSchedule: "*/30 * * * *" } } }));
    try {
      const result = await writeRendered("synctest", out, { stackDir });
      const objects = result.files.map((f) => f.object);
      const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      for (const k of ["ConfigMap/robustmq-runtime-sync", "PersistentVolumeClaim/robustmq-runtime-ledger", "CronJob/robustmq-reconcile"]) {
        assert.ok(kinds.includes(k), `${k} in ${kinds.join(", ")}`);
      }
      assert.ok(kinds.some((k) => /^Job\/robustmq-sync-[0-9a-f]{10}$/.test(k)));
      // The Job comes after every StatefulSet and Service in the apply order.
      const last = (kind: string) => Math.max(...objects.map((o, i) => (o.kind === kind ? i : -1)));
      assert.ok(kinds.findIndex((k) => k.startsWith("Job/")) > Math.max(last("StatefulSet"), last("Service")));
      assert.deepEqual(result.secrets.map((s) => s.name), ["robustmq-credentials"]);
      for (const o of objects) {
        validateManifest(o);
      }
    } finally {
      fs.rmSync(stackDir, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("flags a stack that builds its image as not deployable until given the built image by digest: a stand-in digest names no image", async () => {
    for (const stack of ["staging", "prod"]) {
      const flagged = await renderStack(stack);
      assert.equal(flagged.warnings.length, 1);
      assert.match(flagged.warnings[0], /^NOT DEPLOYABLE AS IS: stack "\w+" builds its image \(robustmq:imageBuild\).*npm run render -- \w+ --image registry\.example\.com\/platform\/robustmq@sha256:<digest>/);
      const text = notes(flagged, `rendered/${stack}`);
      assert.ok(text.split("\n").slice(0, 4).some((l) => l.includes("NOT DEPLOYABLE AS IS")), "the output's README.md says it first");
    }
    await assert.rejects(renderStack("prod", { image: "registry.example.com/platform/robustmq:v0.4.11" }), /give the image by digest/);
    const { files, prerequisites, warnings } = await renderStack("prod", { image: BUILT_IMAGE });
    assert.deepEqual(warnings, []);
    const images = files.filter((f) => f.object.kind === "StatefulSet").map((f) => f.object.spec.template.spec.containers[0].image);
    assert.deepEqual([...new Set(images)], [BUILT_IMAGE]);
    assert.ok(prerequisites.images.includes(BUILT_IMAGE));
    // dev runs a published image: --image pins it.
    const dev = await renderStack("dev", { image: BUILT_IMAGE });
    assert.equal(dev.files.find((f) => f.object.kind === "StatefulSet")!.object.spec.template.spec.containers[0].image, BUILT_IMAGE);
  });

  it("README's Five-minute start shows the commands the render prints for dev, in order", async () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const start = readme.indexOf("## Five-minute start");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const shown = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n")).map((l) => l.replace(/\s+#.*$/, "").trim());
    const expected = ["npm run render -- dev", ...applyCommands("rendered/dev", await renderStack("dev"))];
    assert.deepEqual(shown.filter((c) => expected.includes(c)), expected);
    // The variables create-secret.sh reads, as README names them.
    for (const spec of CREDENTIALS) {
      assert.ok(readme.includes(`\`${credentialEnvVar(spec)}\``), credentialEnvVar(spec));
    }
  });

  it("order prefixes sort in apply order at any count (at least 2 digits)", () => {
    assert.deepEqual(orderPrefixes(3), ["00", "01", "02"]);
    assert.deepEqual(orderPrefixes(100).slice(-2), ["98", "99"]);
    for (const n of [1, 10, 11, 100, 101, 150, 1000, 1001]) {
      const p = orderPrefixes(n);
      const names = p.map((x) => `${x}-configmap-a.yaml`);
      assert.deepEqual([...names].sort(), names, `${n} objects`);
      assert.equal(new Set(p.map((x) => x.length)).size, 1);
    }
    assert.equal(orderPrefixes(101)[0], "000");
  });
});

/** Every Secret key a pod template reads: env valueFrom, envFrom (whole Secret: no key), secret volumes' items. */
function secretReferences(objects: Array<Record<string, any>>): Array<{ where: string; namespace: string; secret: string; key: string }> {
  const out: Array<{ where: string; namespace: string; secret: string; key: string }> = [];
  for (const o of objects) {
    const pod = o.spec?.template?.spec;
    if (pod === undefined) continue;
    const ns = o.metadata.namespace;
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref !== undefined && ref.optional !== true) out.push({ where: `${o.kind}/${o.metadata.name} ${c.name} env ${e.name}`, namespace: ns, secret: ref.name, key: ref.key });
      }
    }
    for (const v of pod.volumes ?? []) {
      for (const s of [v.secret, ...(v.projected?.sources ?? []).map((p: any) => p.secret && { ...p.secret, secretName: p.secret.name })].filter(Boolean)) {
        for (const item of s.items ?? []) {
          if (s.optional !== true) out.push({ where: `${o.kind}/${o.metadata.name} volume ${v.name}`, namespace: ns, secret: s.secretName, key: item.key });
        }
      }
    }
  }
  return out;
}
