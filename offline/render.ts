// Offline render: evaluates a stack's program under Pulumi's mock runtime and turns every Kubernetes
// object it registers into a manifest file. No cluster, no Pulumi CLI, no credentials needed.
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { deployStack } from "../stacks/program";
import { CONFIG_NAMESPACE } from "../stacks/config";
import { Registered, runWithMocks } from "./mock-runtime";

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
  file: string;
  object: Record<string, any>;
}

export interface RenderResult {
  files: RenderedFile[];
  /** Secrets left out of the output, for the notes file. */
  secrets: Array<{ name: string; namespace: string; keys: string[] }>;
  resources: Registered[];
}

export async function renderStack(stack: string, stackDir?: string): Promise<RenderResult> {
  const { config, secretKeys } = loadStackConfig(stack, stackDir);
  const { resources, result } = await runWithMocks(() => deployStack(), { config, secretKeys, stack });
  const order = new Map(result.cluster.plan.map((p, i) => [p.name, i]));
  const kube = resources.filter((r) => r.type.startsWith("kubernetes:"));
  const missing = kube.filter((r) => !order.has(r.name)).map((r) => r.name);
  if (missing.length > 0) {
    throw new Error(`objects registered outside the apply order: ${missing.join(", ")}`);
  }
  kube.sort((a, b) => (order.get(a.name) as number) - (order.get(b.name) as number));
  const files: RenderedFile[] = [];
  const secrets: RenderResult["secrets"] = [];
  for (const r of kube) {
    if (r.inputs.kind === "Secret") {
      const keysOf = (d: Record<string, any> | undefined) => (d === undefined ? [] : Object.keys(SECRET_SIG_KEY in d ? d.value : d));
      const keys = [...keysOf(r.inputs.stringData), ...keysOf(r.inputs.data)];
      secrets.push({ name: r.inputs.metadata.name, namespace: r.inputs.metadata.namespace, keys });
      continue;
    }
    const object = plain(r.inputs, r.name) as Record<string, any>;
    const seq = String(files.length).padStart(2, "0");
    files.push({ file: `${seq}-${String(object.kind).toLowerCase()}-${object.metadata.name}.yaml`, object });
  }
  leaveCountsToAutoscalers(files.map((f) => f.object));
  return { files, secrets, resources };
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

export function secretsNote(stack: string, secrets: RenderResult["secrets"]): string {
  const lines = [
    `# Secrets of stack "${stack}" (not rendered)`,
    "",
    "No secret value is ever written here. `pulumi up` creates these Secrets itself; to apply this",
    "directory without Pulumi (GitOps), create them first, e.g. with sealed-secrets or external-secrets.",
    "Keys ending in `.toml` hold the same value as a TOML string literal, quotes included",
    '(`"s3cret"`): RobustMQ splices env overrides into its config as raw TOML.',
    "",
  ];
  for (const s of secrets) {
    lines.push(`## ${s.namespace}/${s.name}`, "", ...s.keys.map((k) => `- \`${k}\``), "");
  }
  return lines.join("\n");
}

export async function writeRendered(stack: string, outDir = path.join(ROOT, "rendered", stack), stackDir?: string): Promise<RenderResult> {
  const result = await renderStack(stack, stackDir);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of result.files) {
    fs.writeFileSync(path.join(outDir, f.file), YAML.stringify(f.object, { lineWidth: 0 }));
  }
  fs.writeFileSync(path.join(outDir, "SECRETS.md"), secretsNote(stack, result.secrets));
  return result;
}
