// The README's Python and Go programs (examples/python, examples/go), run for real: the component
// provider started as the nodejs language host would start it, its schema read by the real CLI,
// SDKs from Pulumi's own generators, each program deployed by the real engine onto the control
// plane, its state compared with the same program in TypeScript, then destroyed.
//
// What this machine cannot have, and what stands in its place:
// - pulumi-language-python and pulumi-language-go (and pulumi-language-nodejs): the Go module proxy
//   answers 403 for every version. Programs run as Automation API inline programs (the CLI with
//   --client, the program hosted by the language's own SDK); `pulumi package add` cannot run (it
//   asks the language host to generate the SDK), so e2e/tools/pulumi/sdkgen calls the generators
//   the hosts call, and the SDK is installed the way the host's Link step would (pip install from
//   requirements.txt, go.mod's replace).
// - the random provider: every credential is given (config secrets), so none is generated.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { e2e } from "./context";
import { cli, E2EStack, installPlugin } from "./harness/pulumi";
import { waitFor } from "./harness/processes";
import { differences, exportState, isEngineResource, Registered, registered, StateResource } from "./languages/state";
import { buildGo, generateSdk, getSchema, PackageSchema, PLUGIN, projectCopy, pythonVenv, RunnerResult, runInline, sdkDirName, writeLauncher } from "./languages/toolchain";
import { EXAMPLE_NAMESPACE, typescriptProgram } from "./languages/typescript-program";
import { SECRETS } from "./stacks";
import { ROOT } from "./harness/tools";

const NS = EXAMPLE_NAMESPACE;
const RUN_TIMEOUT = 10 * 60 * 1000;

// kind's default StorageClass ("standard", rancher.io/local-path, WaitForFirstConsumer): the
// examples name no class, as a kind user's program would not; kwok's stages provision for it.
const KIND_DEFAULT_CLASS = {
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
  provisioner: "rancher.io/local-path",
  reclaimPolicy: "Delete",
  volumeBindingMode: "WaitForFirstConsumer",
};

const seconds = (s: number) => `${s.toFixed(1)} s`;
const counts = (summary: Record<string, number>) =>
  Object.entries(summary)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");

/** kubectl's name for an object's kind at its apiVersion ("statefulset.v1.apps", "secret"). */
function kubectlResource(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return group === "" ? kind.toLowerCase() : `${kind.toLowerCase()}.${version}.${group}`;
}

interface Exercise {
  up(): Promise<RunnerResult>;
  state(): Promise<StateResource[]>;
  destroy(): Promise<RunnerResult>;
}

describe("other languages: the README's Python and Go programs through the component provider", function () {
  this.timeout(40 * 60 * 1000);
  let dir = "";
  let schemaFile = "";
  let schema: PackageSchema;
  let sdkName = "";
  let reference: { registered: Map<string, Registered>; outputs: Record<string, unknown> } | undefined;
  const rows: string[][] = [];
  const notes: string[] = [];

  before(async () => {
    const { pulumi, cp, workDir } = e2e();
    dir = path.join(workDir, "languages");
    const defaults = (await cp.kubectl.list("storageclasses")).filter((c) => c.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    assert.deepEqual(defaults.map((c) => c.metadata.name), [], "no default StorageClass before this file adds kind's");
    await cp.kubectl.apply(KIND_DEFAULT_CLASS);
    const launcher = writeLauncher(dir);
    schemaFile = path.join(dir, "schema.json");
    const t = Date.now();
    schema = await getSchema(pulumi, launcher, schemaFile);
    notes.push(`- schema: \`pulumi package get-schema\` on the component provider, ${seconds((Date.now() - t) / 1000)}: package \`${schema.name}\` ${schema.version}, namespace \`${schema.namespace ?? "(none)"}\`, ${Object.keys(schema.resources).length} resources, ${Object.keys(schema.types).length} types`);
    // The generated SDKs ask the engine for the schema's version (respectSchemaVersion).
    await installPlugin(pulumi, PLUGIN, schema.version, launcher);
    sdkName = sdkDirName(schema);
  });

  after(async () => {
    const { pulumi, cp, report } = e2e();
    report.table("Other languages", ["language", "up", "destroy", "resources (engine's own)", "equal to TypeScript"], rows);
    report.add("Other languages", ...notes);
    // The plugin points into this run's scratch directory; the shared PULUMI_HOME keeps no trace of it.
    await cli(pulumi, ["plugin", "rm", "resource", PLUGIN, schema?.version ?? "", "--yes", "--non-interactive"], ROOT).catch(() => undefined);
    await cp.kubectl.ok(["delete", "storageclass", KIND_DEFAULT_CLASS.metadata.name, "--ignore-not-found"]);
  });

  /**
   * retainVolumes (the default) keeps the namespace and the claims in it; the next program deploys
   * into the same namespace, so the harness removes them, and the volumes they held. Returns how
   * many volumes it deleted.
   */
  async function clearNamespace(after: string): Promise<number> {
    const { kubectl } = e2e().cp;
    await kubectl.ok(["delete", "namespace", NS, "--ignore-not-found", "--wait=false"]);
    await waitFor(`namespace ${NS} gone after ${after}`, 180_000, async () => ((await kubectl.getOrUndefined("namespace", NS)) === undefined ? true : undefined));
    const volumes = (await kubectl.list("persistentvolumes")).filter((v) => v.spec.claimRef?.namespace === NS).map((v) => v.metadata.name);
    if (volumes.length > 0) {
      await kubectl.ok(["delete", "persistentvolume", ...volumes, "--wait=false"]);
      await waitFor(`the volumes of ${NS}'s claims gone after ${after}`, 120_000, async () => ((await kubectl.list("persistentvolumes")).some((v) => volumes.includes(v.metadata.name)) ? undefined : true));
    }
    return volumes.length;
  }

  /**
   * Up, state, live checks, destroy, cleanup; the comparison with TypeScript is asserted last, so a
   * difference still leaves the namespace clean for the next language, and so does a failure
   * (destroyed then as far as the engine can).
   */
  async function exercise(language: string, ops: Exercise): Promise<void> {
    const { kubectl } = e2e().cp;
    let destroyed = false;
    let diffs: string[] = [];
    try {
      const up = await ops.up();
      const state = await ops.state();
      const objects = state.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
      const statefulSets = objects.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet").map((r) => (r.outputs as any).metadata.name as string);
      assert.deepEqual(statefulSets.length, 3, `${language}: a split cluster has three StatefulSets`);
      const live = await kubectl.list("statefulsets", NS);
      assert.deepEqual(live.map((s) => s.metadata.name).sort(), [...statefulSets].sort(), `${language}: the StatefulSets in ${NS} are the program's`);
      for (const s of live) {
        assert.equal(s.status.readyReplicas, s.spec.replicas, `${language}: ${s.metadata.name} Ready`);
      }
      const mine = registered(state);
      // Kept with the run's logs (a failed run keeps them): what was compared, and the raw state.
      fs.writeFileSync(path.join(dir, `${language}-state.json`), JSON.stringify(state, null, 2));
      fs.writeFileSync(path.join(dir, `${language}-registered.json`), JSON.stringify(Object.fromEntries(mine), null, 2));
      const engine = state.filter(isEngineResource).map((r) => r.type);
      if (reference === undefined) {
        reference = { registered: mine, outputs: up.outputs };
      } else {
        diffs = differences(reference.registered, mine);
        const a = JSON.stringify(reference.outputs);
        const b = JSON.stringify(up.outputs);
        if (a !== b) {
          diffs.push(`stack outputs: ${b}, TypeScript's ${a}`);
        }
      }

      const destroy = await ops.destroy();
      destroyed = true;
      assert.deepEqual((await ops.state()).map((r) => r.urn), [], `${language}: the state holds nothing after destroy`);
      const kept = new Map<string, number>();
      for (const r of objects) {
        const o = r.outputs as any;
        const args = ["get", kubectlResource(o.apiVersion, o.kind), o.metadata.name, "--ignore-not-found", "-o", "name", ...(o.metadata.namespace ? ["-n", o.metadata.namespace] : [])];
        const found = (await kubectl.ok(args)).trim() !== "";
        if (r.retainOnDelete) {
          kept.set(o.kind, (kept.get(o.kind) ?? 0) + 1);
        } else {
          assert.equal(found, false, `${language}: ${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name} deleted by destroy`);
        }
      }
      const volumes = await clearNamespace(`${language}'s destroy`);

      const equal = reference.registered === mine ? "(reference)" : diffs.length === 0 ? "yes" : `no (${diffs.length} differences)`;
      rows.push([language, `${seconds(up.seconds)} (${counts(up.summary)})`, `${seconds(destroy.seconds)} (${counts(destroy.summary)})`, `${mine.size} (${engine.sort().join(", ")})`, equal]);
      notes.push(`- ${language}: outputs ${JSON.stringify(up.outputs)}; kept after destroy by retainOnDelete: ${[...kept].map(([kind, n]) => `${n} ${kind}`).join(", ") || "nothing"}; ${volumes} volumes of retained claims deleted with the namespace`);
      if (diffs.length > 0) {
        notes.push(`- ${language} differs from TypeScript:`, ...diffs.map((d) => `  - ${d}`));
      }
    } catch (e) {
      rows.push([language, "failed", "", "", ""]);
      if (!destroyed) {
        await ops.destroy().catch((d: Error) => notes.push(`- ${language}: the destroy after the failure failed too: ${d.message.split("\n")[0]}`));
      }
      await clearNamespace(`${language}'s failure`).catch(() => undefined);
      throw e;
    }
    assert.deepEqual(diffs, [], `${language} registers what the TypeScript program registers`);
  }

  it("the CLI reads the schema from the component provider: both components, at package.json's version", () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
    assert.equal(schema.version, version);
    assert.deepEqual(Object.keys(schema.resources).sort(), ["robustmq:index:RobustMQCluster", "robustmq:index:RobustMQImage"]);
    // The examples' go.mod and requirements.txt name the SDK where `pulumi package add` puts it.
    assert.match(fs.readFileSync(path.join(ROOT, "examples", "go", "go.mod"), "utf8"), new RegExp(`=> \\./sdks/${sdkName}\\n`));
    assert.match(fs.readFileSync(path.join(ROOT, "examples", "python", "requirements.txt"), "utf8"), new RegExp(`^sdks/${sdkName}$`, "m"));
  });

  it("TypeScript: the same program with the component in-process deploys; its state is the reference", async () => {
    const { pulumi } = e2e();
    const stack = await E2EStack.create(pulumi, "languages-typescript", async () => typescriptProgram());
    await stack.configure({}, SECRETS);
    const timed = async (f: () => Promise<{ summary: Record<string, number> }>, outputs?: () => Promise<Record<string, unknown>>): Promise<RunnerResult> => {
      const t = Date.now();
      const r = await f();
      return { action: "", seconds: (Date.now() - t) / 1000, summary: r.summary, outputs: outputs === undefined ? {} : await outputs() };
    };
    await exercise("TypeScript", {
      up: () => timed(() => stack.up(), () => stack.outputs()),
      state: async () => JSON.parse(await stack.cli(["stack", "export", "--show-secrets"])).deployment.resources ?? [],
      destroy: () => timed(() => stack.destroy()),
    });
  });

  it("Python: examples/python with the generated SDK deploys through the provider and registers what TypeScript does", async function () {
    if (reference === undefined) {
      this.skip();
    }
    const { pulumi, tools } = e2e();
    const sdk = path.join(dir, "sdks", "python");
    generateSdk(tools, schemaFile, "python", sdk);
    const project = projectCopy("python", path.join(dir, "python-project"), sdk, sdkName);
    const t = Date.now();
    const { python, cached } = pythonVenv(tools, project, sdkName, path.join(pulumi.logDir, "python-venv.log"));
    notes.push(`- Python: venv with pulumi==${tools.pulumiVersion} and the SDK (pip install -r requirements.txt) ${cached ? "found in the cache" : `built in ${seconds((Date.now() - t) / 1000)}`}`);
    const runner = path.join(ROOT, "tests", "e2e", "languages", "python", "run_inline.py");
    const run = (action: "up" | "destroy") => runInline(pulumi, "Python", python, [runner], { action, project, stack: "languages-python", secrets: SECRETS, dir, timeoutMs: RUN_TIMEOUT });
    await exercise("Python", { up: () => run("up"), state: () => exportState(pulumi, project, "languages-python"), destroy: () => run("destroy") });
  });

  it("Go: examples/go builds as committed against the generated SDK, deploys through the provider and registers what TypeScript does", async function () {
    if (reference === undefined) {
      this.skip();
    }
    const { pulumi, tools } = e2e();
    const sdk = path.join(dir, "sdks", "go");
    generateSdk(tools, schemaFile, "go", sdk);
    const project = projectCopy("go", path.join(dir, "go-project"), sdk, sdkName);
    const t = Date.now();
    const runner = buildGo(project, path.join(dir, "go-runner"), sdkName, dir, path.join(pulumi.logDir, "go-build.log"));
    notes.push(`- Go: examples/go built (go build, go.mod and go.sum as committed) and the runner compiled in ${seconds((Date.now() - t) / 1000)}`);
    const run = (action: "up" | "destroy") =>
      runInline(pulumi, "Go", runner, ["-test.run", "^TestInlineStack$", "-test.v", "-test.timeout", `${RUN_TIMEOUT / 1000}s`], { action, project, stack: "languages-go", secrets: SECRETS, dir, timeoutMs: RUN_TIMEOUT + 30_000 });
    await exercise("Go", { up: () => run("up"), state: () => exportState(pulumi, project, "languages-go"), destroy: () => run("destroy") });
  });
});
