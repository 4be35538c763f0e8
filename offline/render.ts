// Offline render: evaluates a stack's program under Pulumi's mock runtime and turns every Kubernetes
// object it registers into a manifest file. No cluster, no Pulumi CLI, no credentials needed.
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { deployStack } from "../stacks/program";
import { CONFIG_NAMESPACE } from "../stacks/config";
import { PATCH_FORCE_ANNOTATION, SKIP_AWAIT_ANNOTATION } from "../components/workload/volumes";
import { Registered, runWithMocks } from "./mock-runtime";
import { prerequisites, Prerequisites, prerequisitesText } from "./prerequisites";
import { secretScript } from "./secret-script";

export const ROOT = path.resolve(__dirname, "..");
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Stand-in for a `secure:` value: stack secrets cannot be decrypted without the Pulumi CLI. */
export const SECRET_PLACEHOLDER = "encrypted-in-stack-config-and-never-rendered";

export interface StackConfig {
  config: Record<string, string>;
  secretKeys: string[];
}

type SchemaType = "string" | "integer" | "boolean" | "array";

function schema(): Record<string, { type: SchemaType; items?: { type: SchemaType } }> {
  const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
  return project.config ?? {};
}

function typeOk(value: unknown, type: SchemaType, items?: { type: SchemaType }): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value) && (items === undefined || value.every((v) => typeOk(v, items.type)));
  }
}

/**
 * Reads <dir>/Pulumi.<stack>.yaml (dir: the project's stacks/ by default) as the Pulumi CLI would
 * hand it to the program (strings, JSON for other values), checking declared keys against
 * Pulumi.yaml's schema like the CLI does.
 */
export function loadStackConfig(stack: string, dir: string = path.join(ROOT, "stacks")): StackConfig {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(file)) {
    const stacks = fs
      .readdirSync(dir)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter(Boolean);
    throw new Error(`unknown stack "${stack}" (stacks in ${dir}: ${stacks.join(", ")})`);
  }
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
  const declared = schema();
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [fullKey, value] of Object.entries<unknown>(doc.config ?? {})) {
    const key = fullKey.startsWith(`${CONFIG_NAMESPACE}:`) ? fullKey.slice(CONFIG_NAMESPACE.length + 1) : undefined;
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      config[fullKey] = SECRET_PLACEHOLDER;
      secretKeys.push(fullKey);
      continue;
    }
    const decl = key === undefined ? undefined : declared[key];
    if (decl !== undefined && !typeOk(value, decl.type, decl.items)) {
      throw new Error(`${path.relative(process.cwd(), file)}: ${fullKey}: expected ${decl.type}${decl.items ? ` of ${decl.items.type}` : ""}, got ${JSON.stringify(value)}`);
    }
    config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { config, secretKeys };
}

/** Pulumi inputs to a plain manifest; a secret anywhere in it is a leak and stops the render. */
function plain(value: unknown, where: string): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => plain(v, `${where}[${i}]`));
  }
  if (value !== null && typeof value === "object") {
    if (SECRET_SIG_KEY in value) {
      throw new Error(`secret value found in ${where}: only Secret objects may hold secrets`);
    }
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v, `${where}.${k}`)]),
    );
  }
  return value;
}

export interface RenderedFile {
  /** Path inside the output directory: `<order>-<kind>-<name>.yaml`, or under CLAIMS_DIR. */
  file: string;
  object: Record<string, any>;
}

/**
 * Claim patches go to their own directory, applied in a second command after the StatefulSets:
 * `kubectl apply --server-side --force-conflicts` takes the size the StatefulSet controller owns,
 * which is what the Pulumi patch does with pulumi.com/patchForce (workload/volumes.ts).
 */
export const CLAIMS_DIR = "claims";
export const SECRET_SCRIPT = "create-secret.sh";
export const NOTES_FILE = "README.md";

export interface RenderOptions {
  /** Directory of Pulumi.<stack>.yaml (the project's stacks/ by default). */
  stackDir?: string;
  /**
   * The image the pods run, `<ref>@sha256:<digest>`, in place of the stack's imageBuild (a render
   * builds nothing) or its image.
   */
  image?: string;
}

export interface RenderResult {
  stack: string;
  /** Objects applied first, in order. */
  files: RenderedFile[];
  /** Claim patches, applied after the StatefulSets created the claims. */
  claims: RenderedFile[];
  /** Secrets left out of the output, for the script and the notes. */
  secrets: Array<{ name: string; namespace: string; keys: string[]; metadata: Record<string, unknown>; type?: string }>;
  prerequisites: Prerequisites;
  resources: Registered[];
  /** What makes the output unfit to apply as is (a stand-in image digest), shown first wherever it is read. */
  warnings: string[];
}

/** Order prefixes padded to the width of the count (at least 2 digits), so names sort in apply order. */
export function orderPrefixes(count: number): string[] {
  const width = Math.max(2, String(Math.max(count - 1, 0)).length);
  return Array.from({ length: count }, (_, i) => String(i).padStart(width, "0"));
}

const IMAGE_BY_DIGEST = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

/**
 * A stack that builds its image renders a stand-in digest (the mock runtime builds nothing) that
 * no registry holds: applied as is, its pods stay in ImagePullBackOff. The render still writes the
 * stack, so it can be read and reviewed, and flags the stand-in wherever a user looks (the output's
 * README.md first, the render's own output); `--image` gives the image that was built and pushed.
 */
function withImage(stack: string, config: Record<string, string>, image: string | undefined): { config: Record<string, string>; warnings: string[] } {
  const buildKey = `${CONFIG_NAMESPACE}:imageBuild`;
  if (image !== undefined) {
    if (!IMAGE_BY_DIGEST.test(image)) {
      throw new Error(`--image ${image}: give the image by digest, <ref>@sha256:<64 hex digits>`);
    }
    const out: Record<string, string> = { ...config, [`${CONFIG_NAMESPACE}:image`]: image };
    delete out[buildKey];
    return { config: out, warnings: [] };
  }
  if (config[buildKey] !== undefined) {
    const build = JSON.parse(config[buildKey]);
    const repo = [build.registry?.address, build.repository].filter(Boolean).join("/") || "<registry>/<repository>";
    return {
      config,
      warnings: [
        `NOT DEPLOYABLE AS IS: stack "${stack}" builds its image (${CONFIG_NAMESPACE}:imageBuild), which a render cannot do, so its StatefulSets name a stand-in digest no registry holds. ` +
          `Build and push it (\`pulumi up\` does, or docker buildx with docker/Dockerfile), then render with its digest: npm run render -- ${stack} --image ${repo}@sha256:<digest>`,
      ],
    };
  }
  return { config, warnings: [] };
}

/**
 * Evaluates a stack's program under the mock runtime: every resource it registers, a built image
 * with a stand-in digest (mock-runtime.ts). For tests of the program; output goes through renderStack.
 */
export async function evaluateStack(stack: string, options: RenderOptions = {}, config?: Record<string, string>) {
  const loaded = loadStackConfig(stack, options.stackDir);
  return runWithMocks(() => deployStack(), { config: config ?? loaded.config, secretKeys: loaded.secretKeys, stack });
}

export async function renderStack(stack: string, options: RenderOptions = {}): Promise<RenderResult> {
  const { config, warnings } = withImage(stack, loadStackConfig(stack, options.stackDir).config, options.image);
  const { resources, result } = await evaluateStack(stack, options, config);
  const plan = new Map(result.cluster.plan.map((p, i) => [p.name, { index: i, feature: p.feature }]));
  const kube = resources.filter((r) => r.type.startsWith("kubernetes:"));
  const missing = kube.filter((r) => !plan.has(r.name)).map((r) => r.name);
  if (missing.length > 0) {
    throw new Error(`objects registered outside the apply order: ${missing.join(", ")}`);
  }
  kube.sort((a, b) => plan.get(a.name)!.index - plan.get(b.name)!.index);
  const main: Array<{ object: Record<string, any>; feature?: string }> = [];
  const patches: Array<Record<string, any>> = [];
  const secrets: RenderResult["secrets"] = [];
  for (const r of kube) {
    if (r.inputs.kind === "Secret") {
      const keysOf = (d: Record<string, any> | undefined) => (d === undefined ? [] : Object.keys(SECRET_SIG_KEY in d ? d.value : d));
      const keys = [...keysOf(r.inputs.stringData), ...keysOf(r.inputs.data)];
      const { name, namespace, ...metadata } = plain(r.inputs.metadata, `${r.name}.metadata`) as Record<string, any>;
      secrets.push({ name, namespace, keys, metadata, type: r.inputs.type });
      continue;
    }
    const object = plain(r.inputs, r.name) as Record<string, any>;
    if (r.type.endsWith(":PersistentVolumeClaimPatch")) {
      // Pulumi's instructions for its own patch; the second apply command says the same.
      const annotations = { ...object.metadata.annotations };
      delete annotations[PATCH_FORCE_ANNOTATION];
      delete annotations[SKIP_AWAIT_ANNOTATION];
      object.metadata = { ...object.metadata, annotations };
      if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
      patches.push(object);
    } else {
      main.push({ object, feature: plan.get(r.name)!.feature });
    }
  }
  leaveCountsToAutoscalers(main.map((m) => m.object));
  const named = (objects: Array<Record<string, any>>, dir?: string) => {
    const prefixes = orderPrefixes(objects.length);
    return objects.map((object, i) => ({ file: path.posix.join(dir ?? "", `${prefixes[i]}-${String(object.kind).toLowerCase()}-${object.metadata.name}.yaml`), object }));
  };
  return {
    stack,
    files: named(main.map((m) => m.object)),
    claims: named(patches, CLAIMS_DIR),
    secrets,
    prerequisites: prerequisites([...main, ...patches.map((object) => ({ object }))]),
    resources,
    warnings,
  };
}

/**
 * A workload a HorizontalPodAutoscaler targets is written without spec.replicas. Pulumi keeps the
 * count in its inputs and ignores it after creation (features/autoscaling.ts); a manifest has no
 * "after creation", and kubectl apply or a GitOps sync of a count would scale the tier back on
 * every apply. Without it a new workload starts at 1 pod and the autoscaler raises it to
 * minReplicas at its next sync, with no metric needed below the floor.
 */
export function leaveCountsToAutoscalers(objects: Array<Record<string, any>>): void {
  for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler")) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const ns = hpa.metadata?.namespace;
    const target = objects.find((o) => o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.metadata?.name === ref.name && o.metadata?.namespace === ns);
    if (target?.spec !== undefined) {
      delete target.spec.replicas;
    }
  }
}

/** The commands that apply a rendered directory, in order (README.md's "Five-minute start" shows the same). */
export function applyCommands(dir: string, result: Pick<RenderResult, "secrets" | "claims">): string[] {
  return [
    ...(result.secrets.length === 0 ? [] : [`bash ${dir}/${SECRET_SCRIPT}`]),
    `kubectl apply --server-side -f ${dir}/`,
    ...(result.claims.length === 0 ? [] : [`kubectl apply --server-side --force-conflicts -f ${dir}/${CLAIMS_DIR}/`]),
  ];
}

export function notes(result: RenderResult, dir: string): string {
  const lines = [
    `# Stack "${result.stack}", rendered`,
    "",
    ...result.warnings.flatMap((w) => [`**${w}**`, ""]),
    "Apply, in this order:",
    "",
    "```sh",
    ...applyCommands(dir, result),
    "```",
    "",
  ];
  if (result.secrets.length > 0) {
    lines.push(
      `1. \`${SECRET_SCRIPT}\` creates the namespace and the credentials Secret, which is not rendered: no secret value is ever`,
      "   written to disk. It draws each value or reads it from the environment (see its header), and",
      "   leaves an existing Secret as it is. Or create the Secret yourself (sealed-secrets,",
      "   external-secrets) with these keys; `.toml` keys hold the value as a TOML string literal,",
      '   quotes included (`"s3cret"`): RobustMQ splices env overrides into its config as raw TOML.',
      ...result.secrets.map((s) => `   ${s.namespace}/${s.name}: ${s.keys.map((k) => `\`${k}\``).join(", ")}.`),
    );
  }
  lines.push("2. Every object, server-side (one object per file, named in apply order).");
  if (result.claims.length > 0) {
    lines.push(
      `3. \`${CLAIMS_DIR}/\`: each pod's data claim at the stack's size, after the StatefulSets created them; the`,
      "   StatefulSet controller owns the size, hence `--force-conflicts` (docs/DAY-2.md, \"Growing volumes\").",
    );
  }
  lines.push("", "## Prerequisites", "", ...prerequisitesText(result.prerequisites), "");
  return lines.join("\n");
}

export async function writeRendered(stack: string, outDir = path.join(ROOT, "rendered", stack), options: RenderOptions = {}): Promise<RenderResult> {
  const result = await renderStack(stack, options);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(outDir, CLAIMS_DIR), { recursive: true });
  for (const f of [...result.files, ...result.claims]) {
    fs.writeFileSync(path.join(outDir, f.file), YAML.stringify(f.object, { lineWidth: 0 }));
  }
  for (const s of result.secrets) {
    const namespaceFile = result.files.find((f) => f.object.kind === "Namespace" && f.object.metadata.name === s.namespace)?.file;
    fs.writeFileSync(path.join(outDir, SECRET_SCRIPT), secretScript({ stack, ...s, namespaceFile }), { mode: 0o755 });
  }
  const shown = path.relative(process.cwd(), outDir) || ".";
  fs.writeFileSync(path.join(outDir, NOTES_FILE), notes(result, shown.startsWith("..") ? outDir : shown));
  return result;
}
