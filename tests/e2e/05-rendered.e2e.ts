// The rendered output on the real control plane, applied with exactly the commands README.md's
// "Five-minute start" shows (and the rendered README.md repeats): the Secret script with kubectl on
// PATH, the directory server-side, then the claim patches. A stack is named apart (robustmq:name)
// so it does not meet the prod stack still up in namespace robustmq; nothing else changes.
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { e2e } from "./context";
import { waitFor } from "./harness/processes";
import { applyCommands, RenderResult, ROOT, writeRendered } from "../../offline/render";
import { renderOptions } from "../offline/render-options";

const SECTION = "Rendered manifests applied as the README says";

function note(line: string): void {
  e2e().report.add(SECTION, `- ${line}`);
}

/** Runs one README command under bash, kubectl on PATH and the harness's admin kubeconfig (a deployer with cluster-admin). */
function sh(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { cp } = e2e();
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-c", command],
      { env: { ...process.env, PATH: `${path.dirname(cp.kubectl.binary)}:${process.env.PATH}`, KUBECONFIG: cp.kubeconfig }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof (err as any).code === "number" ? (err as any).code : 1, stdout, stderr }),
    );
  });
}

/** The commands of README's "Five-minute start" shell blocks, comments dropped. */
function readmeCommands(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("## Five-minute start");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split("\n"))
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l !== "");
}

/** Every Secret key the pod templates read (env secretKeyRef, secret volumes' items). */
function secretKeysRead(statefulSets: any[]): Array<{ where: string; secret: string; key: string }> {
  const out: Array<{ where: string; secret: string; key: string }> = [];
  for (const s of statefulSets) {
    const pod = s.spec.template.spec;
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref !== undefined && ref.optional !== true) out.push({ where: `${s.metadata.name}/${c.name} env ${e.name}`, secret: ref.name, key: ref.key });
      }
    }
    for (const v of pod.volumes ?? []) {
      for (const item of v.secret?.optional === true ? [] : (v.secret?.items ?? [])) {
        out.push({ where: `${s.metadata.name} volume ${v.name}`, secret: v.secret.secretName, key: item.key });
      }
    }
  }
  return out;
}

for (const stack of ["dev", "staging", "prod"]) {
  describe(`rendered ${stack}: README's commands on the real control plane`, function () {
    this.timeout(10 * 60 * 1000);
    const name = `rendered-${stack}`;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `e2e-${name}-`));
    const out = path.join(tmp, "rendered", stack);
    let result: RenderResult;

    before(async () => {
      // The repository's stack file, with only the cluster's name changed.
      const stackDir = path.join(tmp, "stacks");
      fs.mkdirSync(stackDir);
      const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
      doc.config["robustmq:name"] = name;
      fs.writeFileSync(path.join(stackDir, `Pulumi.${stack}.yaml`), YAML.stringify(doc));
      result = await writeRendered(stack, out, { ...renderOptions(stack), stackDir });
    });

    after(async () => {
      const { kubectl } = e2e().cp;
      await kubectl.run(["delete", "namespace", name, "--ignore-not-found", "--wait=false"]);
      for (const f of result?.files ?? []) {
        if (f.object.metadata.namespace === undefined && f.object.kind !== "Namespace") {
          await kubectl.run(["delete", f.object.kind.toLowerCase(), f.object.metadata.name, "--ignore-not-found"]);
        }
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    if (stack === "dev") {
      it("the README shows the commands the render prints, in order", () => {
        const shown = readmeCommands();
        const expected = [`npm run render -- dev`, ...applyCommands("rendered/dev", result)];
        assert.deepEqual(shown.filter((c) => expected.includes(c)), expected, `README's block: ${shown.join(" | ")}`);
      });
    }

    it("applies with them: every object admitted, Secret with every key the pods read, pods scheduled and Ready, claims Bound at the stack's size", async () => {
      const { kubectl } = e2e().cp;
      const dir = path.relative(process.cwd(), out).startsWith("..") ? out : path.relative(process.cwd(), out);
      const t = Date.now();
      for (const command of applyCommands(dir, result)) {
        const r = await sh(command);
        assert.equal(r.code, 0, `${command}: ${r.stderr}`);
      }
      const applied = Math.round((Date.now() - t) / 1000);
      // Every object, as the API server holds it.
      for (const f of [...result.files, ...result.claims]) {
        const o = f.object;
        const live = await kubectl.getOrUndefined(`${o.kind.toLowerCase()}.${o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : ""}`.replace(/\.$/, ""), o.metadata.name, o.metadata.namespace);
        assert.ok(live !== undefined, `${f.file} admitted`);
      }
      // The Secret has every key a pod reads: no CreateContainerConfigError (kwok starts no container, so this is read, not seen).
      const statefulSets = await kubectl.list("statefulsets", name);
      const secret = await kubectl.get("secret", `${name}-credentials`, name);
      const reads = secretKeysRead(statefulSets).filter((r) => r.secret === secret.metadata.name);
      assert.ok(reads.length > 0);
      for (const r of reads) {
        assert.ok(r.key in secret.data, `${r.where} reads key ${r.key}`);
      }
      assert.deepEqual(Object.keys(secret.data).sort(), [...result.secrets[0].keys].sort());
      // Pods scheduled and Ready, claims Bound at the rendered size.
      for (const s of statefulSets) {
        await waitFor(`StatefulSet ${s.metadata.name} Ready`, 180_000, async () => {
          const live = await kubectl.get("statefulset", s.metadata.name, name);
          return live.status.readyReplicas === live.spec.replicas ? true : undefined;
        });
      }
      const pods = await kubectl.list("pods", name);
      assert.ok(pods.every((p) => p.spec.nodeName !== undefined && p.status.phase === "Running"));
      for (const c of result.claims) {
        const claim = await waitFor(`claim ${c.object.metadata.name} Bound`, 120_000, async () => {
          const live = await kubectl.get("pvc", c.object.metadata.name, name);
          return live.status.phase === "Bound" ? live : undefined;
        });
        assert.equal(claim.spec.resources.requests.storage, c.object.spec.resources.requests.storage);
        assert.deepEqual(claim.spec.accessModes, ["ReadWriteOnce"]);
        // The second apply owns the size, as Pulumi's forced patch does.
        const managed = JSON.parse(await kubectl.ok(["get", "pvc", c.object.metadata.name, "-n", name, "-o", "json", "--show-managed-fields"])).metadata.managedFields;
        const sizeOwners = managed.filter((f: any) => JSON.stringify(f.fieldsV1 ?? {}).includes('"f:storage"') && f.operation === "Apply").map((f: any) => f.manager);
        assert.deepEqual(sizeOwners, ["kubectl"], `${c.object.metadata.name}: ${JSON.stringify(managed.map((f: any) => [f.manager, f.operation]))}`);
      }
      note(
        `${stack} (named ${name}, rendered/${stack} in a temp directory): \`${applyCommands(`rendered/${stack}`, result).join("`, `")}\` exited 0 in ${applied} s; ${result.files.length} objects and ${result.claims.length} claim patches admitted; ` +
          `Secret with ${Object.keys(secret.data).length} keys, every one of the ${reads.length} key references of the pod templates among them; ${pods.length} pods scheduled and Ready; ${result.claims.length} claims Bound at the rendered size, their size owned by kubectl's server-side apply`,
      );
    });

    it("runs again without a change: the Secret is left as it is, the applies succeed", async () => {
      const { kubectl } = e2e().cp;
      const before = await kubectl.get("secret", `${name}-credentials`, name);
      const dir = path.relative(process.cwd(), out).startsWith("..") ? out : path.relative(process.cwd(), out);
      const outputs: string[] = [];
      for (const command of applyCommands(dir, result)) {
        const r = await sh(command);
        assert.equal(r.code, 0, `${command}: ${r.stderr}`);
        outputs.push(r.stderr);
      }
      assert.match(outputs[0], /exists: left as it is/);
      const after = await kubectl.get("secret", `${name}-credentials`, name);
      assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
      note(`${stack}: the same commands again: exit 0, the Secret left as it was (resourceVersion unchanged)`);
    });
  });
}
